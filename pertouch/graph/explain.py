"""Words for the user: the reply of a turn, the round-by-round explanation (``--explain``) and one
line per step while the agent works (from the events the graph streams)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pertouch.core.adjustments import GLOBAL, Edit
from pertouch.graph.records import Measurement, Round
from pertouch.graph.state import State

_CANNOT = "PerTouch changes the colour, contrast, warmth and brightness of regions"
#: A level this close to an end is "already near" it.
_NEAR_END = 0.75
#: A measured move smaller than this (in level) is no move at all.
_STILL = 0.02
#: Each attribute's two ends of the level scale in words: (+1, -1).
_ENDS = {
    "brightness": ("brightest", "darkest"),
    "colorfulness": ("most colourful", "least colourful"),
    "contrast": ("most contrasty", "flattest"),
    "temperature": ("warmest", "coolest"),
}


def respond_text(state: State) -> str:
    """The reply that ends a turn: what was done, what could not be, and why."""
    if state.error:
        return state.error
    found = state.classification
    kind = state.kind
    notes = list(dict.fromkeys(state.notes))
    if kind == "approve":
        return "Glad you like it; the result is approved."
    if kind == "undo":
        if notes:
            return notes[0]
        return "Back to the original photo." if found and found.reset else "Undid the last change."
    lines = []
    unsupported = list(found.unsupported) if found else []
    asks = found is not None and bool(found.questions or found.not_understood)
    if kind == "unsupported" or (not state.rounds and not unsupported and not asks):
        reasons = " ".join(found.reasons) if found else ""
        if unsupported:
            lines.append(f"I cannot do {', '.join(unsupported)}: {_CANNOT}.")
        elif kind == "strong" and notes:  # the notes say what was not found, and what could be
            lines.append("Nothing was changed.")
        else:
            lines.append(f"I found nothing to change. {reasons}".strip())
    if state.rounds:
        last = state.rounds[-1]
        edits = ", ".join(_edit(e) for e in last.edits) or "the reference look"
        how = f"{len(state.rounds)} round{'s' if len(state.rounds) > 1 else ''}"
        guards = last.guards
        if guards is not None and not guards.visible and kind == "weak_optimize":
            lines.append(
                "The auto look found little to improve: each region already measures at or "
                "beyond what well-made photos of its kind do, so the photo is kept nearly as "
                "shot (say what you would like, e.g. 'warmer' or 'more contrast')."
            )
        elif guards is not None and not guards.visible and any(m.held for m in last.measured):
            lines.append(f"Little visible changed after {how} ({kind.replace('_', ' ')}): {edits}.")
        elif guards is not None and not guards.visible and _all_reached(last.measured):
            lines.append(
                f"Done in {how} ({kind.replace('_', ' ')}): {edits}; the change is subtle (under "
                "a clearly visible difference almost everywhere), so say 'more' for a stronger one."
            )
        elif guards is not None and not guards.visible:
            lines.append(
                f"Nothing visible changed after {how} ({kind.replace('_', ' ')}): {edits}; "
                "the photo may already be where the words point, or the region is at the end "
                "of its range."
            )
        else:
            lines.append(f"Done in {how} ({kind.replace('_', ' ')}): {edits}.")
        rows = last.measured
        if kind == "weak_optimize":  # the auto look checks every attribute; say what it moved
            rows = tuple(m for m in rows if abs(m.measured - m.before) >= _STILL / 2)
        moved = [_moved(m) for m in rows][:6]
        if moved:
            lines.append("Measured: " + "; ".join(moved) + ".")
        lines.extend(dict.fromkeys(s for s in map(_at_limit, last.measured) if s))
        lines.extend(dict.fromkeys(s for s in map(_held, last.measured) if s))
        if guards is not None:
            lines.extend(c.sentence for c in guards.checks if not c.passed and c.name != "visible")
        if unsupported:
            lines.append(f"Not done: {', '.join(unsupported)} ({_CANNOT} only).")
    if found is not None:
        lines.extend(f"I'd rather ask than guess: {q}" for q in found.questions)
        if found.not_understood:
            parts = "; ".join(f"'{t}'" for t in found.not_understood)
            lines.append(f"I did not understand {parts}; say it another way?")
    lines.extend(notes)
    return " ".join(lines)


def explain_rounds(rounds: Sequence[Round]) -> str:
    """Each round: the edits, measured before/target/after levels, and the critique's verdict."""
    out = []
    for record in rounds:
        out.append(f"Round {record.round} (baseline {record.baseline})")
        out.append("  edits: " + (", ".join(_edit(e) for e in record.edits) or "none"))
        for row in record.measured:
            limit = "  (target at the end of the scale)" if _at_limit(row) else ""
            out.append(
                f"  {row.region:<12} {row.attribute:<12} before {row.before:+.2f}  "
                f"target {row.target:+.2f}  measured {row.measured:+.2f}{limit}"
            )
        verdict = record.verdict
        if verdict is not None:
            state = (
                "satisfied"
                if verdict.satisfied
                else "corrections " + ", ".join(_edit(c) for c in verdict.corrections)
            )
            out.append(f"  verdict: {state}. {verdict.reason}".rstrip())
    return "\n".join(out)


