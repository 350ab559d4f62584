"""PerTouch: a photo retoucher you talk to.

The package is layered (see DESIGN.md): ``core`` holds the adjustment contract and image math,
``backbone`` the renderers, and the agent parts build on them. Importing ``pertouch`` is cheap:
heavy dependencies load inside the modules that need them.
"""

from pertouch.core.errors import PerTouchError

__all__ = ["PerTouchError", "retouch"]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # ``retouch`` pulls in LangGraph and the models; load it on first use, not on import.
    if name == "retouch":
        from pertouch.api import retouch

        return retouch
    raise AttributeError(f"module 'pertouch' has no attribute {name!r}")
