"""The demo `make demo` runs: retouch a real photo region by region with the offline defaults.

It takes the rocket-launch photo that ships with scikit-image, makes a sky mask from the photo
itself (and the ground as the rest), and asks for a deeper, more colourful sky and a warmer,
brighter ground; then it asks the agent the same thing in words (`pertouch retouch ... --explain`,
offline model, offline segmenter) and prints its explanation, and finally asks "make it look
better" of a flat, dull copy of scikit-image's coffee photo (the auto look). It runs the real
`pertouch` command for every step, so what it prints is what you would see, and leaves the photo,
the masks, the state, the results and before/after pictures in ./demo-output/ (before-after.jpg
is the agent's result).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image
from scipy import ndimage
from skimage import data

OUT = Path("demo-output")


def sky_from_photo(photo: np.ndarray) -> np.ndarray:
    """Bluish pixels connected to the top of the frame, holes filled: a rough but honest sky."""
    rgb = photo.astype(np.float32) / 255
    bluish = (rgb[..., 2] > 1.3 * rgb[..., 0] + 0.02) & (rgb[..., 2] > rgb[..., 1] + 0.03)
    labels, _ = ndimage.label(ndimage.binary_opening(bluish, iterations=2))
    touching_top = [label for label in np.unique(labels[0]) if label]
    return ndimage.binary_fill_holes(np.isin(labels, touching_top)).astype(np.uint8) * 255


def run(*args: str) -> None:
    beside = Path(sys.executable).with_name("pertouch")  # the venv's console script
    command = [str(beside) if beside.exists() else shutil.which("pertouch") or "pertouch", *args]
    print(f"\n$ pertouch {' '.join(args)}", flush=True)
    subprocess.run(command, check=True)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    photo = data.rocket()
    Image.fromarray(photo).save(OUT / "rocket.jpg", quality=95)
    sky = sky_from_photo(photo)
    Image.fromarray(sky).save(OUT / "sky.png")
    Image.fromarray(255 - sky).save(OUT / "ground.png")
    state = {
        "baseline": "as_shot",
        "edits": [
            {"region": "sky", "attribute": "colorfulness", "delta": 0.3},
            {"region": "sky", "attribute": "brightness", "delta": -0.1},
            {"region": "ground", "attribute": "temperature", "delta": 0.25},
            {"region": "ground", "attribute": "brightness", "delta": 0.15},
        ],
    }
    (OUT / "state.json").write_text(json.dumps(state, indent=2))
    print("Photo: scikit-image's rocket launch; sky mask made from the photo's own colours.")
    print(
        "Asked: a deeper, more colourful sky; a warmer, brighter ground. Levels run from -1 to +1."
    )

    masks = ["--mask", f"sky={OUT / 'sky.png'}", "--mask", f"ground={OUT / 'ground.png'}"]
    run("measure", str(OUT / "rocket.jpg"), *masks)
    run(
        "render",
        str(OUT / "rocket.jpg"),
        "--state",
        str(OUT / "state.json"),
        *masks,
        "-o",
        str(OUT / "rocket-retouched.jpg"),
    )
    run("measure", str(OUT / "rocket-retouched.jpg"), *masks)

    # The agent: the same photo, an instruction in words, the explanation of every round.
    run(
        "retouch",
        str(OUT / "rocket.jpg"),
        "the sky is dull, make it more vivid and a touch darker, and brighten the subject a little",
        "-o",
        str(OUT / "rocket-agent.jpg"),
        "--explain",
    )

    # "Make it look better" on a flat, dull copy of a real photo: the auto look, judged for harm.
    coffee = data.coffee().astype(np.float32)
    dull = np.clip(128 + 0.55 * (coffee - 128) - 18, 0, 255).astype(np.uint8)
    Image.fromarray(dull).save(OUT / "coffee-dull.jpg", quality=95)
    run("retouch", str(OUT / "coffee-dull.jpg"), "make it look better", "-o", str(OUT / "coffee-auto.jpg"))

    before = np.asarray(Image.open(OUT / "rocket.jpg"))
    agent = np.asarray(Image.open(OUT / "rocket-agent.jpg"))
    Image.fromarray(np.hstack([before, agent])).save(OUT / "before-after.jpg", quality=92)
    rendered = np.asarray(Image.open(OUT / "rocket-retouched.jpg"))
    Image.fromarray(np.hstack([before, rendered])).save(OUT / "render-before-after.jpg", quality=92)
    dull_in = np.asarray(Image.open(OUT / "coffee-dull.jpg"))
    auto_out = np.asarray(Image.open(OUT / "coffee-auto.jpg"))
    Image.fromarray(np.hstack([dull_in, auto_out])).save(OUT / "auto-before-after.jpg", quality=92)
    print(f"\nThe agent's result, before and after: {OUT / 'before-after.jpg'}")
    print(f"The state rendered with the demo's own masks: {OUT / 'render-before-after.jpg'}")
    print(f"The auto look, before and after: {OUT / 'auto-before-after.jpg'}")


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as err:
        sys.exit(err.returncode)
