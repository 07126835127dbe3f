"""The xlwings add-in's remote mode against a live server: the column form on the server, the workbook's
overrides once per request, slices within the server's batch limit, and the same values and messages as
the local add-in."""
import datetime as dt
import json

import pytest

import trcalc.addin.trcalc_udfs as udfs
from trcalc.addin import cells, remote
from tests.test_live import free_port, start, stop

pytestmark = pytest.mark.xdist_group("live")

KEY = "remote-test-key"
MAX_BATCH = 4000            # the server's TRCALC_MAX_BATCH: a 10,000-row column needs three requests
ROWS = 10_000
OVERRIDES = [["Parametre", "Değer"],                       # the templates' header row is skipped
             ["import.flat.rate_eu", 0.25], ["import.flat.rate_other", "50%"],
             ["kdv.general_rate", 0.18], ["import.courier.limit_eur", 2000]]


@pytest.fixture(scope="module")
def server():
    proc, url = start([], {"TRCALC_API_KEYS": KEY, "TRCALC_MAX_BATCH": str(MAX_BATCH)}, free_port())
    yield url
    stop(proc)


class _Range:
    def __init__(self, value):
        self.value = value


class _Book:
    def __init__(self, name, rows):
        self.fullname = name
        self.names = {"TRCALC_OVERRIDES": type("N", (), {"refers_to_range": _Range(rows)})()}


def _caller(name, rows=OVERRIDES):
    return type("C", (), {"sheet": type("S", (), {"book": _Book(name, rows)})()})()


def _columns():
    goods = [20.0 + (i % 400) * 0.75 for i in range(ROWS)]
    goods[17] = "altmış"                                  # a bad row: its message, the others unaffected
    freight = [float(i % 9) for i in range(ROWS)]
    origin = ["DE" if i % 3 else "CN" for i in range(ROWS)]
    dates = [dt.datetime(2024, 9, 1) if i % 2 else dt.datetime(2025, 3, 1) for i in range(ROWS)]
    return goods, freight, origin, dates


@pytest.fixture
def sent(monkeypatch):
    bodies = []
    real = remote._post

    def spy(url, body, key):
        try:
            out = real(url, body, key)
        except remote.RemoteError as exc:
            bodies.append((exc.status, json.dumps(body)))
            raise
        bodies.append((200, json.dumps(body)))
        return out
    monkeypatch.setattr(remote, "_post", spy)
    return bodies


def test_remote_and_local_agree_on_a_10000_row_column_with_overrides(server, monkeypatch, sent):
    goods, freight, origin, dates = _columns()
    args = (goods, freight, 0.0, origin, 0.2, dates)
    monkeypatch.delenv("TRCALC_SERVER_URL", raising=False)
    cells._cache.clear()
    local = udfs.TR_DUTY(*args, None, None, None, None, None, None, None, None, _caller("local.xlsm"))
    monkeypatch.setenv("TRCALC_SERVER_URL", server)
    monkeypatch.setenv("TRCALC_API_KEY", KEY)
    cells._cache.clear()                                          # settings changed: a new recalculation
    remote_ = udfs.TR_DUTY(*args, None, None, None, None, None, None, None, None, _caller("remote.xlsm"))
    assert len(local) == len(remote_) == ROWS
    assert remote_ == local                                       # every value and every message
    # hand checks, with the workbook's figures. Row 1: DE on 2024-09-01, goods 20.75, freight 1: flat route
    # (≤ 30 €); on that date the flat tax is on the goods value alone (rule import.flat.base_includes_transport)
    # at the workbook's 25 % (the rules say 30 %): 20.75 × 0.25 = 5.1875 → 5.19
    assert local[1] == [5.19]
    # row 3: CN on 2024-09-01, goods 22.25 at the workbook's 50 %: 11.125 → 11.13
    assert local[3] == [11.13]
    # row 0: CN on 2025-03-01, CIF 20 + 0 at 50 % = 10.00
    assert local[0] == [10.0]
    assert local[17][0].message.startswith("esya_bedeli: sayı değil ('altmış')")
    # the first slices (10,000 and 5,000 rows) were refused with 413, then 2,500-row slices went through,
    # each with the overrides once and no per-call copy
    statuses = [status for status, _ in sent]
    assert statuses == [413, 413, 200, 200, 200, 200]
    accepted = [json.loads(body) for status, body in sent if status == 200]
    assert sum(len(b["calls"][0]["args"][0]) for b in accepted) == ROWS
    for body in accepted:
        assert body["overrides"]["import.flat.rate_eu"] == 0.25
        assert len(body["calls"]) == 1 and body["calls"][0]["array"] and "overrides" not in body["calls"][0]
    assert max(len(body) for _, body in sent) < 2 * 1024 * 1024       # within the server's request limit

