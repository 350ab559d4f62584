"""Settings: defaults, then a file, then overrides checked against the field types."""

from __future__ import annotations

from pathlib import Path

import pytest

from pertouch.training.config import ConfigError, PrepareConfig, TrainConfig, load_config


def test_file_then_overrides(tmp_path: Path) -> None:
    path = tmp_path / "train.toml"
    path.write_text('lr = 1e-4\nbatch_size = 4\nbase_model = "random:tiny"\n')
    config = load_config(TrainConfig, path, ["batch_size=8", "--perturb=false", "lr=2"])
    assert (config.lr, config.batch_size, config.perturb) == (2.0, 8, False)
    assert config.base_model == "random:tiny" and config.epochs == 30


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("lr=fast", "'lr' must be float"),
        ("batch_size=1.5", "'batch_size' must be int"),
        ("perturb=maybe", "'perturb' must be true or false"),
        ("max_step=3", "Unknown setting 'max_step'"),
        ("lr", "not of the form key=value"),
    ],
)
def test_bad_overrides_are_refused(override: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(TrainConfig, None, [override])


def test_file_values_are_type_checked(tmp_path: Path) -> None:
    path = tmp_path / "prepare.json"
    path.write_text('{"map_size": "big"}')
    with pytest.raises(ConfigError, match="'map_size' must be int"):
        load_config(PrepareConfig, path)
    path.write_text('{"workers": true}')
    with pytest.raises(ConfigError, match="'workers' must be int"):
        load_config(PrepareConfig, path)
    with pytest.raises(ConfigError, match="Cannot read"):
        load_config(PrepareConfig, tmp_path / "missing.toml")
