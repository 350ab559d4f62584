"""Words for the user: the reply of a turn and the round-by-round explanation (``--explain``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pertouch.graph.state import State

_CANNOT = "PerTouch changes the colour, contrast, warmth and brightness of regions"


def respond_text(state: State) -> str:
    """The reply that ends a turn: what was done, what could not be, and why."""
    if state.error:
        return state.error
    found = state.classification
    kind = found.get("kind", "")
    notes = list(dict.fromkeys(state.notes))
    if kind == "approve":
        return "Glad you like it; the result is approved."
    if kind == "undo":
        if notes:
            return notes[0]
        return "Back to the original photo." if found.get("reset") else "Undid the last change."
    lines = []
    unsupported = found.get("unsupported") or []
    if kind == "unsupported" or (not state.rounds and not unsupported):
        reasons = " ".join(found.get("reasons") or [])
        if unsupported:
            lines.append(f"I cannot do {', '.join(unsupported)}: {_CANNOT}.")
        else:
            lines.append(f"I found nothing to change. {reasons}".strip())
    if state.rounds:
        last = state.rounds[-1]
        edits = ", ".join(_edit(e) for e in last["edits"]) or "the reference look"
        how = f"{len(state.rounds)} round{'s' if len(state.rounds) > 1 else ''}"
        lines.append(f"Done in {how} ({kind.replace('_', ' ')}): {edits}.")
        moved = [_moved(r) for r in last["measured"]][:6]
        if moved:
            lines.append("Measured: " + "; ".join(moved) + ".")
        if unsupported:
            lines.append(f"Not done: {', '.join(unsupported)} ({_CANNOT} only).")
    lines.extend(notes)
    return " ".join(lines)


def explain_rounds(rounds: Sequence[Mapping[str, Any]]) -> str:
    """Each round: the edits, measured before/target/after levels, and the critique's verdict."""
    out = []
    for record in rounds:
        out.append(f"Round {record['round']} (baseline {record['baseline']})")
        out.append("  edits: " + (", ".join(_edit(e) for e in record["edits"]) or "none"))
        for row in record["measured"]:
            out.append(
                f"  {row['region']:<12} {row['attribute']:<12} before {row['before']:+.2f}  "
                f"target {row['target']:+.2f}  measured {row['measured']:+.2f}"
            )
        verdict = record.get("verdict")
        if verdict:
            state = (
                "satisfied"
                if verdict["satisfied"]
                else "corrections " + ", ".join(_edit(c) for c in verdict["corrections"])
            )
            out.append(f"  verdict: {state}. {verdict.get('reason', '')}".rstrip())
    return "\n".join(out)


def _edit(edit: Mapping[str, Any]) -> str:
    return f"{edit['region']} {edit['attribute']} {edit['delta']:+.2f}"


def _moved(row: Mapping[str, Any]) -> str:
    change = row["measured"] - row["before"]
    return f"{row['region']} {row['attribute']} {row['before']:+.2f} -> {row['measured']:+.2f} ({change:+.2f})"
