"""The web calculator as people use it: phones, errors, Turkish numbers, printing, copying, uploads.

Run in Debian's headless Chromium (Playwright) against a live server on 127.0.0.1.  Screenshots
and the printed PDFs are kept in test-artifacts/web/ for a person to look at.

Expected values are the seed examples' hand calculations:
- TR_TEV(100,000; 10,000; 5,000; 1; 10 %; 30): 100,000 ÷ 10,000 = 10 per unit; 5,000 × 1 × 10
  = 50,000 of input; × 10 % = 5,000 of duty; × 30 TL = 150,000.00 TL.
- TR_DUTY(60; 10; 5; DE; 20 %; 2025-03-01): CIF 75 €, above the 30 € parcel limit, so duty
  75 × 20 % = 15.00 and KDV (75 + 15) × 20 % = 18.00: 33.00 €.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from trcalc.calc import REGISTRY
from tests.test_live import browser, free_port, start, stop  # noqa: F401  (browser is a fixture)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("live")]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "web"
TEV_SEED = ("/hesap/TR_TEV?ithal_degeri=100000&ithal_miktari=10000&ihrac_miktari=5000&birim_tuketim=1"
            "&gv_orani=10%25&kur=30")
DUTY_SEED = "/hesap/TR_DUTY?esya_bedeli=60&navlun=10&sigorta=5&mense=DE&gv_orani=20%25&tarih=2025-03-01"
PAGES = ["/", "/docs", "/yukle", "/durum", "/yok", TEV_SEED, DUTY_SEED,
         "/hesap/TR_TEV?ithal_degeri=x&ithal_miktari=y&ihrac_miktari=z&birim_tuketim=q&gv_orani=10%25&kur=30",
         *[f"/hesap/{n}" for n in sorted(REGISTRY) if f"{n}_DETAIL" in REGISTRY]]


@pytest.fixture(scope="module")
def site():
    proc, url = start([], {}, free_port())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield url
    stop(proc)


def _slug(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_")[:60] or "index"


SCREENS = {390: 844, 1366: 768}          # a phone and a laptop (issue 25)
CALCULATORS = [n for n in sorted(REGISTRY) if f"{n}_DETAIL" in REGISTRY]


@pytest.mark.parametrize("width", list(SCREENS))
def test_no_page_is_wider_than_the_screen(site, browser, width):  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": SCREENS[width]})
    for path in PAGES:
        page.goto(site + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        page.screenshot(path=str(ARTIFACTS / f"{width}_{_slug(path)}.png"), full_page=True)
        assert overflow <= 0, f"{path} is {overflow} px wider than {width} px"
        title = page.title()
        assert title.endswith("— trcalc") and title != "trcalc", title       # a Turkish page title
        assert not re.search(r"\b(TR|EIHR)_[A-Z_]+\b", title), title         # a task, not a function code
    page.close()


def test_every_error_is_shown_with_its_turkish_label_and_its_field_marked(site, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(site + "/hesap/TR_TEV?ithal_degeri=x&ithal_miktari=y&ihrac_miktari=z&birim_tuketim=q"
                     "&gv_orani=10%25&kur=30")
    items = page.locator("#hata li")
    assert items.count() == 4
    args = {a.excel: a for a in REGISTRY["TR_TEV"].args}
    for name in ("ithal_degeri", "ithal_miktari", "ihrac_miktari", "birim_tuketim"):
        text = page.inner_text(f"#hata li:has(a[href='#{name}'])")
        assert text.startswith(args[name].doc_tr) and "sayı değil" in text and "not a number" in text
        assert page.get_attribute(f"#{name}", "aria-invalid") == "true"
        assert page.locator(f"#{name}-hata").is_visible()
    assert page.get_attribute("#kur", "aria-invalid") is None
    # on a phone the message is on the first screen, not below the fold
    assert page.locator("#hata").bounding_box()["y"] < 844
    page.close()


def test_a_missing_page_is_a_page_and_a_missing_api_route_is_json(site):
    for path, kind in (("/yok", "text/html"), ("/hesap/YOK", "text/html"), ("/api/v1/yok", "application/json")):
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(site + path)
        assert info.value.code == 404 and info.value.headers["Content-Type"].startswith(kind)
    body = urllib.request.urlopen  # noqa: F841
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(site + "/yok")
    assert "Sayfa bulunamadı" in info.value.read().decode()


def test_a_person_types_turkish_thousands_and_sees_how_they_were_read(site, browser):  # noqa: F811
    page = browser.new_page()
    page.goto(site + TEV_SEED.replace("ithal_degeri=100000", "ithal_degeri=100.000")
              .replace("ithal_miktari=10000", "ithal_miktari=10.000"))
    assert page.inner_text("#sonuc").strip() == "150.000,00 TL"
    read = {r[0]: r[1:] for r in page.evaluate(
        "Array.from(document.querySelectorAll('#girdiler tr')).slice(1).map(tr => Array.from(tr.cells).map(td => td.innerText.trim()))")}
    args = {a.excel: a for a in REGISTRY["TR_TEV"].args}
    assert read[args["ithal_degeri"].doc_tr] == ["100.000", "100.000"]
    assert read[args["gv_orani"].doc_tr] == ["10%", "%10"]
    page.close()
    # Text from machines keeps the strict rule: "100.000" is ambiguous on the API.
    req = urllib.request.Request(site + "/api/v1/call/TR_TEV", method="POST", headers={"Content-Type": "application/json"},
                                 data=json.dumps({"args": ["100.000", 10000, 5000, 1, 0.1, 30]}).encode())
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req)
    assert info.value.code == 400


def test_drop_downs_show_names_beside_codes(site, browser):  # noqa: F811
    page = browser.new_page()
    page.goto(site + "/hesap/EIHR_CAP")
    options = page.eval_on_selector_all("select option", "os => os.map(o => o.textContent)")
    assert any(re.fullmatch(r"REKLAM — .+", o) for o in options)
    page.goto(site + "/hesap/TR_DUTY")
    countries = page.eval_on_selector_all("#ulkeler option", "os => os.map(o => [o.value, o.textContent])")
    assert ["DE", "ALMANYA — DE"] in countries
    page.close()


@pytest.mark.parametrize("path", [TEV_SEED, DUTY_SEED])
def test_the_seed_examples_print_on_one_a4_page(site, browser, path):  # noqa: F811
    page = browser.new_page()
    page.goto(site + path)
    pdf = page.pdf(format="A4", path=str(ARTIFACTS / f"print_{_slug(path)}.pdf"))
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"{path} prints on {pages} pages"
    page.emulate_media(media="print")
    assert not page.locator("form").is_visible() and page.locator("#damga").is_visible()
    text = page.inner_text("main")
    assert "Kurallar sürümü" in text and "Yasal dayanak" in text
    page.close()


def test_copy_as_table_pastes_into_excel_as_cells(site, browser):  # noqa: F811
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site + TEV_SEED)
    page.click("#kopyala")
    page.wait_for_function("document.getElementById('durum').textContent.length > 0")
    text = page.evaluate("navigator.clipboard.readText()")
    rows = [line.split("\t") for line in text.split("\n")]
    assert rows[0] == ["Telafi edici vergi (TEV)", "150.000,00 TL"]
    assert ["Vergi tutarı (döviz)", "50.000,00 × %10", "5.000,00"] in rows
    assert ["TEV tutarı (TL)", "5.000,00 × 30,0000 TL", "150.000,00"] in rows
    # the share link is the result's own address
    href = page.get_attribute("#paylas", "href")
    assert href == TEV_SEED.replace("%25", "%25")
    page.goto(site + href)
    assert page.inner_text("#sonuc").strip() == "150.000,00 TL"
    context.close()


def _bad_workbook(tmp_path: Path) -> Path:
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Liste"
    ws["A1"], ws["B1"], ws["A2"] = 100, '=TR_CIF("yüz")', "=TR_CIF(A1,10,5)"
    path = tmp_path / "hatali.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("name", ["ithalat_vergi.xlsx", "dir_tev.xlsx", "eihracat_destek.xlsx", "hatali.xlsx"])
def test_upload_page_computes_each_example_with_progress(site, browser, name, tmp_path):  # noqa: F811
    path = _bad_workbook(tmp_path) if name == "hatali.xlsx" else ROOT / "templates" / "examples" / name
    page = browser.new_page()
    page.goto(site + "/yukle")
    page.evaluate("""() => { window.seen = [];
        new MutationObserver(() => window.seen.push(document.getElementById('ilerleme-metni').textContent))
          .observe(document.getElementById('ilerleme-metni'), {childList: true, characterData: true, subtree: true}); }""")
    page.set_input_files("#dosya", str(path))
    page.click("#gonder")
    page.wait_for_selector("#yukle-sonuc:not([hidden])", timeout=120_000)
    assert "Hesaplanıyor…" in page.evaluate("window.seen")
    summary = page.inner_text("#yukle-ozet")
    assert re.fullmatch(r"\d+ formül hesaplandı; \d+ hücre hatalı\.", summary), summary
    errors = int(summary.split("; ")[1].split()[0])
    rows = page.locator("#hatali-hucreler tr.row")
    assert rows.count() == errors
    for i in range(errors):
        sheet, cell, message = rows.nth(i).locator("td").all_inner_texts()
        assert sheet and re.fullmatch(r"[A-Z]+\d+", cell) and " — " in message    # Turkish, then English
    if name == "hatali.xlsx":           # the one bad cell, with its message; 100 + 10 + 5 = 115 computes
        assert errors == 1 and rows.nth(0).locator("td").all_inner_texts()[:2] == ["Liste", "B1"]
    assert page.get_attribute("#indir", "href").startswith("blob:")
    # what computed it, before the download (issue 25.5)
    assert re.search(r"Kurallar sürümü: \S+ · Hesaplama zamanı \(Türkiye, UTC\+3\): \d\d\.\d\d\.\d{4} \d\d:\d\d",
                     page.inner_text("#yukle-damga"))
    if name == "ithalat_vergi.xlsx":
        # the figures the person came for, above the download link (the example's hand calculation,
        # templates/ithalat.example: € taxes 10.80 + 33.00 × 3 + 18.00 + 0 = 127.80; TL taxes 518.51 + 622.21;
        # one exempt parcel)
        figures = dict(tuple(tr.locator("td").all_inner_texts()) for tr in page.locator("#ozet-rakamlar tr.row").all())
        assert figures["Toplam vergi, € (kursuz satırlar)"] == "127,80 €"
        assert figures["Toplam vergi, TL (kurlu satırlar)"] == "1.140,72 TL"
        assert figures["Muaf (EXEMPT) gönderi sayısı"] == "1"
        assert page.locator("#ozet-rakamlar").bounding_box()["y"] < page.locator("#indir").bounding_box()["y"]
    page.screenshot(path=str(ARTIFACTS / f"upload_{_slug(name)}.png"), full_page=True)
    page.close()


def test_the_breakdown_reads_the_same_on_the_cli_and_the_api(site):
    """One formatting rule (calc.present) for every surface: money 1.234,56, rates %10, counts 5.000."""
    cli = subprocess.run([sys.executable, "-m", "trcalc.cli", "call", "TR_TEV_DETAIL",
                          "100000", "10000", "5000", "1", "10%", "30"], capture_output=True, text=True, check=True)
    cli_rows = [line.split("\t") for line in cli.stdout.splitlines()]
    req = urllib.request.Request(site + "/api/v1/call/TR_TEV_DETAIL", method="POST",
                                 headers={"Content-Type": "application/json"},
                                 data=json.dumps({"args": [100000, 10000, 5000, 1, 0.1, 30]}).encode())
    api_rows = json.loads(urllib.request.urlopen(req).read())["table_text"]
    for rows in (cli_rows, api_rows):
        assert ["Toplam ithal girdi kullanımı", "5.000 × 1", "5.000"] in rows          # a count
        assert ["Vergi tutarı (döviz)", "50.000,00 × %10", "5.000,00"] in rows      # money
        assert ["TEV tutarı (TL)", "5.000,00 × 30,0000 TL", "150.000,00"] in rows
    assert cli_rows == api_rows


# --- issue 25: what an accountant sees -------------------------------------------------------------------

def _errors_shown(page) -> dict:
    return page.evaluate("""() => ({
        box: document.querySelectorAll('.error').length,
        invalid: document.querySelectorAll('[aria-invalid]').length,
        messages: Array.from(document.querySelectorAll('.field-error')).map(e => e.innerText)})""")


@pytest.mark.parametrize("width", list(SCREENS))
def test_every_calculator_opens_clean(site, browser, width):  # noqa: F811
    """No error box, no field marked, no message before anything is sent (issue 25.2)."""
    page = browser.new_page(viewport={"width": width, "height": SCREENS[width]})
    for name in CALCULATORS:
        page.goto(site + f"/hesap/{name}")
        assert _errors_shown(page) == {"box": 0, "invalid": 0, "messages": []}, name
        # every rate field says how a number typed there is read, before anything is typed
        for a in REGISTRY[name].args:
            if a.kind in ("rate", "waste"):
                assert "20 yazarsanız %20 okunur" in page.text_content(f"#{a.excel}-ipucu"), (name, a.excel)
    page.close()


def test_a_form_sent_empty_says_which_fields_are_required_in_plain_turkish(site, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(site + "/hesap/TR_TEV")
    page.click("#hesapla")
    page.wait_for_selector("#hata")
    page.wait_for_load_state("load")      # the stylesheet applied before any measuring
    required = [a.excel for a in REGISTRY["TR_TEV"].args if not a.optional]
    for name in required:
        assert page.inner_text(f"#{name}-hata").startswith("Bu alan zorunlu"), name
        assert page.get_attribute(f"#{name}", "aria-invalid") == "true"
    assert page.locator(".field-error").count() == len(required)
    text = page.inner_text("main")
    assert "bağımsız değişken" not in text and "argument" not in text
    page.close()


# TR_TEV seed with the duty rate typed four ways. By hand: 50,000 of input (see the module docstring)
#   20  / %20 → %20:  50,000 × 20 %  = 10,000 × 30 TL = 300,000.00 TL
#   0,2       → %0,2: 50,000 × 0.2 % =    100 × 30 TL =   3,000.00 TL (the note says how to get %20)
#   1         → %1:   50,000 × 1 %   =    500 × 30 TL =  15,000.00 TL (the note says how to get %100)
RATES_TYPED = [("20", "%20", "300.000,00 TL", None),
               ("%20", "%20", "300.000,00 TL", None),
               ("0,2", "%0,2", "3.000,00 TL", "%0,2 olarak okundu (yüzde). %20 demek istediyseniz 20 yazın."),
               ("1", "%1", "15.000,00 TL", "%1 olarak okundu (yüzde). %100 demek istediyseniz 100 yazın.")]


@pytest.mark.parametrize("width", list(SCREENS))
@pytest.mark.parametrize("typed,read,result,note", RATES_TYPED)
def test_a_rate_typed_as_people_type_it_is_a_percentage_and_says_so(  # noqa: F811
        site, browser, width, typed, read, result, note):  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": SCREENS[width]})
    page.goto(site + "/hesap/TR_TEV")
    for name, value in (("ithal_degeri", "100.000"), ("ithal_miktari", "10.000"), ("ihrac_miktari", "5.000"),
                        ("birim_tuketim", "1"), ("gv_orani", typed), ("kur", "30")):
        page.fill(f"#{name}", value)
    page.click("#hesapla")
    page.wait_for_selector("#sonuc")
    page.wait_for_load_state("load")      # the stylesheet applied before any measuring
    assert page.inner_text("#sonuc").strip() == result
    beside = page.inner_text("#gv_orani-okunan").strip()
    assert beside == (note or f"Okunan: {read}")          # beside the field: never read silently
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.close()


@pytest.mark.parametrize("width", list(SCREENS))
def test_a_tcmb_outage_is_one_sentence_on_the_rate_field(site, browser, width):  # noqa: F811
    """The test server cannot reach TCMB (conftest points TRCALC_TCMB_URL at a closed port) and its rate
    store is empty: the person reads one sentence offering to type the rate; the details are on /durum."""
    page = browser.new_page(viewport={"width": width, "height": SCREENS[width]})
    page.goto(site + "/hesap/TR_IMPORT_TAXES?gumruk_degeri=10.000&doviz=USD&kur=&gv_orani=12&tarih=03.03.2025")
    message = page.inner_text("#kur-hata")
    turkish = message.split(" — ")[0]
    assert turkish.startswith("TCMB kuru şu anda alınamadı") and "elle yazabilirsiniz" in turkish
    assert turkish.count(". ") == 0 and len(message) < 250, message
    for admin in ("trcalc fx", "Errno", "http", "tarih:"):
        assert admin not in page.inner_text("main"), admin
    assert page.get_attribute("#tarih", "aria-invalid") is None      # the date is not blamed
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    # typing the rate in computes: 10,000 USD × 34.50 = 345,000.00 TL; GV 12 % = 41,400.00;
    # KDV (345,000 + 41,400) × 20 % = 77,280.00; taxes 118,680.00 TL
    page.fill("#kur", "34,50")
    page.click("#hesapla")
    page.wait_for_selector("#sonuc")
    page.wait_for_load_state("load")      # the stylesheet applied before any measuring
    assert page.inner_text("#sonuc").strip() == "118.680,00 TL"
    page.goto(site + "/durum")
    detail = page.inner_text("#kesintiler")
    assert "TR_IMPORT_TAXES" in detail and "trcalc fx sync" in detail
    page.close()


def test_the_upload_page_offers_the_blank_templates(site, browser):  # noqa: F811
    import io
    import zipfile
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(site + "/yukle")
    links = page.eval_on_selector_all("#sablonlar a", "as => as.map(a => a.getAttribute('href'))")
    assert len(links) == 4
    for href in links:
        with urllib.request.urlopen(site + href) as r:
            data = r.read()
            assert r.headers["Content-Type"].startswith("application/vnd.openxmlformats")
        names = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml").decode()
        assert 'name="Bilgiler"' in names and 'name="Talimatlar"' in names, href
    page.close()


IMPORT_SEED = ("/hesap/TR_IMPORT_TAXES?gumruk_degeri=10.000&doviz=USD&kur=34,50&gv_orani=12&tarih=03.03.2025")
# a parcel priced in USD (issue 25.6): 30,85 USD × 35 TL/$ ÷ 36 TL/€ = 29,99 € ≤ 30 € → flat, EU 30 %:
# 1.079,75 TL × 30 % = 323,925 → 323,93 TL
PARCEL_USD = ("/hesap/TR_DUTY?esya_bedeli=30,85&navlun=0&sigorta=0&mense=DE&tarih=01.03.2025&kur=36&doviz=USD"
              "&doviz_kuru=35")
RESULTS = [TEV_SEED, DUTY_SEED.replace("gv_orani=20%25", "gv_orani=20"), IMPORT_SEED, PARCEL_USD]


@pytest.mark.parametrize("width", list(SCREENS))
def test_a_parcel_priced_in_tl_is_tested_against_the_eur_limit(site, browser, width):  # noqa: F811
    """Issue 25.6: the parcel page takes the amounts in EUR, USD or TL (a drop-down of the quick form).
    1.000 TL + 80 TL freight at 36 TL/€ = 30,00 € ≤ 30 € (2025-03-01) → flat 60 % (CN): 1.080 × 60 % = 648,00 TL."""
    page = browser.new_page(viewport={"width": width, "height": SCREENS[width]})
    page.goto(site + "/hesap/TR_DUTY")
    assert page.is_visible("#doviz")                               # in the quick form, not folded away
    page.select_option("#doviz", "TRY")
    for field, value in (("esya_bedeli", "1.000"), ("navlun", "80"), ("sigorta", "0"), ("mense", "CN"),
                         ("tarih", "01.03.2025"), ("kur", "36")):
        page.fill(f"#{field}", value)
    page.click("#hesapla")
    page.wait_for_selector("#sonuc")
    page.wait_for_load_state("load")
    assert page.inner_text("#sonuc").strip() == "648,00 TL"
    assert "Sınır testi matrahı (€)" in page.inner_text("#dokum")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.close()

# Every cell of a result table, measured in the page: its width against 12 of the digit "0" in its own font,
# and its longest word against its content box (a word wider than its cell is broken between letters).
_MEASURE = """() => {
  const canvas = document.createElement('canvas').getContext('2d');
  const out = [];
  for (const id of ['girdiler', 'dokum', 'dayanak']) {
    const t = document.getElementById(id);
    if (!t) continue;
    for (const td of t.querySelectorAll('td')) {
      if (!td.offsetParent) continue;
      const cs = getComputedStyle(td);
      canvas.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const inner = td.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      const words = td.innerText.split(/\\s+/).filter(w => w);
      const longest = Math.max(0, ...words.map(w => canvas.measureText(w).width));
      out.push({table: id, text: td.innerText.slice(0, 40), width: td.getBoundingClientRect().width,
                twelve: canvas.measureText('000000000000').width, inner, longest,
                word: words.find(w => canvas.measureText(w).width === longest) || ''});
    }
  }
  return out;
}"""


@pytest.mark.parametrize("width", list(SCREENS))
@pytest.mark.parametrize("path", RESULTS)
def test_result_tables_are_readable_on_a_phone_and_a_laptop(site, browser, width, path):  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": SCREENS[width]})
    page.goto(site + path)
    page.wait_for_selector("#sonuc")
    page.wait_for_load_state("load")      # the stylesheet applied before any measuring
    cells = page.evaluate(_MEASURE)
    assert len(cells) > 20
    for c in cells:
        assert c["width"] >= c["twelve"] - 1, c                         # no column under ~12 characters
        assert c["longest"] <= c["inner"] + 1, c                         # no word broken between letters
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    height = page.evaluate("document.documentElement.scrollHeight")
    if width == 1366:
        assert height <= 4 * SCREENS[width], height                      # a result reads in a few screens
    # money as filed: every amount in the breakdown is 2 decimals, a rate %…, a count or code an integer or text;
    # only an exchange rate ("Kur …") keeps TCMB's four decimals
    for label, amount in page.evaluate(
            "Array.from(document.querySelectorAll('#dokum tr')).slice(1).map(tr => [tr.cells[0].innerText, tr.cells[2].innerText])"):
        amount = amount.strip()
        if not amount or not re.search(r"\d", amount):
            continue
        if label.startswith("Kur"):
            assert re.fullmatch(r"[\d.]+,\d{4,}", amount), (label, amount)
        else:
            assert re.fullmatch(r"-?\d{1,3}(\.\d{3})*,\d\d|%[\d.]+(,\d+)?|\d{1,3}(\.\d{3})*( gün)?|[A-Z]{2}", amount), \
                (label, amount)
    page.close()


@pytest.mark.parametrize("path", RESULTS)
def test_a_printed_result_reads_back_inside_its_margins_with_its_stamp(site, browser, path, tmp_path):  # noqa: F811
    """The page printed to an A4 PDF by Chromium and read back with pdfminer (tests/lo/printout.py): every line
    inside the 8 mm margins of the print stylesheet, the result with its currency and two decimals, the stamp."""
    from tests.lo import printout
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(site + path)
    result = page.inner_text("#sonuc").strip()
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*,\d\d (TL|€)", result), result
    pdf = tmp_path / "page.pdf"
    page.pdf(format="A4", path=str(pdf))
    page.close()
    pages = printout.pages(pdf)
    margin = 8 / 25.4 * 72
    text = ""
    for p in pages:
        for line in p.lines:
            assert margin - 1 <= line.x0 and line.x1 <= p.width - margin + 1, line.text
            assert margin - 1 <= p.height - line.y1 and line.y0 >= margin - 1, line.text
        text += "".join(line.text for line in p.lines)
    assert result.replace(" ", "") in text
    assert re.search(r"trcalcKurallarsürümü:\S+·Hesaplamazamanı\(Türkiye,UTC\+3\):\d\d\.\d\d\.\d{4}\d\d:\d\d"
                     r"·TCMBbültenleri:kullanılmadı·sürüm", text), text[:300]


# Two lines of one declaration (03.03.2025, USD at 34.50, paid in cash: no KKDF), by hand:
#   line 1: 10,000 × 34.50 = 345,000.00; GV 12 % = 41,400.00; KDV (345,000 + 41,400) × 20 % = 77,280.00 → 118,680.00
#   line 2:  2,000 × 34.50 =  69,000.00; İGV 10 % = 6,900.00; KDV (69,000 + 6,900) × 10 % = 7,590.00 → 14,490.00
#   taxes 133,170.00 + the declaration's stamp duty 898.20 TL (Law 488 Table (1) IV-2/c, 2025 until 30.09:
#   calc/rules/customs.yaml) = 134,068.20 TL payable
DECLARATION = ("/beyanname?doviz=USD&kur=34,50&tarih=03.03.2025&gumruk_degeri_1=10.000&gv_orani_1=12"
               "&gumruk_degeri_2=2.000&gv_orani_2=0&igv_orani_2=10&kdv_orani_2=10")


@pytest.mark.parametrize("width", list(SCREENS))
def test_a_declaration_with_several_lines_and_its_total(site, browser, width):  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": SCREENS[width]})
    page.goto(site + "/beyanname")
    assert _errors_shown(page) == {"box": 0, "invalid": 0, "messages": []}       # opens clean
    for name, value in (("doviz", "USD"), ("kur", "34,50"), ("tarih", "03.03.2025"), ("gumruk_degeri_1", "10.000"),
                        ("gv_orani_1", "12"), ("gumruk_degeri_2", "2.000"), ("gv_orani_2", "0"), ("igv_orani_2", "10"),
                        ("kdv_orani_2", "10")):
        if name == "doviz":
            page.select_option("#doviz", value)
        else:
            page.fill(f"#{name}", value)
    page.click("#hesapla")
    page.wait_for_selector("#sonuc")
    page.wait_for_load_state("load")      # the stylesheet applied before any measuring
    assert page.inner_text("#sonuc").strip() == "Ödenecek toplam: 134.068,20 TL"
    rows = page.evaluate("Array.from(document.querySelectorAll('#kalemler tr')).slice(1).map(tr => "
                         "Array.from(tr.cells).map(td => td.textContent.trim()))")
    assert rows == [["1. kalem", "345.000,00", "41.400,00", "0,00", "0,00", "0,00", "0,00", "77.280,00", "118.680,00"],
                    ["2. kalem", "69.000,00", "0,00", "6.900,00", "0,00", "0,00", "0,00", "7.590,00", "14.490,00"],
                    ["Toplam", "414.000,00", "41.400,00", "6.900,00", "0,00", "0,00", "0,00", "84.870,00", "133.170,00"]]
    assert page.inner_text("#odenecek").count("898,20") == 1
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    for c in page.evaluate(_MEASURE.replace("['girdiler', 'dokum', 'dayanak']", "['kalemler', 'odenecek']")):
        assert c["width"] >= c["twelve"] - 1 and c["longest"] <= c["inner"] + 1, c
    # a line with a value but no duty rate: the error on that line's field, the rest of the form kept
    page.fill("#gv_orani_2", "")
    page.click("#hesapla")
    page.wait_for_selector("#hata")
    page.wait_for_load_state("load")      # the stylesheet applied before any measuring
    assert page.inner_text("#gv_orani_2-hata").startswith("Bu alan zorunlu")
    assert page.locator(".field-error").count() == 1 and page.input_value("#gumruk_degeri_2") == "2.000"
    # a fourth line on request
    page.click("#satir-ekle")
    page.wait_for_selector("#gumruk_degeri_4")
    page.close()


def test_a_declaration_in_a_tcmb_outage_offers_to_type_the_rate(site, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(site + DECLARATION.replace("kur=34,50", "kur="))
    assert page.inner_text("#kur-hata").startswith("TCMB kuru şu anda alınamadı")
    assert "trcalc fx" not in page.inner_text("main")
    page.close()


def test_a_specific_reason_is_kept_and_only_the_generic_empty_becomes_required(site, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 844})
    # CIF 615 € from China on 01.03.2025: above the 30 € flat limit, so the regular regime needs the duty rate
    page.goto(site + "/hesap/TR_DUTY?esya_bedeli=600&navlun=10&sigorta=5&mense=CN&tarih=2025-03-01")
    assert page.inner_text("#gv_orani-hata").startswith("normal rejimde GTİP gümrük vergisi oranı gerekli")
    page.goto(site + "/beyanname?doviz=USD&kur=34,50")
    assert page.inner_text("#gumruk_degeri_1-hata").startswith("Bu alan zorunlu")
    page.close()
