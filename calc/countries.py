"""Countries by ISO 3166 code or name, in Turkish or English.

Names and codes come from ISO 3166-1 (the `pycountry` package, with its
Turkish translation); the short names people actually write ("İngiltere",
"Güney Kore", "ABD", "Kıbrıs Rum Kesimi") and Kosovo (XK, not in ISO 3166-1
but a Turkish FTA partner) are added here.  "AB"/"EU" stands for the European
Union as a whole and "AB DIŞI"/"OTHER" for any other origin: both are
accepted where an origin group is enough (TR_DUTY's origin).

>>> country("İngiltere", "destination")
'GB'
>>> country("deu", "origin")
'DE'
"""
from __future__ import annotations

import functools
import gettext
import json
from pathlib import Path

from .coerce import fold
from .errors import CalcError

EU = "EU"          # the European Union as a whole
NON_EU = "NON_EU"  # any origin outside it

_ALIASES = {
    "GB": ["İngiltere", "Britanya", "Büyük Britanya", "UK", "Great Britain", "England", "Birleşik Krallık"],
    "KR": ["Güney Kore", "South Korea", "Kore"],
    "KP": ["Kuzey Kore"],
    "US": ["ABD", "Amerika", "USA", "Amerika Birleşik Devletleri"],
    "CY": ["Kıbrıs Rum Kesimi", "GKRY", "Güney Kıbrıs"],
    "PS": ["Filistin", "Palestine"],
    "XK": ["Kosova", "Kosovo", "XKX"],
    "BA": ["Bosna Hersek", "Bosna"],
    "CZ": ["Çek Cumhuriyeti", "Czech Republic"],
    "MK": ["Makedonya", "Macedonia"],
    "MD": ["Moldova"],
    "RU": ["Rusya", "Russia"],
    "IR": ["İran", "Iran"],
    "SY": ["Suriye", "Syria"],
    "TW": ["Tayvan", "Taiwan"],
    "VN": ["Vietnam"],
    "TZ": ["Tanzanya"],
    "VE": ["Venezuela"],
    "BO": ["Bolivya"],
    "LA": ["Laos"],
    "NL": ["Hollanda", "Holland", "Netherlands"],
    "MU": ["Morityus"],
    "LI": ["Liechtenstein"],
    "VA": ["Vatikan"],
    "AE": ["BAE"],
    "CD": ["Kongo Demokratik Cumhuriyeti"],
    EU: ["AB", "Avrupa Birliği", "European Union"],
    NON_EU: ["AB DIŞI", "AB Dışı", "Diğer", "Other", "non-EU", "Third country", "Üçüncü ülke"],
}
_XK_NAMES = ("Kosovo", "Kosova")
# Written by `trcalc lite` in the Pyodide build, which ships without pycountry (see `dump`).
BUNDLE_FILE = Path(__file__).with_name("_countries.json")


@functools.cache
def _index() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    if BUNDLE_FILE.exists():
        doc = json.loads(BUNDLE_FILE.read_text(encoding="utf-8"))
        return doc["index"], {k: tuple(v) for k, v in doc["names"].items()}
    import pycountry

    tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["tr"], fallback=True)
    index: dict[str, str] = {}
    names: dict[str, tuple[str, str]] = {}
    for c in pycountry.countries:
        tr_name = tr.gettext(c.name)
        en_name = getattr(c, "common_name", c.name)
        names[c.alpha_2] = (tr_name, en_name)
        for spelling in (c.alpha_2, c.alpha_3, c.name, en_name, getattr(c, "official_name", ""), tr_name):
            if spelling:
                index.setdefault(fold(spelling), c.alpha_2)
    names["XK"] = (_XK_NAMES[1], _XK_NAMES[0])
    names[EU] = ("Avrupa Birliği", "European Union")
    names[NON_EU] = ("AB dışı", "non-EU")
    for code, spellings in _ALIASES.items():
        index[fold(code)] = code
        for s in spellings:
            index[fold(s)] = code
    return index, names


def country(value, arg: str, groups: bool = False) -> str:
    """ISO alpha-2 code of a country; with `groups`, also EU / NON_EU."""
    code = _index()[0].get(fold(value if isinstance(value, str) else str(value)))
    if code is None or (not groups and code in (EU, NON_EU)):
        hint_tr = "; ya da AB / AB DIŞI" if groups else ""
        hint_en = "; or EU / OTHER" if groups else ""
        raise CalcError("unknown_code",
                        f"bilinmeyen ülke ({value!r}); ISO kodu (DE, DEU) ya da Türkçe/İngilizce adı yazın{hint_tr}",
                        f"unknown country ({value!r}); give an ISO code (DE, DEU) or its Turkish/English name{hint_en}",
                        arg)
    return code


def name_tr(code: str) -> str:
    return _index()[1].get(code, (code, code))[0]


def all_codes() -> list[str]:
    """Every country code we know, for drop-down lists."""
    return sorted(c for c in _index()[1] if c not in (EU, NON_EU))


def dump() -> str:
    """The look-up tables as JSON text, for the runtime that has no pycountry."""
    index, names = _index()
    return json.dumps({"index": index, "names": names}, ensure_ascii=False, sort_keys=True)
