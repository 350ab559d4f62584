"""The agent that ``langgraph.json`` serves to remote clients (``langgraph dev``, LangGraph Server).

The server calls :func:`graph` (a graph factory) for every run and every read of a thread, with
the run's configuration, so each run may choose its chat model, renderer and memory:

    client.runs.wait(thread_id, "pertouch", input={"instruction": ..., "photo": data_url},
                     context={"model": "openai:gpt-4o", "image": "full"})

A choice is checked as the command line checks it (:class:`~pertouch.settings.Settings`), and
against what the server allows (``PERTOUCH_SERVED_MODELS``, ``PERTOUCH_SERVED_MEMORIES``: a client
spends the server's API key and writes its disk). Each agent is built once and kept; they share the
segmenter pool, the image store and the level scale. The graph is the served one
(``build_graph(served=True)``): photos arrive as data or URLs, never paths on the server's disk,
and a run returns :class:`~pertouch.graph.state.ServedOutput` with the result image as data.
Nothing is built on import; the server's own checkpointer replaces the in-memory one.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import fields
from functools import cache
from typing import TYPE_CHECKING, Any

from pertouch.settings import Settings, SettingsError, default_memory_location

if TYPE_CHECKING:
    from langchain_core.runnables import RunnableConfig
    from langgraph.graph.state import CompiledStateGraph

    from pertouch.services import Services

#: Agents (one per model, renderer and memory chosen) kept built at once.
KEPT_AGENTS = 8
#: The run options this module reads; the rest of the context is the graph's.
CHOICES = ("model", "renderer", "memory")
#: What a run's ``memory`` says to run without one.
NO_MEMORY = "none"


async def graph(config: RunnableConfig) -> CompiledStateGraph[Any, Any, Any, Any]:
    """The served agent for this run's ``model``, ``renderer`` and ``memory`` (from its context
    or ``configurable``; absent ones keep the server's settings).

    The server awaits this on its event loop, so the building (files, models) runs in a worker
    thread; once built, an agent is returned from memory.
    """
    options = dict((config or {}).get("configurable") or {})
    return await asyncio.to_thread(served_graph, options)


def served_graph(
    options: Mapping[str, Any] | None = None,
) -> CompiledStateGraph[Any, Any, Any, Any]:
    """:func:`graph` for callers without an event loop: the served agent for ``options``."""
    return served_agents().graph_for(options or {})


@cache
def served_agents() -> ServedAgents:
    """The agents of this server process, from the ``PERTOUCH_*`` settings, built on first use."""
    return ServedAgents(Settings.from_env(memory=default_memory_location()))


class ServedAgents:
    """The served agent per choice of model, renderer and memory, built once each and kept.

    Args:
        settings: the server's settings: its defaults and what runs may choose.
        **objects: ready-made services for :func:`~pertouch.services.open_services` (tests).
    """

    def __init__(self, settings: Settings, **objects: Any) -> None:
        from langgraph.checkpoint.memory import InMemorySaver

        from pertouch.graph.state import state_serializer
        from pertouch.services import open_services

        self.settings = settings
        objects.setdefault("checkpointer", InMemorySaver(serde=state_serializer()))
        self.base: Services = open_services(settings, **objects)
        self._models: dict[str, Any] = {settings.model: self.base.model}
        self._renderers: dict[str, Any] = {settings.renderer: self.base.renderer}
        self._memories: dict[str | None, Any] = {settings.memory: self.base.memory}
        self._graphs: OrderedDict[tuple[str, str, str | None], Any] = OrderedDict()
        self._lock = threading.Lock()

    def choose(self, options: Mapping[str, Any]) -> Settings:
        """The settings a run asks for, checked; raises :class:`SettingsError` with one sentence."""
        asked = {name: options.get(name) for name in CHOICES}
        for name, value in asked.items():
            if value is not None and not isinstance(value, str):
                raise SettingsError(f"The run's {name} must be a string, not {value!r}.")
        model = (asked["model"] or self.settings.model).strip()
        allowed = {"offline", self.settings.model, *self.settings.served_models}
        if model not in allowed and "*" not in allowed:
            raise SettingsError(
                f"This server does not offer the model {model!r}; choose one of "
                f"{', '.join(sorted(allowed))} (PERTOUCH_SERVED_MODELS lists more)."
            )
        memory: str | None = self.settings.memory
        if asked["memory"] is not None:
            memory = None if asked["memory"].strip().lower() == NO_MEMORY else asked["memory"]
            places = {self.settings.memory, *self.settings.served_memories} - {None}
            if memory is not None and memory not in places:
                raise SettingsError(
                    f'This server does not offer the memory {memory!r}; use "none" or one of '
                    f"{', '.join(sorted(str(p) for p in places)) or 'none configured'}."
                )
        values = {f.name: getattr(self.settings, f.name) for f in fields(self.settings)}
        values.update(model=model, renderer=asked["renderer"] or self.settings.renderer)
        values["memory"] = memory
        return Settings(**values)

    def graph_for(self, options: Mapping[str, Any]) -> CompiledStateGraph[Any, Any, Any, Any]:
        """The served agent for ``options`` (``model``, ``renderer``, ``memory``), built once."""
        chosen = self.choose(options)
        key = (chosen.model, chosen.renderer, chosen.memory)
        with self._lock:
            found = self._graphs.get(key)
            if found is None:
                found = self._build(chosen)
                self._graphs[key] = found
            self._graphs.move_to_end(key)
            while len(self._graphs) > KEPT_AGENTS:
                self._graphs.popitem(last=False)
            return found

    def close(self) -> None:
        self.base.close()

    def _build(self, chosen: Settings) -> CompiledStateGraph[Any, Any, Any, Any]:
        from pertouch.core.sources import PhotoSources
        from pertouch.graph.graph import build_graph
        from pertouch.services import build_model, build_renderer, open_memory

        base = self.base
        if chosen.model not in self._models:
            self._models[chosen.model] = build_model(chosen)
        if chosen.renderer not in self._renderers:
            self._renderers[chosen.renderer] = build_renderer(chosen, base.scale)
        if chosen.memory not in self._memories:
            self._memories[chosen.memory] = open_memory(chosen.memory)
        return build_graph(
            model=self._models[chosen.model],
            fallback=base.fallback,
            segmenter=base.segmenter,
            renderer=self._renderers[chosen.renderer],
            memory=self._memories[chosen.memory],
            checkpointer=base.checkpointer,
            store=base.store,
            scale=base.scale,
            photos=PhotoSources(
                paths=False,
                private_hosts=self.settings.fetch_private,
                memory_budget=self.settings.memory_budget,
            ),
            served=True,
            model_budget_s=self.settings.model_budget,  # PERTOUCH_MODEL_BUDGET, unless a run says
        )
