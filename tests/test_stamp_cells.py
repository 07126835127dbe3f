"""Issue 25.5: the computation stamp lives in the templates' stamp cells (=TR_STAMP("…") under the labels of
calc.stamp.PARTS), so `trcalc compute` / the upload fill them with their computation's stamp — the rules
version, the time in Türkiye, the TCMB bulletins read, the trcalc version — and an add-in's recalculation
(xlwings, Office, Lite) with its own: one definition for every path."""
import datetime as dt

import openpyxl
import pytest

import trcalc.addin.trcalc_udfs as udfs
from trcalc.calc import call, stamp
from trcalc.calc.registry import REGISTRY
from trcalc.calc.rules.store import book
from trcalc.templates.build import KINDS
from trcalc.workbook import STAMP_NAME
from trcalc.workbook.compute import compute_file

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def stamp_block(wb) -> tuple[str, int, int, int]:
    """(sheet, first row, label column, value column) of the TRCALC_STAMP block."""
    sheet, ref = wb.defined_names[STAMP_NAME].attr_text.split("!")
    first, last = ref.replace("$", "").split(":")
    ws = wb[sheet.strip("'")]
    return ws.title, ws[first].row, ws[first].column, ws[last].column


def stamp_cells(wb) -> dict[tuple[str, str], str]:
    """{(sheet, coordinate): TR_STAMP part} of the stamp's value cells."""
    from openpyxl.utils import get_column_letter
    sheet, row, _label, value = stamp_block(wb)
    return {(sheet, f"{get_column_letter(value)}{row + i}"): part for i, (part, _) in enumerate(stamp.PARTS, 1)}


def in_a_cell(part: str, value) -> bool:
    """What a host computing the template itself (an add-in, LibreOffice's extension) shows in a stamp cell:
    the rules and trcalc versions, a time in Türkiye's format, the bulletins in the rows' breakdowns."""
    import re
    if part == "ZAMAN":
        return bool(re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", str(value)))
    return value == {"KURALLAR": book().version, "TRCALC": stamp.version(), "BULTENLER": stamp.IN_A_CELL}[part]


def _stamp_rows(path, data_only=True):
    wb = openpyxl.load_workbook(path, data_only=data_only)
    sheet, row, label, value = stamp_block(wb)
    ws = wb[sheet]
    return [(ws.cell(row + i, label).value, ws.cell(row + i, value).value if i else None)
            for i in range(len(stamp.PARTS) + 1)]


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("folder, prefix", [("", ""), ("office", "_xldudf_TRCALC_")])   # the Office spelling in a file
def test_every_template_has_live_stamp_cells(kind, folder, prefix):
    rows = _stamp_rows(ROOT / "templates" / folder / f"{kind}.xlsx", data_only=False)
    assert rows[0][0] == stamp.HEADING
    assert rows[1:] == [(label, f'={prefix}TR_STAMP("{part}")') for part, label in stamp.PARTS]


@pytest.mark.parametrize("engine", ["auto", "formulas"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_computed_workbook_carries_its_computations_stamp(kind, engine, tmp_path):
    report = compute_file(ROOT / "templates" / "examples" / f"{kind}.xlsx", tmp_path / "out.xlsx", engine)
    rows = _stamp_rows(tmp_path / "out.xlsx")
    assert rows[0][0] == stamp.HEADING and rows[1:] == report.stamp
    when = stamp.now()                       # one instant per test (tests/conftest.py)
    assert dict(report.stamp) == {"Kurallar sürümü": book().version,
                                  "Hesaplama zamanı (Türkiye, UTC+3)": f"{when.astimezone(stamp.TURKEY):%d.%m.%Y %H:%M}",
                                  "TCMB bültenleri": "kullanılmadı",       # the examples type their rates
                                  "trcalc sürümü": stamp.version()}


def test_the_stamp_cell_names_bulletins_read_after_it(tcmb, tmp_path):
    """The stamp cell comes first on its sheet, the rate far below it: computed once every other cell is,
    it names the bulletin the rate was read from — 09.07.2024's customs rate is bulletin 2024/126 of
    08.07.2024 (tests/test_fx.py)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "TCMB bültenleri", '=TR_STAMP("BULTENLER")'
    ws["A2"], ws["B2"] = "Kurallar sürümü", '=TR_STAMP("KURALLAR")'
    ws["B40"] = '=TR_CUSTOMS_FX("EUR",DATE(2024,7,9))'
    wb.save(tmp_path / "in.xlsx")
    report = compute_file(tmp_path / "in.xlsx", tmp_path / "out.xlsx")
    out = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True).active
    assert out["B40"].value == pytest.approx(35.4241)
    assert out["B1"].value == "2024/126 (08.07.2024)" == dict(report.stamp)["TCMB bültenleri"]
    assert out["B2"].value == book().version


def test_in_an_add_in_cell_the_stamp_is_the_recalculations():
    assert REGISTRY["TR_STAMP"].volatile                    # recalculated on every recalculation, in every host
    assert udfs.TR_STAMP("KURALLAR") == book().version      # xlwings, local mode: the installed rules
    assert udfs.TR_STAMP("TRCALC") == stamp.version()
    assert udfs.TR_STAMP("ZAMAN") == f"{stamp.now().astimezone(stamp.TURKEY):%d.%m.%Y %H:%M}"
    assert udfs.TR_STAMP("BULTENLER") == stamp.IN_A_CELL    # each rate's bulletin is in its row's _DETAIL
    assert udfs.TR_STAMP("x").message.startswith("damga_kalemi")
    assert call("TR_STAMP", "Kurallar sürümü") == book().version     # the label is read as its code too


def test_one_definition_of_the_stamp_rows():
    when = dt.datetime(2026, 12, 6, 20, 5, tzinfo=dt.timezone.utc)
    rows = stamp.rows(when, "2026.12.06+x", {(dt.date(2025, 2, 28), "2025/41")})
    assert [label for label, _ in rows] == [label for _, label in stamp.PARTS]
    # 20:05 UTC is 23:05 in Türkiye (UTC+3 all year since 2016)
    assert rows == [("Kurallar sürümü", "2026.12.06+x"), ("Hesaplama zamanı (Türkiye, UTC+3)", "06.12.2026 23:05"),
                    ("TCMB bültenleri", "2025/41 (28.02.2025)"), ("trcalc sürümü", stamp.version())]
