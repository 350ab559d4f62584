import numpy as np
import pytest

from pertouch.core.attributes import Attribute
from pertouch.core.errors import ScaleError
from pertouch.core.levels import default_scale
from pertouch.core.priors import (
    PRIOR_KINDS,
    RegionPriors,
    RegionSample,
    default_priors,
    fit_priors,
    prior_kind,
)


@pytest.mark.parametrize(
    ("region", "kind"),
    [
        ("sky", "sky"),
        ("Face", "people"),
        ("face skin", "people"),
        ("hair", "people"),
        ("vegetation", "vegetation"),
        ("water", "water"),
        ("ground", "ground"),
        ("mountains", "ground"),
        ("architecture", "buildings"),
        ("subject", "other"),
        ("global", "other"),
        ("(rest)", "other"),
        ("my flag", "other"),
    ],
)
def test_region_names_map_to_prior_kinds(region, kind):
    assert prior_kind(region) == kind


def test_shipped_priors_describe_real_scenes():
    """Skies are smoother and colder than the regions of the whole corpus; foliage is textured."""
    priors, scale = default_priors(), default_scale()
    sky, other, foliage = priors.kinds["sky"], priors.kinds["other"], priors.kinds["vegetation"]
    assert sky.photos >= 10 and foliage.photos >= 10
    assert sky.band(scale, Attribute.CONTRAST)[1] < other.band(scale, Attribute.CONTRAST)[1] - 0.3
    assert sky.band(scale, Attribute.TEMPERATURE)[1] < other.band(scale, Attribute.TEMPERATURE)[1]
    assert foliage.band(scale, Attribute.CONTRAST)[1] > sky.band(scale, Attribute.CONTRAST)[1]
    for kind in PRIOR_KINDS:
        low, mid, high = priors.kinds[kind].band(scale, Attribute.BRIGHTNESS)
        assert -1.2 < low < mid < high < 1.2


def test_scale_and_priors_name_what_they_were_fitted_on():
    assert "dev photographs of benchmarks/corpus.py" in default_scale().source
    assert "dev photographs of benchmarks/corpus.py" in default_priors().source


def test_json_round_trip():
    priors = default_priors()
    again = RegionPriors.from_json(priors.to_json())
    for kind in PRIOR_KINDS:
        np.testing.assert_array_equal(again.kinds[kind].raw, priors.kinds[kind].raw)
    with pytest.raises(ScaleError, match="region-priors"):
        RegionPriors.from_json('{"percents": [10, 25, 50, 75, 90], "kinds": {}}')


def _samples(kind, photo, values):
    return [RegionSample(kind, photo, np.array([v, v, -6000.0 + v, v])) for v in values]


def test_every_photo_weighs_the_same_and_rare_kinds_shrink_to_the_pool():
    many = _samples("sky", "a", [0.1] * 90)  # one photo cut into 90 tiles
    rest = [s for i in range(6) for s in _samples("sky", f"p{i}", [0.5])]
    pool = [s for i in range(20) for s in _samples("other", f"q{i}", [0.3])]
    priors = fit_priors(many + rest + pool)
    sky = priors.kinds["sky"]
    # the 90 tiles of photo "a" weigh as one photo: the sky's median is not 0.1
    assert sky.raw[0, 2] > 0.3
    assert sky.photos == 7 and sky.regions == 96
    # no people were seen: the pool of every region stands in
    np.testing.assert_allclose(priors.kinds["people"].raw, priors.kinds["buildings"].raw)
    assert priors.kinds["people"].photos == 0


def test_too_few_samples_are_refused():
    with pytest.raises(ScaleError, match="at least 10"):
        fit_priors(_samples("sky", "a", [0.1, 0.2]))
