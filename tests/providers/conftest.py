import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the bundled model must load without a network
