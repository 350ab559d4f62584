"""PerTouch's tools over MCP: retouch, segment, measure, render, recall, approve, list_users.

    server = build_server(roots=["~/Pictures"], studio=open_studio(Settings.from_env()))
    server.run("stdio")                      # or "streamable-http"; `pertouch mcp` does this

The tools sit on the same service layer as the app (:class:`~pertouch.studio.Studio`), so the
model, segmenter, renderer and memory come from :class:`~pertouch.services.Settings`.

Photos come in by path (inside one of ``roots``; anything else is refused) or as base64 file
bytes (through the upload inbox, :mod:`pertouch.mcp_trust`). Results are a preview image (long
side at most 1024 px) plus structured data; the full resolution result is written to
``output_path`` when one is given (also inside ``roots``, never over the photo it came from unless
``overwrite``). Only threads this server started can be continued or approved, and only for the
user who started them. Failures are raised, so the client receives an error result carrying one
sentence.

It is longer than 300 lines because each MCP tool's signature and docstring are its schema, and the
seven tools read best side by side.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import io
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Literal, ParamSpec, TypeVar

import numpy as np
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, ImageContent, TextContent
from numpy.typing import NDArray
from PIL import Image
from pydantic import BaseModel, Field

from pertouch.core.adjustments import AdjustmentState
from pertouch.core.attributes import ATTRIBUTES
from pertouch.core.errors import PerTouchError
from pertouch.core.imageio import Photo, load_photo, save_photo
from pertouch.core.metrics import measure_raw
from pertouch.core.outputs import refuse_overwriting_inputs
from pertouch.core.previews import preview
from pertouch.mcp_schemas import (
    ApproveOutput,
    EditInput,
    ImageInput,
    MaskInput,
    MeasureOutput,
    RecallOutput,
    RenderOutput,
    RetouchOutput,
    SegmentOutput,
)
from pertouch.mcp_trust import Inbox, ThreadLedger, ThreadRecord, check_owner
from pertouch.studio import APPROVE_WORDS, Studio
from pertouch.tools.segmentation.overlay import region_overlay

#: Long side of the images returned inline.
PREVIEW_SIZE = 1024
#: Largest base64 photo accepted, in characters (about 60 MB of file).
MAX_BASE64_CHARS = 80_000_000
P = ParamSpec("P")
R = TypeVar("R")
INSTRUCTIONS = (
    "PerTouch retouches photos region by region from plain words. Call retouch with an "
    "instruction and a photo; continue with its thread_id ('a bit less', 'undo'); call approve "
    "when the person likes the result so their taste is remembered. segment, measure and render "
    "give direct control over regions and levels (-1 to 1; 0 is the reference look)."
)


def build_server(roots: Sequence[str | Path], studio: Studio) -> MCPServer:
    """The MCP server; photos are read and written only inside ``roots``.

    Args:
        roots: folders the tools may read photos from and write results to.
        studio: the shared services (agent, segmenter, renderer, memory); base64 uploads pass
            through ``mcp-inbox`` in its home folder, the threads MCP started are listed in
            ``mcp-threads.sqlite`` there.
    """
    allowed = [Path(r).expanduser().resolve() for r in roots]
    shared = studio
    home = studio.services.settings.home.expanduser()
    budget = studio.services.settings.memory_budget
    inbox = Inbox(home / "mcp-inbox", memory_budget=budget)
    ledger = ThreadLedger(home / "mcp-threads.sqlite")
    server = MCPServer("pertouch", instructions=INSTRUCTIONS)

    def inside(path: str, purpose: str) -> Path:
        resolved = Path(path).expanduser().resolve()
        if not any(resolved.is_relative_to(root) for root in allowed):
            where = ", ".join(str(r) for r in allowed) or "none configured"
            raise PerTouchError(
                f"The {purpose} path {path!r} is outside the allowed folders ({where})."
            )
        return resolved

    @contextlib.contextmanager
    def opened(image: ImageInput) -> Iterator[tuple[Path, Photo, str]]:
        """The photo's file, the photo, and where it came from ("" for an upload)."""
        if image.path is not None:
            path = inside(image.path, "photo")
            yield path, load_photo(path, memory_budget=budget), str(path)
            return
        text = image.base64 or ""
        if len(text) > MAX_BASE64_CHARS:
            raise PerTouchError("The base64 photo is too large; send at most about 60 MB.")
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise PerTouchError("The base64 photo is not valid base64.") from None
        with inbox.receive(data) as (path, photo):
            yield path, photo, ""

    def read(image: ImageInput) -> Photo:
        with opened(image) as (_, photo, _):
            return photo

    def thread_record(thread_id: str) -> ThreadRecord:
        """The thread, if this server started it and its photo is still inside the roots."""
        record = ledger.get(thread_id)
        if record is None and shared.photo_ref(thread_id):
            raise PerTouchError(
                f"The conversation {thread_id!r} was not started through this MCP server, so it "
                "cannot be continued or approved here; start one with an image."
            )
        if record is None:
            raise PerTouchError(f"There is no conversation {thread_id!r}; start one with an image.")
        if record.source:
            inside(record.source, "conversation's photo")
        return record

    def target(
        output_path: str | None, sources: list[Path | str | None], overwrite: bool
    ) -> Path | None:
        """Where to write, checked before any work: inside the roots, not over a source."""
        if output_path is None:
            return None
        resolved = inside(output_path, "output")
        refuse_overwriting_inputs(resolved, sources, overwrite, how="overwrite=true")
        return resolved

    def write(where: Path | None, photo: Photo, pixels: NDArray[np.generic]) -> str | None:
        if where is None:
            return None
        save_photo(
            where,
            pixels,
            alpha=photo.alpha,
            icc_profile=photo.icc_profile,
            exif=photo.exif,
            grey=photo.grey,
        )
        return str(where)

    @server.tool()
    @_refusing
    def retouch(
        instruction: Annotated[
            str, Field(min_length=1, max_length=2000, description="What to change, in plain words.")
        ],
        image: ImageInput | None = None,
        thread_id: str | None = None,
        user: str | None = None,
        output_path: str | None = None,
        overwrite: bool = False,
        masks: list[MaskInput] | None = None,
    ) -> Annotated[CallToolResult, RetouchOutput]:
        """Retouch a photo as the instruction says, region by region, at full resolution.

        Start with `image` and an instruction ("the sky is dull, make it bluer and lift the faces
        a little"); continue the same conversation with `thread_id` and no image ("a bit less",
        "undo", "now the background"). `user` names whose remembered taste applies; a
        conversation keeps the user it was started with. `masks` shows regions by hand (a word
        and a mask image, read like a photo: inside the allowed folders or as base64): the word
        then means that mask, in this turn and later ones. Returns a preview, the reply, the
        edits and the reasoning; `output_path` (inside the allowed folders, not the photo itself
        unless `overwrite`) receives the full-resolution result.
        """
        if image is None and thread_id is None:
            raise PerTouchError("Give an image to start, or a thread_id to continue.")
        record = None
        if thread_id is not None and (
            image is None or ledger.get(thread_id) or shared.photo_ref(thread_id)
        ):
            record = thread_record(thread_id)
        owner = check_owner(record, user, "be continued") if record else (user or "")
        if owner and shared.memory is not None:
            shared.add_user(owner)  # a new name starts an empty memory
        thread = thread_id or _new_thread()
        with contextlib.ExitStack() as files:
            if image is not None:
                path, photo, origin = files.enter_context(opened(image))
            else:
                path, photo, origin = None, _thread_photo(shared, thread), ""
            # Mask files pass the same checks as photos (inside the roots, or an upload through
            # the inbox) and stay on disk until the turn has read them.
            given = [(m.word, files.enter_context(opened(m.image))) for m in masks or []]
            shown = {word: mask_path for word, (mask_path, _, _) in given}
            earlier = record.source if record and record.source else None
            sources = [path if origin else None, earlier, *(o or None for _, (_, _, o) in given)]
            where = target(output_path, sources, overwrite)
            if image is not None:
                ledger.record(thread, origin, owner)
            result = shared.turn(
                instruction, thread, str(path) if path else None, owner, masks=shown
            )
            written = write(where, photo, result.image)
        out = RetouchOutput(
            thread_id=result.thread_id,
            response=result.response,
            kind=result.kind,
            state=result.state.to_dict(),
            reasoning=result.explain(),
            unsupported=result.unsupported,
            notes=result.notes,
            approved=result.approved,
            width=int(result.image.shape[1]),
            height=int(result.image.shape[0]),
            output_path=written,
        )
        return _with_image(preview(result.image, PREVIEW_SIZE), out)

    @server.tool()
    @_refusing
    def segment(
        image: ImageInput,
        region: Annotated[
            str,
            Field(
                min_length=1,
                max_length=64,
                description='e.g. "the sky", "faces", "shadows", "left half".',
            ),
        ],
    ) -> Annotated[CallToolResult, SegmentOutput]:
        """Find one region of a photo by name; returns the photo with the region tinted, and
        whether it was found. A region the photo lacks is reported as not found, with the
        regions it does contain, never guessed."""
        photo = read(image)
        found = shared.segmenter.segment(photo.pixels, region)
        picture = preview(photo.pixels, PREVIEW_SIZE)
        shown = (
            region_overlay(picture, {found.region or region: found.mask})
            if found.found
            else picture
        )
        out = SegmentOutput(
            phrase=region,
            region=found.region,
            found=found.found,
            area=found.area,
            confidence=float(found.confidence),
            note=found.note,
            alternatives=list(found.alternatives),
        )
        return _with_image(shown if shown is not None else picture, out)

    @server.tool()
    @_refusing
    def measure(image: ImageInput, regions: list[str] | None = None) -> MeasureOutput:
        """Measure a photo's levels (-1 to 1, 0 = the reference look) of colorfulness,
        contrast, temperature and brightness, for the whole photo ("global") and for each
        named region."""
        photo = read(image)
        masks, absent = {}, []
        for name in regions or []:
            found = shared.segmenter.segment(photo.pixels, name)
            if found.found:
                masks[name] = found.mask
            else:
                absent.append(name)
        raw = {**measure_raw(photo.pixels), **(measure_raw(photo.pixels, masks) if masks else {})}
        scale = shared.scale
        names = [a.value for a in ATTRIBUTES]
        levels = {
            region: {
                n: round(float(v), 3) for n, v in zip(names, scale.to_level(values), strict=True)
            }
            for region, values in raw.items()
        }
        return MeasureOutput(levels=levels, absent=absent)

    @server.tool()
    @_refusing
    def render(
        image: ImageInput,
        edits: list[EditInput],
        baseline: Literal["as_shot", "auto"] = "as_shot",
        output_path: str | None = None,
        overwrite: bool = False,
    ) -> Annotated[CallToolResult, RenderOutput]:
        """Render exact edits on a photo: each edit moves one attribute of one region by a delta
        in levels ("global" moves the whole photo). Baseline "auto" starts from the reference
        look instead of the photo as shot. Returns a preview and the levels reached;
        `output_path` (not the photo itself unless `overwrite`) receives the full resolution."""
        with opened(image) as (path, photo, origin):
            where = target(output_path, [path if origin else None], overwrite)
        state = AdjustmentState.from_dict(
            {"baseline": baseline, "edits": [e.model_dump() for e in edits]}
        )
        masks = {}
        for name in state.regions:
            found = shared.segmenter.segment(photo.pixels, name)
            if not found.found:
                raise PerTouchError(f"This photo has no {name!r}; {found.note}".strip())
            masks[name] = found.mask
        pixels, summary = shared.render_state(photo.pixels, state, masks)
        out = RenderOutput(
            converged=bool(summary["converged"]),
            regions=summary["regions"],
            width=int(pixels.shape[1]),
            height=int(pixels.shape[0]),
            output_path=write(where, photo, pixels),
        )
        return _with_image(preview(pixels, PREVIEW_SIZE), out)

    @server.tool()
    @_refusing
    def recall(user: str, image: ImageInput) -> RecallOutput:
        """What this user's approved retouches of similar photos suggest for this one: edits to
        start from and why. Empty when nothing similar is remembered."""
        if shared.memory is None:
            raise PerTouchError("This server runs without memory; start it with --memory.")
        from pertouch.memory.scene import describe

        photo = read(image)
        scene = describe(photo.pixels, shared.segmenter.propose(photo.pixels))
        suggestion = shared.memory.recall(user, scene)
        return RecallOutput(edits=[e.to_dict() for e in suggestion.edits], reason=suggestion.reason)

    @server.tool()
    @_refusing
    def approve(thread_id: str, user: str | None = None) -> ApproveOutput:
        """Approve the current result of a retouch conversation, so the taste of the user who
        started it is remembered and similar photos start from these edits. `user`, if given,
        must be that user; a conversation started without a user cannot be approved."""
        owner = check_owner(thread_record(thread_id), user, "be approved")
        if not owner:
            raise PerTouchError(
                "This conversation was started without a user, so there is no one to remember "
                "it for; start it with retouch and a user."
            )
        if shared.memory is None:
            raise PerTouchError("This server runs without memory; start it with --memory.")
        before = shared.remembered(owner)
        result = shared.turn(APPROVE_WORDS, thread_id, None, owner)
        if not result.approved:
            raise PerTouchError(
                "The agent did not take this as an approval; nothing was remembered."
            )
        count = shared.remembered(owner)
        return ApproveOutput(
            thread_id=thread_id, user=owner, remembered=count > before, records=count
        )

    @server.tool()
    @_refusing
    def list_users() -> list[str]:
        """The people whose taste is remembered (pass one as `user` to retouch or recall)."""
        return shared.users()

    return server


def _refusing(tool: Callable[P, R]) -> Callable[P, R]:
    """Hand PerTouch's one-sentence refusals to the client (the SDK hides other exceptions)."""

    @functools.wraps(tool)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return tool(*args, **kwargs)
        except PerTouchError as err:
            raise ToolError(str(err)) from None

    return wrapper


def _new_thread() -> str:
    import uuid

    return uuid.uuid4().hex


def _thread_photo(studio: Studio, thread_id: str) -> Photo:
    ref = studio.photo_ref(thread_id)
    if not ref:
        raise PerTouchError(f"There is no conversation {thread_id!r}; start one with an image.")
    return Photo(pixels=studio.retoucher.store.get(ref))


def _with_image(picture: NDArray[np.uint8], data: BaseModel) -> CallToolResult:
    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="PNG")
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return CallToolResult(
        content=[
            ImageContent(type="image", data=encoded, mime_type="image/png"),
            TextContent(type="text", text=data.model_dump_json()),
        ],
        structured_content=data.model_dump(mode="json"),
    )
