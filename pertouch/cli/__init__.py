"""The ``pertouch`` command (also ``python -m pertouch``).

Each sub-command lives in a module of this package and registers itself with ``add_*_parser``:
``photo`` (measure, render, fit-scale), ``agent`` (retouch, plan), ``segment``, ``memory``,
``serve`` (ui, mcp), ``training`` (prepare-data, train), ``batch`` (a folder with one look) and
``cache`` (the image store and threads). Bad input of any kind ends in one
sentence on stderr and exit status 2, never a traceback and never a half-written output file.
Sub-modules are imported inside :func:`build_parser`, so ``pertouch --help`` stays fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from pertouch.cli.common import run


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    return run(build_parser(), argv)


def build_parser() -> argparse.ArgumentParser:
    from pertouch import __version__
    from pertouch.cli.agent import add_agent_parsers
    from pertouch.cli.batch import add_batch_parser
    from pertouch.cli.cache import add_cache_parser
    from pertouch.cli.memory import add_memory_parser
    from pertouch.cli.photo import add_photo_parsers
    from pertouch.cli.segment import add_segment_parser
    from pertouch.cli.serve import add_serve_parsers
    from pertouch.cli.training import add_training_parsers

    parser = argparse.ArgumentParser(
        prog="pertouch", description="Retouch photos region by region, from plain words."
    )
    parser.add_argument("--version", action="version", version=f"pertouch {__version__}")
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument(
        "-v", "--verbose", action="count", default=0, help="say more (-vv: debug logging)"
    )
    loudness.add_argument(
        "-q", "--quiet", action="store_true", help="print only results and errors"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_agent_parsers(sub)
    add_photo_parsers(sub)
    add_segment_parser(sub)
    add_memory_parser(sub)
    add_serve_parsers(sub)
    add_training_parsers(sub)
    add_batch_parser(sub)
    add_cache_parser(sub)
    return parser
