"""What everyday words of degree mean in levels: one table, used by every part of the agent.

Levels run from -1 to +1 between the 1st and 99th percentile of the fitted photos (see
:mod:`pertouch.core.levels`), so a level is a share of the range people actually shoot, not of
what a sensor can record. The magnitudes below are chosen against two facts:

* The parametric renderer promises to land within 0.05 level of a target. The smallest change we
  name, "a touch" (0.10), is twice that, so even the subtlest request is a change the measurement
  can confirm and not noise around an unchanged photo.
* On the bundled scale one photographic stop moves a grey's brightness level by 0.55 to 0.64
  between levels -0.6 and +0.3, and a bright tone's by about 0.4 (computed from the scale's knots:
  a stop multiplies encoded values by 2^(1/2.2)), so :data:`ONE_STOP` is 0.5, a little under that
  span. The default, 0.25 (what "make
  it brighter" means with no degree word), is then about half a stop: what a person asking for a
  visible but not dramatic change expects. "A lot" (0.40) stays under a stop, so one request cannot
  push a typical region past the 90th percentile of real photos; "dramatically" (0.60) can.

Percentages are read as a share of the level range: "10% brighter" is 10% of the two-level span,
0.2 level. The critique accepts a result when the measured change lies within
:func:`accepted_band` of what the words asked for.
"""

from __future__ import annotations

#: Degree phrases, longest first so "a tiny bit" wins over "a bit"; values are levels.
DEGREES: tuple[tuple[str, float], ...] = (
    ("as much as possible", 0.6),
    ("a tiny bit", 0.1),
    ("a little bit", 0.1),
    ("ever so slightly", 0.1),
    ("just a touch", 0.1),
    ("a touch", 0.1),
    ("a tad", 0.1),
    ("a hint", 0.1),
    ("a smidge", 0.1),
    ("slightly", 0.1),
    ("subtly", 0.1),
    ("barely", 0.1),
    ("gently", 0.1),
    ("a little", 0.15),
    ("a bit", 0.15),
    ("somewhat", 0.15),
    ("mildly", 0.15),
    ("a few", 0.15),
    ("noticeably", 0.35),
    ("quite a bit", 0.35),
    ("really", 0.35),
    ("very", 0.35),
    ("way too", 0.4),
    ("much too", 0.4),
    ("far too", 0.4),
    ("a lot", 0.4),
    ("lots", 0.4),
    ("much", 0.4),
    ("way", 0.4),
    ("significantly", 0.4),
    ("considerably", 0.4),
    ("strongly", 0.4),
    ("heavily", 0.4),
    ("substantially", 0.4),
    ("seriously", 0.4),
    ("dramatically", 0.6),
    ("drastically", 0.6),
    ("massively", 0.6),
    ("hugely", 0.6),
    ("extremely", 0.6),
    ("super", 0.6),
)
DEFAULT_DEGREE = 0.25
#: Brightness levels per photographic stop near the middle of the bundled scale.
ONE_STOP = 0.5
#: The largest change one edit may ask for; the state allows 2, but a request is a nudge.
MAX_REQUEST = 1.0
#: Absolute slack of the accepted band: the renderer's promise.
TOLERANCE = 0.05


def percent_to_levels(percent: float) -> float:
    """``percent`` of the level range, in levels (10% -> 0.2), capped at :data:`MAX_REQUEST`."""
    return min(MAX_REQUEST, abs(percent) / 100.0 * 2.0)


def stops_to_levels(stops: float) -> float:
    """Brightness change of ``stops`` photographic stops, in levels, capped."""
    return min(MAX_REQUEST, abs(stops) * ONE_STOP)


def accepted_band(intended: float) -> tuple[float, float]:
    """The measured changes that honour an intended change of ``intended`` levels.

    The band is ``intended`` plus or minus the larger of :data:`TOLERANCE` and a quarter of the
    change, so "a touch" (0.1) accepts 0.05 to 0.15 and "a lot" (0.4) accepts 0.3 to 0.5.
    """
    slack = max(TOLERANCE, 0.25 * abs(intended))
    return intended - slack, intended + slack
