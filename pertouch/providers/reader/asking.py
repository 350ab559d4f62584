"""Asking instead of guessing: the questions a reading carries, and when one is needed.

A clause that names a change without a direction ("adjust the warmth"), a vague complaint ("the
sky looks weird") or a clause the learned layer reads with too little confidence becomes a
:class:`~pertouch.providers.reader.types.Question` with the short answers the reader understands
("warmer", "cooler"). A question another clause already answers ("the background is distracting,
darken it") is dropped.
"""

from __future__ import annotations

from dataclasses import replace

from pertouch.core.adjustments import GLOBAL
from pertouch.providers.reader import words as W
from pertouch.providers.reader.cues import Clause
from pertouch.providers.reader.lexicon import BRI, COL, CON, CUES, TEMP
from pertouch.providers.reader.stance import has
from pertouch.providers.reader.types import ClauseReading, Intent, Question

VERBS = {w for phrase in (*W.MOVE, *W.RAISE, *W.LOWER, *W.FIX) for w in phrase.split()}
VERBS |= {"bring", "take", "get", "put", "give", "make", "please", "pls"}
ASK = {
    BRI: ("Brighter or darker?", ("brighter", "darker")),
    CON: ("More contrast or less?", ("more contrast", "less contrast")),
    COL: ("More colour or less?", ("more colour", "less colour")),
    TEMP: ("Warmer or cooler?", ("warmer", "cooler")),
}
ANY = (
    "brighter",
    "darker",
    "more contrast",
    "less contrast",
    "more colour",
    "less colour",
    "warmer",
    "cooler",
)


def question(clause: Clause, attribute: str | None) -> Question:
    """The question to ask about ``attribute`` (None: which attribute) of the clause's region."""
    mention = clause.mentions[0] if clause.mentions else None
    region = mention.region if mention else GLOBAL
    where = f"the {mention.phrase}" if mention and region != GLOBAL else ""
    if attribute is None:
        text = f"What should change{' in ' + where if where else ''}: brightness, contrast, colour or warmth?"
        return Question(text, clause.text, region, None, ANY)
    text, options = ASK[attribute]
    if where:
        text = f"For {where}: {text[0].lower()}{text[1:]}"
    return Question(text, clause.text, region, attribute, options)


def unknown_predicate(clause: Clause) -> bool:
    """True when an attribute is the subject of words the grammar does not read."""
    if clause.positive or clause.vague or clause.neutral or clause.fix or clause.optimize:
        return False
    named = {w for m in clause.mentions for w in m.phrase.split()}
    unknown = [
        t
        for t in clause.tokens
        if t.isalpha()
        and t not in W.FILLER
        and t not in CUES
        and t not in W.COMPLAINT
        and t not in named
        and t not in VERBS
    ]
    return bool(unknown) and has(clause.tokens, W.COMPLAINT)


def drop_answered(
    questions: list[Question], accounts: list[ClauseReading], intents: list[Intent]
) -> tuple[list[Question], list[ClauseReading]]:
    """Drop questions another clause answers: "the background is distracting, darken it"."""
    kept = []
    for asked in questions:
        answered = [
            i
            for i in intents
            if (asked.region == GLOBAL or i.region == asked.region)
            and (asked.attribute is None or i.attribute == asked.attribute)
        ]
        if answered:
            accounts = [
                a if a.text != asked.clause or a.status != "question" else replace(a, status="none")
                for a in accounts
            ]
        else:
            kept.append(asked)
    return kept, accounts
