"""Pictures for vision models: JPEG previews in LangChain's standard image content blocks."""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
from langchain_core.messages import BaseMessage, HumanMessage
from PIL import Image

from pertouch.core.imageio import Pixels


def image_block(pixels: Pixels, size: int) -> dict[str, Any]:
    """A JPEG preview (long side ``size``) as a standard base64 image content block."""
    array = pixels if pixels.dtype == np.uint8 else (pixels // 257).astype(np.uint8)
    image = Image.fromarray(np.ascontiguousarray(array))
    image.thumbnail((size, size))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return {"type": "image", "base64": data, "mime_type": "image/jpeg"}


def preview_message(pixels: Pixels, size: int, caption: str) -> list[BaseMessage]:
    """One user message showing ``pixels`` under ``caption`` (named, so it is not an instruction)."""
    part = image_block(pixels, size)
    return [HumanMessage(content=[{"type": "text", "text": caption}, part], name="photo")]
