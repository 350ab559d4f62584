"""The offline reader: what an instruction asks for, read without a network.

Modules, one job each: :mod:`.normalise` and :mod:`.spelling` (what people type -> the
vocabulary), :mod:`.clauses` (cutting a request into clauses), :mod:`.lexicon`, :mod:`.words`,
:mod:`.colours` and :mod:`.sizes` (the vocabulary), :mod:`.mentions` (regions named),
:mod:`.cues` (reading one clause), :mod:`.stance` (the direction the words around a cue give
it), :mod:`.effects` (what a cue moves, given what its clause is about), :mod:`.forms`
(whole-request forms, unsupported asks), :mod:`.fallback` (the learned layer: MiniLM over a
phrase bank and the cue words), :mod:`.combine` (clauses into edits and an account per clause),
:mod:`.reference` (what a pronoun or a later wish points back to), :mod:`.asking` (questions
instead of guesses) and :mod:`.read` (the pipeline). :mod:`.types` holds the result types.
"""

from pertouch.providers.reader.read import read_instruction
from pertouch.providers.reader.types import (
    KINDS,
    ClauseReading,
    Intent,
    Kind,
    Question,
    Reading,
    RegionMention,
)

__all__ = [
    "KINDS",
    "ClauseReading",
    "Intent",
    "Kind",
    "Question",
    "Reading",
    "RegionMention",
    "read_instruction",
]
