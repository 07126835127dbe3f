"""The import regime decision's origin groups that are not agreements: GSP developing (G.Y.Ü.) and
least developed (E.A.G.Ü.) countries, by date (issue 27).

Each group is law data in `rules/tariff_groups.yaml`, as three dated parameters:

    tariff.group.<id>.members      the countries the decision's Ek-4 names
    tariff.group.<id>.exclusions   "CC sector" entries: a sector excluded for one country
    tariff.group.<id>.proofs       the proof of origin the group's column assumes (Form A)

A tariff list's group column (GYÜ, EAGÜ, "GTS ülkeleri") is stored with the group's id as its origin
(calc.tariff.Measure); a look-up by origin asks `find` which groups the country belongs to on the date.
A country with an excluded sector gets the group's column only by hand: trcalc has no sector → chapter
table, so the breakdown names the excluded sectors and the general column applies.

>>> import datetime as dt
>>> from trcalc.calc.context import Context
>>> [g.id for g in find(Context(dt.date(2025, 3, 1)), "BD")]
['eagu']
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from .errors import CalcError
from .rules.store import RuleBook, book

PREFIX = "tariff.group."


@functools.cache
def _ids(rb: RuleBook) -> tuple[str, ...]:
    return tuple(sorted(n[len(PREFIX):-len(".members")] for n in rb.params
                        if n.startswith(PREFIX) and n.endswith(".members")))


def group_ids() -> tuple[str, ...]:
    return _ids(book())


def name_of(group: str) -> str:
    """The group's Turkish name (its parameters' description up to the dash)."""
    return book().descriptions[f"{PREFIX}{group}.members"].split(" — ")[0]


@dataclass(frozen=True)
class Group:
    """A group the origin belongs to on the date; `excluded` names the sectors excluded for it."""
    id: str
    name: str
    proofs: tuple[str, ...]
    excluded: str = ""


def _peek(ctx, name: str):
    if name in ctx.overrides:
        return ctx.overrides[name]
    try:
        return book().lookup(name, ctx.on).value
    except CalcError:
        return None


def find(ctx, country: str) -> tuple[Group, ...]:
    """The groups whose members include `country` on the as-of date (recorded as rules used)."""
    out = []
    for g in group_ids():
        members = _peek(ctx, f"{PREFIX}{g}.members")
        if not members or country not in members:
            continue
        ctx.rule(f"{PREFIX}{g}.members")
        excluded = [e.split(" ", 1)[1] for e in ctx.rule(f"{PREFIX}{g}.exclusions") if e.split(" ", 1)[0] == country]
        out.append(Group(g, name_of(g), tuple(ctx.rule(f"{PREFIX}{g}.proofs")), ", ".join(excluded)))
    return tuple(out)
