"""Bounded HTTP fetching for URL and feed sources: time, size, redirects and address checks."""
from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlparse

import httpx

from index.errors import SourceError

MAX_REDIRECTS = 5
USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot)"


@dataclass(frozen=True)
class Fetched:
    """A fetched body with what is needed to decode it."""

    url: str  # after redirects
    content_type: str
    body: bytes
    status: int = 200  # 304 when a conditional GET found the page unchanged (body empty)
    etag: str = ""
    last_modified: str = ""


class HTTPStatusError(SourceError):
    """A page answered an HTTP error status; `status` and `retry_after` (seconds, None if not given) say which."""

    def __init__(self, message: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header given in seconds; None when absent or given as a date."""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def check_public_url(url: str, allow_private: bool) -> str | None:
    """Refuse non-http(s) URLs and, unless allowed, hosts that resolve to private or local addresses.

    Returns the checked address to connect to (None when private addresses are allowed and nothing was
    resolved): dialling that address, not the name again, closes the DNS-rebinding window between the
    check and the connection."""
    try:
        parsed = urlparse(url)
        parsed.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError as exc:
        raise SourceError(f"not a valid URL ({exc}): {url}") from None
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise SourceError(f"not an http(s) URL: {url}")
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(parsed.hostname, parsed.port or 80, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise SourceError(f"cannot resolve {parsed.hostname}: {exc.strerror}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise SourceError(
                f"refusing to fetch {url}: {parsed.hostname} is a private or local address "
                "(set NEWSBOT_ALLOW_PRIVATE_URLS=1 to allow)"
            )
    return str(ipaddress.ip_address(infos[0][4][0])) if infos else None


def pinned_request(url: str, address: str | None) -> tuple[str, dict[str, str], dict[str, str]]:
    """(URL, headers, extensions) of a request to `url` sent to `address`: the host of the URL replaced by
    the address, the name kept in the Host header and, for https, in TLS (SNI and certificate check)."""
    if address is None:
        return url, {}, {}
    parsed = urlparse(url)
    userinfo, _, host_header = parsed.netloc.rpartition("@")
    host = f"[{address}]" if ":" in address else address
    netloc = (f"{userinfo}@" if userinfo else "") + (f"{host}:{parsed.port}" if parsed.port else host)
    return parsed._replace(netloc=netloc).geturl(), {"Host": host_header}, {"sni_hostname": parsed.hostname}


def _read_body(response: httpx.Response, url: str, current: str, max_bytes: int, deadline: float) -> Fetched:
    """The body of a 2xx answer, read within `max_bytes` and the total deadline."""
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise SourceError(f"{url}: body of {int(declared)} bytes is over the {max_bytes}-byte limit")
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise SourceError(f"{url}: body is over the {max_bytes}-byte limit")
        chunks.append(chunk)
        if time.monotonic() > deadline:  # httpx bounds each read, not the whole body
            raise httpx.ReadTimeout("total time")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return Fetched(url=current, content_type=content_type, body=b"".join(chunks),
                   etag=response.headers.get("etag", ""), last_modified=response.headers.get("last-modified", ""))


def fetch(url: str, *, timeout: float, max_bytes: int, allow_private: bool,
          headers: dict[str, str] | None = None) -> Fetched:
    """GET `url` with a total time bound, at most `max_bytes` of body and `MAX_REDIRECTS` redirects.

    Every redirect target is checked like the first URL. `headers` are sent with the request (e.g.
    If-None-Match / If-Modified-Since: a 304 answer is returned as `status=304` with an empty body).
    Raises SourceError (HTTPStatusError for an error status) with a one-line reason.
    """
    current = url
    deadline = time.monotonic() + timeout
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False,
                          headers={"User-Agent": USER_AGENT}) as client:
            for _ in range(MAX_REDIRECTS + 1):
                target, pinned, extensions = pinned_request(current, check_public_url(current, allow_private))
                with client.stream("GET", target, headers=(headers or {}) | pinned, extensions=extensions) as response:
                    if response.status_code == 304:
                        return Fetched(url=current, content_type="", body=b"", status=304,
                                       etag=response.headers.get("etag", ""),
                                       last_modified=response.headers.get("last-modified", ""))
                    if response.is_redirect:
                        current = urljoin(current, response.headers.get("location", ""))
                        continue
                    if response.status_code >= 400:
                        raise HTTPStatusError(f"{url}: HTTP {response.status_code}", response.status_code,
                                              _retry_after(response.headers.get("retry-after")))
                    return _read_body(response, url, current, max_bytes, deadline)
    except httpx.TimeoutException:
        raise SourceError(f"{url}: timed out after {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise SourceError(f"{url}: {type(exc).__name__}: {exc}") from None
    raise SourceError(f"{url}: more than {MAX_REDIRECTS} redirects")
