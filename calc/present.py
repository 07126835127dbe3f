"""One formatting rule for every breakdown (`_DETAIL` table) on every Turkish surface.

The amount column of a breakdown holds plain values (a Decimal, a code, a date); how a
person reads them depends on what they are, and the row's own label and formula say so:

- a number the formula writes plainly (a year: 2025) stays as written;
- a rate the formula writes as a percentage ("× %20") is shown the same way: %20;
- an amount with at most two decimals in a row that speaks of money — a currency sign
  (€, TL, $, £) or a money figure ("50.000,00") in its formula, or a label that names an
  amount, value, price, base or tax (tutar, değer, bedel, matrah, vergi, destek, sınır) —
  or any assessed amount (exactly two decimals, as rounding to the kuruş leaves it), is
  money: thousands separators and two decimals, 1.234,50;
- any other whole number is a count: 5.000; other numbers keep their decimals: 36,1234;
- a date is dd.mm.yyyy, a yes/no is Evet/Hayır;
- an exchange rate (a row whose label starts with "Kur") keeps at least four decimals, as TCMB
  publishes it: 36,5000;
- a code is shown by its Turkish name (`code_label`): REGULAR is "Normal rejim", SIRKET "Şirket",
  REKLAM.SIRKET "Dijital pazaryeri reklam — Şirket" (issue 25.3);
- a legal-basis row ("Kaynak: …") shows the rule's value in the rule's unit: a rate %20, an
  amount 30,00 €, a count 61, a list by its names (`rule_value_text`).

Excel's `_DETAIL` cells keep the plain values (a rate 0,2 in a cell formatted as %): this is
only how a person reads them on a page, in the CLI and in the API's `table_text`.

>>> amount_text(Decimal("0.5"), "1.000,00 € × %50")
'%50'
>>> amount_text(Decimal("60"), "60,00 €")
'60,00'
>>> amount_text(Decimal("500000.0"), "50.000 × 10,00 TL")
'500.000,00'
>>> amount_text(Decimal("1200000"), "adet")
'1.200.000'
>>> amount_text(Decimal("5000"), "50.000,00 × %10", "Vergi tutarı (döviz)")
'5.000,00'
>>> amount_text(Decimal("36.1234"), "36,1234 TL", "Kur (TL/€)")
'36,1234'
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal

from .money import fmt, fmt_num, fmt_rate

MONEY_SIGNS = ("€", "TL", "$", "£", "₺")
MONEY_WORDS = ("tutar", "değer", "bedel", "matrah", "vergi", "destek", "sınır", "maliyet", "cif", "fob",
               "kdv", "tev", "kkdf", "igv", "ötv", "zammı", "ceza", "damga", "ödenen")
_MONEY_FIGURE = re.compile(r"\d,\d{2}(?!\d)")


def _places(d: Decimal) -> int:
    exp = d.normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def _speaks_of_money(formula: str, label: str) -> bool:
    low = label.casefold()
    return (any(s in formula for s in MONEY_SIGNS) or bool(_MONEY_FIGURE.search(formula))
            or any(w in low for w in MONEY_WORDS))


# Codes that are not in a registry code list (TR_DUTY's regimes): their Turkish names.
REGIMES = {"FLAT": "Tek ve maktu vergi", "EXEMPT": "Muaf", "REGULAR": "Normal rejim",
           # origin proofs by the names printed on them
           "ATR": "A.TR", "EUR1": "EUR.1", "EURMED": "EUR-MED", "FATURA": "Fatura beyanı"}
UNIT_TEXT = {"EUR": "€", "TRY": "TL", "USD": "$", "kg": "kg", "years": "yıl"}


@functools.cache
def _code_names() -> dict[str, str]:
    """{code: Turkish name} over every code list the registry reads (its first Turkish spelling)."""
    from .coerce import CodeSet
    from .registry import KINDS
    out = dict(REGIMES)
    for k in KINDS.values():
        codes = getattr(k.reader, "__self__", None)
        if not isinstance(codes, CodeSet):
            continue
        for code, spellings in codes.aliases.items():
            names = [a for a in spellings if any(c.islower() for c in a) and not a.startswith("Madde")]
            if names and code not in out:
                out[code] = names[0]
    return out


def upper_tr(text: str) -> str:
    """Upper case as Turkish writes it: i → İ, ı → I (Python's str.upper maps i to a dotless I).

    >>> upper_tr("Çin"), upper_tr("Birleşik Krallık"), upper_tr("Irak")
    ('ÇİN', 'BİRLEŞİK KRALLIK', 'IRAK')
    """
    return text.replace("i", "İ").replace("ı", "I").upper()


def lower_tr(text: str) -> str:
    """Lower case as Turkish writes it: İ → i, I → ı.

    >>> lower_tr("İTHALAT IRAK")
    'ithalat ırak'
    """
    return text.replace("İ", "i").replace("I", "ı").lower()


def code_label(code: str) -> str:
    """A code's Turkish name; a pair such as REKLAM.SIRKET is both names; an unknown code as it is.

    >>> code_label("REGULAR"), code_label("SIRKET"), code_label("REKLAM.SIRKET"), code_label("DE")
    ('Normal rejim', 'Şirket', 'Dijital pazaryeri reklam — Şirket', 'DE')
    """
    names = _code_names()
    if code in names:
        return names[code]
    parts = code.split(".")
    if len(parts) > 1 and all(p in names for p in parts):
        return " — ".join(names[p] for p in parts)
    return code


@functools.cache
def _rule_units() -> dict[str, str]:
    """{the rule's Turkish description, as a breakdown's "Kaynak: …" label names it: its unit}."""
    from .rules.store import book
    rb = book()
    return {rb.descriptions.get(name, name).split(" / ")[0]: entries[0].unit for name, entries in rb.params.items()}


def rule_value_text(description: str, value) -> str:
    """A rule's value in its unit, for a legal-basis row.

    >>> rule_value_text("KDV genel oranı", Decimal("0.2"))
    '%20'
    """
    unit = _rule_units().get(description)
    if isinstance(value, str) and unit in ("codes",):
        return ", ".join(code_label(c.strip()) for c in value.split(","))
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return amount_text(value)
    if unit == "rate":
        return fmt_rate(Decimal(value))
    if unit in ("EUR", "TRY", "USD"):
        return f"{fmt(Decimal(value), 2)} {UNIT_TEXT[unit]}"
    if unit in ("count", "kg", "years"):
        text = fmt(Decimal(value), 0) if value == int(value) else fmt_num(Decimal(value))
        return f"{text} {UNIT_TEXT[unit]}" if unit in UNIT_TEXT else text
    return amount_text(value)


def amount_text(value, formula: str = "", label: str = "") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return code_label(value)
    if isinstance(value, bool):
        return "Evet" if value else "Hayır"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, float):
        value = Decimal(str(value))
    if not isinstance(value, Decimal) or not value.is_finite():
        return str(value)
    formula = str(formula or "")
    label = str(label or "")
    if formula.strip() == str(value):             # a year, a code number: as the formula writes it
        return formula.strip()
    if value <= 1 and value >= 0 and "%" in formula and fmt_rate(value) in formula:
        return fmt_rate(value)
    if label == "Süre" and value == value.to_integral_value():
        return f"{fmt(value, 0)} gün"
    if label.startswith("Kur"):                   # an exchange rate: TCMB's four decimals (or more)
        return fmt(value, max(4, _places(value)))
    if value.as_tuple().exponent == -2 or _speaks_of_money(formula, label):
        return fmt(value, 2)
    if value == value.to_integral_value():
        return fmt(value, 0)
    return fmt_num(value)


def breakdown_text(table: list[list]) -> list[list[str]]:
    """The table with every cell as text: the header as is, each amount by the rule above."""
    if not table:
        return []
    out = [[str(c) for c in table[0]]]
    for row in table[1:]:
        label, formula, amount = (list(row) + ["", "", ""])[:3]
        label = str(label)
        formula = "" if formula is None else str(formula)
        if label.startswith("Kaynak: "):
            text = rule_value_text(label.removeprefix("Kaynak: "), amount)
        else:
            text = amount_text(amount, formula, label)
            if isinstance(amount, str) and formula == amount:
                formula = code_label(formula)     # a code row: its name, not the code twice
        out.append([label, formula, text])
    return out


def headline_text(label: str, value) -> str:
    """A workbook summary's figure as it is filed: a count (a label about a number of rows or items) as an
    integer, any other number as money with two decimals and its currency (€ when the label says so, else TL:
    every template total not labelled € is in TL).

    >>> headline_text("Toplam vergi, TL (kurlu satırlar)", 3733.245)
    '3.733,25 TL'
    >>> headline_text("Muaf (EXEMPT) gönderi sayısı", 1.0), headline_text("İhracat satırı", 3)
    ('1', '3')
    >>> headline_text("Toplam vergi, € (kursuz satırlar)", 127.8), headline_text("Toplam TEV", 150000)
    ('127,80 €', '150.000,00 TL')
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return amount_text(value)
    d = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    low = lower_tr(label)
    money = "sayı" not in low and ("toplam" in low or any(w in low for w in MONEY_WORDS))
    if not money and d == d.to_integral_value():
        return fmt(d, 0)
    return f"{fmt(d, 2)} {'€' if '€' in label else 'TL'}"      # the templates' totals are TL unless labelled €
