"""Using the tariff book (issue 27.3): TR_IMPORT_TAXES takes a GTİP, origin and proof of origin in place of
typed rates; typed rates still override, and one that disagrees with the book is flagged.

The list is made up for the tests (round rates on the code 5208, woven cotton fabrics, as in
tests/test_tariff.py), so every expected figure is a hand calculation from the rows shown here.
"""
from decimal import Decimal as D

import pytest

from trcalc.calc import CalcError, call
from trcalc.calc.tariffstore import COLUMNS, Book

HEAD = ";".join(COLUMNS)
LIST = f"""{HEAD}
5208;GV;*;8;;;;;;2025-01-01;;ithalat rejimi kararı Ek-I (örnek);
5208;GV;AB;0;;;;;;2025-01-01;;ithalat rejimi kararı Ek-I (örnek);A.TR
5208.11;IGV;*;20;;;;;;2025-01-01;;İGV eki (örnek);
5208.11.10.00.00;GV;*;5;;;;;;2025-01-01;;satır oranı (örnek);
5208.11.10.00.00;DAMPING;CN;0;0,5;kg;USD;;;2025-01-01;;anti-damping tebliği (örnek);
5208.12.00.00.00;KDV;*;10;;;;;;2025-01-01;;KDV listesi (örnek);
"""
# TR_IMPORT_TAXES' positions: value, currency, fx, duty_rate, igv_rate, otv, antidumping, other_costs, kdv_rate,
# payment, date, stamp, kkdf_exemption, then (issue 27) gtip, origin, certificate, quantity
DAY = "2025-03-01"


@pytest.fixture
def book(tmp_path, monkeypatch):
    monkeypatch.setenv("TRCALC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TRCALC_DATABASE_URL", raising=False)
    f = tmp_path / "liste.csv"
    f.write_text(LIST, encoding="utf-8")
    Book().load(f)
    return tmp_path


def typed(duty, igv, antidumping=None, kdv=None, fn="TR_IMPORT_TAXES"):
    return call(fn, 10000, "USD", 32.5, duty, igv, None, antidumping, None, kdv, "MAL_MUKABILI", DAY)


def from_code(code, origin, certificate=None, quantity=None, duty=None, igv=None, antidumping=None, kdv=None,
              fn="TR_IMPORT_TAXES"):
    return call(fn, 10000, "USD", 32.5, duty, igv, None, antidumping, None, kdv, "MAL_MUKABILI", DAY, None, None,
                code, origin, certificate, quantity)


def test_a_line_from_its_gtip_equals_the_line_with_the_rates_typed(book):
    # 10,000 USD × 32.50 = 325,000.00 TL; the book for 5208.11.10.00.00 from China on 01.03.2025:
    #   GV   the line's own row 5 % (over the heading's 8 %)            325,000 × 5 %  = 16,250.00
    #   İGV  the subheading 5208.11's 20 %                               325,000 × 20 % = 65,000.00
    #   anti-dumping on CN: 0.5 USD/kg × 2,000 kg = 1,000 USD × 32.50  =                32,500.00
    #   KKDF (cash against goods) 6 %                                    325,000 × 6 %  = 19,500.00
    #   KDV  general 20 % on 325,000 + 16,250 + 65,000 + 32,500 + 19,500 = 458,250     = 91,650.00
    #   total 16,250 + 65,000 + 32,500 + 19,500 + 91,650                                = 224,900.00
    assert typed("5%", "20%", 32500) == D("224900.00")
    assert from_code("5208.11.10.00.00", "CN", quantity=2000) == D("224900.00")
    for part, amount in (("GV", "16250.00"), ("IGV", "65000.00"), ("DAMPING", "32500.00"), ("KDV", "91650.00")):
        assert call("TR_IMPORT_TAX_PART", part, 10000, "USD", 32.5, None, None, None, None, None, None,
                    "MAL_MUKABILI", DAY, None, None, "520811100000", "CN", None, 2000) == D(amount)
    rows = {r[0]: r[1] for r in from_code("5208.11.10.00.00", "CN", quantity=2000, fn="TR_IMPORT_TAXES_DETAIL")}
    assert "satır oranı (örnek)" in rows["Gümrük vergisi (GV)"]
    assert "anti-damping tebliği (örnek)" in rows["Anti-damping / telafi edici vergi"]
    assert from_code("5208.11.10.00.00", "CN", quantity=2000, fn="TR_IMPORT_TAXES_CHECK") == ""


