"""How well the offline reader reads requests as people write them: accuracy and time per request.

The corpus is ``tests/providers/data/requests_{dev,test}.jsonl`` (see its README for the labels).
A request counts as read right (attribute and direction) when the set of (attribute, direction)
the reader will edit holds every labelled edit and nothing outside the labelled and optional ones,
when it asks where a person would ask, and when non-strong requests get their kind (and look).
Also reported, as secondary figures: regions right as well, degree buckets, the unsupported parts
listed exactly, and questions asked where none was needed. Time is the median wall time of one
read once the reader is warm (the first read loads the sentence embedder and is shown apart).

Tune on the dev splits only; ``--misses`` refuses the test split so its mistakes are never read.

Run: python benchmarks/eval_reader.py [--split dev|dev2|...|dev9|test|all] [--misses]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "tests" / "providers" / "data"
SPLITS = ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "test")
TUNING = ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9")
#: Degree buckets of the labels, in levels: small <= 0.15 < medium < 0.35 <= large.
SMALL_MAX, LARGE_MIN = 0.15, 0.35
NON_STRONG = ("weak_style", "weak_optimize", "refine", "undo", "approve", "unsupported")


def load_requests(split: str) -> list[dict[str, Any]]:
    """The labelled requests of one split ("dev", "dev2" ... "dev9" or "test")."""
    if split not in SPLITS:
        raise ValueError(f"Unknown split {split!r}; use one of {SPLITS}.")
    path = DATA / f"requests_{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _bucket(delta: float) -> str:
    size = abs(delta)
    return (
        "small" if size <= SMALL_MAX + 1e-9 else "large" if size >= LARGE_MIN - 1e-9 else "medium"
    )


@dataclass
class Verdict:
    """How one reading compares with its labels."""

    attribute_direction: bool
    regions: bool
    degrees: bool
    unsupported: bool
    needless_question: bool


def judge(reading: Any, row: dict[str, Any]) -> Verdict:
    """Compare a reader's ``Reading`` with one labelled request."""
    questions = tuple(getattr(reading, "questions", ()))
    intents = list(reading.intents)
    unsupported_ok = set(reading.unsupported) == set(row["unsupported"])
    if row["kind"] == "unsupported":  # nothing to do, unless a labelled optional edit
        optional = {(e["attribute"], e["direction"]) for e in row["optional"]}
        pairs = {(i.attribute, 1 if i.delta > 0 else -1) for i in intents}
        ok = not questions and pairs <= optional and (bool(pairs) or reading.kind == "unsupported")
        return Verdict(ok, ok, ok, unsupported_ok, False)
    if row["kind"] in NON_STRONG:
        ok = reading.kind == row["kind"] and (
            row["kind"] != "weak_style" or reading.style == row["style"]
        )
        return Verdict(ok, ok, ok, unsupported_ok, False)
    if reading.kind not in ("strong", "weak_optimize", "weak_style"):
        return Verdict(False, False, False, unsupported_ok, False)
    pairs = {(i.attribute, 1 if i.delta > 0 else -1) for i in intents}
    required = {(e["attribute"], e["direction"]) for e in row["edits"]}
    allowed = required | {(e["attribute"], e["direction"]) for e in row["optional"]}
    asked_ok = bool(questions) if row["ask"] else True
    blocked = {a["attribute"] for a in row["ask"] if a["attribute"]}
    ok = required <= pairs <= allowed and asked_ok and not any(p[0] in blocked for p in pairs)
    triples = {(i.region, i.attribute, 1 if i.delta > 0 else -1) for i in intents}
    need = {(e["region"], e["attribute"], e["direction"]) for e in row["edits"]}
    may = need | {(e["region"], e["attribute"], e["direction"]) for e in row["optional"]}
    regions_ok = ok and need <= triples <= may
    deltas = {(i.region, i.attribute): i.delta for i in intents}
    degrees_ok = regions_ok and all(
        _bucket(deltas[(e["region"], e["attribute"])]) == e["degree"] for e in row["edits"]
    )
    return Verdict(ok, regions_ok, degrees_ok, unsupported_ok, bool(questions) and not row["ask"])


