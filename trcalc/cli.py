"""The `trcalc` command.

    trcalc call TR_TEV 100000 10000 5000 1 0.10 30     → 150000.00
    trcalc call TR_DUTY 60 10 5 DE 20% "" GENEL         ("" = an omitted argument)
    trcalc rules check [--file F]                       validate the rules data
    trcalc rules show [--date D]                        parameters in force
    trcalc rules diff installed env                     differences between two rule sets
    trcalc docs [--write | --check]                     the generated docs pages (functions, settings)
    trcalc compute IN.xlsx OUT.xlsx                     compute a workbook without Excel
    trcalc excel [--check] [--server URL]               xlwings settings; what is left to click in Excel
    trcalc tariff import FILE [--layout L] …            load a tariff list (CSV/XLSX, or an official table) into the book
    trcalc lite --out DIR                               main.py and a wheel for xlwings Lite
    trcalc libreoffice --out DIR                        trcalc.oxt, the LibreOffice Calc extension, templates
    trcalc libreoffice --convert IN.xlsx OUT.xlsx       a workbook's functions spelled for Calc
    trcalc serve [--production]                         the team server on 127.0.0.1:8000
    trcalc fx sync --from 2024-07-01 --to 2024-07-31    TCMB bulletins into the local rate store
    trcalc fx sync --days 30                            the last 30 days
    trcalc fx status                                    where the store is and what it holds
    trcalc keys add NAME | list | revoke NAME           the team server's named API keys

Exit status: 0 ok, 1 `compute` finished with cells in error / `rules check` failed, 2 any other
failure: one line on stderr, Turkish then English — never a traceback (TRCALC_DEBUG=1 shows it).
A reader that stops early (`trcalc rules show | head`) ends the output quietly, exit 2, as the
Python documentation's note on SIGPIPE advises (library/signal.html, "Note on SIGPIPE").
"""
from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path


from trcalc.calc.errors import TrcalcError


class Failure(TrcalcError):
    """A failure the user can fix: one line, Turkish then English, exit 2."""
    code = "cli"


def show_value(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, list):          # a _DETAIL table: the one formatting rule of calc.present
        from trcalc.calc.present import breakdown_text
        return "\n".join("\t".join(row) for row in breakdown_text(value))
    if value is None:
        return ""
    return str(value)


def _overrides(items: list[str] | None) -> dict:
    out = {}
    for kv in items or []:
        name, sep, value = kv.partition("=")
        if not sep or not name.strip():
            raise Failure(f"--override AD=DEĞER biçiminde olmalı ({kv!r} verildi; örn. kdv.general_rate=20%)",
                          f"--override must be NAME=VALUE ({kv!r} given; e.g. kdv.general_rate=20%)")
        out[name.strip()] = value.strip()
    return out


def _call(ns) -> int:
    from trcalc.calc import CalcError, call
    overrides = _overrides(ns.override)
    try:
        print(show_value(call(ns.name, *ns.args, overrides=overrides)))
    except CalcError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    return 0


