"""The app's API from Python with gradio_client: one client is one session, as a browser tab is."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

gradio_client = pytest.importorskip("gradio_client")
SLIDERS = 6 * 4  # rows x attributes, as the page lays them out


def value(output: object) -> object:
    """An output's value; the app sends some outputs as updates that also change a property."""
    return output["value"] if isinstance(output, dict) and "__type__" in output else output


def pixels(path: str) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB")).astype(np.int16)


def test_upload_send_slide_and_download_through_the_api(app_url, photos):
    client = gradio_client.Client(app_url, verbose=False)
    shown = client.predict(gradio_client.handle_file(str(photos["rocket"])), api_name="/upload")
    before, after = shown[1]
    assert pixels(before).shape == (427, 640, 3) and np.array_equal(pixels(before), pixels(after))

    sent = client.predict("make the sky bluer", None, True, [], api_name="/send")
    chat, reasoning, download = sent[0], sent[4], value(sent[5])
    assert chat[0]["content"][0]["text"] == "make the sky bluer"
    assert "Done in 1 round" in chat[-1]["content"][0]["text"]
    assert "Round 1" in reasoning and "sky" in reasoning
    retouched = pixels(sent[2][1])
    with Image.open(download) as full:
        assert full.size == (640, 427)
    sliders = sent[6 : 6 + SLIDERS]  # updates: each slider's new label and value
    sky = sliders[4:8]  # row 1 is the first edited region
    assert [s["label"] for s in sky] == [
        "sky colorfulness",
        "sky contrast",
        "sky temperature",
        "sky brightness",
    ]
    assert sky[2]["value"] == pytest.approx(-0.25)

    values = [value(s) for s in sliders]
    values[4 + 3] = 0.5  # sky brightness
    slid = client.predict(*values, api_name="/slide")
    assert "Set by hand with the sliders" in slid[2]
    assert pixels(slid[0][1]).mean() > retouched.mean() + 1.0
    assert pixels(value(slid[3])).mean() > pixels(download).mean() + 1.0  # the download follows


def test_each_client_has_its_own_session(app_url):
    client = gradio_client.Client(app_url, verbose=False)
    with pytest.raises(gradio_client.exceptions.AppError, match="Upload a photo first"):
        client.predict("brighter", None, True, [], api_name="/send")
