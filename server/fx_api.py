"""`GET /api/v1/fx?currency=&date=&kind=`: a TCMB rate from the server's own store.

The server answers from its rate store (TRCALC_DATA_DIR on the server, filled from
TCMB on demand or by `trcalc fx sync` run there), so every colleague — the add-in in
remote mode, the Office add-in, scripts — computes with one set of rates.  (The
add-ins' TR_FX cells and `fx = "TCMB"` arguments go through /api/v1/batch, which
computes on the server and so reads the same store.)

    200 {"currency": "JPY", "date": "2024-07-13", "kind": "DOVIZ_SATIS", "rate": 0.203626,
         "rate_text": "0.203626", "quoted": "20.3626", "unit": 100,
         "bulletin_date": "2024-07-12", "bulletin_number": "2024/130", "source": "…"}
    400 a bad argument (the error names it); 404 no rate stored and TCMB unreachable
"""
from __future__ import annotations

from flask import Blueprint, request
from pydantic import BaseModel, Field

from trcalc.calc import CalcError
from trcalc.calc.dates import today
from trcalc.calc.fx import DEFAULT_KIND, rate
from trcalc.calc.registry import KINDS

from .api import calc_error, json_response, rules_version

bp = Blueprint("fx_api", __name__, url_prefix="/api/v1")

# 404, not 503: the server works, it has no rate for that currency and date (and TCMB could
# not supply one); the message names the `trcalc fx sync` to run on the server.
STATUS = {"no_rate": 404}


class FxResponse(BaseModel):
    currency: str = Field(description="ISO 4217 code")
    date: str = Field(description="the date asked for (ISO)")
    kind: str = Field(description="DOVIZ_ALIS, DOVIZ_SATIS, EFEKTIF_ALIS or EFEKTIF_SATIS")
    rate: float = Field(description="TRY for ONE unit of the currency")
    rate_text: str = Field(description="the same, exact (decimal text)")
    quoted: str = Field(description="the bulletin's figure, for `unit` units")
    unit: int = Field(description="units the bulletin quotes (100 for JPY, IRR)")
    bulletin_date: str = Field(description="the bulletin used: that date's, or the last one before it")
    bulletin_number: str
    source: str = Field(description="where the bulletin was read from")
    rules_version: str

    @staticmethod
    def openapi(ref: str, errors: dict) -> dict:
        params = [
            {"name": "currency", "in": "query", "required": True, "schema": {"type": "string"},
             "description": "USD, EUR, JPY…"},
            {"name": "date", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "2024-07-08 or 08.07.2024 (default today)"},
            {"name": "kind", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "DOVIZ_ALIS (default), DOVIZ_SATIS, EFEKTIF_ALIS, EFEKTIF_SATIS"}]
        return {"get": {
            "summary": "A TCMB exchange rate from the server's rate store", "tags": ["api"],
            "security": [{"ApiKey": []}, {}], "parameters": params,
            "responses": {"200": {"description": "the rate and its bulletin",
                                  "content": {"application/json": {"schema": {"$ref": ref + "FxResponse"}}}},
                          **errors}}}


@bp.get("/fx")
def fx():
    q = request.args
    try:
        raw = q.get("currency", "")
        if not raw.strip():
            raise CalcError("missing", "para birimi (currency) gerekli", "currency is required", "currency")
        currency = KINDS["currency"].reader(raw, "currency")
        on = KINDS["date"].reader(q["date"], "date") if q.get("date", "").strip() else today()
        kind = KINDS["fx_kind"].reader(q["kind"], "kind") if q.get("kind", "").strip() else DEFAULT_KIND
        r = rate(currency, on, kind)
    except CalcError as exc:
        return json_response({"error": calc_error(exc), "rules_version": rules_version()},
                             STATUS.get(exc.code, 400))
    return json_response({
        "currency": r.currency, "date": r.asked.isoformat(), "kind": r.kind,
        "rate": float(r.value), "rate_text": str(r.value), "quoted": str(r.quoted), "unit": r.unit,
        "bulletin_date": r.bulletin_date.isoformat(), "bulletin_number": r.bulletin_number,
        "source": r.source, "rules_version": rules_version(),
    })
