"""``pertouch retouch`` and ``pertouch plan``: the agent on the command line.

    pertouch retouch photo.jpg "the sky is dull, make it bluer" -o out.jpg --explain
    pertouch retouch --thread ID "a bit less" -o out2.jpg          # continue a conversation
    pertouch plan "brighten the faces a little, sharpen it" --json

main's ``cli.py`` registers both with :func:`add_agent_parsers`. This module is an entry point,
so it is where the environment is read: ``OPENAI_BASE_URL``, ``OPENAI_API_KEY``,
``PERTOUCH_MODEL_TIMEOUT`` and ``PERTOUCH_HOME``.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

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
    retouch.add_argument("--model", default="offline", help='"offline" (default) or "openai:MODEL"')
    retouch.add_argument("--segmenter", default="offline", choices=("offline", "sam3"))
    retouch.add_argument("--renderer", default="parametric", choices=("parametric",))
    retouch.add_argument("--rounds", type=int, default=3, help="render-critique rounds (default 3)")
    retouch.add_argument("--thread", help="continue this thread (printed after each run)")
    retouch.add_argument("--user", help="whose taste to recall and, on approval, remember")
    retouch.add_argument(
        "--memory",
        help="memory folder or Chroma server URL (default: $PERTOUCH_MEMORY or the data folder)",
    )
    retouch.add_argument(
        "--no-memory", action="store_true", help="do not start from the user's remembered taste"
    )
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
    from pertouch.providers.openai import OpenAIConfig

    if args.photo is None and not args.thread:
        raise PerTouchError("Give a photo, or --thread to continue an earlier conversation.")
    openai = OpenAIConfig(
        base_url=os.environ.get("OPENAI_BASE_URL") or None,
        api_key=os.environ.get("OPENAI_API_KEY") or None,
        timeout=float(os.environ.get("PERTOUCH_MODEL_TIMEOUT", "60")),
    )
    home = os.environ.get("PERTOUCH_HOME") or None
    memory = None
    if args.user:
        from pertouch.memory.cli import default_location

        memory = args.memory or default_location()
    with Retoucher(
        model=args.model,
        segmenter=args.segmenter,
        renderer=args.renderer,
        rounds=args.rounds,
        home=home,
        openai=openai,
        memory=memory,
    ) as agent:
        result = agent.turn(
            args.instruction,
            args.photo,
            thread_id=args.thread,
            user=args.user,
            use_memory=not args.no_memory,
        )
        agent.save(result, args.output)
    if args.json:
        print(
            json.dumps(
                {
                    "output": str(args.output),
                    "thread": result.thread_id,
                    "kind": result.kind,
                    "response": result.response,
                    "state": result.state.to_dict(),
                    "rounds": result.transcript,
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
    if args.photo is not None:
        from pertouch.core.imageio import load_photo
        from pertouch.tools.segmentation import OfflineSegmenter

        pixels = load_photo(args.photo).pixels
        with OfflineSegmenter() as segmenter:
            absent = [r for r in reading.regions if not segmenter.segment(pixels, r).found]
            plan["absent"] = absent
            plan["photo_has"] = list(segmenter.contents(pixels))
        plan["edits"] = [e for e in plan["edits"] if e["region"] not in absent]
    if args.json:
        print(json.dumps(plan))
        return 0
    print(f"kind: {plan['kind']}")
    for edit in plan["edits"]:
        print(f"  {edit['region']:<12} {edit['attribute']:<12} {edit['delta']:+.2f}")
    if plan["unsupported"]:
        print("cannot do: " + ", ".join(plan["unsupported"]))
    for region in plan.get("absent", []):
        print(f"not in this photo: {region}")
    return 0
