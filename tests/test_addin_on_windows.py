"""The add-in as xlwings sees it on Windows: its real decorators (`xlwings.udfs.xlfunc/xlarg`) run
here with the COM modules stubbed, and the VBA that "Import Functions" would write is checked."""
import io
import types

from trcalc.calc.registry import REGISTRY


def test_every_udf_carries_xlwings_metadata(windows_xlwings):
    _, module = windows_xlwings
    for name, fn in REGISTRY.items():
        meta = getattr(module, name).__xlfunc__
        assert meta["name"] == name and meta["category"] == "trcalc"
        args = meta["args"]
        assert [a["name"] for a in args] == [a.excel for a in fn.args] + ["caller"]
        for a, spec in zip(fn.args, args):
            assert spec["doc"].startswith(a.doc_tr) and len(spec["doc"]) <= 255
            assert ("optional" in spec) is a.optional
        assert meta["ret"]["doc"].startswith(fn.summary_tr)


def test_the_vba_import_functions_would_write(windows_xlwings):
    udfs, module = windows_xlwings
    out = io.StringIO()
    udfs.generate_vba_wrapper("trcalc.udfs", module, out, types.SimpleNamespace(Name="dir_tev.xlsm"))
    vba = out.getvalue()
    assert ("Function TR_TEV(ithal_degeri, ithal_miktari, ihrac_miktari, birim_tuketim, gv_orani, kur, "
            "Optional fire_orani, Optional varis_ulkesi, Optional mense_belgesi, Optional tarih, Optional doviz, "
            "Optional ihrac_gtip, Optional revize_kural)") in vba
    assert "Function TR_RULES_VERSION(Optional son_hesap)" in vba          # issue 24.5: the version last computed with
    assert "caller" not in "".join(line for line in vba.splitlines() if line.startswith("Function"))
    for name in REGISTRY:
        assert f"Function {name}(" in vba


def test_volatile_functions_get_application_volatile(windows_xlwings):
    """xlwings writes `Application.Volatile` into the wrapper of a UDF declared volatile
    (`generate_vba_wrapper`): every function whose result follows today, and TR_RULES_VERSION."""
    udfs, module = windows_xlwings
    out = io.StringIO()
    udfs.generate_vba_wrapper("trcalc.udfs", module, out, types.SimpleNamespace(Name="dir_tev.xlsm"))
    blocks = {}
    for block in out.getvalue().split("End Function"):
        head = next((ln for ln in block.splitlines() if ln.startswith("Function ")), None)
        if head:
            blocks[head.split()[1].split("(")[0]] = block
    assert set(blocks) == set(REGISTRY)
    for name, fn in REGISTRY.items():
        assert ("Application.Volatile" in blocks[name]) is fn.volatile, name
    assert REGISTRY["TR_RULES_VERSION"].volatile and REGISTRY["TR_TEV"].volatile      # tarih empty = today
    assert not REGISTRY["TR_CIF"].volatile                                            # no date at all
