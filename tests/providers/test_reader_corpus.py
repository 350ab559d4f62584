"""The offline reader on requests written the way people write them (tests/providers/data).

The test split is never tuned on. Issue 13 asks for 95% attribute-and-direction accuracy on it;
the reader measured 93.4% when it landed (dev 98.8%), so the floor below is that figure rounded
down: it catches regressions and does not pretend the target was met.
``benchmarks/eval_reader.py`` prints the full report.
"""

from __future__ import annotations

import json

import pytest

from benchmarks.eval_reader import evaluate, load_requests
from pertouch.providers.offline import OfflineChatModel
from pertouch.providers.reader.fallback import load_bank

MIN_TEST_ACCURACY = 0.93
#: The dev splits are tuned on, so they must stay near what they measured (98.8, 94.5, 98.4, 98.1,
#: 98.7, 97.5, 94.7%; dev5, dev6 and dev7 read 88.4, 88.2 and 84.2% before the reader was tuned on
#: them).
MIN_DEV_ACCURACY = {"dev": 0.97, "dev2": 0.92, "dev3": 0.96, "dev4": 0.96, "dev5": 0.96}
MIN_DEV_ACCURACY |= {"dev6": 0.95, "dev7": 0.92}
#: dev8 read 84.3% before the reader was tuned on it and 95.8% after (97.9% once the held-region
#: convention was made one); dev9 read 80.8% before and 91.7% after.
MIN_DEV_ACCURACY |= {"dev8": 0.95, "dev9": 0.90}
#: A warm read of one request; the learned layer embeds a clause in a few milliseconds.
MAX_MEDIAN_SECONDS = 0.02


@pytest.fixture(scope="module")
def model() -> OfflineChatModel:
    return OfflineChatModel()


def test_corpus_is_large_split_before_tuning_and_apart_from_the_phrase_bank():
    dev, test = load_requests("dev"), load_requests("test")
    texts = [r["text"].lower() for r in dev + test]
    assert len(texts) >= 600 and len(set(texts)) == len(texts)
    assert 0.55 <= len(dev) / len(texts) <= 0.65
    later = [
        r["text"].lower()
        for s in ("dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9")
        for r in load_requests(s)
    ]
    assert not set(later) & set(texts) and len(set(later)) == len(later)
    assert {r["source"] for r in test} == {r["source"] for r in dev}  # every kind of writer in both
    assert (
        sum(r["ambiguous"] for r in test) >= 5 and sum(bool(r["unsupported"]) for r in test) >= 20
    )
    bank = {p.text.lower().strip(" .!?") for p in load_bank()}
    assert not bank & {t.strip(" .!?") for t in texts}


def test_every_label_names_a_known_region_and_attribute():
    from pertouch.core.attributes import ATTRIBUTES
    from pertouch.core.regions import CLASSES_BY_NAME

    rows = [
        r
        for s in ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "test")
        for r in load_requests(s)
    ]
    for row in rows:
        for edit in row["edits"] + row["optional"]:
            assert edit["region"] in CLASSES_BY_NAME, json.dumps(row)
            assert edit["attribute"] in ATTRIBUTES and edit["direction"] in (1, -1)


def test_reader_reads_the_held_out_requests(model):
    test = evaluate(model.read, "test")
    print(f"\ntest {test.accuracy:.1%} ({test.total})")
    assert test.accuracy >= MIN_TEST_ACCURACY


@pytest.mark.parametrize("split", sorted(MIN_DEV_ACCURACY))
def test_reader_keeps_what_it_learned_from_the_dev_splits(model, split):
    report = evaluate(model.read, split)
    print(f"\n{split} {report.accuracy:.1%} ({report.total})")
    assert report.accuracy >= MIN_DEV_ACCURACY[split]


def test_reading_a_request_is_quick(model):
    model.read("it feels like a sauna")  # loads the embedder once
    report = evaluate(model.read, "dev")
    median = sorted(report.times)[len(report.times) // 2]
    assert median < MAX_MEDIAN_SECONDS
