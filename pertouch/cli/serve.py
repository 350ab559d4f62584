"""``pertouch ui`` and ``pertouch mcp``: the browser app and the MCP server.

    pertouch ui                          # http://127.0.0.1:7860, offline
    pertouch ui --port 8080 --memory http://127.0.0.1:8000 --workers 4
    pertouch mcp --root ~/Pictures        # stdio, for editors and agents
    pertouch mcp --root ~/Pictures --http --port 8765

Both sit on the same service layer (:class:`~pertouch.studio.Studio`, built from
:class:`~pertouch.services.Settings`: the ``PERTOUCH_*`` variables, then these options), so the app
and the MCP server run the same model, segmenter, renderer and memory. This command is the only
module that knows both surfaces; neither imports the other. It turns off Gradio's analytics before
Gradio is imported, so the app makes no calls out.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from pertouch.cli.common import add_service_options, settings_from_args
from pertouch.core.errors import PerTouchError


def add_serve_parsers(subparsers: Any) -> None:
    """Add the ``ui`` and ``mcp`` sub-commands to an argparse ``subparsers`` object."""
    ui = subparsers.add_parser(
        "ui", help="open the chat app in a browser", description="Serve the PerTouch chat app."
    )
    ui.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    ui.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    ui.add_argument(
        "--workers",
        type=int,
        help="turns run at once, one per tab (default PERTOUCH_WORKERS, else 2)",
    )
    add_service_options(ui, memory_default=True)
    ui.set_defaults(func=run_ui)

    mcp = subparsers.add_parser(
        "mcp",
        help="serve PerTouch's tools over MCP",
        description="Serve retouch, segment, measure, render, recall and approve as MCP tools.",
    )
    mcp.add_argument(
        "--root",
        action="append",
        type=Path,
        default=[],
        help="a folder whose photos the tools may read and write (repeat for more)",
    )
    mcp.add_argument("--http", action="store_true", help="streamable HTTP instead of stdio")
    mcp.add_argument("--host", default="127.0.0.1", help="address for --http (default 127.0.0.1)")
    mcp.add_argument("--port", type=int, default=8765, help="port for --http (default 8765)")
    add_service_options(mcp, memory_default=True)
    mcp.set_defaults(func=run_mcp)


def _studio(args: argparse.Namespace) -> Any:
    from pertouch.studio import open_studio

    if not 1 <= args.port <= 65535:
        raise PerTouchError(f"--port must be between 1 and 65535, got {args.port}.")
    workers = getattr(args, "workers", None)
    return open_studio(settings_from_args(args, use_memory=True, workers=workers))


def run_ui(args: argparse.Namespace) -> int:
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported
    studio = _studio(args)
    from pertouch.ui.app import launch

    print(f"PerTouch is at http://{args.host}:{args.port} (Ctrl+C to stop)")
    launch(studio, host=args.host, port=args.port)
    return 0


def run_mcp(args: argparse.Namespace) -> int:
    from pertouch.mcp_server import build_server

    server = build_server(roots=args.root, studio=_studio(args))
    if args.http:
        server.run("streamable-http", host=args.host, port=args.port)
    else:
        server.run("stdio")
    return 0