def test_columns_of_different_lengths_give_the_same_message(server, monkeypatch):
    monkeypatch.delenv("TRCALC_SERVER_URL", raising=False)
    local = udfs.TR_CIF([1.0, 2.0, 3.0], [1.0, 2.0], None)
    monkeypatch.setenv("TRCALC_SERVER_URL", server)
    monkeypatch.setenv("TRCALC_API_KEY", KEY)
    cells._cache.clear()
    assert udfs.TR_CIF([1.0, 2.0, 3.0], [1.0, 2.0], None) == local
    assert local.message.startswith("sütunların satır sayıları farklı ([2, 3])")


def test_a_bad_workbook_override_gives_the_same_message(server, monkeypatch):
    rows = [["no.such.parameter", 1]]
    monkeypatch.delenv("TRCALC_SERVER_URL", raising=False)
    cells._cache.clear()
    local = udfs.TR_CIF([1.0, 2.0], 1.0, None, _caller("bad-local.xlsm", rows))
    monkeypatch.setenv("TRCALC_SERVER_URL", server)
    monkeypatch.setenv("TRCALC_API_KEY", KEY)
    cells._cache.clear()
    assert udfs.TR_CIF([1.0, 2.0], 1.0, None, _caller("bad-remote.xlsm", rows)) == local
    assert local.message.startswith("overrides: bilinmeyen kural parametresi")


@pytest.fixture(scope="module")
def refusing_server():
    """A server whose batch limit refuses every request with 413 (its body read in full, so the answer
    always arrives; a body over TRCALC_MAX_REQUEST_BYTES is refused before it is read, and the client may
    then see the connection reset instead of the answer)."""
    proc, url = start([], {"TRCALC_API_KEYS": KEY, "TRCALC_MAX_BATCH": "0"}, free_port())
    yield url
    stop(proc)


def test_a_413_is_reported_as_such(refusing_server, monkeypatch):
    monkeypatch.setenv("TRCALC_SERVER_URL", refusing_server)
    monkeypatch.setenv("TRCALC_API_KEY", KEY)
    for out in (udfs.TR_CIF(1.0, 2.0, 3.0), udfs.TR_CIF([1.0, 2.0], 2.0, 3.0)):   # a cell; a column, halved to 1 row
        assert out.message.startswith("istek trcalc sunucusunun sınırını aşıyor (413")
        assert "the request exceeds the trcalc server's limit (413)" in out.message


def test_a_look_up_of_a_whole_column_goes_whole_and_agrees(server, monkeypatch, sent):
    """TR_SUMBY's table is a range of its own length (issue 23.1): a slice of the column by rows would slice
    the table too, and a running total would restart in each slice. So a function of a whole column goes in
    one request, whatever the slice size — here the keys and the table have the same length, 1,000 rows,
    and the slices would hold 100."""
    n = 1000
    keys = ["A" if i % 2 else "B" for i in range(n)]
    table = ["A" if i % 3 else "B" for i in range(n)]
    amounts = [float(i) for i in range(n)]
    monkeypatch.delenv("TRCALC_SERVER_URL", raising=False)
    cells._cache.clear()
    local = udfs.TR_SUMBY(keys, table, amounts)
    # by hand: rows i with i % 3 == 0 are B (sum of the multiples of 3 below 1,000 = 3 × 333 × 334 / 2), the
    # others A (the sum of 0…999 less that)
    b = 3 * 333 * 334 // 2
    assert [local[0], local[1]] == [[b], [999 * 1000 // 2 - b]]          # a column back
    monkeypatch.setattr(remote, "ROWS_PER_REQUEST", 100)
    monkeypatch.setenv("TRCALC_SERVER_URL", server)
    monkeypatch.setenv("TRCALC_API_KEY", KEY)
    cells._cache.clear()
    assert udfs.TR_SUMBY(keys, table, amounts) == local
    assert len(sent) == 1
