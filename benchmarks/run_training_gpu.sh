#!/usr/bin/env bash
# Training steps/s of the real architecture at 512 px, fp32 and bf16, on a lent GPU machine.
# That machine has torch, transformers, accelerate and safetensors but no diffusers and no internet:
# put the diffusers wheel (and Pillow's, if it lacks it) in ./.whl. About 3 minutes in all.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl
export PYTHONPATH=/tmp/site:$PWD:${PYTHONPATH:-}
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1
python3 -c "import diffusers, torch; print('diffusers', diffusers.__version__, 'torch', torch.__version__)"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
timeout 200 python3 benchmarks/bench_training.py --device cuda "$@"
