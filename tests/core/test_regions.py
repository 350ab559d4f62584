"""The region vocabulary lives with the providers, so providers never reach up into tools."""

from __future__ import annotations

import ast
from pathlib import Path

import pertouch.providers
from pertouch.core.regions import CLASSES_BY_NAME
from pertouch.providers.offline import default_region_words

ABOVE_PROVIDERS = ("pertouch.tools", "pertouch.graph", "pertouch.memory", "pertouch.backbone")


def test_providers_import_nothing_from_the_layers_above_them():
    for path in Path(pertouch.providers.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            assert not any(n.startswith(ABOVE_PROVIDERS) for n in names), (path.name, names)


def test_the_offline_model_names_only_classes_the_segmenter_knows():
    words = default_region_words()

    assert words["faces"] == "face" and words["greenery"] == "vegetation"
    assert set(words.values()) <= set(CLASSES_BY_NAME)
