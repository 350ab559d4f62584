"""Wrong-typed slider values sent to the app's API get one sentence (issue 16, item 4).

Gradio compared a slider's raw value with its bounds before the handler ran, so a string or a
null ended in a TypeError and "the upstream Gradio app has raised an exception".
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

gradio_client = pytest.importorskip("gradio_client")
pytest.importorskip("gradio")

from pertouch.core.errors import PerTouchError  # noqa: E402

SLIDERS = 6 * 4  # rows x attributes, as the page lays them out


@pytest.fixture(scope="module")
def studio(tmp_path_factory) -> Iterator[Any]:
    from pertouch.services import Settings
    from pertouch.studio import open_studio

    base = tmp_path_factory.mktemp("app")
    studio = open_studio(Settings(home=base / "home", rounds=1))
    yield studio
    studio.close()


@pytest.fixture(scope="module")
def client(studio, tmp_path_factory) -> Iterator[Any]:
    """A client with a photo uploaded and one instruction done, so the sliders are live."""
    from PIL import Image
    from skimage import data

    from pertouch.ui.app import launch

    photo = tmp_path_factory.mktemp("photos") / "rocket.png"
    Image.fromarray(data.rocket()).save(photo)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = launch(studio, port=port, block=False)
    client = gradio_client.Client(f"http://127.0.0.1:{port}/", verbose=False)
    client.predict(gradio_client.handle_file(str(photo)), api_name="/upload")
    client.predict("make the sky bluer", None, True, [], api_name="/send")
    yield client
    app.close()


@pytest.mark.parametrize("wrong", ["abc", "0.5", None, [0.1], {"value": 0.1}, True, 5.0, -1.5])
def test_a_slider_value_that_is_not_a_number_gets_one_sentence(client, wrong):
    values: list[Any] = [0.0] * SLIDERS
    values[3] = wrong
    with pytest.raises(gradio_client.exceptions.AppError) as refused:
        client.predict(*values, api_name="/slide")
    assert str(refused.value) == f"A slider value must be a number from -1 to 1, got {wrong!r}."


def test_good_values_still_render_after_refusals(client):
    slid = client.predict(0.3, *[0.0] * (SLIDERS - 1), api_name="/slide")
    assert "Set by hand with the sliders: global colorfulness +0.30" in slid[2]


@pytest.mark.parametrize("wrong", ["abc", float("nan"), 2.0, True])
def test_the_slide_handler_refuses_wrong_values_from_python(studio, wrong, tmp_path):
    """The handler behind the page refuses the same values when called directly."""
    from PIL import Image
    from skimage import data

    from pertouch.ui import handlers

    photo = tmp_path / "rocket.png"
    Image.fromarray(data.rocket()).save(photo)
    session, _ = handlers.upload(studio, None, str(photo))
    *_, (session, _, _) = handlers.send(studio, session, "a bit brighter", "", [])
    with pytest.raises(PerTouchError, match="must be a number from -1 to 1"):
        handlers.slide(studio, session, [wrong, *[0.0] * (SLIDERS - 1)])
    needed = 4 * len(session.regions)  # "global" alone here: 4 sliders
    with pytest.raises(PerTouchError, match=f"Expected {needed} slider values"):
        handlers.slide(studio, session, [0.0] * (needed - 1))
