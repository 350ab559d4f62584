"""``pertouch retouch`` and ``pertouch plan``: the agent on the command line.

    pertouch retouch photo.jpg "the sky is dull, make it bluer" -o out.jpg --explain
    pertouch retouch --thread ID "a bit less" -o out2.jpg          # continue a conversation
    pertouch plan "brighten the faces a little, sharpen it" --json

The services (model, segmenter, renderer, memory, threads) come from
:class:`~pertouch.services.Settings`: the ``PERTOUCH_*`` variables, then these options. While a
retouch runs, one line per step goes to stderr (not with ``-q`` or ``--json``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pertouch.cli.common import (
    add_overwrite_option,
    add_service_options,
    check_output,
    progress_wanted,
    settings_from_args,
)
from pertouch.core.errors import PerTouchError


def add_agent_parsers(subparsers: Any) -> None:
    """Add the ``retouch`` and ``plan`` sub-commands to an argparse ``subparsers`` object."""
    retouch = subparsers.add_parser(
        "retouch",
        help="retouch a photo as an instruction in words says",
        description="Retouch a photo region by region from an instruction in plain words.",
    )
    retouch.add_argument("photo", nargs="?", type=Path, help="the photo (omit with --thread)")
    retouch.add_argument("instruction", help='e.g. "too dark, and the sky looks washed out"')
    retouch.add_argument(
        "-o", "--output", type=Path, required=True, help="where to write the result"
    )
    retouch.add_argument("--rounds", type=int, help="render-critique rounds (default 3)")
    retouch.add_argument("--thread", help="continue this thread (printed after each run)")
    retouch.add_argument("--user", help="whose taste to recall and, on approval, remember")
    retouch.add_argument("--quality", type=int, default=95, help="JPEG/WebP quality (default 95)")
    retouch.add_argument(
        "--mask",
        action="append",
        default=[],
        metavar="WORD=FILE",
        help="show a region by hand: the word then means this mask (grey or a painted layer's "
        'alpha), e.g. --mask water=lake.png, --mask "the boats=boats.png"',
    )
    add_overwrite_option(retouch)
    add_service_options(retouch)
    add_strict_option(retouch)
    retouch.add_argument("--explain", action="store_true", help="print every round in detail")
    retouch.add_argument("--json", action="store_true", help="print the result as JSON")
    retouch.set_defaults(func=run_retouch)

    plan = subparsers.add_parser(
        "plan",
        help="show how an instruction is read, without rendering",
        description="Classify an instruction and list its edits; nothing is rendered.",
    )
    plan.add_argument("instruction")
    plan.add_argument("--photo", type=Path, help="also check which regions the photo has")
    plan.add_argument("--json", action="store_true", help="print JSON")
    plan.add_argument(
        "--model", help='"offline" (default), or a provider string such as "openai:gpt-4o"'
    )
    add_strict_option(plan)
    plan.set_defaults(func=run_plan)


#: The exit status when ``--strict`` is given and the offline reader stood in for the model.
EXIT_FELL_BACK = 3


def add_strict_option(parser: argparse.ArgumentParser) -> None:
    """``--strict``: a model that failed (the offline reader stood in) is an error, exit 3."""
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 3 (and write nothing) when the model failed or ran out of time "
        "and the offline reader stood in",
    )


def _strict_failure(args: argparse.Namespace, fell_back: bool) -> bool:
    """Whether ``--strict`` turns this run into a failure; says so on stderr."""
    if not (fell_back and getattr(args, "strict", False)):
        return False
    print(
        "pertouch: the model failed or ran out of time and the offline reader stood in "
        f"(--strict); exit status {EXIT_FELL_BACK}.",
        file=sys.stderr,
    )
    return True


def run_retouch(args: argparse.Namespace) -> int:
    from pertouch.api import Retoucher
    from pertouch.graph.explain import progress_line

    if args.photo is None and not args.thread:
        raise PerTouchError("Give a photo, or --thread to continue an earlier conversation.")
    check_output(args, args.output, args.photo)
    settings = settings_from_args(args, use_memory=bool(args.user or args.thread), rounds=args.rounds)
    show = progress_wanted(args)

    def on_event(event: dict[str, Any]) -> None:
        line = progress_line(event) if show else ""
        if line:
            print(f"  {line}", file=sys.stderr, flush=True)

    with Retoucher(settings=settings) as agent:
        result = agent.turn(
            args.instruction,
            args.photo,
            thread_id=args.thread,
            user=args.user,
            use_memory=not args.no_memory,
            on_event=on_event,
            masks=_mask_specs(args.mask),
        )
        failed = _strict_failure(args, result.model_fell_back)
        if not failed:  # under --strict the offline model's result is not written
            agent.save(result, args.output, quality=args.quality)
    if args.json:
        print(
            json.dumps(
                {
                    "output": None if failed else str(args.output),
                    "thread": result.thread_id,
                    "kind": result.kind,
                    "response": result.response,
                    "state": result.state.to_dict(),
                    "rounds": [r.to_dict() for r in result.transcript],
                    "unsupported": result.unsupported,
                    "model_fell_back": result.model_fell_back,
                    "notes": result.notes,
                },
                indent=2,
            )
        )
        return EXIT_FELL_BACK if failed else 0
    if args.explain and result.transcript:
        print(result.explain())
    print(result.response)
    if failed:
        return EXIT_FELL_BACK
    print(f"wrote {args.output} (thread {result.thread_id})")
    return 0


def _mask_specs(specs: list[str]) -> dict[str, str]:
    masks: dict[str, str] = {}
    for spec in specs:
        word, sep, path = spec.partition("=")
        if not sep or not word.strip() or not path.strip():
            raise PerTouchError(f"--mask {spec!r} should look like WORD=FILE, e.g. water=lake.png.")
        masks[word.strip()] = path.strip()
    return masks


def run_plan(args: argparse.Namespace) -> int:
    text = args.instruction
    if not text.strip():
        raise PerTouchError(
            "The instruction is empty; say what to change, e.g. 'brighten the faces a little'."
        )
    if len(text) > 2000:
        raise PerTouchError(
            f"The instruction is {len(text):,} characters long; say it in at most 2,000."
        )
    settings = settings_from_args(args, use_memory=False)
    photo = _PhotoRegions(args.photo) if args.photo is not None else None
    if settings.model == "offline":
        plan = _offline_plan(text)
    else:
        plan = _model_plan(text, settings, photo.has if photo else [])
    if photo is not None:
        regions = {e["region"] for e in plan["edits"]} | set(plan.pop("regions", []))
        absent = [r for r in sorted(regions - {"global"}) if not photo.found(r)]
        plan["absent"] = absent
        plan["photo_has"] = photo.has
        plan["edits"] = [e for e in plan["edits"] if e["region"] not in absent]
    plan.pop("regions", None)
    if args.json:
        print(json.dumps(plan))
    else:
        _print_plan(plan)
    return EXIT_FELL_BACK if _strict_failure(args, plan["fell_back"]) else 0


def _offline_plan(text: str) -> dict[str, Any]:
    """The offline reader's plan, with its account of every clause."""
    from pertouch.providers.offline import OfflineChatModel

    reading = OfflineChatModel().read(text)
    plan: dict[str, Any] = {
        "kind": reading.kind,
        "edits": [i.to_dict() for i in reading.intents],
        "unsupported": list(reading.unsupported),
        "model": "offline",
        "fell_back": False,
    }
    if reading.style:
        plan["style"] = reading.style
    if reading.questions:
        plan["questions"] = [q.to_dict() for q in reading.questions]
    plan["clauses"] = [c.to_dict() for c in reading.clauses]
    plan["regions"] = list(reading.regions)
    return plan


