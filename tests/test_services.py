"""Settings are read in one place and every surface builds the same services from them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime
from PIL import Image

from pertouch.core.errors import PerTouchError
from pertouch.services import Settings, SettingsError, open_services
from tests.graph.scripted import call


@pytest.fixture(scope="module")
def rocket_file(tmp_path_factory) -> Path:
    from skimage import data

    path = tmp_path_factory.mktemp("photos") / "rocket.png"
    Image.fromarray(data.rocket()).save(path)
    return path


def test_settings_read_the_documented_variables():
    env = {
        "PERTOUCH_HOME": "/data/pt",
        "PERTOUCH_MODEL": "openai:gpt-4o",
        "OPENAI_BASE_URL": "http://127.0.0.1:8000/v1",
        "PERTOUCH_MODEL_TIMEOUT": "12.5",
        "PERTOUCH_RENDERER": "diffusion",
        "PERTOUCH_BASE_MODEL": "/models/sd21",
        "PERTOUCH_CHECKPOINT": "/models/pertouch",
        "PERTOUCH_ROUNDS": "2",
    }
    settings = Settings.from_env(env)
    assert settings.home == Path("/data/pt") and settings.model == "openai:gpt-4o"
    assert settings.model_base_url == "http://127.0.0.1:8000/v1" and settings.model_timeout == 12.5
    assert settings.renderer == "diffusion" and settings.base_model == Path("/models/sd21")
    assert settings.rounds == 2 and settings.memory is None  # memory is each surface's choice
    assert Settings.from_env(env, renderer="parametric", home="/x").renderer == "parametric"
    assert Settings.from_env({}) == Settings()


def test_serving_settings_are_read_from_their_variables():
    env = {
        "PERTOUCH_WORKERS": "4",
        "PERTOUCH_SERVED_MODELS": " openai:gpt-4o, openai:gpt-4o-mini ,,openai:gpt-4o",
        "PERTOUCH_SERVED_MEMORIES": "http://chroma:8000",
        "PERTOUCH_FETCH_PRIVATE": "yes",
    }
    settings = Settings.from_env(env)
    assert settings.workers == 4 and settings.fetch_private
    assert settings.served_models == ("openai:gpt-4o", "openai:gpt-4o-mini")
    assert settings.served_memories == ("http://chroma:8000",)
    assert Settings().workers == 2 and not Settings().fetch_private


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"PERTOUCH_MODEL_TIMEOUT": "abc"}, "PERTOUCH_MODEL_TIMEOUT must be a number"),
        ({"PERTOUCH_MODEL_TIMEOUT": "-1"}, "between 0 and 3600 seconds"),
        ({"PERTOUCH_RENDERER": "magic"}, "Unknown renderer 'magic'"),
        ({"PERTOUCH_SEGMENTER": "magic"}, "Unknown segmenter 'magic'"),
        ({"PERTOUCH_ROUNDS": "many"}, "PERTOUCH_ROUNDS must be a whole number"),
        ({"PERTOUCH_ROUNDS": "0"}, "rounds must be between 1 and 10"),
        ({"PERTOUCH_WORKERS": "0"}, "workers must be between 1 and 32"),
        ({"PERTOUCH_FETCH_PRIVATE": "maybe"}, "PERTOUCH_FETCH_PRIVATE must be 1 or 0"),
    ],
)
def test_a_bad_variable_gets_one_sentence(env, words):
    with pytest.raises(SettingsError, match=words):
        Settings.from_env(env)


def test_a_memory_that_is_neither_a_folder_nor_http_is_refused():
    with pytest.raises(SettingsError, match="neither a folder nor an http"):
        Settings.from_env({}, memory="ftp://example.org/memory")


def test_home_that_is_a_file_or_a_broken_thread_database_gets_one_sentence(tmp_path):
    afile = tmp_path / "file"
    afile.write_text("x")
    with pytest.raises(SettingsError, match="is a file, not a folder"):
        open_services(Settings(home=afile))
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "threads.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(SettingsError, match="cannot be used"):
        open_services(Settings(home=garbage))
    folder = tmp_path / "folder"
    (folder / "threads.sqlite").mkdir(parents=True)
    with pytest.raises(SettingsError, match="is not a file"):
        open_services(Settings(home=folder))


def test_every_surface_gets_the_segmenter_with_the_minilm_lexicon(tmp_path):
    from pertouch.api import Retoucher
    from pertouch.studio import open_studio

    with open_services(Settings(home=tmp_path)) as services:
        lexicon = services.segmenter.lexicon  # type: ignore[attr-defined]
        assert lexicon._embedder is not None
    with Retoucher(home=tmp_path) as agent:
        assert agent.services.segmenter.lexicon._embedder is not None  # type: ignore[attr-defined]
    studio = open_studio(Settings(home=tmp_path))
    assert studio.segmenter.lexicon._embedder is not None  # type: ignore[attr-defined]
    assert studio.retoucher.graph is studio.services.graph
    studio.close()


def test_the_renderer_choice_reaches_the_app_and_mcp_service_layer(tmp_path):
    from pertouch.studio import open_studio

    with pytest.raises(SettingsError, match="needs a base model and a checkpoint"):
        open_studio(Settings(home=tmp_path, renderer="diffusion"))


def test_a_conversation_lock_is_shared_while_held_and_forgotten_after(tmp_path):
    """One lock per conversation while calls use it; a server does not keep one per tab forever."""
    import gc

    from pertouch.studio import open_studio

    studio = open_studio(Settings(home=tmp_path))
    try:
        held = studio.conversation("tab-1")
        with held:
            assert studio.conversation("tab-1") is held
            assert studio.conversation("tab-2") is not held
            assert not held.acquire(blocking=False)
        del held
        gc.collect()
        assert "tab-1" not in studio._threads and "tab-2" not in studio._threads
    finally:
        studio.close()


def test_python_api_writes_threads_under_pertouch_home(tmp_path, monkeypatch, rocket_file):
    import pertouch

    home = tmp_path / "elsewhere"
    monkeypatch.setenv("PERTOUCH_HOME", str(home))
    result = pertouch.retouch(rocket_file, "make the sky a touch bluer", rounds=1)
    threads = sqlite3.connect(home / "threads.sqlite")
    try:
        count = threads.execute(
            "select count(*) from checkpoints where thread_id = ?", (result.thread_id,)
        ).fetchone()[0]
    finally:
        threads.close()
    assert count > 0 and any((home / "store").iterdir())


def test_the_recall_tool_answers_from_the_real_memory(tmp_path, rocket_file):
    from pertouch.core.adjustments import AdjustmentState
    from pertouch.graph.context import Context
    from pertouch.graph.nodes.deps import Deps
    from pertouch.graph.nodes.plan import tools
    from pertouch.graph.nodes.taste import describe_photo
    from pertouch.graph.state import State
    from pertouch.services import open_memory

    memory = open_memory(str(tmp_path / "memory"))
    assert memory is not None
    memory.users.create("ana")
    with open_services(Settings(home=tmp_path / "home"), memory=memory) as services:
        deps = Deps(
            services.model,
            services.fallback,
            services.segmenter,
            services.renderer,
            services.store,
            services.scale,
            memory,
        )
        pixels = np.asarray(Image.open(rocket_file).convert("RGB"))
        ref = deps.put(pixels)
        warmer = AdjustmentState().with_edit("global", "temperature", 0.3)
        memory.remember("ana", describe_photo(ref, deps), warmer, "make it warmer", key="r1")

        def ask_recall(user: str) -> str:
            state = State(
                user=user,
                photo_ref=ref,
                messages=[AIMessage("", tool_calls=[call("recall", "c1", scene="landscape")])],
            )
            update = tools(state, Runtime(context=Context(), stream_writer=lambda _: None), deps)
            return str(update["messages"][0].content)

        answer = json.loads(ask_recall("ana"))
        (edit,) = answer["edits"]  # one approval is recalled, scaled by how sure the memory is
        assert (edit["region"], edit["attribute"]) == ("global", "temperature")
        assert 0 < edit["delta"] <= 0.3
        assert answer["reason"]
        assert "No user is named" in ask_recall("")


def test_closing_services_closes_the_thread_database(tmp_path):
    services = open_services(Settings(home=tmp_path))
    services.close()
    with pytest.raises(sqlite3.ProgrammingError):
        services.checkpointer.conn.execute("select 1")  # type: ignore[union-attr]


def test_unknown_settings_are_refused():
    with pytest.raises(PerTouchError, match="Unknown setting 'colour'"):
        Settings.from_env({}, colour="red")
