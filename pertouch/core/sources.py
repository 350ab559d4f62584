"""Photos given as text: a path, a data URL, bare base64 or an http(s) URL, read with limits.

A caller on this machine names a file; a remote client (the served graph, an SDK call) cannot, so
it sends the photo itself (``data:image/jpeg;base64,...`` or bare base64) or an address the
server may fetch. Every form ends in :func:`~pertouch.core.imageio.decode_photo`, so the same
checks apply (formats, truncation, decompression bombs, the pixel limit), and each form can be
turned off: a server refuses paths, because a path would read the server's own disk.

Fetching guards the server's network as well as its memory: no redirects, no proxies, a byte
limit read as the data arrives, a time limit, and by default no address that is not public
(loopback, private, link-local: checked on the connected socket, so a name that resolves to a
public address for the check and a private one for the connection is still refused).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import http.client
import ipaddress
import re
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pertouch.core.errors import ImageReadError
from pertouch.core.imageio import DEFAULT_MAX_PIXELS, Photo, decode_photo, load_photo

#: Largest photo file accepted as data or from a URL (the MCP server's base64 limit, decoded).
MAX_PHOTO_BYTES = 60_000_000
#: Seconds a photo URL has to answer and to send the file.
FETCH_TIMEOUT_S = 20.0

SourceKind = Literal["ref", "data", "url", "path"]

_DATA_URL = re.compile(r"^data:(?P<mime>[\w.+-]+/[\w.+-]+)?(?P<params>(;[^,;]*)*?);base64,", re.I)
_BASE64 = re.compile(r"^[A-Za-z0-9+/\s]+={0,2}\s*$")
_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*", b"RIFF")


class PhotoSourceError(ImageReadError):
    """A photo was given in a form this caller does not accept, or its address failed."""


@dataclass(frozen=True, kw_only=True)
class PhotoSources:
    """Which forms of photo a caller accepts, and the limits on reading them."""

    paths: bool = True
    """Files on this machine and image-store references (local callers); a server turns this
    off."""
    data: bool = True
    """The file itself: a ``data:`` URL or bare base64."""
    urls: bool = True
    """``http://`` and ``https://`` addresses, fetched by this process."""
    private_hosts: bool = False
    """Allow URLs on loopback, private and link-local addresses (trusted networks only)."""
    max_bytes: int = MAX_PHOTO_BYTES
    max_pixels: int = DEFAULT_MAX_PIXELS
    timeout: float = FETCH_TIMEOUT_S
    memory_budget: int | None = None
    """Bytes retouching one photo may take (None: a share of what is available; 0: no check);
    a photo that would need more is refused from its header, before it is decoded."""


#: What a server accepts: the photo as data or a public URL, never a path on its disk.
REMOTE = PhotoSources(paths=False)


def source_kind(text: str) -> SourceKind:
    """How ``text`` gives a photo: a store reference, data, a URL, or a path."""
    head = text[:16].lower()
    if head.startswith("sha256:"):
        return "ref"
    if head.startswith("data:"):
        return "data"
    if head.startswith(("http://", "https://")):
        return "url"
    if len(text) >= 64 and _looks_like_image_base64(text):
        return "data"
    return "path"


def source_key(text: str) -> str:
    """A short stand-in for ``text`` that tells whether a later turn gave the same photo."""
    if len(text) <= 2048:
        return text
    return "digest:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def read_photo(text: str, sources: PhotoSources = PhotoSources()) -> Photo:
    """The photo ``text`` gives (a path, data, or a URL), if ``sources`` accepts that form.

    Raises:
        ImageReadError: the form is refused, the address fails, or the bytes are not a photo.
    """
    kind = source_kind(text)
    if kind == "ref":
        raise PhotoSourceError("A stored-image reference is not a photo; send the photo itself.")
    if kind == "data":
        if not sources.data:
            raise PhotoSourceError("This caller does not take photos as data; give a path.")
        return decode_photo(
            _decode_data(text, sources.max_bytes),
            "The photo sent as data",
            sources.max_pixels,
            sources.memory_budget,
        )
    if kind == "url":
        if not sources.urls:
            raise PhotoSourceError("This caller does not fetch photo URLs; send the photo itself.")
        return decode_photo(
            fetch(text, sources), _url_name(text), sources.max_pixels, sources.memory_budget
        )
    if not sources.paths:
        raise PhotoSourceError(
            "This server takes a photo as data (a data: URL or base64) or an http(s) URL, "
            "not as a path on its disk."
        )
    return load_photo(text, sources.max_pixels, sources.memory_budget)


