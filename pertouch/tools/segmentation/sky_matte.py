"""Sky seen through things: a colour matte along the sky's edge at full resolution.

The sky is found on superpixels of a small working view. A superpixel that holds both a tower's
lattice and the sky between its bars, or a tree's twigs and the sky between them, is not sky, so
the guided filter (:mod:`refine`) can only round off a blob around the object. An edit to the sky
then stops short of the object and leaves a band of untouched sky around it: a glow when the sky
is darkened, a shadow when it is brightened, and patches of the old sky inside a lattice.

Near the sky's edge, a pixel is sky when its colour matches the sky next to it. The colour the
sky has at each place is estimated from the confident sky around it (a normalised convolution:
the sky's Lab colour blurred with the sky's own weight), so a gradient from zenith to horizon
and a sunset's glow are followed. In a band around the sky each full-resolution pixel is then
weighed by its Lab distance from that local sky colour: within :data:`NEAR` it is sky, beyond
:data:`FAR` it is not, linear between (anti-aliased edges of bars and leaves land between). The
band only reaches down to the sky's lowest row in each column, so sky-coloured water under the
horizon and a blue wall below the skyline stay out.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

FloatArray = NDArray[np.float32]

#: Lab distance from the local sky colour under which a pixel is sky (JPEG noise in a dark sky
#: and the grain of a bright one stay under it).
NEAR = 7.0
#: Lab distance from the local sky colour beyond which a pixel is not sky.
FAR = 15.0
#: How far from the found sky, in working-view pixels, the matte looks (the widest gap in a
#: lattice or a tree crown that a superpixel can swallow).
REACH = 32
#: How far inside the found sky the matte starts, in working-view pixels: past the guided
#: filter's fall-off (its radius is 4), so the matte meets a mask that is already 1.
INSET = 6
#: Working-view weight of sky needed to count as confident sky for the colour model.
CONFIDENT = 0.9
#: Softness of the band's own edge, in working-view pixels.
SOFT = 3.0
#: Rows of full-resolution photo matted at once, to bound memory on very large photos.
STRIP = 512


def local_sky_colour(lab: FloatArray, confident: NDArray[np.bool_]) -> FloatArray:
    """The Lab colour of the sky at every working-view pixel, from the confident sky near it.

    A small blur follows the sky's gradient; where the sky is too far away for it (inside a wide
    lattice), a wider blur stands in.
    """
    weight = confident.astype(np.float32)
    out = np.zeros_like(lab)
    filled = np.zeros(weight.shape, bool)
    for sigma in (REACH / 2, REACH * 2, REACH * 8):
        den = cv2.GaussianBlur(weight, (0, 0), sigma)
        num = cv2.GaussianBlur(lab * weight[..., None], (0, 0), sigma)
        ok = (den > 1e-3) & ~filled
        out[ok] = num[ok] / den[ok, None]
        filled |= ok
    if not filled.all():
        out[~filled] = lab[confident].mean(axis=0)
    return out


def matte_band(sky: FloatArray) -> NDArray[np.bool_]:
    """Working-view pixels near the sky's edge or enclosed by it, above its lowest row per column."""
    inside = sky > 0.5
    if not inside.any():
        return inside
    # whatever the sky encloses (a lattice standing free, a kite) is matted however wide it is
    enclosed = ndimage.binary_fill_holes(inside)
    near = ndimage.distance_transform_edt(~inside) <= REACH
    core = ndimage.distance_transform_edt(inside) > INSET
    columns = np.flatnonzero(inside.any(axis=0))
    lowest = sky.shape[0] - 1 - np.argmax(inside[::-1], axis=0)
    # a column the sky never reaches (behind a tower's full height) takes its neighbours' skyline
    skyline = np.interp(np.arange(sky.shape[1]), columns, lowest[columns])
    # a closing of the skyline: a dip narrower than the reach (a cloud bank or haze the labeller
    # left out, a treetop) is bridged, so the band has no vertical cut where the dip starts;
    # a mountain wider than that keeps its own skyline
    size = 2 * REACH + 1
    skyline = ndimage.minimum_filter1d(ndimage.maximum_filter1d(skyline, size), size)
    rows = np.arange(sky.shape[0])[:, None]
    return (near | enclosed) & ~core & (rows <= skyline[None, :])


def matte_sky(
    sky_small: FloatArray, refined: FloatArray, small: FloatArray, full: FloatArray
) -> FloatArray:
    """The full-resolution sky mask with its edge band replaced by a colour matte.

    Args:
        sky_small: ``(h, w)`` sky weight on the working view (objects in the sky already out).
        refined: ``(H, W)`` the same mask brought to full resolution by the guided filter; kept
            away from the sky's edge.
        small: ``(h, w, 3)`` float32 RGB working view in [0, 1].
        full: ``(H, W, 3)`` float32 RGB photo in [0, 1].

    Returns:
        ``(H, W)`` float32 sky mask in [0, 1].
    """
    confident = sky_small > CONFIDENT
    if confident.sum() < 16:
        return refined
    lab_small = np.asarray(cv2.cvtColor(small.astype(np.float32), cv2.COLOR_RGB2Lab), np.float32)
    colour = local_sky_colour(lab_small, confident)
    # a soft edge to the band, so where it ends the matte fades into the guided mask
    band = cv2.GaussianBlur(matte_band(sky_small).astype(np.float32), (0, 0), SOFT)
    height, width = full.shape[:2]
    small_h, small_w = sky_small.shape
    # bilinear resampling with pixel centres aligned, as cv2.resize does, one strip at a time
    map_x = ((np.arange(width, dtype=np.float32) + 0.5) * small_w / width - 0.5)[None, :]
    out = refined.copy()
    for top in range(0, height, STRIP):
        bottom = min(height, top + STRIP)
        ys = (np.arange(top, bottom, dtype=np.float32) + 0.5) * small_h / height - 0.5
        map_y = np.repeat(ys[:, None], width, axis=1)
        xs = np.repeat(map_x, bottom - top, axis=0)
        mix = cv2.remap(band, xs, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        near = cv2.remap(colour, xs, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        lab = cv2.cvtColor(full[top:bottom].astype(np.float32), cv2.COLOR_RGB2Lab)
        distance = np.sqrt(((lab - near) ** 2).sum(axis=-1))
        matte = np.clip((FAR - distance) / (FAR - NEAR), 0.0, 1.0)
        out[top:bottom] = (1.0 - mix) * refined[top:bottom] + mix * matte
    return out.astype(np.float32)
