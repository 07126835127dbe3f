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
import logging
import math
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request
from pydantic import BaseModel, ConfigDict, ValidationError

from trcalc.calc import CalcError
from trcalc.calc.errors import TrcalcError
from trcalc.calc.context import read_overrides
from trcalc.calc.dates import to_date, to_serial, today
from trcalc.calc.present import breakdown_text, headline_text
from trcalc.calc.registry import KINDS, REGISTRY, Function, call_many, get
from trcalc.calc.rules.store import book

from . import budgets
from .models import (ArgumentInfo, BatchCall, CallRequest, FunctionInfo, FunctionsResponse, RuleInfo,
                     RulesResponse, Scalar)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
log = logging.getLogger("trcalc.server")


class ApiError(TrcalcError):
    """A request the API refuses before any calculation (its body, a missing file)."""
    code = "invalid_request"


def rules_version() -> str:
    return book().version


def json_response(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), status=status,
                    mimetype="application/json")


def error_response(exc: TrcalcError) -> Response:
    """Any trcalc error as the API answers it: `exc.status`, and the `error` object from its data."""
    return json_response({"error": exc.as_dict(), "rules_version": rules_version()}, exc.status)


def calc_error(exc: CalcError) -> dict:
    return exc.as_dict()


def to_json(value, date_format: str = "iso"):
    if isinstance(value, Decimal):
        f = float(value)
        if not math.isfinite(f):       # JSON has no infinity: refuse rather than write invalid JSON
            raise CalcError("out_of_range", f"sonuç JSON sayısı olarak yazılamayacak kadar büyük ({value:.3e})",
                            f"the result is too large to write as a JSON number ({value:.3e})")
        return f
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


def _invalid(exc: ValidationError, prefix: str = "") -> ApiError:
    first = exc.errors()[0]
    where = ".".join([prefix] * bool(prefix) + [str(p) for p in first["loc"]]) or "body"
    return ApiError(f"istek gövdesi geçersiz ({where}: {first['msg']})",
                    f"invalid request body ({where}: {first['msg']})", where)


def _parse(model):
    try:
        return model.model_validate_json(request.get_data() or b"{}")
    except ValidationError as exc:
        raise _invalid(exc) from None


def run_call(fn: Function, args: list, overrides: dict):
    """One call; a Decimal signal that escaped the function's own checks becomes a CalcError
    (a number outside what can be computed), never a 500."""
    try:
        return fn.run(fn.read_args(args), overrides)
    except (ArithmeticError, OverflowError) as exc:
        raise CalcError("out_of_range", f"{fn.name}: sayılar hesaplanabilecek aralığın dışında ({type(exc).__name__})",
                        f"{fn.name}: the numbers are outside the range that can be computed "
                        f"({type(exc).__name__})") from None


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
    fn = get(name)                            # an unknown function: its CalcError answers 404
    value = run_call(fn, with_date(fn, req.args, req.date), read_overrides(req.overrides))
    return json_response({"function": fn.name, **result_body(value, req.date_format), "type": fn.result,
                          "rules_version": rules_version()})


class _BatchEnvelope(BaseModel):
    """The batch body with each call left unread, so one malformed call fails alone."""
    model_config = ConfigDict(extra="forbid")
    calls: list[Any]
    overrides: dict[str, Scalar] | None = None
    date_format: Literal["iso", "serial"] = "iso"