def _decode_data(text: str, max_bytes: int) -> bytes:
    match = _DATA_URL.match(text)
    if text[:5].lower() == "data:" and match is None:
        raise PhotoSourceError(
            "The photo's data: URL is not base64; send data:image/jpeg;base64,<data>."
        )
    body = text[match.end() :] if match else text
    if match and match.group("mime") and not match.group("mime").lower().startswith("image/"):
        raise PhotoSourceError(f"The data: URL holds {match.group('mime')}, not an image.")
    if len(body) > max_bytes * 4 // 3 + 4:
        raise PhotoSourceError(
            f"The photo sent as data is over the limit of {max_bytes / 1e6:.0f} MB."
        )
    try:
        return base64.b64decode("".join(body.split()), validate=True)
    except (binascii.Error, ValueError):
        raise PhotoSourceError("The photo sent as data is not valid base64.") from None


def _looks_like_image_base64(text: str) -> bool:
    if _BASE64.match(text[:4096]) is None:
        return False
    try:
        head = base64.b64decode("".join(text[:64].split())[:48], validate=True)
    except (binascii.Error, ValueError):
        return False
    return head.startswith(_MAGIC)


def fetch(url: str, sources: PhotoSources = REMOTE) -> bytes:
    """The bytes at an http(s) ``url``, within the limits of ``sources``.

    Raises:
        PhotoSourceError: a bad address, a refused host, a redirect, an error status, a timeout,
            or a file over ``sources.max_bytes``.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise PhotoSourceError(f"{url[:200]!r} is not an http(s) address of a photo.")
    guard = _any_host if sources.private_hosts else _public_only
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), _NoRedirects(), *_guarded_handlers(guard)
    )
    request = urllib.request.Request(url, headers={"User-Agent": "PerTouch", "Accept": "image/*"})
    name = _url_name(url)
    try:
        with opener.open(request, timeout=sources.timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > sources.max_bytes:
                raise _too_large(name, sources.max_bytes)
            data = _read_within(response, name, sources)
    except urllib.error.HTTPError as err:
        if 300 <= err.code < 400:
            raise PhotoSourceError(
                f"{name} redirects elsewhere; give the photo's final address."
            ) from None
        raise PhotoSourceError(f"{name} answered {err.code} {err.reason}.") from None
    except TimeoutError:
        raise PhotoSourceError(f"{name} did not answer within {sources.timeout:.0f} s.") from None
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, PhotoSourceError):
            raise reason from None
        raise PhotoSourceError(f"{name} cannot be reached ({reason}).") from None
    except (http.client.HTTPException, OSError) as err:
        raise PhotoSourceError(f"{name} could not be read ({err}).") from None
    if len(data) > sources.max_bytes:
        raise _too_large(name, sources.max_bytes)
    return data


def _read_within(response: Any, name: str, sources: PhotoSources) -> bytes:
    """The body, up to one byte past the limit, within the time limit as a whole (the socket's
    timeout alone would let a server drip a photo for ever)."""
    deadline = time.monotonic() + sources.timeout
    chunks: list[bytes] = []
    size = 0
    while size <= sources.max_bytes:
        chunk = response.read1(min(1 << 20, sources.max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if time.monotonic() > deadline:
            raise PhotoSourceError(f"{name} was not sent within {sources.timeout:.0f} s.")
    return b"".join(chunks)


def _too_large(name: str, limit: int) -> PhotoSourceError:
    return PhotoSourceError(f"{name} is over the limit of {limit / 1e6:.0f} MB.")


def _url_name(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"The photo at {parts.scheme}://{parts.netloc}{parts.path}"[:240]


def _public_only(sock: socket.socket) -> None:
    address = ipaddress.ip_address(sock.getpeername()[0])
    mapped = getattr(address, "ipv4_mapped", None)
    if not (mapped or address).is_global:
        raise PhotoSourceError(
            f"Photo URLs on non-public addresses ({address}) are refused; "
            "PERTOUCH_FETCH_PRIVATE=1 allows them on a trusted network."
        )


def _any_host(sock: socket.socket) -> None:
    return None


def _guarded_handlers(guard: Callable[[socket.socket], None]) -> list[urllib.request.BaseHandler]:
    """http and https handlers whose connections check the address they actually reached."""

    def connect(
        address: tuple[str, int], timeout: Any = None, source_address: Any = None
    ) -> socket.socket:
        sock = socket.create_connection(address, timeout, source_address)
        try:
            guard(sock)
        except BaseException:
            sock.close()
            raise
        return sock

    # http.client opens sockets through the instance attribute it sets in __init__
    class GuardedHTTP(http.client.HTTPConnection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = connect

    class GuardedHTTPS(http.client.HTTPSConnection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = connect

    tls = ssl.create_default_context()

    class Plain(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(GuardedHTTP, req)

    class Secure(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(GuardedHTTPS, req, context=tls)

    return [Plain(), Secure(context=tls)]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead anywhere (an internal address); it is an error instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None
