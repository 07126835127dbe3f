"""`trcalc fx sync`: fetch a range of TCMB bulletins into the local store, all or nothing.

Every date in the range the store does not know yet is asked for (a weekend or
holiday answers 404 and is remembered as "no bulletin"; today is read from today.xml,
whose bulletin before 15:30 is the previous one); the answers are kept in
memory and written in ONE transaction at the end.  A malformed file, an error page,
a network failure or an interrupted run therefore leaves the store as it was — run
the same command again.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from .dates import today
from .fxstore import SYNC_WAIT_S, Store
from .tcmb import BulletinError, FetchError, fetch, offline

MAX_DAYS = 3700            # ten years at most per run


class SyncError(Exception):
    def __init__(self, tr: str, en: str):
        super().__init__(f"{tr} — {en}")
        self.message = f"{tr} — {en}"


@dataclass
class SyncReport:
    first: dt.date
    last: dt.date
    fetched: list = field(default_factory=list)      # bulletin dates newly stored
    missing: list = field(default_factory=list)      # dates newly known to have none
    known: int = 0                                   # dates the store already had

    def summary(self) -> str:
        return (f"{self.first} – {self.last}: {len(self.fetched)} bülten eklendi, {len(self.missing)} gün bültensiz "
                f"(hafta sonu/tatil), {self.known} gün zaten depoda — {len(self.fetched)} bulletins added, "
                f"{len(self.missing)} days without one, {self.known} already stored")


def sync(first: dt.date, last: dt.date, store: Store | None = None,
         progress: Callable[[dt.date], None] | None = None) -> SyncReport:
    store = store or Store(wait=SYNC_WAIT_S)
    now = today()
    if last > now:
        last = now
    if first > last:
        raise SyncError(f"başlangıç ({first}) bitişten ({last}) sonra", f"--from ({first}) is after --to ({last})")
    if (last - first).days >= MAX_DAYS:
        raise SyncError(f"en çok {MAX_DAYS} gün birden alınabilir", f"at most {MAX_DAYS} days per run")
    report = SyncReport(first, last)
    known = store.states(first, last)
    if offline() and any(d not in known for d in (first + dt.timedelta(days=i) for i in range((last - first).days + 1))):
        raise SyncError("TRCALC_FX_OFFLINE açık: TCMB'den hiçbir şey alınmadı; depo değişmedi",
                        "TRCALC_FX_OFFLINE is set: nothing was fetched from TCMB; the store is unchanged")
    d = first
    while d <= last:
        if d in known:
            report.known += 1
        else:
            if progress:
                progress(d)
            try:
                # today: today.xml, the latest bulletin (today's own file appears only at 15:30)
                b = fetch(d, budgeted=False) if d != now else fetch(None, budgeted=False)
            except FetchError as exc:
                raise SyncError(f"{d:%d.%m.%Y} alınamadı ({exc}); depo değişmedi",
                                f"could not fetch {d} ({exc}); the store is unchanged") from None
            except BulletinError as exc:
                raise SyncError(f"{d:%d.%m.%Y} dosyası geçerli bir TCMB bülteni değil ({exc}); depo değişmedi",
                                f"the file for {d} is not a valid TCMB bulletin ({exc}); the store is unchanged") from None
            if b is not None and b.date != d:           # today.xml before 15:30: an earlier bulletin
                if first <= b.date and b.date not in known and all(x.date != b.date for x in report.fetched):
                    report.fetched.append(b)
            elif b is not None:
                report.fetched.append(b)
            elif d < now:                   # today's bulletin appears at 15:30: its absence is not final
                report.missing.append(d)
        d += dt.timedelta(days=1)
    store.save(report.fetched, report.missing)
    report.fetched = [b.date for b in report.fetched]
    return report
