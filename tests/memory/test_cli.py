"""``pertouch memory``: every action through the real command line parser, errors as one sentence."""

from __future__ import annotations

import json

from pertouch.cli import main
from pertouch.services import default_memory_location as default_location


def test_memory_commands_round_trip(tmp_path, capsys):
    store = ["memory", "--store", str(tmp_path / "store")]
    assert main([*store, "create", "ana"]) == 0
    assert main([*store, "rename", "ana", "Ana P."]) == 0
    assert main([*store, "users"]) == 0
    assert "Ana P." in capsys.readouterr().out
    out = tmp_path / "ana.jsonl"
    assert main([*store, "export", "Ana P.", "-o", str(out)]) == 0
    assert json.loads(out.read_text().splitlines()[0])["user"] == "Ana P."
    assert main([*store, "import", str(out), "--name", "copy"]) == 0
    assert main([*store, "delete", "copy"]) == 2
    assert "--yes" in capsys.readouterr().err
    assert main([*store, "delete", "copy", "--yes"]) == 0
    assert main([*store, "records", "nobody"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pertouch: There is no user called 'nobody'") and "Traceback" not in err


def test_a_missing_import_file_is_one_sentence(tmp_path, capsys):
    assert main(["memory", "--store", str(tmp_path), "import", str(tmp_path / "none.jsonl")]) == 2
    assert "Cannot read" in capsys.readouterr().err


def test_default_location_reads_only_what_it_is_given():
    assert default_location({"PERTOUCH_MEMORY": "http://127.0.0.1:8000"}) == "http://127.0.0.1:8000"
    assert default_location({"XDG_DATA_HOME": "/data"}) == "/data/pertouch/memory"
