"""The team server's rates: GET /api/v1/fx, and TR_FX / fx = "TCMB" through /api/v1/batch.

Both add-ins compute on the server: the xlwings add-in in remote mode and the Office.js
functions post their calls to /api/v1/batch (addin/remote.py, server/office.py), so the
server's store is the one set of rates a team uses.  TCMB is the stand-in of tests/tcmb_server.py.
"""
import datetime as dt
from decimal import Decimal as D

import pytest

from trcalc.server import create_app



@pytest.fixture
def client(tcmb):
    return create_app().test_client()


def test_fx_route_serves_the_rate_with_its_bulletin(client):
    r = client.get("/api/v1/fx?currency=JPY&date=2024-07-13&kind=DOVIZ_SATIS")
    assert r.status_code == 200
    body = r.get_json()
    # Saturday → Friday 12.07 (2024/130), JPY selling 20.5255 per 100 yen
    assert body["rate_text"] == "0.205255" and body["unit"] == 100 and body["quoted"] == "20.5255"
    assert body["bulletin_date"] == "2024-07-12" and body["bulletin_number"] == "2024/130"
    assert body["kind"] == "DOVIZ_SATIS" and body["date"] == "2024-07-13"
    r = client.get("/api/v1/fx?currency=usd&date=08.07.2024")
    assert r.get_json()["rate_text"] == "32.6401" and r.get_json()["kind"] == "DOVIZ_ALIS"


@pytest.mark.parametrize("query, arg", [("date=2024-07-08", "currency"), ("currency=USD&date=08/13/2024", "date"),
                                        ("currency=USD&date=2024-07-08&kind=MID", "kind")])
def test_fx_route_names_the_bad_argument(client, query, arg):
    r = client.get(f"/api/v1/fx?{query}")
    assert r.status_code == 400 and r.get_json()["error"]["argument"] == arg


def test_fx_route_without_rate_is_404_with_the_command(client, monkeypatch):
    monkeypatch.setenv("TRCALC_TCMB_URL", "http://127.0.0.1:9/closed")
    r = client.get("/api/v1/fx?currency=USD&date=2024-07-08")
    assert r.status_code == 404
    assert "trcalc fx sync" in r.get_json()["error"]["message"]


def test_batch_uses_the_servers_rates(client):
    calls = [{"function": "TR_FX", "args": ["EUR", "2024-07-08", "DOVIZ_SATIS"]},
             {"function": "TR_DUTY", "args": [60, 10, 5, "DE", 0.2, "2024-07-09", None, "TCMB"]},
             {"function": "TR_DUTY", "args": [60, 10, 5, "DE", 0.2, "2024-07-09", None, 35.4241]}]
    res = client.post("/api/v1/batch", json={"calls": calls}).get_json()["results"]
    assert D(res[0]["text"]) == D("35.4241")
    assert res[1] == res[2]


@pytest.mark.xdist_group("live")
def test_the_addin_in_remote_mode_uses_the_servers_rates(tcmb, tmp_path, monkeypatch):
    """A desk with no stored rate and no TCMB access still gets the rate: from the team server's store."""
    import trcalc.addin.trcalc_udfs as udfs
    from tests.test_live import free_port, start, stop
    proc, url = start([], {"TRCALC_TCMB_URL": tcmb.url, "TRCALC_DATA_DIR": str(tmp_path / "server")},
                      free_port())
    try:
        monkeypatch.setenv("TRCALC_FX_OFFLINE", "1")                 # this desk: no fetching, empty store
        monkeypatch.delenv("TRCALC_SERVER_URL", raising=False)
        local = udfs.TR_FX("USD", dt.datetime(2024, 7, 8), "DOVIZ_SATIS")
        assert "trcalc fx sync" in local.message                  # the cell's #VALUE!, with this message
        from trcalc.addin import cells
        monkeypatch.setenv("TRCALC_SERVER_URL", url)
        cells._cache.clear()                                          # settings changed: the next recalculation
        assert udfs.TR_FX("USD", dt.datetime(2024, 7, 8), "DOVIZ_SATIS") == 32.6989
        assert udfs.TR_CUSTOMS_FX("EUR", dt.datetime(2024, 7, 9)) == 35.4241
    finally:
        stop(proc)
