"""The real photographs the project tunes and checks on, split into dev and test.

Nothing here is downloaded: the photos come with scikit-image's wheel (one with scikit-learn's) and
with Debian packages that the Makefile and ``.ci/run`` install (``mate-backgrounds``,
``lomiri-wallpapers-16.04`` and ``plasma-workspace-wallpapers``; ``lomiri-wallpapers-20.04`` adds
two; ``opencv-doc``'s example photographs add nineteen small ones, 256-1280 px), and with Python packages the project installs anyway (Gradio's and Matplotlib's sample
photos). Drawings, film stills and abstract wallpapers in those packages are left out; every photo listed is a real photograph, labelled by
looking at it with the kind of scene it is.

Tune on ``dev`` only. ``test`` (the Plasma and Lomiri 20.04 photographs, seven OpenCV ones and three
package photos) is for the figures quoted
in notes, and is never tuned on.

    from benchmarks.corpus import load, photos
    for photo in photos("dev"):
        pixels = load(photo)            # (H, W, 3) uint8, long side at most 1280 px
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

Split = Literal["dev", "test"]
SceneKind = Literal[
    "portrait", "landscape", "water", "close-up", "still-life", "architecture", "animal"
]
#: The kinds of scene the memory tells apart (``pertouch.memory.kinds.KINDS``), for each finer
#: corpus kind: open views with water are landscapes; still lifes and animals filling the frame
#: are close-ups. Time of day is not a kind (a night sky over the sea is a landscape).
SCENE_OF_KIND: dict[str, str] = {
    "portrait": "people", "landscape": "landscape", "water": "landscape",
    "architecture": "cityscape", "close-up": "close-up", "still-life": "close-up",
    "animal": "close-up",
}  # fmt: skip

_MATE = Path("/usr/share/backgrounds/mate/nature")
_LOMIRI = Path("/usr/share/backgrounds")
_PLASMA = Path("/usr/share/wallpapers")
_OPENCV = Path("/usr/share/doc/opencv-doc/examples")


@dataclass(frozen=True)
class CorpusPhoto:
    """One photograph: a short name, where it comes from, its split and its kind of scene."""

    name: str
    source: str
    split: Split
    kind: SceneKind
    note: str = ""

    @property
    def scene(self) -> str:
        """The kind of scene as the memory names it (see :data:`SCENE_OF_KIND`)."""
        return SCENE_OF_KIND[self.kind]

    @property
    def path(self) -> Path | None:
        """The file on disk (None for scikit-image's photos, which load from the package)."""
        if self.source.startswith(("skimage:", "sklearn:")):
            return None
        if self.source.startswith("package:"):
            return _package_file(self.source.split(":", 1)[1])
        return Path(self.source)

    @property
    def available(self) -> bool:
        if self.source.startswith("sklearn:"):
            return importlib.util.find_spec("sklearn") is not None
        if self.source.startswith("package:"):
            path = self.path
            return path is not None and path.is_file()
        return self.path is None or self.path.is_file()


def _package_file(spec: str) -> Path | None:
    """``"gradio/media_assets/images/lion.jpg"`` inside the installed package, or None without it."""
    package, _, inner = spec.partition("/")
    try:
        found = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if found is None or not found.submodule_search_locations:
        return None
    return Path(next(iter(found.submodule_search_locations))) / inner


def _plasma(name: str, kind: SceneKind, note: str, size: str = "1280x800") -> CorpusPhoto:
    return CorpusPhoto(name, str(_PLASMA / name / f"contents/images/{size}.jpg"), "test", kind, note)


CORPUS: tuple[CorpusPhoto, ...] = (
    # -- dev: scikit-image ------------------------------------------------------------------------
    CorpusPhoto("astronaut", "skimage:astronaut", "dev", "portrait", "studio portrait, flag, orange suit"),
    CorpusPhoto("coffee", "skimage:coffee", "dev", "still-life", "cup on a wooden table, warm"),
    CorpusPhoto("chelsea", "skimage:chelsea", "dev", "animal", "a cat's face, close"),
    CorpusPhoto("rocket", "skimage:rocket", "dev", "architecture", "launch towers and rocket at dusk"),
    CorpusPhoto("motorcycle", "skimage:stereo_motorcycle", "dev", "still-life", "motorcycle in a studio"),
    # -- dev: mate-backgrounds, nature ----------------------------------------------------------
    CorpusPhoto("aqua", str(_MATE / "Aqua.jpg"), "dev", "close-up", "water drop, cool grey-blue"),
    CorpusPhoto("blinds", str(_MATE / "Blinds.jpg"), "dev", "close-up", "green leaf veins"),
    CorpusPhoto("dune", str(_MATE / "Dune.jpg"), "dev", "landscape", "dune grass, sea and sky behind"),
    CorpusPhoto("freshflower", str(_MATE / "FreshFlower.jpg"), "dev", "close-up", "orange flower"),
    CorpusPhoto("garden", str(_MATE / "Garden.jpg"), "dev", "close-up", "red-orange flower, green bokeh"),
    CorpusPhoto("greenmeadow", str(_MATE / "GreenMeadow.jpg"), "dev", "close-up", "grass blades"),
    CorpusPhoto("ladybird", str(_MATE / "LadyBird.jpg"), "dev", "close-up", "ladybird, blue flowers"),
    CorpusPhoto("raindrops", str(_MATE / "RainDrops.jpg"), "dev", "close-up", "drops on leaves"),
    CorpusPhoto("storm", str(_MATE / "Storm.jpg"), "dev", "landscape", "storm clouds over a road"),
    CorpusPhoto("twowings", str(_MATE / "TwoWings.jpg"), "dev", "close-up", "seed, orange bokeh"),
    CorpusPhoto("wood", str(_MATE / "Wood.jpg"), "dev", "close-up", "pale wood grain, low contrast"),
    CorpusPhoto("yellowflower", str(_MATE / "YellowFlower.jpg"), "dev", "close-up", "yellow flower, dark"),
    # -- dev: lomiri-wallpapers-16.04 (Ubuntu's photo contest) -----------------------------------
    CorpusPhoto("bridge", str(_LOMIRI / "Bridge_by_Sander_Klootwijk.jpg"), "dev", "architecture", "bridge cables, blue sky, sea"),
    CorpusPhoto("dragonfly", str(_LOMIRI / "Dragonfly_by_Bolly.jpg"), "dev", "close-up", "ivy leaves against the sky"),
    CorpusPhoto("fig", str(_LOMIRI / "Picture_0B_by_freespace.jpg"), "dev", "still-life", "red bowl with a fig"),
    CorpusPhoto("brushes", str(_LOMIRI / "Picture_1A_by_freespace.jpg"), "dev", "still-life", "colourful brushes"),
    CorpusPhoto("wine", str(_LOMIRI / "Wine_by_Jakkub_Mede.jpg"), "dev", "still-life", "room interior, warm light"),
    CorpusPhoto("aitzgorri", str(_LOMIRI / "aitzgorri_by_Aitzol_Berasategi.jpg"), "dev", "landscape", "mountains, autumn trees, meadow"),
    CorpusPhoto("bulb", str(_LOMIRI / "free_by_Peter_Nerlich.jpg"), "dev", "still-life", "lamps, a bird, grey"),
    CorpusPhoto("friends", str(_LOMIRI / "friends_by_Aitzol_Berasategi.jpg"), "dev", "animal", "dogs at a window, wooden house"),
    CorpusPhoto("clock", str(_LOMIRI / "greentock_by_Peter_Nerlich.jpg"), "dev", "still-life", "clock face, grey"),
    CorpusPhoto("stream", str(_LOMIRI / "life_by_Aitzol_Berasategi.jpg"), "dev", "landscape", "forest stream, rocks"),
    CorpusPhoto("picos", str(_LOMIRI / "picosdeeuropa_by_Aitzol_Berasategi.jpg"), "dev", "landscape", "mountain path, snow, clouds"),
    CorpusPhoto("dandelions", str(_LOMIRI / "seeding_by_Clements_Engelhardt.jpg"), "dev", "close-up", "dandelion clocks, backlit"),
    CorpusPhoto("sunset", str(_LOMIRI / "sunset_by_Aitzol_Berasategi.jpg"), "dev", "landscape", "sun over hills, warm sky"),
    # -- dev: scikit-learn's sample photo (CC BY 2.0, danielbuechele), in the venv already --------
    CorpusPhoto("china", "sklearn:china.jpg", "dev", "architecture", "pagoda, hazy lake, trees"),
    CorpusPhoto("dahlia", "sklearn:flower.jpg", "dev", "close-up", "orange dahlia, dark green bokeh"),
    # -- Gradio's and Matplotlib's sample photos (small: 256-640 px) ------------------------------
    CorpusPhoto("cheetah", "package:gradio/media_assets/images/cheetah.jpg", "dev", "animal", "running cheetah, panned blur"),
    CorpusPhoto("lion", "package:gradio/media_assets/images/lion.jpg", "dev", "animal", "lion on a rock"),
    CorpusPhoto("cheetah-face", "package:gradio/media_assets/images/cheetah1.jpg", "test", "animal", "cheetah's face, close"),
    CorpusPhoto("tower", "package:gradio/media_assets/images/tower.jpg", "test", "architecture", "lit iron tower, blue sky, branches"),
    CorpusPhoto("hopper", "package:matplotlib/mpl-data/sample_data/grace_hopper.jpg", "test", "portrait", "officer's portrait, flag behind"),
    # -- opencv-doc's example photographs (small; the kinds dev lacked: a lake, a field under sky,
    # streets, aerial views, a sports portrait) ---------------------------------------------------
    CorpusPhoto("lake", str(_OPENCV / "hfs/data/001.jpg"), "dev", "water", "lake, wooded shore, blue sky"),
    CorpusPhoto("lone-tree", str(_OPENCV / "hfs/data/002.jpg"), "dev", "landscape", "bare tree on a meadow, clouds"),
    CorpusPhoto("aerial-forest", str(_OPENCV / "data/aero3.jpg"), "dev", "landscape", "town and forest from a plane, hazy"),
    CorpusPhoto("hotel", str(_OPENCV / "data/building.jpg"), "dev", "architecture", "hotel facade, lawn, trees"),
    CorpusPhoto("street", str(_OPENCV / "data/leuvenA.jpg"), "dev", "architecture", "cobbled street, brick houses, overcast"),
    CorpusPhoto("footballer", str(_OPENCV / "data/messi5.jpg"), "dev", "portrait", "footballer kicking, crowd behind"),
    CorpusPhoto("plant", str(_OPENCV / "alphamat/input_images/plant.jpg"), "dev", "still-life", "potted plant on a shelf"),
    CorpusPhoto("apple", str(_OPENCV / "data/apple.jpg"), "dev", "still-life", "red apple, green cloth"),
    CorpusPhoto("baboon", str(_OPENCV / "data/baboon.jpg"), "dev", "animal", "mandrill's face, close"),
    CorpusPhoto("squirrel", str(_OPENCV / "data/squirrel_cls.jpg"), "dev", "animal", "squirrel on a branch, leaves"),
    CorpusPhoto("butterfly", str(_OPENCV / "data/butterfly.jpg"), "dev", "close-up", "swallowtail on a leaf"),
    CorpusPhoto("fruits", str(_OPENCV / "data/fruits.jpg"), "dev", "still-life", "cut citrus and kiwi"),
    CorpusPhoto("aerial-town", str(_OPENCV / "data/aero1.jpg"), "test", "landscape", "town, river and lakes from a plane"),
    CorpusPhoto("palace", str(_OPENCV / "data/home.jpg"), "test", "architecture", "yellow palace, blue sky, birds"),
    CorpusPhoto("brick-house", str(_OPENCV / "reg/home.png"), "test", "architecture", "brick house against pale sky"),
    CorpusPhoto("robin", str(_OPENCV / "hfs/data/000.jpg"), "test", "animal", "robin on a rail, soft background"),
    CorpusPhoto("dog", str(_OPENCV / "data/chicky_512.png"), "test", "animal", "small dog, mouth open"),
    CorpusPhoto("orange", str(_OPENCV / "data/orange.jpg"), "test", "still-life", "an orange, dark ground"),
    CorpusPhoto("aloe", str(_OPENCV / "data/aloeL.jpg"), "test", "still-life", "potted aloe, patterned wall"),
    # -- test: plasma-workspace-wallpapers and lomiri-wallpapers-20.04 ----------------------------
    _plasma("BytheWater", "water", "wooden deck by a lake, blue"),
    _plasma("ColdRipple", "water", "pier into fog, nearly grey"),
    _plasma("ColorfulCups", "still-life", "plastic cups from above", "2560x1600"),
    _plasma("DarkestHour", "water", "foggy lake at dusk, deep blue"),
    _plasma("EveningGlow", "water", "rowing boats, sunset over a lake"),
    _plasma("FallenLeaf", "close-up", "autumn leaves, warm bokeh"),
    _plasma("Grey", "architecture", "curved facade, black and white"),
    _plasma("Kite", "landscape", "blue sky with clouds, a kite"),
    _plasma("OneStandsOut", "close-up", "moss macro, one red tip"),
    _plasma("Path", "landscape", "forest path, tall trees"),
    _plasma("summer_1am", "water", "dusk lake, pink sky"),
    CorpusPhoto("infinite-sea", str(_LOMIRI / "Infinite-Sea_by_Aury88.jpg"), "test", "water", "milky way over the sea"),
    CorpusPhoto("kleiber", str(_LOMIRI / "Kleiber_by_Lukas_Baubkus.jpg"), "test", "animal", "nuthatch on a tree trunk"),
)


def photos(split: Split | None = None, available_only: bool = True) -> list[CorpusPhoto]:
    """The corpus photos of ``split`` (all when None), by default only those installed here."""
    return [
        p
        for p in CORPUS
        if (split is None or p.split == split) and (p.available or not available_only)
    ]


def load(photo: CorpusPhoto, max_side: int = 1280) -> NDArray[np.uint8]:
    """The photo as ``(H, W, 3)`` uint8 RGB, downscaled (area) so its long side is ``max_side``."""
    from PIL import Image

    if photo.source.startswith("sklearn:"):
        from sklearn.datasets import load_sample_image

        image = Image.fromarray(load_sample_image(photo.source.split(":", 1)[1]))
    elif photo.path is None:
        from skimage import data

        pixels = getattr(data, photo.source.split(":", 1)[1])()
        if isinstance(pixels, tuple):  # stereo_motorcycle: (left, right, disparity)
            pixels = pixels[0]
        image = Image.fromarray(np.asarray(pixels, dtype=np.uint8))
    else:
        image = Image.open(photo.path)
        image.load()
    image = image.convert("RGB")
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.BOX)
    return np.asarray(image, dtype=np.uint8)
