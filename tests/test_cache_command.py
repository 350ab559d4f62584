"""Budgets in the settings, the services that apply them, and ``pertouch cache``."""

from __future__ import annotations

import json
import time

import pytest
from langgraph.checkpoint.base import empty_checkpoint

from pertouch.cli import main
from pertouch.graph.threads import thread_times
from pertouch.services import open_checkpointer
from pertouch.settings import DEFAULT_STORE_BUDGET, Settings, SettingsError


@pytest.mark.parametrize(
    ("variables", "store", "memory", "days"),
    [
        ({}, DEFAULT_STORE_BUDGET, None, 30.0),
        ({"PERTOUCH_STORE_BUDGET": "500M"}, 500 * 2**20, None, 30.0),
        ({"PERTOUCH_STORE_BUDGET": "1.5GB"}, int(1.5 * 2**30), None, 30.0),
        ({"PERTOUCH_STORE_BUDGET": "none"}, None, None, 30.0),
        ({"PERTOUCH_MEMORY_BUDGET": "4G"}, DEFAULT_STORE_BUDGET, 4 * 2**30, 30.0),
        ({"PERTOUCH_MEMORY_BUDGET": "none"}, DEFAULT_STORE_BUDGET, 0, 30.0),
        (
            {"PERTOUCH_MEMORY_BUDGET": "auto", "PERTOUCH_THREAD_DAYS": "7"},
            DEFAULT_STORE_BUDGET,
            None,
            7.0,
        ),
    ],
)
def test_budgets_are_read_from_the_environment(variables, store, memory, days):
    settings = Settings.from_env(variables)
    assert (settings.store_budget, settings.memory_budget, settings.thread_days) == (
        store,
        memory,
        days,
    )


@pytest.mark.parametrize(
    ("variables", "words"),
    [
        ({"PERTOUCH_STORE_BUDGET": "lots"}, "size such as 2G"),
        ({"PERTOUCH_THREAD_DAYS": "a month"}, "number of days"),
        ({"PERTOUCH_THREAD_DAYS": "-1"}, "between 0"),
    ],
)
def test_bad_budgets_are_refused_with_a_sentence(variables, words):
    with pytest.raises(SettingsError, match=words):
        Settings.from_env(variables)


def _old_thread(home, thread_id: str) -> None:
    closers = []
    saver = open_checkpointer(home / "threads.sqlite", closers)
    saver.put(
        {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}},
        empty_checkpoint(),
        {"source": "input", "step": 0},
        {},
    )
    for close in closers:
        close()


def test_the_cache_command_shows_and_clears_the_store_and_threads(
    tmp_path, monkeypatch, capsys, coffee
):
    from pertouch.core.store import ImageStore

    monkeypatch.setenv("PERTOUCH_HOME", str(tmp_path))
    monkeypatch.setenv("PERTOUCH_STORE_BUDGET", "64M")
    store = ImageStore(tmp_path / "store")
    store.put(coffee)
    store.put(coffee[::2, ::2].copy())
    _old_thread(tmp_path, "t1")
    assert main(["cache", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["store"]["images"] == 2 and report["store"]["budget"] == 64 * 2**20
    assert 0 < report["store"]["bytes"] < coffee.nbytes * 1.25
    assert report["threads"]["count"] == 1 and report["threads"]["pruned_after_days"] == 30
    assert main(["cache"]) == 0
    assert "2 images (budget 64.0 MB)" in capsys.readouterr().out
    assert main(["cache", "clear", "--store", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["threads_removed"] == 0
    assert store.usage().entries == 0
    assert main(["cache", "clear", "--older-than", "1"]) == 0
    assert "removed 0 threads" in capsys.readouterr().out  # the thread is younger than a day
    assert main(["cache", "clear"]) == 0
    assert "removed 1 threads" in capsys.readouterr().out


def test_opening_the_services_prunes_old_threads_and_budgets_the_store(tmp_path, monkeypatch):
    from pertouch import services as services_module
    from pertouch.graph import threads

    _old_thread(tmp_path, "ancient")
    real = threads.prune_threads
    monkeypatch.setattr(
        threads, "prune_threads", lambda saver, age: real(saver, age, now=time.time() + 40 * 86_400)
    )
    settings = Settings.from_env({}, home=tmp_path, store_budget=10 * 2**20, thread_days=30)
    with services_module.open_services(
        settings, model=object(), segmenter=object(), renderer=object()
    ) as built:
        assert built.store.budget == 10 * 2**20
        assert thread_times(built.checkpointer) == {}
    _old_thread(tmp_path, "kept")
    settings = Settings.from_env({}, home=tmp_path, thread_days=0)  # 0: never pruned
    with services_module.open_services(
        settings, model=object(), segmenter=object(), renderer=object()
    ) as built:
        assert set(thread_times(built.checkpointer)) == {"kept"}