def _all_reached(rows: Sequence[Measurement]) -> bool:
    """Every measured edit moved and landed on its target (a miss of at most 0.05 level)."""
    return bool(rows) and all(
        not r.held and r.miss <= 0.05 and abs(r.measured - r.before) >= _STILL for r in rows
    )


def _edit(edit: Edit) -> str:
    return f"{edit.region} {edit.attribute.value} {edit.delta:+.2f}"


def _moved(row: Measurement) -> str:
    change = row.measured - row.before
    return f"{row.region} {row.attribute} {row.before:+.2f} -> {row.measured:+.2f} ({change:+.2f})"


def _at_limit(row: Measurement) -> str:
    """A sentence when the target was cut off at an end of the level scale, else "".

    Targets are clipped to [-1, 1], so a request that would go past an end (brightening a face
    already at +0.94) lands exactly on it and moves little; the user should hear why.
    """
    target, before = row.target, row.before
    if abs(target) < 1.0 or (target - before) * target < 0:
        return ""
    high, low = _ENDS.get(row.attribute, ("highest", "lowest"))
    end = f"the {high if target > 0 else low} level the scale allows"
    moved = "raised" if target > 0 else "lowered"
    name = "photo" if row.region == GLOBAL else row.region
    plural = name.endswith("s")  # region classes ending in s are plurals: eyes, shadows, blues
    went = (row.measured - before) * target > 0 and abs(row.measured - before) >= _STILL
    if row.held or not went:  # nothing moved: "I lowered it to the limit" would be untrue
        return (
            f"The {name} {'were' if plural else 'was'} already at or near {end} "
            f"({before:+.2f} {row.attribute}), so {'they' if plural else 'it'} could not go further."
        )
    if abs(before) < _NEAR_END:
        return f"The {name} {row.attribute} asked for goes past {end}; I {moved} it to the limit."
    return (
        f"The {name} {'were' if plural else 'was'} already near {end} "
        f"({before:+.2f} {row.attribute}); I {moved} {'them' if plural else 'it'} to the limit."
    )


def _held(row: Measurement) -> str:
    """A sentence when the renderer held the row short of its target to do no harm, else ""."""
    if not row.held:
        return ""
    name = "photo" if row.region == GLOBAL else row.region
    asked = row.target - row.before
    figures = (
        f"{name} {row.attribute} {row.before:+.2f} -> {row.measured:+.2f}, "
        f"a change of {asked:+.2f} asked"
    )
    if abs(asked) > 1e-3:
        kept = min(max((row.measured - row.before) / asked, 0.0), 1.0)
        figures += f": about {kept:.0%} of it kept"
    if row.attribute == "temperature":
        what = "warmth" if row.target > row.before else "cooling"
        return (
            f"The {what} was held back to keep the highlights from clipping ({figures}); "
            "more would blow out the brightest parts."
        )
    what = "colour" if row.attribute == "colorfulness" else row.attribute
    return (
        f"The {what} was held back where more would clip highlights, crush shadows or tint "
        f"neutral tones ({figures})."
    )


def progress_line(event: Mapping[str, Any]) -> str:
    """One sentence for the chat about a step the agent just took ("" for steps not worth it)."""
    node = event.get("node")
    if node == "perceive":
        regions = ", ".join(event.get("regions") or []) or "no named regions"
        return f"Looked at the photo ({event.get('scene') or 'scene'}): {regions}."
    if node == "classify":
        line = f"Read the instruction as {event.get('kind', '?')}."
        if event.get("unsupported"):
            line += f" Cannot do: {', '.join(event['unsupported'])}."
        return line
    if node == "plan":
        calls = [_call_text(c) for c in event.get("calls") or []]
        return f"Planned: {'; '.join(calls)}." if calls else ""
    if node == "render":
        return f"Rendered round {event.get('round', '?')} at full resolution."
    if node == "critique":
        verdict = "satisfied" if event.get("satisfied") else "correcting"
        return f"Checked the result: {verdict}. {event.get('reason', '')}".strip()
    return ""


def _call_text(call: Mapping[str, Any]) -> str:
    args = call.get("args") or {}
    if call.get("name") == "set_edit":
        return f"{args.get('region')} {args.get('attribute')} {float(args.get('delta', 0)):+.2f}"
    if call.get("name") == "segment":
        return f"find {args.get('region') or args.get('phrase') or 'a region'}"
    return str(call.get("name", "a step"))
