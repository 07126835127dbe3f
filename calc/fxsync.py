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
    through: dt.date | None = None                   # the last date now covered

    def summary(self) -> str:
        return (f"{self.first} – {self.last}: {len(self.fetched)} bülten eklendi, {len(self.missing)} gün bültensiz "
                f"(hafta sonu/tatil), {self.known} gün zaten depoda — {len(self.fetched)} bulletins added, "
                f"{len(self.missing)} days without one, {self.known} already stored")


def sync(first: dt.date, last: dt.date, store: Store | None = None,
         progress: Callable[[dt.date], None] | None = None, record: bool = True) -> SyncReport:
    """Fetch [first, last] (all or nothing); with `record`, the store also notes this sync as the last
    success (in the same transaction), which /healthz and `trcalc fx status` show."""
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
    # Covered through `last`, unless `last` is today and today's bulletin is not out yet.
    through = last if last < now or any(b.date == now for b in report.fetched) or now in known else \
        last - dt.timedelta(days=1)
    report.through = through
    store.save(report.fetched, report.missing,
               synced={"first": first.isoformat(), "through": through.isoformat(),
                       "fetched": len(report.fetched), "missing": len(report.missing)} if record else None)
    report.fetched = [b.date for b in report.fetched]
    return report


# -- the daily sync of a server (server/fxsched.py runs it in every worker; one of them does it) ----

LEASE = "fx-sync"
LAST_ATTEMPT = "fx_sync_last_attempt"
try:
    from zoneinfo import ZoneInfo
    TURKIYE = ZoneInfo("Europe/Istanbul")
except Exception:                          # no time zone data (Windows without tzdata): UTC+3 since 2016
    TURKIYE = dt.timezone(dt.timedelta(hours=3))


def published_through(now: dt.datetime, at: tuple[int, int], on: dt.date | None = None) -> dt.date:
    """The last date whose bulletin should be out at `now`: today once it is past `at` in Türkiye
    (TCMB publishes at 15:30), else yesterday. `on` pins the date (TRCALC_TODAY)."""
    local = now.astimezone(TURKIYE)
    day = on or local.date()
    return day if (local.hour, local.minute) >= at else day - dt.timedelta(days=1)


def due(store: Store, now: dt.datetime, at: tuple[int, int], retry_seconds: float) -> dt.date | None:
    """The date to sync through, or None when the store is current or the last attempt is too recent."""
    import json
    from . import db
    import os
    target = published_through(now, at, today() if os.environ.get("TRCALC_TODAY") else None)
    last = store.last_sync()
    if last and dt.date.fromisoformat(last["through"]) >= target:
        return None
    raw = db.get_meta(LAST_ATTEMPT, store.url)
    if raw:
        attempt = json.loads(raw)
        if now.timestamp() - attempt.get("ts", 0) < retry_seconds:
            return None
    return target


def run_due(store: Store, holder: str, at: tuple[int, int], days: int, retry_seconds: float,
            now: dt.datetime | None = None) -> SyncReport | None:
    """One check of the daily sync: when due and this process gets the lease, sync from the day after
    the last success (at most `days` back; catching up missed days) through the published date."""
    import json
    from . import db
    now = now or dt.datetime.now(dt.timezone.utc)
    if due(store, now, at, retry_seconds) is None:
        return None
    if not db.acquire(LEASE, holder, 900, store.url):
        return None
    try:
        target = due(store, now, at, retry_seconds)       # again, under the lease: another may just have run
        if target is None:
            return None
        last = store.last_sync()
        first = target - dt.timedelta(days=max(days, 1) - 1)
        if last:
            first = max(first, dt.date.fromisoformat(last["through"]) + dt.timedelta(days=1))
            first = min(first, target)
        attempt = {"ts": now.timestamp(), "at": now.isoformat(timespec="seconds"), "holder": holder}
        try:
            report = sync(first, target, store)
        except SyncError as exc:
            db.set_meta(LAST_ATTEMPT, json.dumps({**attempt, "ok": False, "message": exc.message}), store.url)
            raise
        db.set_meta(LAST_ATTEMPT, json.dumps({**attempt, "ok": True, "message": report.summary()}), store.url)
        return report
    finally:
        db.release(LEASE, holder, store.url)
