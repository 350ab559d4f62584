"""``python -m pertouch.cli``: the same command as ``pertouch``."""

from pertouch.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
