"""``python -m pertouch.cli``: the same command as ``pertouch``."""

from pertouch.cli import main

raise SystemExit(main())
