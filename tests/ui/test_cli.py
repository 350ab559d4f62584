"""``pertouch ui`` and ``pertouch mcp`` on the command line: options and refusals."""

from __future__ import annotations

from pertouch.cli import build_parser, main
from pertouch.cli.common import settings_from_args


def test_ui_and_mcp_are_registered_with_safe_defaults(monkeypatch):
    monkeypatch.delenv("PERTOUCH_MODEL", raising=False)
    args = build_parser().parse_args(["ui"])
    assert (args.host, args.port) == ("127.0.0.1", 7860)
    assert settings_from_args(args, use_memory=False).model == "offline"
    chosen = build_parser().parse_args(["ui", "--renderer", "diffusion", "--no-memory"])
    assert settings_from_args(chosen, use_memory=True).renderer == "diffusion"
    assert settings_from_args(chosen, use_memory=True).memory is None
    assert build_parser().parse_args(["ui", "--workers", "4"]).workers == 4
    args = build_parser().parse_args(["mcp", "--root", "/tmp", "--root", "/srv"])
    assert args.http is False and [str(r) for r in args.root] == ["/tmp", "/srv"]


def test_a_bad_port_is_refused_with_one_sentence(capsys):
    assert main(["ui", "--port", "70000", "--no-memory"]) == 2
    assert main(["mcp", "--http", "--port", "0", "--no-memory"]) == 2
    assert main(["ui", "--workers", "0", "--no-memory"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and "--port must be between 1 and 65535" in err
    assert "workers must be between 1 and 32, got 0." in err
