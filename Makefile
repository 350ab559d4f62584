# PerTouch: `make demo` sets up a fresh machine and retouches a real photo; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The serve extra (LangGraph Server, tests/test_served.py) is installed by default; SERVE=0 leaves it
# out of a fresh .venv, and protobuf stays at 4.x there (see pyproject.toml, scripts/install_serve.py).
SERVE ?= 1
# Reinstall whenever pyproject.toml, this Makefile or SERVE changes.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml Makefile | cksum | cut -d' ' -f1)-serve$(SERVE)

.PHONY: install demo test lint bench clean system-packages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# torch first and pinned: the CPU wheel is on local disk; an unpinned torch pulls a multi-GB CUDA build.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev,training,ui,mcp,raw,heif,ray]'
	if [ "$(SERVE)" = 1 ]; then $(BIN)/python scripts/install_serve.py --quiet; fi
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

demo: install
	$(BIN)/python examples/demo.py

test: install
	HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check pertouch tests benchmarks examples scripts
	$(BIN)/mypy pertouch

bench: install
	$(BIN)/python benchmarks/bench_render.py

# Debian packages for the browser tests (chromium) and the real-photo corpus (benchmarks/corpus.py:
# wallpapers and opencv-doc's example photographs).
# Needs root; tests that use them are skipped where they are missing.
SYSTEM_PACKAGES := chromium mate-backgrounds lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 plasma-workspace-wallpapers opencv-doc
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing $$missing"; apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache
