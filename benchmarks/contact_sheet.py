"""Contact sheets for the looks evaluation: before | after pairs with the guard figures under each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_LINE = 15


@dataclass(frozen=True)
class Tile:
    """One photo on a sheet: its name, the two pictures and the lines of text under them."""

    title: str
    before: NDArray[np.uint8]
    after: NDArray[np.uint8]
    lines: tuple[str, ...]
    alarm: bool = False


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.truetype(str(_FONT), size) if _FONT.is_file() else ImageFont.load_default()


def _thumb(pixels: NDArray[np.uint8], width: int) -> Image.Image:
    image = Image.fromarray(pixels)
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.BOX)


def _wrap(text: str, draw: ImageDraw.ImageDraw, font: object, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=font) <= width:  # type: ignore[arg-type]
            current = trial
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines


def write_sheet(
    tiles: Sequence[Tile], path: Path, title: str, columns: int = 3, width: int = 300
) -> None:
    """Lay the tiles out ``columns`` to a row and write one PNG."""
    font, bold = _font(12), _font(15)
    scratch = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    cells = []
    for tile in tiles:
        before, after = _thumb(tile.before, width), _thumb(tile.after, width)
        text = [w for line in tile.lines for w in _wrap(line, scratch, font, 2 * width + 6)]
        height = 20 + max(before.height, after.height) + 6 + _LINE * len(text) + 10
        cells.append((tile, before, after, text, height))
    cell_w = 2 * width + 6 + 20
    rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
    row_h = [max(c[4] for c in row) for row in rows]
    sheet = Image.new("RGB", (columns * cell_w + 10, 40 + sum(row_h)), "white")
    draw = ImageDraw.Draw(sheet)
    draw.text((10, 10), title, fill="black", font=bold)
    y = 40
    for row, height in zip(rows, row_h, strict=True):
        for k, (tile, before, after, text, _) in enumerate(row):
            x = 10 + k * cell_w
            colour = (180, 0, 0) if tile.alarm else (0, 0, 0)
            draw.text((x, y), tile.title, fill=colour, font=bold)
            sheet.paste(before, (x, y + 20))
            sheet.paste(after, (x + width + 6, y + 20))
            ty = y + 20 + max(before.height, after.height) + 6
            for line in text:
                red = line.startswith("!")
                draw.text((x, ty), line, fill=(180, 0, 0) if red else (40, 40, 40), font=font)
                ty += _LINE
        y += height
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path, optimize=True)
