"""Images for chat models, in LangChain's standard content blocks.

A standard block (``{"type": "image", "base64": ..., "mime_type": ...}``, langchain-core 1.x) is
translated by each provider integration into its own wire format (OpenAI's ``image_url`` data
URL, Anthropic's ``source`` block, Gemini's inline data), so the graph builds one message for every
provider instead of OpenAI's format for all of them.
"""

from __future__ import annotations

import base64

from langchain_core.messages.content import ImageContentBlock, create_image_block


def image_block(data: bytes, mime_type: str = "image/jpeg") -> ImageContentBlock:
    """An encoded image (JPEG by default) as a standard image content block."""
    if not data:
        raise ValueError("The image is empty; encode the photo before sending it to a model.")
    return create_image_block(base64=base64.b64encode(data).decode("ascii"), mime_type=mime_type)
