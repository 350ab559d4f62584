#!/usr/bin/env bash
# The diffusion renderer's two profiles side by side on a lent GPU machine, from the repository root:
#
#   bash benchmarks/run_diffusion_gpu.sh            (carry .whl; results also land in $OUT)
#
# That machine has torch, transformers, accelerate, safetensors, Pillow, OpenCV and numpy but not
# diffusers, and no internet: put diffusers' wheel in ./.whl first (it is git-ignored), here:
#   python3 -m pip download --no-deps --only-binary=:all: -d .whl diffusers==0.42.1
# Random SD 2.1-shaped weights, no downloads. About 6 minutes at most: install (seconds), both
# profiles uncompiled (sampling at the working size, then a 12 MP render each: about a minute),
# then the fast profile compiled into CUDA graphs (a minute or two of compilation).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 --version
if ! python3 -c "import diffusers" 2>/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site .whl/*.whl
  export PYTHONPATH=/tmp/site:${PYTHONPATH:-}
fi
export PYTHONPATH=$PWD:${PYTHONPATH:-}
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1
python3 -c "import PIL, cv2, diffusers, torch; print('diffusers', diffusers.__version__, 'torch', torch.__version__, 'cuda', torch.cuda.is_available())" \
  || { echo "diffusers does not import here; put its wheel (and any missing one) in .whl/" >&2; exit 3; }
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
log=${OUT:-/tmp}/bench_diffusion.txt
# reference (fp32, DDIM 50, seed 42 on the device, posterior sample, model pixels) then fast (bf16,
# DPM++ 20, the lift), each: sampling at its working size and a 12 MP render
timeout 170 python3 benchmarks/bench_diffusion.py --device cuda --profile both "$@" 2>&1 | tee "$log"
# the fast profile as a server runs it: UNet and ControlNet compiled into CUDA graphs
timeout 190 python3 benchmarks/bench_diffusion.py --device cuda --profile fast --compile "$@" 2>&1 \
  | tee -a "$log" || echo "compiled run did not finish (status $?)" | tee -a "$log"