def _check_batch_budget(calls: list, settings) -> None:
    """Before any work: the number of calls and of table calls (a `_DETAIL` table is ~10 rows).

    A column counts its rows. A column call of a function whose rows depend on each other (a running
    total, a look-up in a table given whole: `Function.column`, `Arg.whole`) cannot be split into
    requests by the add-ins, so its rows count against their own, larger budget (TRCALC_MAX_COLUMN_ROWS):
    the 10,000-line DİR's export table is 10,002 rows, one more than a default batch of 10,000 calls."""
    rows = [_raw_rows(c) for c in calls]
    fns = [REGISTRY.get(str(c.get("function", "")).strip().upper()) if isinstance(c, dict) else None for c in calls]
    whole = [n > 1 and fn is not None and (fn.column is not None or any(a.whole for a in fn.args))
             for fn, n in zip(fns, rows)]
    size = sum(n for n, w in zip(rows, whole) if not w)
    if size > settings.max_batch:
        raise budgets.too_large(f"toplu istekte en çok {settings.max_batch} çağrı olabilir ({size} verildi)",
                               f"at most {settings.max_batch} calls in a batch ({size} given)", "TRCALC_MAX_BATCH")
    columns = sum(n for n, w in zip(rows, whole) if w)
    if columns > settings.max_column_rows:
        raise budgets.too_large(f"toplu istekteki bölünemeyen sütun çağrılarında en çok {settings.max_column_rows} "
                               f"satır olabilir ({columns} verildi)",
                               f"at most {settings.max_column_rows} rows in the batch's column calls that cannot "
                               f"be split ({columns} given)", "TRCALC_MAX_COLUMN_ROWS")
    tables = 0
    for fn, n in zip(fns, rows):
        tables += n if fn and fn.result == "table" else 0
    if tables > settings.max_batch_tables:
        raise budgets.too_large(f"toplu istekte en çok {settings.max_batch_tables} tablo (_DETAIL) çağrısı olabilir "
                               f"({tables} verildi)",
                               f"at most {settings.max_batch_tables} table (_DETAIL) calls in a batch "
                               f"({tables} given)", "TRCALC_MAX_BATCH_TABLES")


def _one(i: int, raw, shared: dict, shared_raw: dict | None, date_format: str) -> dict:
    """One call of a batch: its result, or its own error — whatever goes wrong."""
    try:
        c = BatchCall.model_validate(raw)
    except ValidationError as exc:
        return {"error": _invalid(exc, f"calls.{i}").as_dict()}
    try:
        if c.array:
            return column_result(c, shared_raw, date_format)
        fn = get(c.function)
        overrides = {**shared, **read_overrides(c.overrides)} if c.overrides else shared
        return result_body(run_call(fn, with_date(fn, c.args, c.date), overrides), date_format)
    except CalcError as exc:
        return {"error": calc_error(exc)}
    except (budgets.Refused, MemoryError):
        raise
    except Exception:                       # a defect in one call must not fail the others
        log.exception("unexpected error in batch call %d (%s)", i, c.function)
        return {"error": TrcalcError("beklenmeyen hata; kayıtlara bakın", "unexpected error; see the logs",
                                     code="internal").as_dict()}


@bp.post("/batch")
def batch():
    req = _parse(_BatchEnvelope)
    settings = current_app.config["TRCALC"]
    _check_batch_budget(req.calls, settings)
    deadline = budgets.Deadline(settings.request_seconds)
    try:
        shared, shared_error = read_overrides(req.overrides), None
    except CalcError as exc:
        shared, shared_error = {}, {"error": calc_error(exc)}
    parts, size = [], 0
    for i, raw in enumerate(req.calls):
        deadline.check()
        part = json.dumps(shared_error or _one(i, raw, shared, req.overrides, req.date_format), ensure_ascii=False,
                          separators=(",", ":"))
        size += len(part) + 1
        if size > settings.max_response_bytes:
            raise budgets.too_large(
                f"toplu yanıt {settings.max_response_bytes} bayt sınırını aşıyor ({i} çağrıdan sonra); "
                "isteği bölün", f"the batch response is over the limit of {settings.max_response_bytes} bytes "
                f"(after {i} calls); split the request", "TRCALC_MAX_RESPONSE_BYTES")
        parts.append(part)
    tail = json.dumps(rules_version(), ensure_ascii=False)
    return Response('{"results":[' + ",".join(parts) + '],"rules_version":' + tail + "}", mimetype="application/json")


