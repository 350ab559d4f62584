"""The graph that ``langgraph.json`` serves: the agent built from the ``PERTOUCH_*`` settings.

LangGraph's tools (``langgraph dev``, LangGraph Server) load ``pertouch/deployment.py:graph``. It
is built on first access, not on import, so importing this module (or the graph package) builds
nothing and creates no folder. It keeps threads in memory; LangGraph Server puts its own
persistence in place of that.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def served_graph() -> Any:
    """The agent with the services :class:`~pertouch.settings.Settings` names, built once."""
    from langgraph.checkpoint.memory import InMemorySaver

    from pertouch.graph.state import state_serializer
    from pertouch.services import Settings, open_services

    saver = InMemorySaver(serde=state_serializer())
    return open_services(Settings.from_env(), checkpointer=saver).graph


def __getattr__(name: str) -> Any:
    if name == "graph":
        return served_graph()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
