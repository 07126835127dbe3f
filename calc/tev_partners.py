"""Which preferential agreement binds Türkiye and a destination on a date (for TEV).

TEV arises when a product made under inward processing is exported with a
preferential proof of origin to a partner whose agreement forbids drawback
(Dahilde İşleme Rejimi Tebliği, İhracat 2006/12).  Every agreement is data in
`rules/tev_partners.yaml`, as four dated parameters:

    tev.fta.<id>.parties      the states it binds (the customs union: eu.members)
    tev.fta.<id>.in_force     whether it is in force (signed-only, suspended and
                              terminated periods are `false`)
    tev.fta.<id>.proofs       the proofs of origin it knows
    tev.fta.<id>.no_drawback  whether it forbids drawback (then TEV arises)

and, for partners applying the revised PEM rules (their no-drawback rule covers only HS
chapters 50–63), two optional ones:

    tev.fta.<id>.revised_pem              the proofs exports under the revised rules travel with
    tev.fta.<id>.revised_pem_endorsement  the transition in which only a proof endorsed
                                          "REVISED RULES" follows them

So the Türkiye–Jordan FTA gives TEV from 2011-03-01 and none from its
termination on 2018-11-22; the Lebanon FTA, signed but never in force, none.

>>> import datetime as dt
>>> from trcalc.calc.context import Context
>>> find(Context(dt.date(2025, 3, 24)), "JO").in_force
False
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from .dates import fmt_date
from .errors import CalcError
from .rules.store import RuleBook, book

PREFIX = "tev.fta."
EU_ID = "eu"


def parties_param(agreement: str) -> str:
    return "eu.members" if agreement == EU_ID else f"{PREFIX}{agreement}.parties"


@functools.cache
def _ids(rb: RuleBook) -> tuple[str, ...]:
    return tuple(sorted(n[len(PREFIX):-len(".in_force")] for n in rb.params
                        if n.startswith(PREFIX) and n.endswith(".in_force")))


def agreement_ids() -> tuple[str, ...]:
    return _ids(book())


def name_of(agreement: str) -> str:
    """The agreement's Turkish name (its parameters' description up to the dash)."""
    return book().descriptions[f"{PREFIX}{agreement}.in_force"].split(" — ")[0]


def _peek(ctx, name: str, on: dt.date):
    """A value on a date without recording it as used (None when no entry is in force)."""
    if name in ctx.overrides:
        return ctx.overrides[name]
    entry = book().find(name, on)
    return None if entry is None else entry.value


def _optional(ctx, name: str):
    """A parameter only some agreements have: its value on the date (recorded as used), or None."""
    if name not in ctx.overrides and (name not in book().params or _peek(ctx, name, ctx.on) is None):
        return None
    return ctx.rule(name)


def _ever_party(ctx, agreement: str, country: str) -> bool:
    name = parties_param(agreement)
    if name in ctx.overrides:
        return country in ctx.overrides[name]
    return any(country in e.value for e in book().params[name])


@dataclass
class Partner:
    """The agreement found for a destination on a date (`agreement` None: there is none)."""
    country: str
    agreement: str | None
    name: str = ""
    in_force: bool = False
    status: str = ""                   # why it is not in force, in Turkish
    proofs: tuple[str, ...] = ()
    no_drawback: bool = False
    revised_proofs: tuple[str, ...] = ()   # proofs under the revised PEM rules (no-drawback only in 50–63)
    revised_endorsement: bool = False      # transition: only a proof endorsed "REVISED RULES" follows them


@functools.cache
def _ever(rb: RuleBook, country: str) -> tuple[str, ...]:
    """The agreements that have ever had `country` as a party (the data's entries, any date)."""
    return tuple(a for a in _ids(rb) if any(country in e.value for e in rb.params[parties_param(a)]))


def _candidates(ctx, country: str) -> tuple[str, ...]:
    """The agreements worth asking about `country`: those of the data that ever named it, unless the
    call overrides an agreement's parameters (then every agreement, as the overrides may name it)."""
    if any(n == "eu.members" or n.startswith(PREFIX) for n in ctx.overrides):
        return agreement_ids()
    return _ever(book(), country)


def find(ctx, country: str) -> Partner:
    on = ctx.on
    candidates = _candidates(ctx, country)
    bound = [a for a in candidates if country in (_peek(ctx, parties_param(a), on) or ())]
    for a in bound:
        if _peek(ctx, f"{PREFIX}{a}.in_force", on):
            ctx.rule(parties_param(a))
            ctx.rule(f"{PREFIX}{a}.in_force")
            return Partner(country, a, name_of(a), True, "",
                           tuple(ctx.rule(f"{PREFIX}{a}.proofs")), bool(ctx.rule(f"{PREFIX}{a}.no_drawback")),
                           tuple(_optional(ctx, f"{PREFIX}{a}.revised_pem") or ()),
                           bool(_optional(ctx, f"{PREFIX}{a}.revised_pem_endorsement")))
    known = bound or [a for a in candidates if _ever_party(ctx, a, country)]
    if not known:
        return Partner(country, None)
    a = known[-1]
    return Partner(country, a, name_of(a), False, _not_in_force(ctx, a, on))


def _not_in_force(ctx, agreement: str, on: dt.date) -> str:
    name = f"{PREFIX}{agreement}.in_force"
    if name in ctx.overrides:
        ctx.rule(name)
        return "yürürlükte değil (kullanıcı değeri)"
    entries = book().params[name]
    try:
        entry = ctx.entry(name)
    except CalcError:
        first = next((e for e in entries if e.value), entries[0])
        return f"bu tarihte henüz yok (ilk kayıt {fmt_date(first.start)})"
    later = next((e for e in entries if e.start > on and e.value), None)
    text = f"{fmt_date(entry.start)} tarihinden beri yürürlükte değil"
    if entry.note:
        text += f": {entry.note}"
    if later is not None:
        text += f" (yürürlük {fmt_date(later.start)})"
    return text