def _raw_rows(call) -> int:
    """Rows of one call as sent (before it is validated): 1, or the longest column of the column form."""
    if not isinstance(call, dict) or call.get("array") is not True or not isinstance(call.get("args"), list):
        return 1
    return max((len(a) for a in call["args"] if isinstance(a, list)), default=1)


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
    on = to_date(raw, "date") if raw else today()          # a bad date: its CalcError answers 400
    rb = book()
    items = [RuleInfo(name=e.name, value=list(e.value) if isinstance(e.value, tuple) else to_json(e.value),
                      unit=e.unit, valid_from=e.start.isoformat(), valid_to=e.end.isoformat() if e.end else None,
                      source=e.source, confidence=e.confidence, description=rb.descriptions[e.name], note=e.note)
             for e in rb.in_force(on)]
    body = RulesResponse(date=on.isoformat(), rules=items, rules_version=rb.version,
                         reviewed=rb.meta.reviewed.isoformat())
    return json_response(body.model_dump())


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSM_MIME = "application/vnd.ms-excel.sheet.macroEnabled.12"


def _macro_enabled(data: bytes) -> bool:
    """The workbook's main part is the macro-enabled one ([Content_Types].xml says so)."""
    import io
    import zipfile
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            types = z.read("[Content_Types].xml")
    except (KeyError, zipfile.BadZipFile):
        return False
    return b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types


@bp.post("/workbook")
def workbook():
    from trcalc.templates.build import restore_charts
    from trcalc.workbook import compute_bytes
    upload = request.files.get("file")
    data = upload.read() if upload else request.get_data()
    if not data:
        raise ApiError("çalışma kitabı yok: 'file' alanında .xlsx gönderin",
                       "no workbook: send an .xlsx in the 'file' field", "file")
    # a workbook over one of the engine's budgets (cells, formulas, range sizes, rows) raises a
    # WorkbookLimitError: 413 too_large naming its setting; any other unreadable workbook a
    # WorkbookError: 400 invalid_workbook naming `file` (both answered by the app's TrcalcError handler)
    out, report = compute_bytes(data, on_resave=restore_charts)
    name = (upload.filename if upload and upload.filename else "calisma_kitabi.xlsx").rsplit("/", 1)[-1]
    stem = name[:-5] if name.lower().endswith((".xlsx", ".xlsm")) else name
    safe = "".join(ch for ch in stem if ch.isascii() and (ch.isalnum() or ch in "-_.")) or "calisma_kitabi"
    # A macro-enabled workbook (its VBA kept) goes back as one: .xlsm with its own content type — Excel
    # refuses a file named .xlsx whose main part is the macro-enabled one (ECMA-376 / [MS-OFFMACRO2]).
    ext, mime = (".xlsm", XLSM_MIME) if _macro_enabled(out) else (".xlsx", XLSX_MIME)
    if request.args.get("report") == "json":        # the upload page: the report and the file in one answer
        return json_response({"filename": f"{safe}_hesaplandi{ext}", "mimetype": mime,
                              "formulas": report.formulas, "file": base64.b64encode(out).decode("ascii"),
                              "errors": [{"sheet": s, "cell": c, "message": m} for s, c, m in report.errors],
                              "headline": [{"label": label, "value": headline_text(label, value)}
                                           for label, value in report.headline],
                              "stamp": [{"label": label, "value": value} for label, value in report.stamp],
                              "rules_version": rules_version()})
    resp = Response(out, mimetype=mime)
    resp.headers["Content-Disposition"] = f'attachment; filename="{safe}_hesaplandi{ext}"'
    resp.headers["X-Trcalc-Formulas"] = str(report.formulas)
    resp.headers["X-Trcalc-Errors"] = str(len(report.errors))
    if report.errors:
        # sheet names may hold any character, a line break too: percent-encoded (UTF-8) they are
        # always a valid header value
        resp.headers["X-Trcalc-Error-Cells"] = ",".join(f"{quote(str(s), safe='')}!{c}"
                                                        for s, c, _ in report.errors[:50])
    return resp
