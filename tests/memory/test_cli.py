"""``pertouch memory``: every action through the real command line parser, errors as one sentence."""

from __future__ import annotations

import json

from PIL import Image

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


def test_recall_prints_the_suggestion_and_why(tmp_path, capsys):
    from skimage import data

    from benchmarks.scene_variants import variant

    store = ["memory", "--store", str(tmp_path / "store")]
    photo, next_photo = tmp_path / "pad.png", tmp_path / "pad-2.png"
    Image.fromarray(data.rocket()).save(photo)
    Image.fromarray(variant(data.rocket(), "mirror")).save(next_photo)
    assert main([*store, "create", "ana"]) == 0
    assert main([*store, "recall", "ana", str(photo)]) == 0
    assert "has no approved photos to compare yet" in capsys.readouterr().out

    from pertouch.cli.memory import open_memory
    from pertouch.core.adjustments import Edit
    from pertouch.memory.scene import describe
    from pertouch.tools.segmentation import OfflineSegmenter

    with OfflineSegmenter(cache_size=1) as segmenter:
        scene = describe(data.rocket(), segmenter.propose(data.rocket()))
    memory = open_memory(str(tmp_path / "store"))
    memory.remember("ana", scene, [Edit("global", "temperature", 0.4)], "warmer", photo="pad.png")
    memory.connection.close()
    capsys.readouterr()
    assert main([*store, "recall", "ana", str(next_photo), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    [match] = shown["suggestion"]["matches"]
    assert match["photo"] == "pad.png" and match["similarity"] > 0.9 and match["weight"] > 0
    assert "pad.png" in shown["suggestion"]["reason"] and shown["suggestion"]["edits"]
    assert main([*store, "recall", "ana", str(next_photo)]) == 0
    text = capsys.readouterr().out
    assert "used" in text and "starts warmer" in text and "'warmer'" in text
    assert "kind:    cityscape" in text  # a launch pad: towers against the sky
    assert main([*store, "recall", "nobody", str(photo)]) == 2
    assert "no user called 'nobody'" in capsys.readouterr().err
