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
    plan.set_defaults(func=run_plan)


def run_retouch(args: argparse.Namespace) -> int:
    from pertouch.api import Retoucher
    from pertouch.graph.explain import progress_line

    if args.photo is None and not args.thread:
        raise PerTouchError("Give a photo, or --thread to continue an earlier conversation.")
    check_output(args, args.output, args.photo)
    settings = settings_from_args(args, use_memory=bool(args.user), rounds=args.rounds)
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
        agent.save(result, args.output, quality=args.quality)
    if args.json:
        print(
            json.dumps(
                {
                    "output": str(args.output),
                    "thread": result.thread_id,
                    "kind": result.kind,
                    "response": result.response,
                    "state": result.state.to_dict(),
                    "rounds": [r.to_dict() for r in result.transcript],
                    "unsupported": result.unsupported,
                },
                indent=2,
            )
        )
        return 0
    if args.explain and result.transcript:
        print(result.explain())
    print(result.response)
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
    from pertouch.providers.offline import OfflineChatModel

    text = args.instruction
    if not text.strip():
        raise PerTouchError(
            "The instruction is empty; say what to change, e.g. 'brighten the faces a little'."
        )
    if len(text) > 2000:
        raise PerTouchError(
            f"The instruction is {len(text):,} characters long; say it in at most 2,000."
        )
    reading = OfflineChatModel().read(text)
    plan: dict[str, Any] = {
        "kind": reading.kind,
        "edits": [i.to_dict() for i in reading.intents],
        "unsupported": list(reading.unsupported),
    }
    if reading.style:
        plan["style"] = reading.style
    if reading.questions:
        plan["questions"] = [q.to_dict() for q in reading.questions]
    plan["clauses"] = [c.to_dict() for c in reading.clauses]
    if args.photo is not None:
        from pertouch.core.imageio import load_photo
        from pertouch.services import Settings, build_segmenter

        settings = Settings.from_env()
        pixels = load_photo(args.photo, memory_budget=settings.memory_budget).pixels
        segmenter = build_segmenter(settings)
        absent = [r for r in reading.regions if not segmenter.segment(pixels, r).found]
        plan["absent"] = absent
        lister = getattr(segmenter, "contents", None)
        plan["photo_has"] = list(
            lister(pixels) if callable(lister) else segmenter.propose(pixels).names()
        )
        plan["edits"] = [e for e in plan["edits"] if e["region"] not in absent]
    if args.json:
        print(json.dumps(plan))
        return 0
    print(f"kind: {plan['kind']}")
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
    return 0
