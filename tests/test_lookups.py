"""TR_MATCH, TR_SUMBY, TR_COUNTBY (issue 23.1): look-ups of a whole column in a table, one call per column.

Each is the column form of what a template wrote per row — MATCH(…;0) with two criteria, SUMIFS, COUNTIFS
with an equality criterion and a "<=" bound — with the table as table arguments (`Arg.whole`: the whole
range, its own length). Expected values are counted by hand from the small tables below; the comparison
rules are SUMIFS's criteria as Microsoft documents them ("SUMIFS function", support.microsoft.com: text
without regard to case, the wildcards ? and *, ~ before either for the character itself).
"""
import datetime as dt
from decimal import Decimal as D

import pytest

from trcalc.calc import CalcError, call, call_many
from trcalc.calc.registry import REGISTRY

# a norms table (Normlar): product, input, consumption — the header row is part of the range, as in the
# templates (ranges from the header row)
PRODUCT = ["Ürün", "KUMAS", "KUMAS", "GOMLEK", None, 5205]
INPUT = ["Girdi", "IPLIK", "BOYA", "IPLIK", None, "IPLIK"]
CONSUMPTION = ["Birim tüketim", 1, 0.03, 0.49, None, 2]


def test_match_is_the_first_row_of_both_keys_or_zero():
    out = call_many("TR_MATCH", [["KUMAS", "gomlek", "KUMAS", "PANTOLON", None, "5205"],
                                 PRODUCT, ["BOYA", "iplik", "FERMUAR", "IPLIK", "IPLIK", "IPLIK"], INPUT])
    # KUMAS+BOYA is the 3rd row of the range (header = 1); GOMLEK+IPLIK the 4th, case aside; no FERMUAR,
    # no PANTOLON, an empty key matches nothing (not the empty row 5); "5205" as text matches the number
    assert out == [D(3), D(4), D(0), D(0), D(0), D(6)]


def test_sumby_adds_the_matching_rows_as_sumifs_does():
    out = call_many("TR_SUMBY", [["KUMAS", "KUMAS", "GOMLEK"], PRODUCT, CONSUMPTION, ["IPLIK", "BOYA", "BOYA"], INPUT])
    assert out == [D(1), D("0.03"), D(0)]
    # one key: every IPLIK row, 1 + 0.49 + 2 = 3.49; a duplicate key adds both (SUMIFS does)
    assert call("TR_SUMBY", "IPLIK", INPUT, CONSUMPTION) == D("3.49")
    # text in the amounts adds nothing ("norm yok" in the DİR's need column); a number written as text counts
    assert call("TR_SUMBY", "A", ["A", "A", "A"], [10, "norm yok", "2.5"]) == D("12.5")


def test_wildcards_as_sumifs():
    assert call("TR_SUMBY", "IPL*", INPUT, CONSUMPTION) == D("3.49")           # 1 + 0.49 + 2
    assert call("TR_SUMBY", "B?YA", INPUT, CONSUMPTION) == D("0.03")
    assert call("TR_MATCH", "K*", PRODUCT, "B*", INPUT) == D(3)
    assert call("TR_MATCH", "A~*", ["A*", "AB"]) == D(1)                      # ~* is a literal star
    assert call("TR_MATCH", "A*", ["x", "AB"]) == D(2)


def test_countby_counts_rows_up_to_a_bound():
    # the DİR's first import declaration of an export: 1 + the imports of its input fully used before it
    # (COUNTIFS(i_input; input; i_after; "<=" & before) + 1). IPLIK imports end at 6,500, 11,500 and 12,500.
    inputs, after = ["Girdi", "IPLIK", "IPLIK", "BOYA", "IPLIK"], ["Sonraki toplam", 6500, 11500, 40, 12500]
    out = call_many("TR_COUNTBY", [["IPLIK", "IPLIK", "IPLIK", "BOYA", "FERMUAR"], inputs, [0, 6500, 12000, 39, 0],
                                   after])
    assert out == [D(0), D(1), D(2), D(0), D(0)]
    assert call("TR_COUNTBY", "iplik", inputs) == D(3)                     # no bound: every IPLIK row


def test_dates_match_their_serials_and_a_typed_rate_is_found():
    # the Kurlar table: a rate typed for USD on 24.03.2025 (a date cell; xlwings gives it as a datetime)
    currency, dates, rates = ["Döviz", "USD", "EUR"], ["Tarih", dt.datetime(2025, 3, 24), 45740], ["Kur", 30, 32]
    assert call("TR_MATCH", "USD", currency, 45740, dates) == D(2)           # 45740 = 24.03.2025
    assert call("TR_MATCH", "usd", currency, "24.03.2025", dates) == D(2)     # a date written as text
    assert call("TR_SUMBY", "EUR", currency, rates, dt.date(2025, 3, 24), dates) == D(32)
    assert call("TR_MATCH", "USD", currency, 45741, dates) == D(0)


def test_table_columns_of_different_lengths_are_refused_by_name():
    with pytest.raises(CalcError) as e:
        call("TR_SUMBY", "A", ["A", "B"], [1, 2, 3])
    assert "farklı" in e.value.message and "different lengths" in e.value.message
    # the row columns and the table have their own lengths: 3 rows against a 2-row table is the column form
    assert call_many("TR_MATCH", [["B", "A", "C"], ["A", "B"]]) == [D(2), D(1), D(0)]


def test_only_the_table_arguments_are_whole():
    whole = {name: [a.excel for a in fn.args if a.whole] for name, fn in REGISTRY.items() if any(a.whole for a in fn.args)}
    assert whole == {"TR_MATCH": ["anahtarlar", "anahtarlar2"], "TR_SUMBY": ["anahtarlar", "tutarlar", "anahtarlar2"],
                     "TR_COUNTBY": ["anahtarlar", "degerler"]}
    assert all(REGISTRY[n].column is not None for n in whole)
