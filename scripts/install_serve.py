"""Install the ``serve`` extra (LangGraph Server) beside an installed pertouch, then check it.

pip cannot install ``pertouch[serve]`` in one request: langgraph-api needs protobuf 6 and
mediapipe 0.10.21 declares protobuf<5 (it runs on protobuf 6; the segmentation tests prove it on
every ``make test``). So this installs the extra's requirements, read from pyproject.toml, in a
second request, where pip only warns about mediapipe's pin, and then runs ``pip check``: that one
known conflict is accepted, anything else fails the install.

    python scripts/install_serve.py            # into the interpreter running it
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
#: The one conflict ``pip check`` may report afterwards: mediapipe's declared protobuf pin.
ACCEPTED = ("mediapipe ", "protobuf")


def serve_requirements(pyproject: Path = PYPROJECT) -> list[str]:
    """The ``serve`` extra's requirements, as pyproject.toml declares them."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return list(project["optional-dependencies"]["serve"])


def unexpected_conflicts(report: str) -> list[str]:
    """``pip check`` lines other than mediapipe's protobuf pin."""
    lines = [line for line in report.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("No broken requirements")]
    return [line for line in lines if not (line.startswith(ACCEPTED[0]) and ACCEPTED[1] in line)]


def main() -> int:
    pip = [sys.executable, "-m", "pip"]
    quiet = ["--quiet"] if "--quiet" in sys.argv else []
    subprocess.run([*pip, "install", *quiet, *serve_requirements()], check=True)
    check = subprocess.run([*pip, "check"], capture_output=True, text=True)
    extra = unexpected_conflicts(check.stdout)
    if extra:
        print("The serve extra broke other requirements:", *extra, sep="\n  ", file=sys.stderr)
        return 1
    print("serve extra installed; mediapipe's declared protobuf<5 is overridden on purpose.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
