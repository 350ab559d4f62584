"""How clauses point at one another: whom "he" means, and a complaint that a later wish answers.

"The dog is on the grass, lift him": "him" is the last person or animal named, never the grass.
"The skin looks a bit green, warm it up": the cast names the problem and the warming wish says how
to fix it, so the complaint asks for no edit of its own. "His face has gone red, could you sort
that": the fix points at what the other clause said, and is no general request of its own.
"""

from __future__ import annotations

from dataclasses import replace

from pertouch.core.adjustments import GLOBAL
from pertouch.core.regions import CLASSES_BY_NAME
from pertouch.providers.reader.colours import RANGES
from pertouch.providers.reader.cues import Clause
from pertouch.providers.reader.lexicon import COL, TEMP
from pertouch.providers.reader.types import RegionMention


def cast_then_wish(clauses: list[Clause]) -> None:
    """ "the skin looks a bit green, warm it up": a complaint about an off-axis colour cast
    names the problem and a later warming or cooling wish says how to fix it, so the complaint
    asks for no edit of its own (its region still reaches the wish)."""
    for index, clause in enumerate(clauses):
        cast = (
            clause.complained
            and clause.hits
            and all(h.attribute == COL and h.sign < 0 for h in clause.hits)
            and any(t in RANGES for t in clause.tokens)
        )
        later = clauses[index + 1 :]
        wishes = [c for c in later if not c.negated and not c.complained]
        if cast and any(h.attribute == TEMP for c in wishes for h in c.hits):
            clause.hits = []
            clause.dropped = True


#: Pronouns that stand for a person or an animal, never for the sky or the grass.
ANIMATE_PRONOUNS = {"he", "she", "him", "his", "hers"}


def referent(clause: Clause, before: list[Clause], named_last: Clause | None) -> Clause | None:
    """The clause whose regions a pronoun takes: "he" and "him" the last person or animal named
    ("the dog ... against the bright grass, lift him a bit"), "it" the last region named."""
    if not ANIMATE_PRONOUNS & set(clause.tokens):
        if named_last is not None and _only_it(clause) and all(map(plural, named_last.mentions)):
            return None  # "the flowers don't stand out, make it lighter": "it" is the photo
        return named_last
    for earlier in reversed(before):
        animate_ones = [m for m in earlier.mentions if animate(m.region)]
        if animate_ones:  # "my dog sits on the lawn": the dog only
            return replace(earlier, mentions=animate_ones, mention_at=[])
    return named_last


def animate(region: str) -> bool:
    found = CLASSES_BY_NAME.get(region)
    return found is not None and (found.kind == "people" or found.name == "animals")


#: Plurals without an "s".
_PLURALS = {"people", "children", "men", "women", "kids", "folks", "feet", "teeth", "geese"}


def plural(mention: RegionMention) -> bool:
    """True when a region was named in the plural ("the flowers", "the people")."""
    last = mention.phrase.split()[-1] if mention.phrase else ""
    singular_s = last.endswith(("ss", "us", "is")) or len(last) < 4
    return last in _PLURALS or (last.endswith("s") and not singular_s)


def _only_it(clause: Clause) -> bool:
    return "it" in clause.tokens and not {"them", "they", "those", "these"} & set(clause.tokens)


def remedies(clause: Clause, said: set[str]) -> bool:
    """True when "fix it", "sort that" or "the colour balance is off" only asks to remedy what
    another clause complains of or asks ("his face has gone red, could you sort that"): the
    other clause says how, so this one is no general request of its own. After a cast, "the
    colour" it would neutralise is that cast ("gone sepia, neutralise the colour")."""
    return (
        clause.fix
        and bool(said)
        and not set(clause.regions) - {GLOBAL}
        and set(clause.named) <= said | ({COL} if TEMP in said else set())
    )


def kept_with(following: Clause) -> bool:
    """True when the next clause joins more regions to this one and praises or holds them all."""
    return following.connector == "and" and bool(following.regions) and following.positive


def said_next(move: int, following: list[Clause]) -> bool:
    """True when the next clause complains about "it" on one attribute, the way the move goes."""
    if not following or following[0].regions or not following[0].pronoun:
        return False
    signs = {(h.attribute, h.sign) for h in following[0].hits}
    return len(signs) == 1 and next(iter(signs))[1] == move
