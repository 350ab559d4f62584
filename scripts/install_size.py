"""How much disk `pip install pertouch` and `pip install 'pertouch[all]'` take, from an environment.

    python scripts/install_size.py            # base install and every extra but dev
    python scripts/install_size.py --top 15   # and the largest packages of each

It reads the requirements in pyproject.toml, follows them through the distributions installed in
the running Python (markers and extras evaluated), and adds up the files each one's RECORD lists.
That is what those packages occupy on disk here, without building a fresh virtual environment;
it counts the torch build that is installed (the Makefile installs the CPU one, a plain
`pip install torch` on Linux brings several GB of CUDA libraries on top), and leaves out pip,
setuptools and Python itself.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def closure(requirements: list[str]) -> tuple[dict[str, md.Distribution], list[str]]:
    """Installed distributions that ``requirements`` need, transitively; and what is missing."""
    found: dict[str, md.Distribution] = {}
    missing: list[str] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        key = (name, frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        if name == "pertouch":  # the project itself, asked for with extras by `all`/`training`
            todo += [Requirement(r) for r in _extras(requirement.extras)]
            continue
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            missing.append(name)
            continue
        found[name] = dist
        for text in dist.requires or []:
            child = Requirement(text)
            wanted = [{"extra": e} for e in requirement.extras] or [{"extra": ""}]
            if child.marker is None or any(child.marker.evaluate(env) for env in wanted):
                todo.append(child)
    return found, sorted(set(missing))


def _extras(names: set[str]) -> list[str]:
    extras = _project()["optional-dependencies"]
    return [r for name in names for r in extras[name]]


def _project() -> dict:  # type: ignore[type-arg]
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def size(dist: md.Distribution) -> int:
    """Bytes of the files the distribution installed (its RECORD)."""
    total = 0
    for file in dist.files or []:
        path = Path(str(dist.locate_file(file)))
        if path.is_file():
            total += path.stat().st_size
    return total


def report(title: str, requirements: list[str], top: int) -> None:
    found, missing = closure(requirements)
    sizes = {name: size(dist) for name, dist in found.items()}
    print(f"{title}: {len(found)} packages, {sum(sizes.values()) / 2**30:.2f} GiB")
    for name, bytes_ in sorted(sizes.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {name:<32} {bytes_ / 2**20:8.0f} MiB")
    if missing:
        print(f"  not installed here, so not counted: {', '.join(missing)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=8, help="list this many largest packages")
    args = parser.parse_args()
    project = _project()
    report("base (pip install pertouch)", project["dependencies"], args.top)
    report(
        "full (pip install 'pertouch[all]')", [*project["dependencies"], "pertouch[all]"], args.top
    )


if __name__ == "__main__":
    main()
