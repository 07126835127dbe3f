"""Issue 24.5: the xlwings add-in records, in the workbook, the rules version it last computed it with
(the name TRCALC_LAST_RULES), and `=TR_RULES_VERSION()` warns when that version differs from the one
computing now — the installed rules in local mode, the server's in remote mode.

The workbook is a stand-in at the COM level only: the add-in talks to xlwings' real `Names` / `Name`
classes (xlwings.main, the documented API: `Names.add(name, refers_to)`, `name in names`,
`names[name].refers_to`), over an engine object shaped like `xlwings._xlwindows.Names` / `Name` (0.37),
which calls what Microsoft documents for Excel's Workbook.Names: `Add(Name, RefersTo)` defines a name,
`Names(index)` returns one (a missing name is a COM error), `Name.RefersTo` is "the formula that the
name is defined to refer to … beginning with an equal sign" (read/write).
"""
import shutil
import time

import pytest
from xlwings.main import Names

import trcalc.addin.trcalc_udfs as udfs
from trcalc.addin import cells
from trcalc.calc.rules.store import RULES_DIR, book
from tests.test_live import free_port, start, stop

KEY = "last-rules-key"


class _ComName:                       # Excel's Name object
    def __init__(self, name, refers_to):
        self.Name, self.RefersTo = name, refers_to


class _ComNames(dict):                # Excel's Workbook.Names
    def __call__(self, name):
        if name not in self:
            raise LookupError(f"no name {name}")     # Excel raises a COM error
        return self[name]

    def Add(self, name, refers_to):
        self[name] = _ComName(name, refers_to)
        return self[name]


class _NameImpl:                      # as xlwings._xlwindows.Name wraps the COM object
    def __init__(self, xl):
        self.xl = xl

    @property
    def refers_to(self):
        return self.xl.RefersTo

    @refers_to.setter
    def refers_to(self, value):
        self.xl.RefersTo = value


class _NamesImpl:                     # as xlwings._xlwindows.Names wraps the COM collection
    def __init__(self, xl):
        self.xl = xl

    def __call__(self, name):
        return _NameImpl(self.xl(name))

    def contains(self, name):
        try:
            self.xl(name)
        except LookupError:
            return False
        return True

    def add(self, name, refers_to):
        return _NameImpl(self.xl.Add(name, refers_to))


class _Book:
    def __init__(self, path, recorded=None):
        self.fullname = path
        self.com = _ComNames()
        self.names = Names(impl=_NamesImpl(self.com))
        if recorded:
            self.com.Add("TRCALC_LAST_RULES", f'="{recorded}"')

    def recorded(self):
        return self.com["TRCALC_LAST_RULES"].RefersTo if "TRCALC_LAST_RULES" in self.com else None


class _Caller:
    def __init__(self, book):
        self.sheet = type("S", (), {"book": book})()


@pytest.fixture(autouse=True)
def _session(monkeypatch):
    """A fresh session of the add-in, with the writer thread held back (a test writes what is due)."""
    cells._warned.clear()
    cells._pending.clear()
    monkeypatch.setattr(cells, "_start_writer", lambda: None)
    yield
    cells._warned.clear()
    cells._pending.clear()


def _new_burst():
    cells._cache.clear()                 # the next call starts a recalculation (settings read again)


def _write_due():
    for caller, version in cells.due(cells._last_call[0] + cells.BURST_GAP):
        cells.write_last_rules(caller.sheet.book, version)


def test_a_workbook_records_the_installed_version_once_the_recalculation_is_over():
    wb = _Book("c:/a.xlsm")
    assert udfs.TR_CIF(100.0, 10.0, 5.0, _Caller(wb)) == 115.0
    # Excel refuses new names while it calculates: nothing is written before the burst is over
    assert cells.due(cells._last_call[0] + cells.BURST_GAP / 2) == [] and wb.recorded() is None
    _write_due()
    assert wb.recorded() == f'="{book().version}"'
    _new_burst()
    udfs.TR_CIF(1.0, None, None, _Caller(wb))
    assert cells.due(cells._last_call[0] + cells.BURST_GAP) == []        # the same version: nothing to write
    assert udfs.TR_RULES_VERSION(None, _Caller(wb)).startswith(book().version)  # local mode: the installed version


