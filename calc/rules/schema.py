"""The shape of a rules file, checked with pydantic when it is read.

A file maps parameter names to a parameter; a parameter has a unit, a
description and dated values, each with its source and confidence (in the
manner of OpenFisca parameters):

    kdv.general_rate:
      unit: rate
      description: KDV genel oranı / general KDV rate
      values:
        - from: 2023-07-10
          value: 0.20
          source: Presidential Decision 7346, RG 2023-07-07
          confidence: high
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

UNITS = {
    "rate": "share between 0 and 1",
    "EUR": "euro amount",
    "TRY": "Turkish lira amount",
    "kg": "kilograms",
    "count": "whole number",
    "years": "whole number of years",
    "bool": "yes/no",
    "countries": "list of ISO 3166 alpha-2 codes",
    "codes": "list of codes",
}
CONFIDENCE = ("high", "medium-high", "medium", "low")
NUMERIC_UNITS = {"rate", "EUR", "TRY", "kg", "count", "years"}


class Value(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    start: dt.date = Field(alias="from")
    end: dt.date | None = Field(default=None, alias="to")
    value: Any
    source: str = Field(min_length=3)
    confidence: str
    note: str = ""

    @field_validator("source")
    @classmethod
    def _source(cls, v: str) -> str:
        if len(v.strip()) < 3:
            raise ValueError("source is blank: name the legal reference (decision, RG date and number, "
                             "article, URL)")
        return v.strip()

    @field_validator("confidence")
    @classmethod
    def _confidence(cls, v: str) -> str:
        if v not in CONFIDENCE:
            raise ValueError(f"confidence must be one of {', '.join(CONFIDENCE)}")
        return v

    @model_validator(mode="after")
    def _span(self):
        if self.end is not None and self.end < self.start:
            raise ValueError(f"'to' ({self.end}) is before 'from' ({self.start})")
        return self


class Parameter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit: str
    description: str = Field(min_length=3)
    values: list[Value] = Field(min_length=1)

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str) -> str:
        if v not in UNITS:
            raise ValueError(f"unknown unit {v!r}; known units: {', '.join(sorted(UNITS))}")
        return v

    @model_validator(mode="after")
    def _values(self):
        starts = [v.start for v in self.values]
        if len(set(starts)) != len(starts):
            dup = sorted({s for s in starts if starts.count(s) > 1})
            raise ValueError(f"duplicate 'from' dates: {', '.join(map(str, dup))}")
        if starts != sorted(starts):
            raise ValueError("values are not in date order ('from' must increase)")
        for a, b in zip(self.values, self.values[1:]):
            if a.end is not None and a.end >= b.start:
                raise ValueError(f"the value from {a.start} to {a.end} overlaps the next one, from {b.start}")
        for v in self.values:
            v.value = _typed(self.unit, v.value)
        return self


def _typed(unit: str, raw: Any):
    """The value as the calculations use it; raises ValueError when it does not fit the unit."""
    if unit in NUMERIC_UNITS:
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            raise ValueError(f"value {raw!r} is not a number")
        try:
            d = Decimal(str(raw).strip())
        except InvalidOperation:
            hint = " (write a rate as a share: 0.18 for 18 %)" if "%" in str(raw) else ""
            raise ValueError(f"value {raw!r} is not a number{hint}") from None
        if not d.is_finite() or d < 0:
            raise ValueError(f"value {raw!r} must be a finite number ≥ 0")
        if unit == "rate" and d > 1:
            raise ValueError(f"rate {raw!r} is outside 0–1")
        if unit in ("count", "years") and d != d.to_integral_value():
            raise ValueError(f"value {raw!r} must be a whole number")
        return d
    if unit == "bool":
        if not isinstance(raw, bool):
            raise ValueError(f"value {raw!r} must be true or false")
        return raw
    if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
        raise ValueError(f"value must be a list of codes, got {raw!r}")
    if len(set(raw)) != len(raw):
        raise ValueError("the list repeats a code")
    if unit == "countries":
        from ..countries import country
        from ..errors import CalcError
        for code in raw:
            try:
                if country(code, "value") != code:
                    raise ValueError(f"{code!r} is not an ISO alpha-2 code")
            except CalcError:
                raise ValueError(f"unknown country code {code!r}") from None
    return tuple(raw)


class Meta(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str
    reviewed: dt.date
    description: str = ""
