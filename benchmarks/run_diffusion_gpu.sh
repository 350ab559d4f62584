#!/usr/bin/env bash
# Run the diffusion benchmark on a lent GPU machine, from the repository root.
# The machine has torch, transformers, accelerate and safetensors but not diffusers (and no
# internet), so the diffusers wheel is expected in ./.whl; pertouch is used from the source tree.
# Total budget: about 6 minutes (install, build, reference 50 fp32 steps, ours).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 --version
python3 -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl
export PYTHONPATH=/tmp/site:$PWD:${PYTHONPATH:-}
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1
python3 -c "import PIL, diffusers, torch; print('diffusers', diffusers.__version__, 'torch', torch.__version__)" \
  || { echo "diffusers does not import here (it also needs Pillow); put the missing wheel in .whl/" >&2; exit 3; }
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
timeout 150 python3 benchmarks/bench_diffusion.py --device cuda "$@"
# The same with the UNet and ControlNet compiled into CUDA graphs (what a server should run: at
# batch 1 the uncompiled model is bound by kernel launches), if the remaining time allows.
timeout 200 python3 benchmarks/bench_diffusion.py --device cuda --compile --compile-mode reduce-overhead "$@" \
  || echo "compiled run did not finish (status $?)"