def test_a_workbook_computed_with_other_rules_warns_in_tr_rules_version():
    old = "2026.01.01+00000000"
    wb = _Book("c:/b.xlsm", recorded=old)
    udfs.TR_CIF(100.0, 10.0, 5.0, _Caller(wb))
    warning = udfs.TR_RULES_VERSION(None, _Caller(wb))
    assert warning.startswith("UYARI:") and old in warning and book().version in warning
    _write_due()
    assert wb.recorded() == f'="{book().version}"'                      # now computed with the installed rules
    _new_burst()
    assert udfs.TR_RULES_VERSION(None, _Caller(wb)).startswith("UYARI:")       # still said for the rest of the session
    cells._warned.clear()                                                # Excel opened again
    _new_burst()
    assert udfs.TR_RULES_VERSION(None, _Caller(wb)).startswith(book().version)
    # a version given in the cell is the cell's own comparison, as before
    assert udfs.TR_RULES_VERSION(old, _Caller(wb)).startswith("UYARI:")


def test_the_writer_thread_writes_after_the_burst(monkeypatch):
    monkeypatch.undo()                   # the real writer thread
    monkeypatch.setattr(cells, "BURST_GAP", 0.05)
    wb = _Book("c:/c.xlsm")
    udfs.TR_CIF(100.0, 10.0, 5.0, _Caller(wb))
    deadline = time.monotonic() + 20
    while wb.recorded() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert wb.recorded() == f'="{book().version}"'


class _Busy(Exception):
    def __init__(self, hresult):
        super().__init__("busy")
        self.hresult = hresult


def test_excel_busy_is_retried_and_a_closed_workbook_is_left(monkeypatch):
    monkeypatch.setattr(cells.time, "sleep", lambda s: None)
    calls = []

    def busy_twice():
        calls.append(1)
        if len(calls) < 3:
            raise _Busy(-2147418111)                 # RPC_E_SERVERCALL_RETRYLATER (xlwings.udfs)
    assert cells._retrying(busy_twice) and len(calls) == 3

    def gone():
        calls.append(1)
        raise _Busy(-2147417848)                     # RPC_E_DISCONNECTED: the workbook is closed
    calls.clear()
    assert not cells._retrying(gone) and len(calls) == 1


@pytest.fixture(scope="module")
def other_server(tmp_path_factory):
    """A team server whose rules differ from the installed ones (a source text edited: another digest)."""
    folder = tmp_path_factory.mktemp("rules")
    for f in RULES_DIR.glob("*.yaml"):
        shutil.copy(f, folder / f.name)
    kdv = folder / "kdv.yaml"
    kdv.write_text(kdv.read_text(encoding="utf-8") + "\n# the team's copy\n", encoding="utf-8")
    proc, url = start([], {"TRCALC_API_KEYS": KEY, "TRCALC_RULES_DIR": str(folder)}, free_port())
    yield url
    stop(proc)


def test_remote_mode_records_and_compares_the_servers_version(other_server, monkeypatch):
    monkeypatch.setenv("TRCALC_SERVER_URL", other_server)
    monkeypatch.setenv("TRCALC_API_KEY", KEY)
    local = book().version
    wb = _Book("c:/d.xlsm", recorded=local)
    assert udfs.TR_CIF(100.0, 10.0, 5.0, _Caller(wb)) == 115.0
    server = cells.remote.SEEN[other_server]
    assert server != local and server.split("+")[0] == local.split("+")[0]
    assert udfs.TR_STAMP("KURALLAR", _Caller(wb)) == server         # the stamp cells too (issue 25.5)
    warning = udfs.TR_RULES_VERSION(None, _Caller(wb))                # computed by the server
    assert warning.startswith("UYARI:") and server in warning and local in warning
    _write_due()
    assert wb.recorded() == f'="{server}"'
