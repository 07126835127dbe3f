"""Reading a calculator form as a person fills it in, and showing what was read.

A person typing into a Turkish form writes "100.000" for one hundred thousand and
"1.234,56" for a number with decimals: in a number field, dots between groups of three
digits are thousands separators here (text from machines keeps the stricter rule of
`calc.coerce`, where "100.000" is refused as ambiguous).  Every field is read, so every
bad field is reported at once, under its Turkish label; the page then shows how each
value was read, so the person can check it.

Rates on the web (issue 25.1).  Turkish calculators take a rate as a percentage ("KDV oranı
(%) 20"), so in a rate field a plain number IS a percentage: `20` is %20, `0,5` is %0,5,
`1` is %1 and `0,2` is %0,2; `%20` and `20%` are %20 too.  There is no second reading: a
plain number is never a fraction on the web.  A plain number of 1 or less is the one that a
spreadsheet user could mean the other way (Excel's 0,2 = %20, 1 = %100), so beside such a
field the page says how it was read and what to type for the other meaning
(`RATE_NOTE`).  Excel, the add-ins, the API and the CLI keep Excel's convention (a cell
formatted 20 % holds 0,2; a bare 20 is refused there, asking whether %20 was meant): the
README's "Rates" paragraph says which applies where.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from trcalc.calc import CalcError
from trcalc.calc.countries import all_codes, name_tr
from trcalc.calc.money import fmt, fmt_num, fmt_rate
from trcalc.calc.present import upper_tr
from trcalc.calc.registry import KINDS, Function

NUMBER_KINDS = {"number", "money", "positive", "count"}
RATE_KINDS = {"rate", "waste"}
COUNTRY_KINDS = {"country", "origin"}
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")


def person_entry(text: str, kind: str) -> str:
    """A number as a person types it in Turkish: "100.000" → "100000", "1.234,5" → "1234,5";
    in a rate field a plain number is a percentage: "20" → "%20", "0,5" → "%0,5".

    >>> person_entry("100.000", "money"), person_entry("20", "rate"), person_entry("%20", "rate")
    ('100000', '%20', '%20')
    """
    t = text.strip()
    if kind in NUMBER_KINDS and _GROUPED.fullmatch(t):
        return t.replace(".", "")
    if kind in RATE_KINDS and t and "%" not in t:
        return "%" + t
    return t


# Beside a rate typed as a plain number of at most 1: how it was read and what gives the other meaning.
RATE_NOTE = "{read} olarak okundu (yüzde). {other} demek istediyseniz {typed} yazın."


def rate_note(text: str, value) -> str | None:
    """The note for a rate typed without % whose number is at most 1 (`0,2`, `1`): a spreadsheet user
    may have meant the fraction (0,2 = %20). None for other entries.

    >>> rate_note("0,2", Decimal("0.002"))
    '%0,2 olarak okundu (yüzde). %20 demek istediyseniz 20 yazın.'
    >>> rate_note("20", Decimal("0.2")) is None
    True
    """
    t = text.strip()
    if not t or "%" in t or not isinstance(value, Decimal) or value * 100 > 1 or value <= 0:
        return None
    fraction = value * 100                       # what the number would be as Excel reads it
    return RATE_NOTE.format(read=fmt_rate(value), other=fmt_rate(fraction), typed=fmt_num(fraction * 100))


def shown(value, kind: str) -> str:
    """A value as it was read, in Turkish form."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "Evet" if value else "Hayır"
    if kind in RATE_KINDS and isinstance(value, Decimal):
        return fmt_rate(value)
    if kind == "money" and isinstance(value, Decimal):
        return fmt(value, 2)                     # an amount as it is filed: 60,00
    if isinstance(value, Decimal):
        return fmt_num(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%d.%m.%Y")
    if kind in COUNTRY_KINDS and isinstance(value, str) and len(value) == 2:
        return f"{name_tr(value)} — {value}"
    return str(value)


def choices(kind: str) -> list[tuple[str, str]]:
    """(code, "code — name") for a drop-down, names beside codes."""
    k = KINDS[kind]
    codeset = getattr(k.reader, "__self__", None)
    aliases = getattr(codeset, "aliases", {})
    out = []
    for code in k.choices:
        names = [a for a in aliases.get(code, ()) if any(c.islower() for c in a) and not a.startswith("Madde")]
        out.append((code, f"{code} — {names[0]}" if names else code))
    return out


def countries() -> list[tuple[str, str]]:
    return [(code, f"{upper_tr(name_tr(code))} — {code}") for code in all_codes()]


@dataclass
class Form:
    fn: Function
    raw: dict[str, str]
    errors: dict[str, CalcError] = field(default_factory=dict)
    read: dict[str, str] = field(default_factory=dict)       # excel name → how it was read
    notes: dict[str, str] = field(default_factory=dict)      # excel name → a rate's reading, spelled out
    args: list = field(default_factory=list)                 # what goes to the calculation

    @property
    def filled(self) -> bool:
        return any(v.strip() for v in self.raw.values())


def read_form(fn: Function, raw: dict[str, str]) -> Form:
    form = Form(fn, raw)
    for i, a in enumerate(fn.args):
        text = person_entry(raw.get(a.excel, ""), a.kind)
        try:
            value = fn.read_arg(i, text or None)
        except CalcError as exc:
            form.errors[a.excel] = exc
            value = None
        form.args.append(text or None)
        form.read[a.excel] = shown(value, a.kind)
        if a.kind in RATE_KINDS:
            note = rate_note(raw.get(a.excel, ""), value)
            if note:
                form.notes[a.excel] = note
    return form
