"""The app in Debian's Chromium, driven headless by Playwright: what a person does, end to end.

Screenshots land in ``tests/ui/screenshots/`` (ignored by git) for people to look at.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.ui.conftest import SCREENSHOTS

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TURN_MS = 60_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Playwright gives every launch a fresh, temporary --user-data-dir of its own.
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def hosts() -> set[str]:
    """Every host any page asked for; the app must never reach past 127.0.0.1."""
    return set()


def open_page(browser: Any, url: str, hosts: set[str]) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto(url)
    page.wait_for_selector("#instruction textarea")
    return page


def upload(page: Any, photo: Path) -> None:
    page.set_input_files("#photo input[type=file]", str(photo))
    page.wait_for_function("document.querySelectorAll('#compare img').length >= 2")


def instruct(page: Any, words: str, expect: str = "Round 1") -> None:
    """Send ``words`` and wait until the reasoning panel shows ``expect``."""
    page.fill("#instruction textarea", words)
    page.click("#send")
    page.wait_for_function(
        "([text]) => document.querySelector('#reasoning textarea').value.includes(text)",
        arg=[expect],
        timeout=TURN_MS,
    )


def after_image(page: Any) -> np.ndarray:
    """The pixels the comparison shows as "after" (its second image), fetched from the app."""
    src = page.eval_on_selector_all("#compare img", "imgs => imgs.map(i => i.src)")[-1]
    body = page.request.get(src).body()
    return np.asarray(Image.open(io.BytesIO(body)).convert("RGB")).astype(np.int16)


def chat_text(page: Any) -> str:
    return str(page.inner_text("#chat"))


def test_upload_instruct_slide_approve_and_download(browser, app_url, photos, studio, hosts):
    SCREENSHOTS.mkdir(exist_ok=True)
    page = open_page(browser, app_url, hosts)
    upload(page, photos["rocket"])

    page.fill("#new-user textarea, #new-user input", "ana")
    page.click("#add-user")
    page.wait_for_function("document.querySelector('#user input').value === 'ana'")

    instruct(page, "make the sky brighter and bluer")
    page.wait_for_function("document.querySelector('#overlay img') !== null")
    assert "sky brightness" in page.input_value("#reasoning textarea")
    assert "Done in" in chat_text(page) and "make the sky brighter and bluer" in chat_text(page)
    assert "Looked at the photo" in chat_text(page)  # the live progress stays as "Steps"
    page.screenshot(path=str(SCREENSHOTS / "1-after-instruction.png"), full_page=True)

    before_slide = after_image(page)
    value = page.input_value("#slider-1-brightness input[type=number]")
    track = page.locator("#slider-1-brightness input[type=range]")
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.9, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "([old]) => document.querySelector('#reasoning textarea').value.includes('Set by hand')"
        " && document.querySelector('#slider-1-brightness input[type=number]').value !== old",
        arg=[value],
        timeout=TURN_MS,
    )
    page.wait_for_timeout(500)
    moved = after_image(page)
    assert float(page.input_value("#slider-1-brightness input[type=number]")) > float(value)
    assert moved.mean() > before_slide.mean() + 1.0, "moving sky brightness up brightens the photo"
    page.screenshot(path=str(SCREENSHOTS / "2-after-slider.png"), full_page=True)

    page.click("#approve")
    page.wait_for_function(
        "document.querySelector('#chat').innerText.includes('Remembered for ana')",
        timeout=TURN_MS,
    )
    assert len(list(studio.memory.users.export("ana"))) >= 1
    page.screenshot(path=str(SCREENSHOTS / "3-approved.png"), full_page=True)

    with page.expect_download() as info:
        page.click("#download")
    saved = Path(info.value.path())
    assert info.value.suggested_filename == "rocket-pertouch.jpg"
    with Image.open(saved) as full:
        assert full.size == Image.open(photos["rocket"]).size
    assert hosts == {app_url.split("/")[2]}, f"the page reached out to {hosts}"
    page.context.close()


def test_two_tabs_do_not_see_each_other(browser, app_url, photos, hosts):
    first = open_page(browser, app_url, hosts)
    second = open_page(browser, app_url, hosts)

    second.fill("#instruction textarea", "brighter")
    second.click("#send")
    second.wait_for_selector("text=Upload a photo first", timeout=TURN_MS)

    upload(first, photos["rocket"])
    upload(second, photos["astronaut"])
    instruct(first, "make the sky bluer")
    instruct(second, "make the whole photo warmer")

    assert "bluer" in chat_text(first) and "whole photo" not in chat_text(first)
    assert "whole photo" in chat_text(second) and "bluer" not in chat_text(second)
    assert "edits: sky temperature" in first.input_value("#reasoning textarea")
    assert "edits: global temperature +0.25" in second.input_value("#reasoning textarea")
    assert "sky temperature" not in second.input_value("#reasoning textarea")
    sizes = [
        page.eval_on_selector_all(
            "#compare img", "imgs => imgs.map(i => [i.naturalWidth, i.naturalHeight])"
        )
        for page in (first, second)
    ]
    assert sizes[0] == [[640, 427], [640, 427]] and sizes[1] == [[512, 512], [512, 512]]
    second.screenshot(path=str(SCREENSHOTS / "4-second-tab.png"), full_page=True)
    first.screenshot(path=str(SCREENSHOTS / "5-first-tab.png"), full_page=True)
    for page in (first, second):
        page.context.close()


def editor_colours(page: Any) -> tuple[float, float]:
    """Shares of the brush editor's on-screen pixels that look like the brush's paint, and like
    the rocket photo's night sky (none while the editor is blank, loading a picture)."""
    shot = Image.open(io.BytesIO(page.locator("#painted").screenshot())).convert("RGB")
    red, green, blue = (np.asarray(shot)[..., i].astype(int) for i in range(3))
    paint = (red - green > 80) & (blue - green > 30)
    night = (blue - red > 25) & (blue < 120)
    return float(paint.mean()), float(night.mean())


