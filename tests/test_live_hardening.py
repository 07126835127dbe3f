"""Issue 10.6/10.9 against the production server (gunicorn, gevent workers) over a real socket:
what a test client cannot show — a chunked body counted as it arrives, header bytes as a client
really sends them."""
import json
import socket

import pytest

from tests.test_live import free_port, start, stop

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("live")]
KEY = "live-key"


@pytest.fixture(scope="module")
def port():
    p = free_port()
    proc, _ = start(["--production"], {"TRCALC_WORKERS": "1", "TRCALC_API_KEYS": KEY,
                                       "TRCALC_MAX_REQUEST_BYTES": "4096"}, p)
    yield p
    stop(proc)


def raw(port: int, head: bytes, body_chunks=()) -> tuple[int, dict, bytes]:
    """Send a request as bytes; returns (status, headers, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as s:
        s.sendall(head)
        try:
            for chunk in body_chunks:
                s.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass                          # the server may answer and close before the rest is sent
        data = b""
        while True:
            try:
                got = s.recv(65536)
            except ConnectionResetError:
                break
            if not got:
                break
            data += got
    head_part, _, body = data.partition(b"\r\n\r\n")
    lines = head_part.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def test_chunked_body_over_the_limit_is_413(port):
    # RFC 9112 §7.1 chunked coding: no Content-Length; 10 chunks of 1000 bytes against a 4096 limit
    payload = b'{"args": [1], "overrides": {"' + b"x" * 9950 + b'": 1}}'
    chunks = [b"%x\r\n%s\r\n" % (len(payload[i:i + 1000]), payload[i:i + 1000]) for i in range(0, len(payload), 1000)]
    head = (b"POST /api/v1/call/TR_CIF HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"X-API-Key: " + KEY.encode() + b"\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    status, headers, body = raw(port, head, chunks + [b"0\r\n\r\n"])
    assert status == 413, body[:300]
    err = json.loads(body)["error"]
    assert err["argument"] == "TRCALC_MAX_REQUEST_BYTES" and "4096" in err["message"]
    # a chunked body within the limit is read whole and computed
    small = b'{"args": [60, 10, 5]}'
    status, _, body = raw(port, head, [b"%x\r\n%s\r\n" % (len(small), small), b"0\r\n\r\n"])
    assert status == 200 and json.loads(body)["value"] == 75.0


@pytest.mark.parametrize("key", [b"\xc5\x9f", b"\xff\xfe", "ключ".encode()])
def test_non_ascii_key_bytes_are_401(port, key):
    head = (b"POST /api/v1/call/TR_CIF HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"X-API-Key: " + key + b"\r\nContent-Length: 12\r\nConnection: close\r\n\r\n")
    status, headers, body = raw(port, head, [b'{"args":[1]}'])
    assert status == 401 and json.loads(body)["error"]["code"] == "unauthorized"


def test_headers_and_405_from_the_production_server(port):
    status, headers, _ = raw(port, b"GET /api/v1/call/TR_CIF HTTP/1.1\r\nHost: x\r\nX-API-Key: "
                             + KEY.encode() + b"\r\nConnection: close\r\n\r\n")
    assert status == 405 and "POST" in headers["allow"]
    assert headers["x-content-type-options"] == "nosniff" and "frame-ancestors 'none'" in \
        headers["content-security-policy"]
    status, headers, _ = raw(port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status == 303 and headers["location"].startswith("/giris")
