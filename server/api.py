"""The JSON API (`/api/v1/...`), driven entirely by the registry.

    POST /api/v1/call/<NAME>    {"args": [...], "date"?, "overrides"?}  → {"value": ..., "rules_version": ...}
    POST /api/v1/batch          {"calls": [{"function", "args"}, ...]}  → {"results": [...]} in order
    GET  /api/v1/functions      the registry with Turkish and English help
    GET  /api/v1/rules?date=    parameters in force, with source and confidence
    POST /api/v1/workbook       a filled template in, the computed workbook out
"""
from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal

from flask import Blueprint, Response, current_app, request
from pydantic import ValidationError

from calc import CalcError
from calc.context import read_overrides
from calc.dates import to_date, to_serial, today
from calc.present import breakdown_text
from calc.registry import KINDS, REGISTRY, Function, call_many, get
from calc.rules.store import book

from .models import (ArgumentInfo, BatchRequest, CallRequest, FunctionInfo, FunctionsResponse, RuleInfo,
                     RulesResponse)

bp = Blueprint("api", __name__, url_prefix="/api/v1")

STATUS = {"unknown_function": 404}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, argument: str | None = None):
        self.status, self.code, self.message, self.argument = status, code, message, argument


def rules_version() -> str:
    return book().version


def json_response(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), status=status,
                    mimetype="application/json")


def error_body(code: str, message: str, argument: str | None = None) -> dict:
    return {"error": {"code": code, "message": message, "argument": argument}, "rules_version": rules_version()}


def calc_error(exc: CalcError) -> dict:
    return {"code": exc.code, "message": exc.message, "argument": exc.argument}


def to_json(value, date_format: str = "iso"):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return to_serial(value) if date_format == "serial" else value.isoformat()
    if isinstance(value, list):
        return [to_json(v, date_format) for v in value]
    return value


def result_body(value, date_format: str) -> dict:
    out = {"value": to_json(value, date_format)}
    if isinstance(value, Decimal):
        out["text"] = str(value)
    elif isinstance(value, list):
        out["table_text"] = breakdown_text(value)
    return out


def _parse(model):
    try:
        return model.model_validate_json(request.get_data() or b"{}")
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise ApiError(400, "invalid_request",
                       f"istek gövdesi geçersiz ({where}: {first['msg']}) — invalid request body ({where}: {first['msg']})",
                       where) from None


def with_date(fn: Function, args: list, date) -> list:
    """Put a request-level `date` into the function's `date` argument when args leave it empty."""
    if date in (None, ""):
        return args
    idx = next((i for i, a in enumerate(fn.args) if a.name == "date"), None)
    if idx is None:
        raise CalcError("invalid", f"{fn.name} tarih almaz", f"{fn.name} takes no date", "date")
    args = list(args) + [None] * (idx + 1 - len(args))
    if args[idx] in (None, ""):
        args[idx] = date
    return args


@bp.post("/call/<name>")
def call_one(name: str):
    req = _parse(CallRequest)
    try:
        fn = get(name)
    except CalcError as exc:
        raise ApiError(404, exc.code, exc.message) from None
    try:
        value = fn(*with_date(fn, req.args, req.date), overrides=req.overrides)
    except CalcError as exc:
        return json_response({"error": calc_error(exc), "rules_version": rules_version()},
                             STATUS.get(exc.code, 400))
    body = {"function": fn.name, **result_body(value, req.date_format), "type": fn.result,
            "rules_version": rules_version()}
    return json_response(body)


@bp.post("/batch")
def batch():
    req = _parse(BatchRequest)
    limit = current_app.config["TRCALC"].max_batch
    size = sum(_rows(c) for c in req.calls)         # a column counts its rows
    if size > limit:
        raise ApiError(413, "too_large", f"toplu istekte en çok {limit} çağrı olabilir ({size} verildi) — "
                                         f"at most {limit} calls in a batch ({size} given)")
    shared = {}
    results = []
    try:
        shared = read_overrides(req.overrides)
        shared_error = None
    except CalcError as exc:
        shared_error = calc_error(exc)
    for c in req.calls:
        if shared_error:
            results.append({"error": shared_error})
            continue
        if c.array:
            results.append(column_result(c, req.overrides, req.date_format))
            continue
        try:
            fn = get(c.function)
            overrides = {**shared, **read_overrides(c.overrides)} if c.overrides else shared
            value = fn.run(fn.read_args(with_date(fn, c.args, c.date)), overrides)
            results.append(result_body(value, req.date_format))
        except CalcError as exc:
            results.append({"error": calc_error(exc)})
    return json_response({"results": results, "rules_version": rules_version()})


