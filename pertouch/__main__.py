"""``python -m pertouch``: the same command as ``pertouch``."""

from pertouch.cli import main

raise SystemExit(main())
