"""The graph that ``langgraph.json`` serves: the agent built from the ``PERTOUCH_*`` settings.

LangGraph's tools (``langgraph dev``, LangGraph Server) load ``pertouch/deployment.py:graph``. It
is built on first access, not on import, so importing this module (or the graph package) builds
nothing and creates no folder. The checkpointer is the server's own: LangGraph Server persists
threads itself, so this graph is compiled without one.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def served_graph() -> Any:
    """The agent with the services :class:`~pertouch.services.Settings` names, built once."""
    from langgraph.checkpoint.memory import InMemorySaver

    from pertouch.graph.graph import build_graph
    from pertouch.graph.state import state_serializer
    from pertouch.services import Settings, open_services

    services = open_services(
        Settings.from_env(), checkpointer=InMemorySaver(serde=state_serializer())
    )
    return build_graph(
        model=services.model,
        fallback=services.fallback,
        segmenter=services.segmenter,
        renderer=services.renderer,
        memory=services.memory,
        store=services.store,
        scale=services.scale,
    )


def __getattr__(name: str) -> Any:
    if name == "graph":
        return served_graph()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