def _rules_check(ns) -> int:
    from trcalc.calc.rules.check import check
    if ns.file:
        _check_input(Path(ns.file), what=(".yaml kural dosyası", "a .yaml rules file"))
    ok, lines = check(Path(ns.file) if ns.file else None)
    for line in lines:
        print(line, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def _rules_show(ns) -> int:
    from trcalc.calc.dates import to_date, today
    from trcalc.calc.rules.store import book
    from trcalc.calc import CalcError
    try:
        on = to_date(ns.date, "date") if ns.date else today()
    except CalcError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    rb = book()
    print(f"# rules {rb.version}, in force on {on}")
    for e in rb.in_force(on):
        value = ", ".join(e.value) if isinstance(e.value, tuple) else e.value
        print(f"{e.name}\t{value}\t{e.unit}\tfrom {e.start}\t{e.confidence}\t{e.source}")
    return 0


def _rules_diff(ns) -> int:
    from trcalc.calc.rules.diff import DiffError, main as diff_main
    from trcalc.calc.rules.store import RulesFileError
    try:
        code, lines = diff_main(ns.a, ns.b)
    except (DiffError, RulesFileError) as exc:
        raise Failure(str(exc)) from None
    print("\n".join(lines))
    return code


def _rules_changelog(ns) -> int:
    from trcalc.calc.rules import changelog
    try:
        lines = changelog.text(ns.version)
    except KeyError:
        raise Failure(f"değişiklik günlüğünde {ns.version} yok — no version {ns.version} in the changelog") from None
    except FileNotFoundError as exc:
        raise Failure(str(exc)) from None
    print("\n".join(lines).rstrip())
    return 0


def _rules_snapshot(ns) -> int:
    from trcalc.calc.rules import changelog
    from trcalc.calc.rules.store import RulesFileError, load
    try:
        rb = load(ns.dir) if ns.dir else None
    except RulesFileError as exc:
        raise Failure(str(exc)) from None
    print(f"wrote {changelog.write_snapshot(rb)}")
    return 0


def _docs(ns) -> int:
    from trcalc import docpages
    if ns.write:
        for path in docpages.write():
            print(f"wrote {path}")
        return 0
    if ns.check:
        problems = docpages.stale()
        for line in problems:
            print(line, file=sys.stderr)
        return 1 if problems else 0
    from trcalc.calc.docs import function_table
    print(function_table())
    return 0


def _check_input(path: Path, what: tuple[str, str] = (".xlsx dosyası", "an .xlsx file")) -> None:
    """A regular file, checked with stat() before anything opens it: a FIFO or a device
    (/dev/zero) would block or never end."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise Failure(f"girdi dosyası bulunamadı: {path}", f"input file not found: {path}") from None
    except OSError as exc:
        raise Failure(f"girdi okunamadı ({path}: {exc.strerror})", f"cannot read the input ({path}: {exc.strerror})") \
            from None
    if stat.S_ISDIR(st.st_mode):
        raise Failure(f"girdi bir klasör, {what[0]} değil: {path}", f"the input is a folder, not {what[1]}: {path}")
    if not stat.S_ISREG(st.st_mode):
        raise Failure(f"girdi normal bir dosya değil (FIFO, aygıt ya da soket): {path}",
                      f"the input is not a regular file (a FIFO, device or socket): {path}")


def _check_output(path: Path) -> None:
    if path.is_dir():
        raise Failure(f"çıktı bir klasör; bir dosya adı verin (örn. {path / 'sonuc.xlsx'})",
                      f"the output is a folder; give a file name (e.g. {path / 'sonuc.xlsx'})")
    if path.exists() and not path.is_file():
        raise Failure(f"çıktı normal bir dosya değil: {path}", f"the output is not a regular file: {path}")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise Failure(f"çıktının klasörü bir dosya: {parent}", f"the output's folder is a file: {parent}")
            break


def _compute(ns) -> int:
    from trcalc.calc import CalcError
    from trcalc.templates.build import restore_charts
    from trcalc.workbook import compute_file
    src, dst = Path(ns.input), Path(ns.output)
    _check_input(src)
    _check_output(dst)
    try:
        report = compute_file(src, dst, ns.engine, on_resave=restore_charts)
    except CalcError as exc:
        raise Failure(exc.message_tr, exc.message_en) from None
    except OSError as exc:
        where = src if exc.filename and Path(exc.filename) == src else dst
        raise Failure(f"dosya yazılamadı ya da okunamadı ({where}: {exc.strerror})",
                      f"cannot write or read the file ({where}: {exc.strerror})") from None
    print(report.summary())
    return 0 if not report.errors or ns.allow_errors else 1


def _serve(ns) -> int:
    from trcalc.server.run import serve
    return serve(production=ns.production, host=ns.host, port=ns.port, certfile=ns.certfile, keyfile=ns.keyfile)


def _build_templates(ns) -> int:
    from trcalc.templates.build import build_all
    from trcalc.templates.office import build_office
    out = Path(ns.out) if ns.out else None
    for path in [*build_all(out), *build_office(out)]:       # plain (xlwings, engine) and Office flavours
        print(path)
    return 0


def _fx_sync(ns) -> int:
    from trcalc.calc import CalcError
    from trcalc.calc.dates import to_date, today
    from trcalc.calc.fxsync import SyncError, sync
    import datetime as dt
    if (ns.first is None) == (ns.days is None):
        raise Failure("--from ya da --days verin (biri)", "give --from or --days (one of them)")
    try:
        last = to_date(ns.last, "--to") if ns.last else today()
        if ns.days is not None:
            if not 1 <= ns.days <= 3700:
                raise Failure("--days 1 ile 3700 arasında olmalı", "--days must be between 1 and 3700")
            first = last - dt.timedelta(days=ns.days - 1)
        else:
            first = to_date(ns.first, "--from")
        report = sync(first, last, progress=(lambda d: print(f"… {d}", file=sys.stderr)) if ns.verbose else None)
    except (CalcError, SyncError) as exc:       # a failure the user can fix: exit 2, as every command's
        print(exc.message, file=sys.stderr)
        return 2
    except Exception as exc:                   # sqlite3.Error, OSError: the store file itself
        if type(exc).__module__.split(".")[0] not in ("sqlite3", "sqlalchemy") and not isinstance(exc, OSError):
            raise
        from trcalc.calc.fxstore import describe_error
        tr, en = describe_error(exc)
        print(f"kur deposu {tr}; depo değişmedi — the rate store {en}; the store is unchanged", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def _keys_db(fn, *args):
    from trcalc.calc import db
    from trcalc.server.keys import KeyError_
    try:
        return fn(*args)
    except KeyError_ as exc:
        raise Failure(str(exc)) from None
    except db.Error as exc:
        raise Failure(f"veritabanı okunamadı/yazılamadı ({db.shown(db.url())}: {str(exc).splitlines()[0]})",
                      f"the database cannot be read or written ({db.shown(db.url())})") from None


def _keys_add(ns) -> int:
    from trcalc.server.keys import add
    key = _keys_db(add, ns.name)
    print(key)
    print(f"# {ns.name.strip()} için anahtar: yalnızca şimdi gösterilir, saklanan yalnızca özeti — "
          f"the key for {ns.name.strip()}: shown only now, only its hash is stored", file=sys.stderr)
    return 0


def _keys_list(ns) -> int:
    from trcalc.server.keys import listing
    for k in _keys_db(listing):
        state = f"revoked {k['revoked_at']}" if k["revoked_at"] else "active"
        print(f"{k['name']}\t{k['created_at']}\t{state}")
    return 0


def _keys_revoke(ns) -> int:
    from trcalc.server.keys import revoke
    if not _keys_db(revoke, ns.name):
        raise Failure(f"{ns.name!r} adlı etkin anahtar yok", f"no active key named {ns.name!r}")
    print(f"{ns.name}: iptal edildi; sunucular birkaç saniye içinde reddeder — revoked; servers refuse it within "
          f"seconds")
    return 0


def _fx_status(ns) -> int:
    from trcalc.calc.fxstore import Store
    from trcalc.calc.tcmb import base_url
    for k, v in {**Store().summary(), "tcmb_url": base_url()}.items():
        print(f"{k}\t{v if v is not None else ''}")
    return 0


def _tariff_import(ns) -> int:
    from trcalc.calc.dates import to_date
    from trcalc.calc.tariffread import Options, read
    from trcalc.calc.tariffstore import book
    src = Path(ns.file)
    if not src.is_file():
        raise Failure(f"dosya yok: {src}", f"no such file: {src}")
    if src.suffix.lower() in (".xlsx", ".xlsm"):
        _check_input(src)                       # an .xlsx: the same checks as `trcalc compute`
    options = Options(source=ns.kaynak or "", layout=ns.layout, otv_list=ns.liste, unit=ns.birim or "", sheet=ns.sayfa,
                      tax=ns.vergi.upper().replace("İ", "I") if ns.vergi else None,
                      start=to_date(ns.baslangic, "--baslangic") if ns.baslangic else None,
                      end=to_date(ns.bitis, "--bitis") if ns.bitis else None)
    reading = read(src, options)
    done = book().load(src, reading.measures)
    print(f"{done['added']} önlem eklendi, {done['unchanged']} zaten kitapta ({reading.layout}) — "
          f"{done['added']} measures added, {done['unchanged']} already in the book ({reading.layout})")
    for line in reading.skipped:
        print(f"  yüklenmedi / not loaded: {line}")
    return 0


def _tariff_status(ns) -> int:
    from trcalc.calc.tariffstore import book
    for k, v in book().summary().items():
        print(f"{k}\t{v}")
    return 0


def _lite(ns) -> int:
    from trcalc.lite.build import write
    for path in write(Path(ns.out), ns.server_url):
        print(path)
    return 0


def _libreoffice(ns) -> int:
    from trcalc.libreoffice.build import calc_flavour, write
    if ns.convert:
        src, dst = (Path(p) for p in ns.convert)
        _check_input(src)
        _check_output(dst)
        dst.write_bytes(calc_flavour(src.read_bytes()))
        print(dst)
        return 0
    if not ns.out:
        raise Failure("--out ya da --convert gerekir", "--out or --convert is required")
    for path in write(Path(ns.out)):
        print(path)
    return 0


def _excel(ns) -> int:
    from .excel import main
    return main(ns)


class _Parser(argparse.ArgumentParser):
    """argparse in Turkish, then English (issue 25.4): its own headings and the -h line included."""

    def __init__(self, *args, **kw):
        kw.setdefault("add_help", False)
        super().__init__(*args, **kw)
        self._positionals.title = "girdiler / positional arguments"
        self._optionals.title = "seçenekler / options"
        self.add_argument("-h", "--help", action="help", help="bu yardımı gösterir / show this help and exit")

    def format_usage(self):
        return super().format_usage().replace("usage:", "kullanım / usage:", 1)

    def format_help(self):
        return super().format_help().replace("usage:", "kullanım / usage:", 1)

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: komut satırı hatalı — command line error: {message}\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="trcalc", description="Dış ticaret vergi formülleri (Excel, şablonlar, sunucu) / Turkish trade-tax formulas")
    sub = p.add_subparsers(dest="cmd", required=True, title="komutlar / commands", parser_class=_Parser)

    c = sub.add_parser("call", help="bir işlevi bir hücredeki gibi hesaplar / compute one function as a cell would")
    c.add_argument("name")
    c.add_argument("args", nargs="*")
    c.add_argument("--override", action="append", metavar="NAME=VALUE",
                   help="bu hesap için bir kural parametresini geçersiz kılar / override a rule parameter for this call")
    c.set_defaults(run=_call)

    r = sub.add_parser("rules", help="tarihli kurallar / the dated rules")
    rsub = r.add_subparsers(dest="rules_cmd", required=True, title="komutlar / commands", parser_class=_Parser)
    rc = rsub.add_parser("check", help="kural verisini denetler / validate the rules data")
    rc.add_argument("--file", help="aynı adlı kural dosyası yerine bu dosyayı denetler / check this file in place of the shipped file of the same name")
    rc.set_defaults(run=_rules_check)
    rs = rsub.add_parser("show", help="bir tarihte yürürlükteki parametreler / parameters in force on a date")
    rs.add_argument("--date")
    rs.set_defaults(run=_rules_show)
    rd = rsub.add_parser("diff", help="iki kural kümesinin farkları (farklıysa çıkış 1) / "
                                      "differences between two rule sets (exit 1 when they differ)")
    rd.add_argument("a", help="installed, env (TRCALC_RULES_DIR), yayımlanmış bir sürüm (2026.11.25) ya da bir kural "
                              "klasörü / a released version or a rules folder")
    rd.add_argument("b", help="installed, env (TRCALC_RULES_DIR), yayımlanmış bir sürüm ya da bir kural klasörü / "
                              "a released version or a rules folder")
    rd.set_defaults(run=_rules_diff)
    rl = rsub.add_parser("changelog", help="kural sürümlerinin değişiklik günlüğü: her fark, tarihi ve kaynağı / the "
                                           "rules changelog: every difference, its date and source")
    rl.add_argument("version", nargs="?", help="yalnız bu sürüm (örn. 2026.12.06) / only this version")
    rl.set_defaults(run=_rules_changelog)
    rn = rsub.add_parser("snapshot", help="yürürlükteki kural sürümünü kaydeder (sürümü değiştirmeden önce) / keep the "
                                          "rules version in force (before bumping it)")
    rn.add_argument("--dir", help="kurulu kurallar yerine bu klasör / this folder instead of the installed rules")
    rn.set_defaults(run=_rules_snapshot)

    d = sub.add_parser("docs", help="üretilen belge sayfaları: işlevler (kayıt), ayarlar / "
                                    "the generated docs pages: functions (registry), settings")
    g = d.add_mutually_exclusive_group()
    g.add_argument("--write", action="store_true")
    g.add_argument("--check", action="store_true")
    d.set_defaults(run=_docs)

    w = sub.add_parser("compute", help="bir çalışma kitabını Excel olmadan hesaplar / compute a workbook without Excel")
    w.add_argument("input")
    w.add_argument("output")
    w.add_argument("--allow-errors", action="store_true", help="hatalı hücre olsa da çıkış kodu 0 / exit 0 even when cells end in an error")
    w.add_argument("--engine", choices=("auto", "formulas", "fast"), default="auto",
                   help="hesap motoru (auto: hızlı yol, bilmediği hücrede formulas) / auto: the fast path, the formulas engine for cells it does not know")
    w.set_defaults(run=_compute)

    x = sub.add_parser("excel", help="xlwings ayarlarını yazar (ya da --check ile denetler), Excel'de kalan adımları söyler / write (or --check) the xlwings settings and print what is left to click")
    x.add_argument("--check", action="store_true", help="yalnız denetler; eksik ayar varsa çıkış kodu 1 / only check the settings; exit 1 when one is missing")
    x.add_argument("--conf", help="xlwings.conf dosyası (varsayılan ~/.xlwings/xlwings.conf) / the xlwings.conf file (default: xlwings' user config)")
    x.add_argument("--server", help="TRCALC_SERVER_URL'yi de yazar (uzak kip: ekip sunucusunda hesap) / also set TRCALC_SERVER_URL (remote mode)")
    x.add_argument("--api-key", help="ekip sunucusu için TRCALC_API_KEY'i de yazar / also set TRCALC_API_KEY for the team server")
    x.set_defaults(run=_excel)

    b = sub.add_parser("templates", help="şablon çalışma kitaplarını oluşturur / build the template workbooks")
    b.add_argument("--out", help="klasör (varsayılan: paketin templates klasörü) / folder (default: the package's templates folder)")
    b.set_defaults(run=_build_templates)

    f = sub.add_parser("fx", help="TCMB kurlarının yerel deposu / the local store of TCMB exchange rates")
    fsub = f.add_subparsers(dest="fx_cmd", required=True, title="komutlar / commands", parser_class=_Parser)
    fs = fsub.add_parser("sync", help="bir tarih aralığının TCMB bültenlerini indirir (hepsi ya da hiçbiri) / fetch TCMB bulletins for a date range (all or nothing)")
    fs.add_argument("--from", dest="first", help="ilk tarih (01.07.2024 ya da 2024-07-01) / first date")
    fs.add_argument("--days", type=int, help="--to'ya (varsayılan bugün) kadar son N gün, --from yerine / the last N days up to --to (default today), in place of --from")
    fs.add_argument("--to", dest="last", help="son tarih (varsayılan: bugün) / last date (default: today)")
    fs.add_argument("-v", "--verbose", action="store_true", help="indirilen her tarihi yazar / print each date fetched")
    fs.set_defaults(run=_fx_sync)
    ft = fsub.add_parser("status", help="deponun yeri ve içeriği / the store's location and contents")
    ft.set_defaults(run=_fx_status)
    ta = sub.add_parser("tariff", help="tarife kitabı (GTİP oranları) / the tariff book (rates by goods code)")
    tsub = ta.add_subparsers(dest="tariff_cmd", required=True, title="komutlar / commands", parser_class=_Parser)
    ti = tsub.add_parser("import", help="bir oran listesini yükler (CSV ya da .xlsx, docs/tarife.md) / load a list")
    ti.add_argument("file", help="liste dosyası (.csv, .xlsx, Resmî Gazete .htm) / the list file")
    ti.add_argument("--layout", choices=["trcalc", "irk", "otv", "tgtc"],
                    help="düzen (boş: dosyadan anlaşılır; docs/tarife.md) / the layout (default: detected)")
    ti.add_argument("--kaynak", help="resmî tablo için: karar, RG tarihi ve sayısı, ek / an official table's source")
    ti.add_argument("--baslangic", help="resmî tablo için: yürürlük tarihi / an official table's start date")
    ti.add_argument("--bitis", help="resmî tablo için: son geçerlilik tarihi / its last valid date")
    ti.add_argument("--liste", help="ÖTV listesi (I, II, III, IV), başlıkta yoksa / the ÖTV list number")
    ti.add_argument("--birim", help="ÖTV tutarlarının birimi, tabloda Birimi sütunu yoksa / the unit of its amounts")
    ti.add_argument("--sayfa", help="resmî tablo için .xlsx sayfası (adı ya da 1'den numarası; boş: ilki) / the sheet")
    ti.add_argument("--vergi", help="İthalat Rejimi tablosunun vergisi: GV ya da IGV (boş: başlıktan) / GV or IGV")
    ti.set_defaults(run=_tariff_import)
    tst = tsub.add_parser("status", help="kitabın yeri ve içeriği / where the book is and what it holds")
    tst.set_defaults(run=_tariff_status)
    li = sub.add_parser("lite", help="xlwings Lite için main.py (ve wheel) yazar / write main.py (and a wheel) for xlwings Lite")
    li.add_argument("--out", required=True, help="yazılacak klasör / folder to write into")
    li.add_argument("--server-url", default="http://127.0.0.1:8000",
                    help="wheel'i /lite/ yolunda sunan ekip sunucusu / the team server whose /lite/ path serves the wheel")
    li.set_defaults(run=_lite)
    lo = sub.add_parser("libreoffice", help="LibreOffice Calc eklentisi (trcalc.oxt) — the LibreOffice Calc extension")
    lo.add_argument("--out", help="yazılacak klasör (trcalc.oxt, KURULUM.md, sablonlar/) — folder to write into")
    lo.add_argument("--convert", nargs=2, metavar=("IN.xlsx", "OUT.xlsx"),
                    help="Excel için yapılmış kitabı Calc yazımına çevir — spell a workbook's trcalc functions for Calc")
    lo.set_defaults(run=_libreoffice)

    s = sub.add_parser("serve", help="sunucuyu çalıştırır / run the server")
    s.add_argument("--production", action="store_true", help="gunicorn ile, gunicorn.conf.py ayarlarıyla / gunicorn with the settings of gunicorn.conf.py")
    s.add_argument("--host", default=None)
    s.add_argument("--port", type=int, default=None)
    s.add_argument("--certfile", help="HTTPS'i bu sertifikayla kendisi sunar (PEM; vekilsiz küçük kurulum) / "
                                      "serve HTTPS with this certificate (PEM; small setups without a proxy)")
    s.add_argument("--keyfile", help="sertifikanın özel anahtarı (PEM) / the certificate's private key (PEM)")
    s.set_defaults(run=_serve)

    k = sub.add_parser("keys", help="ekip sunucusunun adlı API anahtarları (TRCALC_DATABASE_URL) / "
                                    "the team server's named API keys")
    ksub = k.add_subparsers(dest="keys_cmd", required=True, title="komutlar / commands", parser_class=_Parser)
    ka = ksub.add_parser("add", help="AD için anahtar yapar, bir kez yazar / make a key for NAME and print it once")
    ka.add_argument("name")
    ka.set_defaults(run=_keys_add)
    kl = ksub.add_parser("list", help="adlar, oluşturma ve iptal zamanları (anahtar asla) / "
                                      "names, when made, when revoked (never the keys)")
    kl.set_defaults(run=_keys_list)
    kr = ksub.add_parser("revoke", help="AD'ın anahtarını iptal eder: saniyeler içinde her sunucu reddeder / "
                                        "revoke NAME's key: refused by every server within seconds")
    kr.add_argument("name")
    kr.set_defaults(run=_keys_revoke)
    return p


def main(argv: list[str] | None = None) -> int:
    ns = parser().parse_args(argv)
    try:
        code = ns.run(ns)
        sys.stdout.flush()
        return code
    except TrcalcError as exc:         # Failure, a workbook or setting refused, …: the error's own line
        print(f"trcalc: {exc.message}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader went away (`| head`): stop quietly; stdout to devnull so the interpreter's
        # final flush cannot fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 2
    except KeyboardInterrupt:
        return 130
    except OSError as exc:             # a folder that is a file, a place that cannot be written…
        where = exc.filename or ""
        print(f"trcalc: dosya işlemi başarısız ({where}: {exc.strerror}) — "
              f"file operation failed ({where}: {exc.strerror})", file=sys.stderr)
        return 2
    except ArithmeticError as exc:     # a Decimal signal (overflow, invalid operation) no check caught
        print(f"trcalc: sayılar hesaplanabilecek aralığın dışında ({type(exc).__name__}) — "
              f"the numbers are outside the range that can be computed ({type(exc).__name__})", file=sys.stderr)
        return 2
    except Exception as exc:       # a defect: still one line, the details with TRCALC_DEBUG=1
        if _debug():
            raise
        print(f"trcalc: beklenmeyen hata ({type(exc).__name__}: {exc}); ayrıntı için TRCALC_DEBUG=1 — "
              f"unexpected error ({type(exc).__name__}: {exc}); set TRCALC_DEBUG=1 for details", file=sys.stderr)
        return 2


def _debug() -> bool:
    from trcalc.calc import settings
    try:
        return settings.get("TRCALC_DEBUG")
    except settings.SettingError:          # set, to something unreadable: it was meant to be on
        return True


if __name__ == "__main__":
    sys.exit(main())
