"""Rules in the sheet: an accountant audits a rate with TR_RATE next to the result.

>>> from trcalc.calc import call
>>> call("TR_RATE", "kdv.general_rate", "2023-07-10")
Decimal('0.2')
"""
from __future__ import annotations

from .registry import AS_OF, Arg, function
from .rules.store import book


@function("TR_RATE", topic="rules", result="any",
          summary_tr="Bir kural parametresinin tarihteki değeri",
          summary_en="a rule parameter's value on a date",
          args=[Arg("name", "text", "Parametre adı (örn. kdv.general_rate)", "parameter name (e.g. kdv.general_rate)"),
                AS_OF])
def tr_rate(ctx, name, date):
    value = ctx.rule(name)
    return ", ".join(value) if isinstance(value, tuple) else value


@function("TR_RULES_VERSION", topic="rules", result="text",
          summary_tr="Kural verisinin sürümü ve son gözden geçirme tarihi",
          summary_en="rules data version and the date it was last reviewed",
          args=[])
def tr_rules_version(ctx):
    rb = book()
    return f"{rb.version} (gözden geçirme {rb.meta.reviewed:%d.%m.%Y})"
