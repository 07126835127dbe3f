"""Request and response models of the JSON API (pydantic): they validate requests and
generate the OpenAPI document, so the two cannot drift apart."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Scalar = str | float | int | bool | None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CallRequest(_Model):
    args: list[Any] = Field(default_factory=list, description="arguments in the function's order; null or \"\" = omitted")
    date: Scalar = Field(default=None, description="as-of date for the function's `date` argument when args leave it empty")
    overrides: dict[str, Scalar] | None = Field(default=None, description="rule parameters to override for this request")
    date_format: Literal["iso", "serial"] = Field(default="iso", description="dates in the result: ISO text or Excel serial numbers")


class BatchCall(_Model):
    function: str = Field(description="Excel name, e.g. TR_TEV")
    args: list[Any] = Field(default_factory=list)
    date: Scalar = None
    overrides: dict[str, Scalar] | None = None
    array: bool = Field(default=False, description=(
        "the column form: an argument given as a list is a column, the others repeat on every row; "
        "the result's `rows` hold one result per row (columns of different lengths: one error)"))


class BatchRequest(_Model):
    calls: list[BatchCall]
    overrides: dict[str, Scalar] | None = Field(default=None, description="applied to every call (a call's own win)")
    date_format: Literal["iso", "serial"] = "iso"


class ErrorInfo(BaseModel):
    code: str = Field(description="invalid, missing, out_of_range, unknown_code, no_rule, arity, unknown_function, "
                                  "invalid_request, unauthorized, too_large, not_found, internal")
    message: str = Field(description="Turkish, then English")
    argument: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorInfo
    rules_version: str


class CallResponse(BaseModel):
    function: str
    value: Any = Field(description="what the Excel cell shows: number, boolean, text, date or a table (list of rows)")
    text: str | None = Field(default=None, description="a decimal result written exactly, e.g. \"150000.00\"")
    table_text: list[list[str]] | None = Field(
        default=None, description="a _DETAIL table as a person reads it: every amount in Turkish form "
                                  "(money 1.234,56, rates %20, counts 5.000, dates dd.mm.yyyy)")
    type: str = Field(description="money, number, bool, text, date, table or any")
    rules_version: str


class BatchResult(BaseModel):
    value: Any = None
    text: str | None = None
    table_text: list[list[str]] | None = None
    error: ErrorInfo | None = None
    rows: list["BatchResult"] | None = Field(default=None, description="the column form: one result per row")


class BatchResponse(BaseModel):
    results: list[BatchResult]
    rules_version: str


class ArgumentInfo(BaseModel):
    name: str
    kind: str
    type: str
    optional: bool
    description_tr: str
    description_en: str
    choices: list[str] = Field(default_factory=list)


class FunctionInfo(BaseModel):
    name: str
    summary_tr: str
    summary_en: str
    result: str
    topic: str
    detail_of: str | None = None
    arguments: list[ArgumentInfo]


class FunctionsResponse(BaseModel):
    functions: list[FunctionInfo]
    rules_version: str


class RuleInfo(BaseModel):
    name: str
    value: Any
    unit: str
    valid_from: str
    valid_to: str | None = None
    source: str
    confidence: str
    description: str
    note: str = ""


class RulesResponse(BaseModel):
    date: str
    rules: list[RuleInfo]
    rules_version: str
    reviewed: str


class HealthResponse(BaseModel):
    status: Literal["ok"]
    rules_version: str
    functions: int
    fx_sync: dict = Field(description="the TCMB rate store's last sync: last_success (UTC), through (date), "
                                      "autosync; or error when the database cannot be read")
