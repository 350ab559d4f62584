"""The agent's topology on one screen, and ``build_graph`` to assemble it.

    perceive -> classify -> plan <-> tools -> render -> critique -> (plan | respond) [-> deliver]

``plan`` loops with ``tools`` until the model asks to render (or stops calling tools); ``critique``
sends corrections back to ``plan`` until the measured result matches the words or the round limit
(``Context.max_rounds``) is reached. Importing this module builds nothing: entry points build their
dependencies with :func:`pertouch.services.open_services` and call ``build_graph`` (the graph that
``langgraph.json`` serves is built by :func:`pertouch.deployment.graph`, with ``served=True``:
only that graph has ``deliver``, which turns the result into data for a remote client).
"""

from __future__ import annotations

import os
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Checkpointer

from pertouch.backbone.base import Renderer
from pertouch.core.levels import LevelScale, default_scale
from pertouch.core.sources import REMOTE, PhotoSources
from pertouch.core.store import ImageStore
from pertouch.graph import routing
from pertouch.graph.context import Context, ServedContext
from pertouch.graph.nodes.classify import classify
from pertouch.graph.nodes.critique import critique
from pertouch.graph.nodes.deliver import deliver
from pertouch.graph.nodes.deps import DEFAULT_MODEL_BUDGET, Deps
from pertouch.graph.nodes.perceive import perceive
from pertouch.graph.nodes.plan import plan, tools
from pertouch.graph.nodes.render import render
from pertouch.graph.nodes.respond import respond
from pertouch.graph.state import InputState, ServedOutput, State
from pertouch.tools.segmentation.types import Segmenter


def build_graph(
    model: BaseChatModel | None = None,
    segmenter: Segmenter | None = None,
    renderer: Renderer | None = None,
    memory: Any = None,
    checkpointer: Checkpointer = None,
    store: ImageStore | None = None,
    scale: LevelScale | None = None,
    fallback: BaseChatModel | None = None,
    photos: PhotoSources | None = None,
    served: bool = False,
    model_budget_s: float = DEFAULT_MODEL_BUDGET,
) -> CompiledStateGraph[State, Context, InputState, Any]:
    """Assemble the agent; every dependency can be injected, and None means the offline default.

    Args:
        model: the chat model that plans and judges ("offline" rules by default).
        segmenter: finds regions by name (the offline segmenter by default).
        renderer: renders adjustment states (the parametric renderer by default).
        memory: the scene memory (:class:`~pertouch.memory.store.SceneMemory`), or None.
        checkpointer: keeps threads across turns (none: every call is a fresh thread).
        store: where images and masks live, by reference (a temporary folder by default).
        scale: the level scale for measuring (the bundled one by default).
        fallback: stands in when ``model`` fails twice (the offline model by default).
        photos: which forms of photo a turn may give (default: all for a local graph; data and
            public URLs for a served one).
        served: the graph for remote clients: a last ``deliver`` node writes the
            :class:`~pertouch.graph.state.ServedOutput` (the image as data), which is all a run
            returns, and the run's context is a :class:`~pertouch.graph.context.ServedContext`.
        model_budget_s: seconds the model may take over one turn unless the run's context says
            otherwise (``Settings.model_budget``: the server's budget reaches its runs this way).
    """
    from pertouch.providers.offline import OfflineChatModel

    if model is None:
        model = OfflineChatModel()
    if segmenter is None:
        from pertouch.tools.segmentation import OfflineSegmenter

        segmenter = OfflineSegmenter()
    if renderer is None:
        from pertouch.backbone.parametric import ParametricRenderer

        renderer = ParametricRenderer(scale=scale)
    if store is None:
        store = ImageStore(Path(tempfile.gettempdir()) / f"pertouch-store-{os.getuid()}")
    if fallback is None:
        fallback = model if isinstance(model, OfflineChatModel) else OfflineChatModel()
    if photos is None:
        photos = REMOTE if served else PhotoSources()
    deps = Deps(
        model,
        fallback,
        segmenter,
        renderer,
        store,
        scale or default_scale(),
        memory,
        photos,
        model_budget_s=model_budget_s,
    )

    builder: StateGraph[Any, Any, Any, Any]
    if served:
        builder = StateGraph(
            State, context_schema=ServedContext, input_schema=InputState, output_schema=ServedOutput
        )
    else:
        builder = StateGraph(State, context_schema=Context, input_schema=InputState)
    builder.add_node("perceive", partial(perceive, deps=deps))
    builder.add_node("classify", partial(classify, deps=deps))
    builder.add_node("plan", partial(plan, deps=deps))
    builder.add_node("tools", partial(tools, deps=deps))
    builder.add_node("render", partial(render, deps=deps))
    builder.add_node("critique", partial(critique, deps=deps))
    builder.add_node("respond", partial(respond, deps=deps))

    builder.add_edge(START, "perceive")
    builder.add_conditional_edges("perceive", routing.after_perceive)
    builder.add_conditional_edges("classify", routing.after_classify)
    builder.add_conditional_edges("plan", routing.after_plan)
    builder.add_conditional_edges("tools", routing.after_tools)
    builder.add_conditional_edges("render", routing.after_render)
    builder.add_conditional_edges("critique", routing.after_critique)
    if served:
        builder.add_node("deliver", partial(deliver, deps=deps))
        builder.add_edge("respond", "deliver")
        builder.add_edge("deliver", END)
    else:
        builder.add_edge("respond", END)
    return builder.compile(checkpointer=checkpointer, name="PerTouch")
