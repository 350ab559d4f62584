"""``pertouch ui`` and ``pertouch mcp``: the browser app and the MCP server.

    pertouch ui                          # http://127.0.0.1:7860, offline
    pertouch ui --port 8080 --memory http://127.0.0.1:8000
    pertouch mcp --root ~/Pictures        # stdio, for editors and agents
    pertouch mcp --root ~/Pictures --http --port 8765

main's ``cli.py`` registers both with :func:`add_ui_parsers`. This is an entry point, so it reads
the environment: ``PERTOUCH_HOME`` (threads and images), ``PERTOUCH_MEMORY`` (the memory store),
``OPENAI_BASE_URL``/``OPENAI_API_KEY``/``PERTOUCH_MODEL_TIMEOUT`` for "openai:" models. It also
turns off Gradio's analytics, so the app makes no calls out.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from pertouch.core.errors import PerTouchError

DEFAULT_HOME = "~/.cache/pertouch"


def add_ui_parsers(subparsers: Any) -> None:
    """Add the ``ui`` and ``mcp`` sub-commands to an argparse ``subparsers`` object."""
    ui = subparsers.add_parser(
        "ui", help="open the chat app in a browser", description="Serve the PerTouch chat app."
    )
    ui.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    ui.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    _shared_options(ui)
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
    _shared_options(mcp)
    mcp.set_defaults(func=run_mcp)


def _shared_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default="offline", help='"offline" (default) or "openai:MODEL"')
    parser.add_argument(
        "--memory",
        help="memory folder or Chroma server URL (default: $PERTOUCH_MEMORY or the data folder)",
    )
    parser.add_argument("--no-memory", action="store_true", help="run without remembering taste")


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    from pertouch.memory.cli import default_location
    from pertouch.providers.openai import OpenAIConfig

    if not 1 <= args.port <= 65535:
        raise PerTouchError(f"--port must be between 1 and 65535, got {args.port}.")
    return {
        "home": Path(os.environ.get("PERTOUCH_HOME") or DEFAULT_HOME).expanduser(),
        "memory_location": None if args.no_memory else (args.memory or default_location()),
        "model": args.model,
        "openai": OpenAIConfig(
            base_url=os.environ.get("OPENAI_BASE_URL") or None,
            api_key=os.environ.get("OPENAI_API_KEY") or None,
            timeout=float(os.environ.get("PERTOUCH_MODEL_TIMEOUT", "60")),
        ),
    }


def run_ui(args: argparse.Namespace) -> int:
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported
    from pertouch.ui.studio import open_studio

    studio = open_studio(**_settings(args))
    from pertouch.ui.app import launch

    print(f"PerTouch is at http://{args.host}:{args.port} (Ctrl+C to stop)")
    launch(studio, host=args.host, port=args.port)
    return 0


def run_mcp(args: argparse.Namespace) -> int:
    from pertouch.mcp_server import build_server

    settings = _settings(args)
    server = build_server(roots=args.root, **settings)
    if args.http:
        server.run("streamable-http", host=args.host, port=args.port)
    else:
        server.run("stdio")
    return 0
