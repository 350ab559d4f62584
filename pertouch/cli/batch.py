"""``pertouch batch``: a whole folder of photos with one look.

    pertouch batch shoot/ "warmer, and lift the faces" -o out/          # the agent on each photo
    pertouch batch shoot/ -o out/ --state look.json                      # a saved state
    pertouch batch shoot/ -o out/ --from-thread 3f2a...                  # an approved thread
    pertouch batch shoot/ -o out/ --user ana                             # ana's remembered look
    pertouch batch shoot/ -o out/ --match out/hero.jpg                   # match a finished photo
    pertouch batch shoot/ -o out/ --state look.json --workers 2          # two processes
    pertouch batch /shared/shoot -o /shared/out --state look.json --ray auto

Run it again after an interruption and it resumes: what is done is skipped, nothing is lost. One
line per photo goes to stderr with the time left; the summary (``--json``: as JSON) to stdout and
to ``pertouch-batch-summary.json`` in the output folder. Exit status 1 when a photo failed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pertouch.cli.common import add_service_options, load_state, progress_wanted, settings_from_args


def add_batch_parser(subparsers: Any) -> None:
    """Add ``batch`` to an argparse ``subparsers`` object."""
    batch = subparsers.add_parser(
        "batch",
        help="retouch a folder of photos with one look",
        description="Retouch every photo of a folder with one look; rerun to resume.",
    )
    batch.add_argument(
        "input", type=Path, help="folder of photos (JPEG, PNG, TIFF, WebP, HEIC, RAW)"
    )
    batch.add_argument("instruction", nargs="?", default="", help='e.g. "warmer, lift the faces"')
    batch.add_argument("-o", "--output", type=Path, required=True, help="folder for the results")
    look = batch.add_argument_group("the look (one of: an instruction or these)")
    look.add_argument("--state", help="an adjustment state: a JSON file, or inline JSON")
    look.add_argument("--from-thread", metavar="ID", help="the approved state of this thread")
    look.add_argument(
        "--user", help="this user's remembered look (with an instruction: their taste)"
    )
    look.add_argument(
        "--match",
        type=Path,
        metavar="PHOTO",
        help="land every photo at this photo's per-region levels (with a look: of its retouch)",
    )
    run = batch.add_argument_group("running")
    run.add_argument("--workers", type=int, help="processes (default 1; on Ray: one per CPU)")
    run.add_argument("--ray", metavar="ADDRESS", help='run on a Ray cluster ("auto", or host:port)')
    run.add_argument("-r", "--recursive", action="store_true", help="include sub-folders")
    run.add_argument("--restart", action="store_true", help="redo every photo, even those done")
    out = batch.add_argument_group("results")
    out.add_argument(
        "--format",
        choices=("same", "jpeg", "tiff", "png"),
        default="same",
        help="output format (default: as the input; RAW becomes 16-bit TIFF, HEIC JPEG)",
    )
    out.add_argument("--quality", type=int, default=95, help="JPEG/WebP quality (default 95)")
    add_service_options(batch)
    batch.add_argument("--json", action="store_true", help="print the summary as JSON")
    batch.set_defaults(func=run_batch_command)


def run_batch_command(args: argparse.Namespace) -> int:
    from pertouch.batch.photo import BatchOptions
    from pertouch.batch.run import BatchRequest, LookRequest, run_batch

    settings = settings_from_args(args, use_memory=bool(args.user))
    request = BatchRequest(
        source=args.input,
        target=args.output,
        look=LookRequest(
            instruction=args.instruction,
            state=load_state(args.state) if args.state else None,
            thread=args.from_thread or "",
            user=args.user or "",
            match=args.match,
        ),
        workers=args.workers,
        ray=args.ray,
        output_format=args.format,
        recursive=args.recursive,
        restart=args.restart,
        options=BatchOptions(quality=args.quality, memory_budget=settings.memory_budget),
        show_progress=progress_wanted(args),
    )
    summary = run_batch(request, settings)
    print(json.dumps(summary.to_dict(), indent=2) if args.json else summary.text())
    return 1 if summary.failed else 0