def _rows(call) -> int:
    if not call.array:
        return 1
    return max((len(a) for a in call.args if isinstance(a, list)), default=1)


def column_result(call, shared: dict | None, date_format: str) -> dict:
    """The column form of one batch call: the registry's array form (`call_many`), the same code
    the local add-in runs, so local and remote give the same values and the same messages."""
    try:
        fn = get(call.function)
        overrides = {**(shared or {}), **(call.overrides or {})}
        out = call_many(fn.name, with_date(fn, call.args, call.date), overrides)
    except CalcError as exc:
        return {"error": calc_error(exc)}
    return {"rows": [{"error": calc_error(v)} if isinstance(v, CalcError) else result_body(v, date_format)
                     for v in out]}


def function_info(fn: Function) -> dict:
    return FunctionInfo(
        name=fn.name, summary_tr=fn.summary_tr, summary_en=fn.summary_en, result=fn.result, topic=fn.topic,
        detail_of=fn.detail_of,
        arguments=[ArgumentInfo(name=a.excel, kind=a.kind, type=KINDS[a.kind].json_type, optional=a.optional,
                                description_tr=a.doc_tr, description_en=a.doc_en,
                                choices=list(KINDS[a.kind].choices)) for a in fn.args],
    ).model_dump()


@bp.get("/functions")
def functions():
    body = FunctionsResponse(functions=[FunctionInfo(**function_info(REGISTRY[n])) for n in sorted(REGISTRY)],
                             rules_version=rules_version())
    return json_response(body.model_dump())


@bp.get("/rules")
def rules():
    raw = request.args.get("date")
    try:
        on = to_date(raw, "date") if raw else today()
    except CalcError as exc:
        raise ApiError(400, exc.code, exc.message, "date") from None
    rb = book()
    items = [RuleInfo(name=e.name, value=list(e.value) if isinstance(e.value, tuple) else to_json(e.value),
                      unit=e.unit, valid_from=e.start.isoformat(), valid_to=e.end.isoformat() if e.end else None,
                      source=e.source, confidence=e.confidence, description=rb.descriptions[e.name], note=e.note)
             for e in rb.in_force(on)]
    body = RulesResponse(date=on.isoformat(), rules=items, rules_version=rb.version,
                         reviewed=rb.meta.reviewed.isoformat())
    return json_response(body.model_dump())


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.post("/workbook")
def workbook():
    from templates.engine import WorkbookError, compute_bytes
    upload = request.files.get("file")
    data = upload.read() if upload else request.get_data()
    if not data:
        raise ApiError(400, "invalid_request", "çalışma kitabı yok: 'file' alanında .xlsx gönderin — "
                                               "no workbook: send an .xlsx in the 'file' field", "file")
    try:
        out, report = compute_bytes(data)
    except WorkbookError as exc:
        raise ApiError(400, "invalid_workbook", exc.message, "file") from None
    name = (upload.filename if upload and upload.filename else "calisma_kitabi.xlsx").rsplit("/", 1)[-1]
    stem = name[:-5] if name.lower().endswith(".xlsx") else name
    safe = "".join(ch for ch in stem if ch.isascii() and (ch.isalnum() or ch in "-_.")) or "calisma_kitabi"
    if request.args.get("report") == "json":        # the upload page: the report and the file in one answer
        return json_response({"filename": f"{safe}_hesaplandi.xlsx", "mimetype": XLSX_MIME,
                              "formulas": report.formulas, "file": base64.b64encode(out).decode("ascii"),
                              "errors": [{"sheet": s, "cell": c, "message": m} for s, c, m in report.errors],
                              "rules_version": rules_version()})
    resp = Response(out, mimetype=XLSX_MIME)
    resp.headers["Content-Disposition"] = f'attachment; filename="{safe}_hesaplandi.xlsx"'
    resp.headers["X-Trcalc-Formulas"] = str(report.formulas)
    resp.headers["X-Trcalc-Errors"] = str(len(report.errors))
    if report.errors:
        resp.headers["X-Trcalc-Error-Cells"] = ",".join(f"{s}!{c}" for s, c, _ in report.errors[:50]).encode(
            "ascii", "replace").decode()
    return resp