def test_a_preferential_rate_only_with_its_proof_and_the_goods_own_kdv(book):
    # 5208.21… from Germany: the customs-union column (0 %) with A.TR, else the general 8 %; no İGV row covers
    # 5208.21. With A.TR: KKDF 19,500; KDV (325,000 + 19,500) × 20 % = 68,900; total 88,400.00
    assert from_code("5208.21.00.00.00", "DE", "ATR") == D("88400.00")
    # without a proof: GV 8 % = 26,000; KDV (325,000 + 26,000 + 19,500) × 20 % = 74,100; total 119,600.00
    assert from_code("5208.21.00.00.00", "DE") == D("119600.00")
    rows = {r[0]: r[1] for r in from_code("5208.21.00.00.00", "DE", fn="TR_IMPORT_TAXES_DETAIL")}
    assert "tercihli oran için A.TR gerekir" in rows["Gümrük vergisi (GV)"].replace("ATR", "A.TR")
    # 5208.12: the list's own KDV 10 %: GV 8 % 26,000; KDV (325,000 + 26,000 + 19,500) × 10 % = 37,050;
    # total 26,000 + 19,500 + 37,050 = 82,550.00
    assert from_code("5208.12.00.00.00", "CN") == D("82550.00")


def test_a_typed_rate_overrides_and_is_flagged_when_it_disagrees(book):
    # typed 8 % where the book says 5 %: GV 26,000 (the typed rate is used), İGV 65,000, anti-dumping from the
    # book 32,500, KKDF 19,500, KDV (325,000 + 26,000 + 65,000 + 32,500 + 19,500) × 20 % = 93,600; total 236,600
    assert from_code("5208.11.10.00.00", "CN", quantity=2000, duty="8%") == D("236600.00")
    check = from_code("5208.11.10.00.00", "CN", quantity=2000, duty="8%", fn="TR_IMPORT_TAXES_CHECK")
    assert check.startswith("GV: yazılan %8, tarife kitabında %5 (GTİP 520811100000, menşe CN)")
    detail = from_code("5208.11.10.00.00", "CN", quantity=2000, duty="8%", fn="TR_IMPORT_TAXES_DETAIL")
    flagged = [r for r in detail if r[0] == "Tarife kontrolü: FARKLI"]
    assert len(flagged) == 1 and "yazılan değer kullanıldı" in flagged[0][1]
    assert any(r[0] == "Uyarı" and "GV: yazılan %8" in r[1] for r in detail)
    # an agreeing typed rate is no flag; a typed amount of anti-dumping that differs is one
    assert from_code("5208.11.10.00.00", "CN", quantity=2000, duty="5%", fn="TR_IMPORT_TAXES_CHECK") == ""
    check = from_code("5208.11.10.00.00", "CN", quantity=2000, antidumping=30000, fn="TR_IMPORT_TAXES_CHECK")
    assert check.startswith("Anti-damping: yazılan 30.000,00 TL, tarife kitabında 0,5 USD/kg = 32.500,00 TL")
    # an İGV typed for a code the book has none for
    assert from_code("5208.21.00.00.00", "CN", igv="10%", fn="TR_IMPORT_TAXES_CHECK").startswith(
        "İGV: yazılan %10, tarife kitabında İGV yok")


def test_a_code_not_in_the_book_and_missing_fields_are_clear_errors(book):
    with pytest.raises(CalcError) as info:
        from_code("8703.23.19.00.00", "CN")
    assert info.value.argument == "gtip" and "trcalc tariff import" in info.value.message_tr
    assert "tarife kitabında yok" in info.value.message_tr
    with pytest.raises(CalcError) as info:
        from_code("5208.11.10.00.00", None)
    assert info.value.argument == "mense"
    with pytest.raises(CalcError) as info:                     # the anti-dumping is per kg: the quantity is needed
        from_code("5208.11.10.00.00", "CN")
    assert info.value.argument == "miktar"
    with pytest.raises(CalcError) as info:                     # neither a rate nor a code
        typed(None, None)
    assert info.value.argument == "gv_orani" and "GTİP" in info.value.message_tr


def test_existing_calls_keep_their_meaning():
    # the module's own example (calc/customs.py), by position, with no tariff book at all
    assert call("TR_IMPORT_TAXES", 10000, "USD", 32.5, "10%", "5%", None, None, None, None, "MAL_MUKABILI",
                DAY) == D("146900.00")


# --- the declaration template (templates/ithalat_beyanname.py) with a GTİP ---------------------------

def _declaration(tmp_path, lines, tariff=()):
    """The template with the example's header (15.10.2025, USD at 41.80, cash against goods: KKDF 6 %),
    the given lines and Tarife rows, computed by trcalc's engine: (Kalemler, Beyanname) of the result."""
    import openpyxl

    from trcalc.templates import ithalat_beyanname as t
    from trcalc.templates.common import save
    from trcalc.templates.sheets import fill
    from trcalc.workbook import compute_file
    wb = t.build(10, fx_default=41.8)
    head = wb[t.HEAD]
    head["B5"], head["B6"], head["B8"] = t.EXAMPLE_HEADER["date"], "USD", "MAL_MUKABILI"
    fill(wb[t.LINES], t.LINE_COLS, lines)
    fill(wb[t.TARIFF], t.TARIFF_COLS, list(tariff))
    save(wb, tmp_path / "in.xlsx")
    compute_file(tmp_path / "in.xlsx", tmp_path / "out.xlsx", "fast")
    out = openpyxl.load_workbook(tmp_path / "out.xlsx")
    return out[t.LINES], out[t.HEAD]


