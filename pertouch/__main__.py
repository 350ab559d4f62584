"""``python -m pertouch``: the same command as ``pertouch``."""

from pertouch.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