def _model_plan(text: str, settings: Any, regions: list[str]) -> dict[str, Any]:
    """The configured model's plan, read the way a turn of the agent reads it."""
    from pertouch.graph.reading import read_with_model
    from pertouch.providers.offline import OfflineChatModel
    from pertouch.services import build_model

    reading = read_with_model(
        build_model(settings), OfflineChatModel(), text, settings.model_budget, regions
    )
    found = reading.classification
    plan: dict[str, Any] = {
        "kind": found.kind,
        "edits": reading.edits,
        "unsupported": list(found.unsupported),
        "model": settings.model,
        "fell_back": reading.fell_back,
    }
    if found.style:
        plan["style"] = found.style
    if found.questions:
        plan["questions"] = [{"text": q} for q in found.questions]
    plan["clauses"] = [{"text": t, "status": "not_understood"} for t in found.not_understood]
    if reading.notes:
        plan["notes"] = reading.notes
    return plan


class _PhotoRegions:
    """The regions a photo has, by the configured offline segmenter (for ``plan --photo``)."""

    def __init__(self, path: Path) -> None:
        from pertouch.core.imageio import load_photo
        from pertouch.services import Settings, build_segmenter

        settings = Settings.from_env()
        self.pixels = load_photo(path, memory_budget=settings.memory_budget).pixels
        self.segmenter = build_segmenter(settings)
        lister = getattr(self.segmenter, "contents", None)
        self.has = list(
            lister(self.pixels) if callable(lister) else self.segmenter.propose(self.pixels).names()
        )

    def found(self, region: str) -> bool:
        return bool(self.segmenter.segment(self.pixels, region).found)


def _print_plan(plan: dict[str, Any]) -> None:
    print(f"kind: {plan['kind']}" + ("" if plan["model"] == "offline" else f"  ({plan['model']})"))
    for edit in plan["edits"]:
        print(f"  {edit['region']:<12} {edit['attribute']:<12} {edit['delta']:+.2f}")
    if plan["unsupported"]:
        print("cannot do: " + ", ".join(plan["unsupported"]))
    for asked in plan.get("questions", []):
        print(f"question: {asked['text']}")
    for clause in plan["clauses"]:
        if clause["status"] == "not_understood":
            print(f"not understood: {clause['text']}")
    for region in plan.get("absent", []):
        print(f"not in this photo: {region}")
    for note in plan.get("notes", []):
        print(f"note: {note}")
