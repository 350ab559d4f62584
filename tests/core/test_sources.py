"""Photos given as text: data URLs, bare base64, http(s) URLs (with their guards), and paths."""

from __future__ import annotations

import base64
import io
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from pertouch.core.errors import ImageReadError
from pertouch.core.imageio import encode_photo, load_photo
from pertouch.core.sources import (
    REMOTE,
    PhotoSourceError,
    PhotoSources,
    fetch,
    read_photo,
    source_key,
    source_kind,
)

TRUSTED = PhotoSources(private_hosts=True)


@pytest.fixture(scope="module")
def jpeg(rocket: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rocket).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def site(jpeg: bytes) -> Iterator[str]:
    """A tiny image host on 127.0.0.1: the photo, a redirect, a 404 and a slow large answer."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/rocket.jpg":
                self._send(200, jpeg)
            elif self.path == "/moved.jpg":
                self.send_response(302)
                self.send_header("Location", "/rocket.jpg")
                self.end_headers()
            elif self.path == "/drip.jpg":  # a byte at a time, each well inside the socket timeout
                self.send_response(200)
                self.end_headers()
                for _ in range(40):
                    self.wfile.write(b"\xff")
                    self.wfile.flush()
                    time.sleep(0.1)
            elif self.path == "/unsized.bin":  # no Content-Length: the limit is counted as read
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"\xff\xd8\xff" + b"x" * 300_000)
            else:
                self._send(404, b"no")

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_kinds_are_told_apart(jpeg):
    b64 = base64.b64encode(jpeg).decode()
    assert source_kind("sha256:" + "a" * 64) == "ref"
    assert source_kind("data:image/jpeg;base64," + b64) == "data"
    assert source_kind(b64) == "data"  # bare base64 of a JPEG
    assert source_kind("HTTPS://example.org/a.jpg") == "url"
    assert source_kind("photos/2024/holiday.jpg") == "path"
    assert source_kind("A" * 100) == "path"  # base64 letters, but not an image's


def test_a_data_url_and_bare_base64_decode_to_the_same_photo(jpeg, tmp_path):
    b64 = base64.b64encode(jpeg).decode()
    path = tmp_path / "rocket.jpg"
    path.write_bytes(jpeg)
    on_disk = load_photo(path).pixels
    for text in ("data:image/jpeg;base64," + b64, b64, "data:;base64," + b64):
        photo = read_photo(text, REMOTE)
        assert np.array_equal(photo.pixels, on_disk) and photo.format == "JPEG"
    wrapped = "\n".join(b64[i : i + 76] for i in range(0, len(b64), 76))
    assert np.array_equal(read_photo(wrapped, REMOTE).pixels, on_disk)


def test_sixteen_bit_png_data_stays_sixteen_bit(rocket):
    deep = rocket.astype(np.uint16) * 257
    text = "data:image/png;base64," + base64.b64encode(encode_photo(deep, "PNG")).decode()
    assert np.array_equal(read_photo(text, REMOTE).pixels, deep)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("data:image/jpeg;base64,@@@@", "not valid base64"),
        ("data:image/jpeg,rawbytes", "not base64"),
        ("data:text/plain;base64,aGVsbG8=", "holds text/plain, not an image"),
        ("data:image/png;base64," + base64.b64encode(b"not a png").decode(), "not a photo"),
        ("sha256:" + "0" * 64, "send the photo itself"),
    ],
)
def test_bad_data_gets_one_sentence(text, words):
    with pytest.raises(ImageReadError, match=words):
        read_photo(text, REMOTE)


def test_size_and_pixel_limits_hold_for_data(jpeg):
    text = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()
    with pytest.raises(PhotoSourceError, match="over the limit of 0 MB"):
        read_photo(text, PhotoSources(max_bytes=len(jpeg) // 2))
    with pytest.raises(ImageReadError, match="over the limit of 0 MP"):
        read_photo(text, PhotoSources(max_pixels=100_000))


def test_a_server_refuses_paths_and_a_caller_may_refuse_data_or_urls(jpeg, tmp_path):
    path = tmp_path / "rocket.jpg"
    path.write_bytes(jpeg)
    with pytest.raises(PhotoSourceError, match="not as a path on its disk"):
        read_photo(str(path), REMOTE)
    assert read_photo(str(path)).pixels.shape == (427, 640, 3)
    with pytest.raises(PhotoSourceError, match="does not take photos as data"):
        read_photo(base64.b64encode(jpeg).decode(), PhotoSources(data=False))
    with pytest.raises(PhotoSourceError, match="does not fetch photo URLs"):
        read_photo("https://example.org/a.jpg", PhotoSources(urls=False))


def test_a_url_is_fetched_within_its_limits(site, jpeg):
    assert np.array_equal(
        read_photo(f"{site}/rocket.jpg", TRUSTED).pixels,
        np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB")),
    )
    with pytest.raises(PhotoSourceError, match="answered 404"):
        fetch(f"{site}/absent.jpg", TRUSTED)
    with pytest.raises(PhotoSourceError, match="redirects elsewhere"):
        fetch(f"{site}/moved.jpg", TRUSTED)
    with pytest.raises(PhotoSourceError, match="over the limit"):
        fetch(f"{site}/rocket.jpg", PhotoSources(private_hosts=True, max_bytes=1000))
    with pytest.raises(PhotoSourceError, match="over the limit"):
        fetch(f"{site}/unsized.bin", PhotoSources(private_hosts=True, max_bytes=100_000))
    with pytest.raises(PhotoSourceError, match="was not sent within 1 s"):
        fetch(f"{site}/drip.jpg", PhotoSources(private_hosts=True, timeout=1.0))


def test_urls_on_private_addresses_are_refused_unless_trusted(site):
    with pytest.raises(PhotoSourceError, match=r"non-public addresses \(127\.0\.0\.1\)"):
        fetch(f"{site}/rocket.jpg", REMOTE)
    with pytest.raises(PhotoSourceError, match="non-public"):
        fetch(f"http://localhost:{site.rsplit(':', 1)[1]}/rocket.jpg", REMOTE)
    with pytest.raises(PhotoSourceError, match="not an http"):
        fetch("ftp://example.org/a.jpg", REMOTE)
    with pytest.raises(PhotoSourceError, match="cannot be reached"):
        fetch("http://127.0.0.1:9/a.jpg", TRUSTED)  # the discard port: nothing listens


def test_source_key_is_short_and_tells_photos_apart(jpeg):
    text = base64.b64encode(jpeg).decode()
    assert source_key("a.jpg") == "a.jpg"
    assert source_key(text) == source_key(str(text)) and len(source_key(text)) < 80
    assert source_key(text) != source_key(text[:-8] + "AAAAAAAA")


def test_path_is_unchanged_for_local_callers(tmp_path: Path):
    with pytest.raises(ImageReadError, match="There is no file"):
        read_photo(str(tmp_path / "missing.jpg"))
