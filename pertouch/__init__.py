"""PerTouch: a photo retoucher you talk to.

The package is layered (see DESIGN.md): ``core`` holds the adjustment contract and image math,
``backbone`` the renderers, and the agent parts build on them. Importing ``pertouch`` is cheap:
heavy dependencies load inside the modules that need them.
"""

from pertouch.core.errors import PerTouchError

__all__ = ["PerTouchError"]
__version__ = "0.1.0"