def settled_colours(page: Any, done: Any, seconds: float = 20.0) -> tuple[float, float]:
    """``editor_colours`` once ``done(paint, night)`` holds, or after ``seconds`` (the editor
    draws a new picture a moment after its value arrives)."""
    colours = editor_colours(page)
    for _ in range(int(seconds / 0.25)):
        if done(*colours):
            break
        page.wait_for_timeout(250)
        colours = editor_colours(page)
    return colours


def test_a_painted_and_named_region_takes_the_edit_alone(browser, app_url, photos, hosts):
    page = open_page(browser, app_url, hosts)
    upload(page, photos["rocket"])
    page.get_by_text("Show a region: paint it, name it").click()
    page.click("#painted button[aria-label='Brush']")
    canvas = page.locator("#painted canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    # A stroke across the canvas at mid-height: the photo is centred in the canvas, so the
    # stroke crosses the photo's middle rows, over its central columns whatever the zoom (a
    # stroke must start on the photo, which leaves a margin of the canvas on either side).
    middle = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.15, middle)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.85, middle, steps=25)
    page.mouse.up()
    page.wait_for_timeout(300)
    paint, night = settled_colours(page, lambda paint, night: paint > 0.01)
    assert paint > 0.01 and night > 0.1, "the stroke shows over the photo"
    page.screenshot(path=str(SCREENSHOTS / "6-brush-painted.png"), full_page=True)

    # Sent without a name: one sentence on the page, and the painting stays for the name.
    page.fill("#instruction textarea", "make the building warmer")
    page.click("#send")
    page.wait_for_selector("text=You painted a region but did not name it", timeout=TURN_MS)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / "7-brush-unnamed.png"), full_page=True)
    paint, night = settled_colours(page, lambda paint, night: paint > 0.01 and night > 0.1)
    assert paint > 0.01 and night > 0.1, "the painting stays for its name"
    assert page.input_value("#instruction textarea") == "make the building warmer"
    page.fill("#region-word textarea, #region-word input", "building")
    instruct(page, "make the building warmer")
    reply = chat_text(page)
    found = re.search(r"Used your painted region 'building' \((\d+)% of the photo\)\.", reply)
    assert found, reply
    before_src = page.eval_on_selector_all("#compare img", "imgs => imgs.map(i => i.src)")[0]
    before = np.asarray(Image.open(io.BytesIO(page.request.get(before_src).body())).convert("RGB"))
    after = after_image(page)
    changed = np.abs(after - before.astype(np.int16)).sum(axis=2) > 6
    height = changed.shape[0]
    width = changed.shape[1]
    core = changed[height // 2 - 4 : height // 2 + 4, int(width * 0.25) : int(width * 0.75)]
    far = np.concatenate([changed[: height // 4], changed[3 * height // 4 :]])
    assert core.mean() > 0.9, "the painted rows are warmer"
    assert far.mean() < 0.01, "rows far from the stroke (the towers, the ground) are as they were"
    assert abs(changed.mean() - int(found.group(1)) / 100) < 0.03, "the reply's coverage is true"
    page.wait_for_function(
        "document.querySelector('#region-word textarea, #region-word input').value === ''"
    )
    paint, night = settled_colours(page, lambda paint, night: paint < 0.001 and night > 0.1)
    assert paint < 0.001 and night > 0.1, "the brush is cleared after use, the photo shows"
    page.screenshot(path=str(SCREENSHOTS / "8-brush-result.png"), full_page=True)
    assert hosts == {app_url.split("/")[2]}, f"the page reached out to {hosts}"
    page.context.close()


def test_a_click_picks_a_proposed_region_to_show(browser, app_url, photos, hosts):
    page = open_page(browser, app_url, hosts)
    upload(page, photos["rocket"])
    page.get_by_text("Show a region: paint it, name it").click()
    page.click("#propose")
    proposed = page.locator("#proposed img")
    proposed.wait_for(timeout=TURN_MS)
    proposed.scroll_into_view_if_needed()
    box = proposed.bounding_box()
    proposed.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.1})  # the sky
    word = "#region-word textarea, #region-word input"
    page.wait_for_function(f"document.querySelector('{word}').value === 'sky'", timeout=TURN_MS)
    paint, _ = settled_colours(page, lambda paint, night: paint > 0.2)
    assert paint > 0.2, "the picked sky is tinted in the editor"
    page.screenshot(path=str(SCREENSHOTS / "9-brush-picked.png"), full_page=True)

    instruct(page, "make the sky bluer")
    assert re.search(r"Used your painted region 'sky' \(\d+% of the photo\)\.", chat_text(page))
    page.wait_for_function(f"document.querySelector('{word}').value === ''")
    page.context.close()
