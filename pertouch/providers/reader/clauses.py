"""Cutting a request into clauses, each with the word that joined it to the one before.

A clause ends at sentence punctuation or a connective ("and", "but", "then", "except",
"without" ...). The connective is kept because it carries meaning for the combiner: "and brighter"
shares the previous clause's region, "except the sky" holds a region, "without making it darker"
is a negated clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPLIT = re.compile(
    r"\s*(?:[,;:!?\n]+|(?<!\d)\.(?!\d)|\b(and|but|while|then|also|plus|except|excluding|apart from|other than"
    r"|though|although|whereas|without|as well as|instead of|because|since|however|otherwise"
    r"|so that|just|besides|rather than)\b)\s*"
)
#: Connectives after which a clause holds a region rather than changing it.
EXCEPT = ("except", "excluding", "apart from", "other than")


@dataclass(frozen=True)
class Piece:
    """One clause's words and how it was joined: "start", "comma" or the connective."""

    connector: str
    text: str


def split_clauses(words: str) -> list[Piece]:
    """Split normalised ``words`` into clauses (empty ones dropped)."""
    parts = _SPLIT.split(words)
    pieces: list[Piece] = []
    connector = "start"
    # re.split with one group alternates text, connective (None for punctuation), text ...
    for index, part in enumerate(parts):
        if index % 2 == 1:
            if part is not None:
                connector = part if connector in ("start", "comma") else connector
            elif connector == "start" and pieces:
                connector = "comma"
            continue
        if part and part.strip():
            pieces.append(Piece(connector, part.strip()))
            connector = "comma"
    return pieces


def clause_around(words: str, start: int, end: int) -> str:
    """The words of the clause that holds ``words[start:end]``, without that span."""
    left = max((m.end() for m in _SPLIT.finditer(words) if m.end() <= start), default=0)
    right = min((m.start() for m in _SPLIT.finditer(words) if m.start() >= end), default=len(words))
    return f"{words[left:start]} {words[end:right]}".strip()