def _line(ws, r):
    head = [c.value for c in ws[4]]
    return {h: ws.cell(r, i + 1).value for i, h in enumerate(head)}


def test_a_template_line_from_the_tariff_book_equals_the_line_typed(book, tmp_path):
    # 15.10.2025 (the example's date; the list's rows hold from 01.01.2025): 1,000 USD × 41.80 = 41,800.00,
    # CN, 100 kg of 5208.11.10.00.00. From the book: GV 5 % 2,090.00; İGV 20 % 8,360.00; anti-dumping
    # 0.5 USD/kg × 100 kg = 50 USD × 41.80 = 2,090.00; KKDF 6 % 2,508.00; stamp duty 1,350.00 spread over
    # the two lines of equal value: 675.00 each (cumulative rounding: 675.00, then 1,350.00 − 675.00).
    # KDV 20 % × (41,800 + 2,090 + 8,360 + 2,090 + 2,508 + 675) = 57,523.00 × 20 % = 11,504.60;
    # total 2,090 + 8,360 + 2,090 + 2,508 + 675 + 11,504.60 = 27,227.60. The second line types the same rates.
    lines, head = _declaration(tmp_path, [
        {"gtip": "5208.11.10.00.00", "value": 1000, "origin": "CN", "quantity": 100},
        {"gtip": "5208.11.10.00.00", "value": 1000, "origin": "CN", "quantity": 100, "duty_rate": 0.05,
         "igv_rate": 0.20, "antidumping": 2090},
    ])
    from_book, typed = _line(lines, 5), _line(lines, 6)
    assert from_book["GTİP (tarife kitabına)"] == "5208.11.10.00.00" and typed["GTİP (tarife kitabına)"] == ""
    assert from_book["Toplam vergi (TL)"] == pytest.approx(27227.60, abs=0.005)
    for h in ("Gümrük değeri (TL)", "GV (TL)", "İGV (TL)", "KKDF (TL)", "KDV matrahı (TL)", "KDV (TL)",
              "Toplam vergi (TL)", "Maliyet (TL, KDV hariç)"):
        assert from_book[h] == pytest.approx(typed[h], abs=0.005), h
    assert typed["Tarife kontrolü"] == ""                             # the typed rates agree with the book
    assert head["B16"].value == pytest.approx(2 * 2090.00, abs=0.005)  # anti-dumping total: book + typed


def test_a_template_flags_typed_rates_and_names_what_to_load(book, tmp_path):
    lines, _ = _declaration(tmp_path, [
        # typed 8 % where the book says 5 %: used, and flagged
        {"gtip": "520811100000", "value": 1000, "origin": "CN", "quantity": 100, "duty_rate": 0.08},
        # typed İGV 10 % where the Tarife sheet says 30 % (the CN row): used, and flagged
        {"gtip": "640399930000", "value": 1000, "origin": "CN", "igv_rate": 0.10},
        # a code neither on the Tarife sheet nor in the book, no rate typed: the cell says what to load
        {"gtip": "870323190000", "value": 1000, "origin": "CN"},
    ], [{"gtip": "6403.99.93.00.00", "origin": "CN", "duty_rate": 0.08, "igv_rate": 0.30, "source": "örnek"}])
    first, second, third = _line(lines, 5), _line(lines, 6), _line(lines, 7)
    assert first["Tarife kontrolü"].startswith("GV: yazılan %8, tarife kitabında %5")
    assert first["GV (TL)"] == pytest.approx(41800 * 0.08, abs=0.005)                  # 3,344.00: the typed rate
    assert second["Tarife kontrolü"] == "Tarife sayfasından farklı: İGV "
    assert (second["GV oranı (uygulanan)"], second["İGV oranı (uygulanan)"]) == (0.08, 0.10)
    assert second["İGV (TL)"] == pytest.approx(4180.00, abs=0.005)                     # 41,800 × 10 %
    assert third["Hatalı satır"] == 1 and third["GTİP (tarife kitabına)"] == "870323190000"
    assert third["Tarife kontrolü"].startswith("karşılaştırılamadı: GTİP 870323190000 tarife kitabında yok")


def test_the_check_of_a_code_the_book_lacks_is_a_finding_not_an_error(book):
    # the rates typed, the code not in the book: the line computes, the check says it could not compare
    assert from_code("8703.23.19.00.00", "CN", duty="10%", fn="TR_IMPORT_TAXES_CHECK").startswith(
        "karşılaştırılamadı: GTİP 870323190000 tarife kitabında yok")


def test_a_stored_measure_reads_back_as_it_was_loaded(book):
    from trcalc.calc.tariff import Measure
    import datetime as dt
    rows = [m for m in Book().measures("520811100000") if m.tax == "DAMPING"]
    assert rows == [Measure("520811100000", "DAMPING", "CN", D("0"), D("0.5"), "kg", "USD", None, None,
                            dt.date(2025, 1, 1), None, "anti-damping tebliği (örnek)", "", 6)]
