"""DNS rebinding: the address that passed the private-address check is the one dialled, with a resolver the
test controls (the name resolves to a public address once, and to 127.0.0.1 after that)."""
import socket

import httpx
import pytest

from index.errors import SourceError
from index.sources.fetch import fetch, pinned_request
from tests.support.http_server import LocalServer, body

PUBLIC = "93.184.216.34"


@pytest.fixture
def rebinding(monkeypatch):
    """`rebind.example` resolves to a public address the first time and to 127.0.0.1 afterwards; connections
    are recorded and refused (no network is needed, and nothing private can be reached)."""
    real_getaddrinfo = socket.getaddrinfo
    resolved, dialled = [], []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real_getaddrinfo(host, port, *args, **kwargs)
        resolved.append(host)
        address = PUBLIC if len(resolved) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, int(port or 80)))]

    def create_connection(address, *args, **kwargs):
        dialled.append(address)
        raise ConnectionRefusedError(111, "refused by the test")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return resolved, dialled


@pytest.mark.parametrize("url, port", [("http://rebind.example:8080/a", 8080), ("https://rebind.example/a", 443)])
def test_the_checked_address_is_the_one_dialled(rebinding, url, port):
    resolved, dialled = rebinding
    with pytest.raises(SourceError, match="ConnectError"):
        fetch(url, timeout=2, max_bytes=1000, allow_private=False)
    assert resolved == ["rebind.example"]  # resolved once, for the check
    assert dialled == [(PUBLIC, port)]  # and that address dialled, not the name again


def test_a_pinned_request_keeps_the_name_for_host_and_tls():
    assert pinned_request("https://user:pw@news.example:8443/a?b=1", "93.184.216.34") == (
        "https://user:pw@93.184.216.34:8443/a?b=1", {"Host": "news.example:8443"}, {"sni_hostname": "news.example"})
    assert pinned_request("http://news.example/a", "2606:2800:220:1::1")[0] == "http://[2606:2800:220:1::1]/a"
    assert pinned_request("http://news.example/a", None) == ("http://news.example/a", {}, {})


def test_a_pinned_request_reaches_the_server_by_address_with_the_name_as_host():
    seen = []

    def route(handler):
        seen.append(handler.headers["Host"])
        body("<html><body><p>ok</p></body></html>")(handler)

    with LocalServer({"/a": route}) as server:
        url = server.url("/a").replace("127.0.0.1", "localhost")
        target, headers, extensions = pinned_request(url, "127.0.0.1")
        with httpx.Client() as client:  # what index/sources/fetch.py sends, to a real server
            response = client.request("GET", target, headers=headers, extensions=extensions)
    assert response.status_code == 200 and seen == [url.split("/")[2]]