@dataclass
class Report:
    """Figures for one split."""

    split: str
    total: int
    verdicts: list[Verdict]
    times: list[float]
    misses: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    by_source: dict[str, tuple[int, int]] = field(default_factory=dict)

    def share(self, name: str) -> float:
        return sum(getattr(v, name) for v in self.verdicts) / max(1, self.total)

    @property
    def accuracy(self) -> float:
        """Attribute-and-direction accuracy."""
        return self.share("attribute_direction")

    def lines(self) -> list[str]:
        median = statistics.median(self.times) * 1000
        p90 = sorted(self.times)[int(0.9 * (len(self.times) - 1))] * 1000
        out = [
            f"{self.split}: {self.total} requests",
            f"  attribute and direction  {self.accuracy:6.1%}",
            f"  + regions                {self.share('regions'):6.1%}",
            f"  + degree buckets         {self.share('degrees'):6.1%}",
            f"  unsupported listed right {self.share('unsupported'):6.1%}",
            f"  needless questions       {self.share('needless_question'):6.1%}",
            f"  read time median {median:.1f} ms, p90 {p90:.1f} ms",
        ]
        for source, (right, n) in sorted(self.by_source.items()):
            out.append(f"    {source:<16} {right / n:6.1%} ({right}/{n})")
        return out


def evaluate(read: Callable[[str], Any], split: str, keep_misses: bool = False) -> Report:
    """Read every request of ``split`` with ``read`` and score it."""
    rows = load_requests(split)
    verdicts, times, misses = [], [], []
    by_source: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for row in rows:
        start = time.perf_counter()
        reading = read(row["text"])
        times.append(time.perf_counter() - start)
        verdict = judge(reading, row)
        verdicts.append(verdict)
        seen[row["source"]] += 1
        by_source[row["source"]] += verdict.attribute_direction
        if keep_misses and not verdict.attribute_direction:
            misses.append((row, reading.to_dict()))
    sources = {s: (by_source[s], seen[s]) for s in seen}
    return Report(split, len(rows), verdicts, times, misses, sources)


def _miss_line(row: dict[str, Any], got: dict[str, Any]) -> str:
    want = " ".join(
        f"{e['region']}.{e['attribute'][:4]}{'+' if e['direction'] > 0 else '-'}"
        for e in row["edits"]
    )
    have = " ".join(
        f"{e['region']}.{e['attribute'][:4]}{'+' if e['delta'] > 0 else '-'}{abs(e['delta']):g}"
        for e in got["edits"]
    )
    asked = f" ask={len(got.get('questions', []))}" if row["ask"] or got.get("questions") else ""
    return (
        f"  MISS {row['text']!r}\n     want {row['kind']} {want}  got {got['kind']} {have}{asked}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    parser.add_argument("--misses", action="store_true", help="list misses (dev splits only)")
    args = parser.parse_args(argv)
    if args.misses and args.split not in TUNING:
        parser.error(
            "--misses lists misses of the dev splits only; the test split is never tuned on."
        )
    from pertouch.providers.offline import OfflineChatModel

    model = OfflineChatModel()
    start = time.perf_counter()
    model.read("the sky looks like an oven")  # warm-up: loads the embedder if the reader has one
    print(f"first read (cold start): {(time.perf_counter() - start) * 1000:.0f} ms")
    splits = SPLITS if args.split == "all" else (args.split,)
    times: list[float] = []
    for split in splits:
        report = evaluate(model.read, split, keep_misses=args.misses)
        times += report.times
        print("\n".join(report.lines()))
        for row, got in report.misses:
            print(_miss_line(row, got))
    median = statistics.median(times) * 1000
    print(f"median plan time per request (offline, warm): {median:.2f} ms over {len(times)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
