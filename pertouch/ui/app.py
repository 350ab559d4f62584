"""The page: photo and chat on the left, comparison, regions, edit table and reasoning on the right.

:func:`build_app` lays out the components and wires them to :mod:`pertouch.ui.handlers`; each tab
gets its own :class:`~pertouch.ui.session.Session` through a ``gr.State``. :func:`launch` serves it
on 127.0.0.1 by default, with system fonts so the page loads nothing from the internet. Everything
that runs the agent or the renderer (send, undo, approve, the sliders) shares one Gradio
concurrency group of ``workers`` (``PERTOUCH_WORKERS``): that many tabs' turns run at once, the
rest queue.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from pertouch.core.camera_formats import HEIF_SUFFIXES, RAW_SUFFIXES
from pertouch.core.errors import PerTouchError
from pertouch.studio import APPROVE_WORDS, UNDO_WORDS, Studio
from pertouch.ui import brush, handlers
from pertouch.ui.handlers import View
from pertouch.ui.session import ATTRIBUTE_NAMES, MAX_SLIDER_ROWS, Session

#: What the upload accepts: browsers know JPEG, PNG and the like as images, not RAW or HEIC.
PHOTO_TYPES = ["image", *sorted(RAW_SUFFIXES | HEIF_SUFFIXES)]

#: System fonts only: the default theme would fetch its fonts from Google.
THEME = gr.themes.Default(
    font=["system-ui", "Segoe UI", "Helvetica", "Arial", "sans-serif"],
    font_mono=["ui-monospace", "Menlo", "Consolas", "monospace"],
)
CSS = "#reasoning textarea { font-family: var(--font-mono); font-size: 12px; }"


#: Half-transparent paint, so the photo stays visible under the region being shown.
BRUSH_COLOUR = ("rgb({}, {}, {})".format(*brush.PAINT_RGB), 0.5)

#: The concurrency group of every event that runs the agent or the renderer.
AGENT_WORK = "agent"


def build_app(studio: Studio) -> gr.Blocks:
    """The PerTouch page for ``studio``; every browser tab has its own session and thread."""
    workers = studio.services.settings.workers
    busy: dict[str, Any] = {"concurrency_id": AGENT_WORK, "concurrency_limit": workers}
    with gr.Blocks(title="PerTouch", analytics_enabled=False) as app:
        session = gr.State(None, delete_callback=lambda s: _forget(studio, s))
        gr.Markdown("## PerTouch — say how the photo should look")
        with gr.Row():
            with gr.Column(scale=2):
                photo = gr.File(
                    label="Photo",
                    file_types=PHOTO_TYPES,
                    type="filepath",
                    elem_id="photo",
                )
                with gr.Row():
                    user = gr.Dropdown(
                        label="User", choices=[], value=None, elem_id="user", scale=2
                    )
                    new_user = gr.Textbox(label="New user", elem_id="new-user", scale=2)
                    add_user = gr.Button("Add user", elem_id="add-user", scale=1)
                recall = gr.Checkbox(
                    value=True,
                    label="Start a new photo from this user's remembered taste",
                    elem_id="recall",
                )
                with gr.Accordion("Show a region: paint it, name it", open=False, elem_id="brush"):
                    painted = gr.ImageEditor(
                        label="Paint over the region you mean",
                        type="numpy",
                        sources=(),
                        transforms=(),
                        layers=False,
                        brush=gr.Brush(colors=[BRUSH_COLOUR], color_mode="fixed"),
                        placeholder="Upload a photo above, then paint the region here.",
                        elem_id="painted",
                    )
                    region = gr.Textbox(
                        label="Its name, used in the instruction",
                        placeholder="e.g. lake — then say: make the lake warmer",
                        elem_id="region-word",
                    )
                    propose = gr.Button(
                        "Propose regions, then click one to pick it", elem_id="propose"
                    )
                    proposed = gr.Image(
                        label="Proposed regions",
                        show_label=False,  # a floating label would hide the regions' names
                        type="numpy",
                        format="png",
                        interactive=False,
                        visible=False,
                        elem_id="proposed",
                    )
                chat = gr.Chatbot(label="Conversation", elem_id="chat", height=380)
                text = gr.Textbox(
                    show_label=False,
                    placeholder="e.g. the sky is dull, make it bluer and lift the faces a little",
                    elem_id="instruction",
                )
                with gr.Row():
                    send = gr.Button("Send", variant="primary", elem_id="send")
                    undo = gr.Button("Undo", elem_id="undo")
                    approve = gr.Button("Approve", elem_id="approve")
            with gr.Column(scale=3):
                compare = gr.ImageSlider(
                    label="Before / after", type="numpy", format="png", elem_id="compare"
                )
                with gr.Row():
                    overlay = gr.Image(
                        label="Regions used", type="numpy", format="png", elem_id="overlay"
                    )
                    with gr.Column():
                        download = gr.DownloadButton(
                            "Download full resolution", elem_id="download", interactive=False
                        )
                        reasoning = gr.Textbox(
                            label="Reasoning", lines=14, interactive=False, elem_id="reasoning"
                        )
                rows, sliders = [], []
                with gr.Accordion("Edits (levels, per region)", open=True):
                    for row in range(MAX_SLIDER_ROWS):
                        with gr.Row(visible=row == 0) as line:
                            rows.append(line)
                            for attribute in ATTRIBUTE_NAMES:
                                sliders.append(
                                    gr.Slider(
                                        -1.0,
                                        1.0,
                                        value=0.0,
                                        step=0.05,
                                        label=f"{'global' if row == 0 else f'region {row}'} {attribute}",
                                        elem_id=f"slider-{row}-{attribute}",
                                    )
                                )

        view_outputs = [compare, overlay, reasoning, download, *rows, *sliders]

        def show(view: View | None) -> list[Any]:
            if view is None:
                return [gr.skip()] * len(view_outputs)
            updates: list[Any] = [
                (view.before, view.after) if view.after is not None else None,
                view.overlay,
                view.reasoning,
                gr.update(value=view.download, interactive=view.download is not None),
            ]
            updates += [gr.update(visible=i < len(view.regions)) for i in range(MAX_SLIDER_ROWS)]
            for i in range(MAX_SLIDER_ROWS):
                region = view.regions[i] if i < len(view.regions) else ""
                values = view.sliders.get(region, [0.0] * len(ATTRIBUTE_NAMES))
                updates += [
                    gr.update(value=v, label=f"{region} {a}")
                    for v, a in zip(values, ATTRIBUTE_NAMES, strict=True)
                ]
            return updates

        def on_upload(state: Session | None, path: str | None) -> list[Any]:
            state, view = _guard(handlers.upload, studio, state, path)
            fresh = [brush.editor_value(view.before), "", gr.update(value=None, visible=False)]
            return [state, [], *show(view), *fresh]

        def on_send(
            state: Session | None,
            words: str,
            who: str | None,
            use_memory: bool,
            history: list[Any],
            paint: dict[str, Any] | None = None,
            name: str | None = None,
        ) -> Iterator[list[Any]]:
            try:
                steps = handlers.send(
                    studio, state, words, who or "", history, use_memory, paint, name or ""
                )
                for session_now, chat_now, view in steps:
                    # A finished turn clears the brush; the photo under it stays the original.
                    cleared = [brush.editor_value(view.before), ""] if view else [gr.skip()] * 2
                    yield [session_now, chat_now, "", *show(view), *cleared]
            except PerTouchError as err:
                raise gr.Error(str(err)) from None

        def on_slide(state: Session | None, *values: float) -> list[Any]:
            state, view = _guard(handlers.slide, studio, state, values)
            return [state, *show(view)]

        def on_check_brush(state: Session | None, paint: Any, name: str | None) -> None:
            # Before the turn, with no outputs: a refusal greys out nothing and keeps the
            # painting, its name and the words for the person to complete.
            _guard(handlers.shown, state, paint, name)

        def on_propose(state: Session | None) -> Any:
            return gr.update(value=_guard(brush.propose, studio, state), visible=True)

        def on_pick(state: Session | None, evt: gr.SelectData) -> list[Any]:
            x, y = (int(v) for v in evt.index)
            return list(_guard(brush.pick, state, x, y))

        def on_add_user(name: str) -> list[Any]:
            created = _guard(studio.add_user, name)
            return [gr.update(choices=studio.users(), value=created), ""]

        brush_outputs = [painted, region]
        photo.upload(
            on_upload,
            [session, photo],
            [session, chat, *view_outputs, *brush_outputs, proposed],
            api_name="upload",
        )
        chat_outputs = [session, chat, text, *view_outputs, *brush_outputs]
        send_inputs = [session, text, user, recall, chat, painted, region]
        for trigger in (send.click, text.submit):
            checked = trigger(
                on_check_brush, [session, painted, region], None, api_visibility="private"
            )
            checked.success(on_send, send_inputs, chat_outputs, api_name="send", **busy)

        def on_undo(
            state: Session | None, who: str | None, history: list[Any]
        ) -> Iterator[list[Any]]:
            for update in on_send(state, UNDO_WORDS, who, True, history):
                yield [*update[:-2], gr.skip(), gr.skip()]  # a painting not yet sent stays

        def on_approve(
            state: Session | None, who: str | None, history: list[Any]
        ) -> Iterator[list[Any]]:
            for update in on_send(state, APPROVE_WORDS, who, True, history):
                yield [*update[:-2], gr.skip(), gr.skip()]

        undo.click(on_undo, [session, user, chat], chat_outputs, api_name="undo", **busy)
        approve.click(on_approve, [session, user, chat], chat_outputs, api_name="approve", **busy)
        for i, slider in enumerate(sliders):
            # preprocess=False: Gradio's own slider check compares the raw value with the bounds,
            # so a string or null sent to the API ended in a TypeError and "the app raised an
            # exception"; handlers.slide checks the values and answers with one sentence.
            slider.release(
                on_slide,
                [session, *sliders],
                [session, *view_outputs],
                api_name="slide" if i == 0 else None,
                api_visibility="public" if i == 0 else "private",
                preprocess=False,
                **busy,
            )
        propose.click(on_propose, [session], [proposed], api_visibility="private", **busy)
        proposed.select(on_pick, [session], [painted, region], api_visibility="private")
        add_user.click(on_add_user, [new_user], [user, new_user], api_name="add_user")
        new_user.submit(on_add_user, [new_user], [user, new_user], api_visibility="private")
        app.load(lambda: gr.update(choices=studio.users()), None, [user], api_visibility="private")
    return app


def launch(
    studio: Studio, host: str = "127.0.0.1", port: int | None = None, block: bool = True
) -> gr.Blocks:
    """Serve the app; ``block=False`` returns at once (tests), leaving the server running."""
    app = build_app(studio)
    app.queue(default_concurrency_limit=studio.services.settings.workers)
    app.launch(
        server_name=host,
        server_port=port,
        share=False,
        theme=THEME,
        css=CSS,
        ssr_mode=False,
        prevent_thread_lock=not block,
        quiet=not block,
    )
    return app


def _guard(handler: Callable[..., Any], *args: Any) -> Any:
    """Run a handler, turning its one-sentence refusal into a message on the page."""
    try:
        return handler(*args)
    except PerTouchError as err:
        raise gr.Error(str(err)) from None


def _forget(studio: Studio, session: Session | None) -> None:
    """A closed tab's downloads are removed; its thread stays in the database."""
    if session is not None:
        shutil.rmtree(studio.workdir / session.id, ignore_errors=True)
