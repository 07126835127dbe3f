"""Excel formulas as text → tokens → relative (R1C1) patterns → syntax trees.

A formula is split into tokens once; every cell reference is stored relative to
the cell that holds it (R1C1 style: "two rows up, same column"), so the 10,000
cells of a copied-down column share one *pattern*, parsed and compiled once.
`Pattern.render(row, col)` writes the pattern back as the A1 text Excel would
show in another cell, which lets the loader recognise the next cell of a column
without tokenizing it again.

Unsafe references are found here, before anything is computed (issue 10.3):
a reference into another workbook (`'../x/[secret.xlsx]Sheet1'!A1`, `[1]Sheet1!A1`,
`'C:\\dir\\[b.xlsx]S'!A1`) or a DDE link (`=cmd|' /c calc'!A0`) makes that cell an
error naming it; the engine never opens any file but the uploaded one.

Grammar and precedence follow Microsoft's "Calculation operators and precedence
in Excel" (support.microsoft.com): reference operator `:`, negation, `%`, `^`,
`*` `/`, `+` `-`, `&`, comparisons.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.utils import column_index_from_string, get_column_letter

MAX_COL, MAX_ROW = 16384, 1048576
# Nesting of parentheses, function calls and signs in one formula. Excel allows 64 nested levels of
# functions ("Excel specifications and limits", support.microsoft.com); this is that, with room for
# parentheses. Deeper is refused before it is compiled (no recursion past it anywhere later), and a
# run of one operator (`=A1+A2+…+A600`) is one node, not 600 nested ones (issue 22.6).
MAX_NESTING = 100
MAX_FORMULA_CHARS = 8192          # Excel's limit on a formula's length (same page)


class FormulaError(Exception):
    """A formula this engine refuses or cannot read; the message names the construct."""

    def __init__(self, tr: str, en: str, unsafe: bool = False):
        self.message = f"{tr} — {en}"
        self.unsafe = unsafe               # unsafe: never hand it to another engine either
        super().__init__(self.message)


_SHEET = r"(?:'(?:[^']|'')+'|[^\s'!(),;:=<>&+\-*/^%\"{}]+)!"
_CELL = r"\$?[A-Za-z]{1,3}\$?\d+"
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<str>"(?:[^"]|"")*")
  | (?P<err>\#NULL!|\#DIV/0!|\#VALUE!|\#REF!|\#NAME\?|\#NUM!|\#N/A|\#GETTING_DATA)
  | (?P<ref>(?P<sheet>""" + _SHEET + r""")?
        (?P<area>""" + _CELL + r"(?::" + _CELL + r""")?
               |\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}
               |\$?\d+:\$?\d+)
        (?![A-Za-z0-9_(.\[]))
  | (?P<func>(?:_xlfn\.|_xlws\.)?[A-Za-z_][A-Za-z0-9_.]*(?=\())
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_\\][A-Za-z0-9_.]*(?:\[[^\]]*\])?|\[[^\]]*\][^\s!]*!?\S*)
  | (?P<op><>|<=|>=|[-+*/^&=<>%])
  | (?P<open>\()
  | (?P<close>\))
  | (?P<sep>[,;])
  | (?P<other>.)
    """, re.X)


@dataclass(frozen=True)
class Ref:
    """A reference relative to its cell: (absolute?, value) per row/column bound; sheet None = own sheet."""
    sheet: str | None
    c1: tuple[bool, int]
    r1: tuple[bool, int]
    c2: tuple[bool, int]
    r2: tuple[bool, int]
    whole: str = ""          # "col" for A:A, "row" for 1:1 (rendered without the missing part)
    raw_sheet: str = ""      # the sheet part as written ('İthalat'!), for rendering

    single: bool = False     # written as one cell (A1), not A1:A1

    def at(self, row: int, col: int) -> tuple[int, int, int, int]:
        """(r1, c1, r2, c2) absolute, 1-based, ordered."""
        r1 = self.r1[1] if self.r1[0] else row + self.r1[1]
        r2 = self.r2[1] if self.r2[0] else row + self.r2[1]
        c1 = self.c1[1] if self.c1[0] else col + self.c1[1]
        c2 = self.c2[1] if self.c2[0] else col + self.c2[1]
        return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)

    def render(self, row: int, col: int) -> str:
        def c(part):
            return ("$" if part[0] else "") + get_column_letter(part[1] if part[0] else col + part[1])

        def r(part):
            return ("$" if part[0] else "") + str(part[1] if part[0] else row + part[1])
        if self.whole == "col":
            return f"{self.raw_sheet}{c(self.c1)}:{c(self.c2)}"
        if self.whole == "row":
            return f"{self.raw_sheet}{r(self.r1)}:{r(self.r2)}"
        one = self.raw_sheet + c(self.c1) + r(self.r1)
        if self.single:
            return one
        return f"{one}:{c(self.c2)}{r(self.r2)}"


_PART = re.compile(r"(\$?)([A-Za-z]{1,3})?(\$?)(\d+)?")


def _bound(text: str, row: int, col: int, default_row: int | None = None, default_col: int | None = None):
    m = _PART.fullmatch(text)
    if not m:
        raise FormulaError(f"başvuru okunamadı ({text})", f"cannot read the reference ({text})")
    cabs, letters, rabs, digits = m.groups()
    if letters:
        cn = column_index_from_string(letters.upper())
        cpart = (True, cn) if cabs else (False, cn - col)
    else:
        cpart = (True, default_col)
    if digits:
        rn = int(digits) if len(digits) <= 7 else MAX_ROW + 1     # never int() of 5,000 digits
        if not 1 <= rn <= MAX_ROW:
            shown = text if len(text) <= 24 else text[:20] + "…"
            raise FormulaError(f"satır numarası geçersiz ({shown}; en çok {MAX_ROW})",
                               f"invalid row number ({shown}; at most {MAX_ROW})")
        rpart = (True, rn) if (rabs or not letters and cabs) else (False, rn - row)
        if not letters:
            rpart = (True, rn) if rabs else (False, rn - row)
    else:
        rpart = (True, default_row)
    if letters and column_index_from_string(letters.upper()) > MAX_COL:
        raise FormulaError(f"sütun geçersiz ({text})", f"invalid column ({text})")
    return cpart, rpart


def _sheet_name(raw: str) -> str:
    s = raw[:-1]
    if s.startswith("'"):
        s = s[1:-1].replace("''", "'")
    return s


def _check_sheet(raw: str) -> None:
    """A sheet part naming another workbook or a path is refused (never opened)."""
    s = _sheet_name(raw)
    if "[" in s or "]" in s or "/" in s or "\\" in s or ":" in s:
        raise FormulaError(f"başka bir dosyaya başvuru ({raw[:-1]}): güvenlik için hesaplanmaz",
                           f"reference to another file ({raw[:-1]}): not computed, for safety", unsafe=True)


def make_ref(m: re.Match, row: int, col: int) -> Ref:
    sheet, raw = None, m["sheet"] or ""
    if raw:
        _check_sheet(raw)
        sheet = _sheet_name(raw)
    area = m["area"]
    a, _, b = area.partition(":")
    b = b or a
    if re.fullmatch(r"\$?[A-Za-z]{1,3}", a):          # A:A
        c1, _ = _bound(a, row, col, default_row=1)
        c2, _ = _bound(b, row, col, default_row=MAX_ROW)
        return Ref(sheet, c1, (True, 1), c2, (True, MAX_ROW), "col", raw)
    if re.fullmatch(r"\$?\d+", a):                    # 1:1
        _, r1 = _bound(a, row, col, default_col=1)
        _, r2 = _bound(b, row, col, default_col=MAX_COL)
        return Ref(sheet, (True, 1), r1, (True, MAX_COL), r2, "row", raw)
    c1, r1 = _bound(a, row, col)
    c2, r2 = _bound(b, row, col)
    return Ref(sheet, c1, r1, c2, r2, "", raw, ":" not in area)


@dataclass(frozen=True)
class Pattern:
    """A formula with its references made relative: the same for every cell of a copied-down column."""
    tokens: tuple            # (kind, text) or ("ref", Ref)
    key: tuple

    def render(self, row: int, col: int) -> str:
        return "=" + "".join(t[1].render(row, col) if t[0] == "ref" else t[1] for t in self.tokens)

    def row_renderer(self, col: int):
        """`render` for one column, prepared once: the column letters are fixed, only relative row
        numbers change from cell to cell (how the loader recognises the next cell of a copied column)."""
        parts: list = ["="]

        def c(part):
            return ("$" if part[0] else "") + get_column_letter(part[1] if part[0] else col + part[1])

        def r(part):
            return "$" + str(part[1]) if part[0] else part[1]
        for kind, tok in self.tokens:
            if kind != "ref":
                parts.append(tok)
                continue
            if tok.whole == "col":
                parts.append(f"{tok.raw_sheet}{c(tok.c1)}:{c(tok.c2)}")
            elif tok.whole == "row":
                parts += [tok.raw_sheet, r(tok.r1), ":", r(tok.r2)]
            else:
                parts += [tok.raw_sheet + c(tok.c1), r(tok.r1)]
                if not tok.single:
                    parts += [":" + c(tok.c2), r(tok.r2)]
        merged: list = []
        for p in parts:
            if isinstance(p, str) and merged and isinstance(merged[-1], str):
                merged[-1] += p
            else:
                merged.append(p)
        if len(merged) == 1:
            text = merged[0]
            return lambda row: text
        fmt = "".join(p.replace("{", "{{").replace("}", "}}") if isinstance(p, str) else "{}" for p in merged)
        offsets = [p for p in merged if not isinstance(p, str)]
        if len(offsets) == 1:
            (d,) = offsets
            return lambda row: fmt.format(row + d)
        return lambda row: fmt.format(*[row + d for d in offsets])

    @property
    def refs(self) -> list[Ref]:
        return [t[1] for t in self.tokens if t[0] == "ref"]


def tokenize(text: str, row: int, col: int) -> Pattern:
    """The pattern of the formula `text` (with its leading '=') written in cell (row, col)."""
    if not text.startswith("="):
        raise FormulaError("formül '=' ile başlamıyor", "the formula does not start with '='")
    if len(text) > MAX_FORMULA_CHARS:
        raise FormulaError(f"formül {len(text)} karakter; Excel'in sınırı {MAX_FORMULA_CHARS}",
                           f"the formula has {len(text)} characters; Excel's limit is {MAX_FORMULA_CHARS}")
    out = []
    for m in _TOKEN.finditer(text, 1):
        kind = m.lastgroup if m.lastgroup not in ("sheet", "area") else "ref"
        if m["ref"] is not None:
            kind = "ref"
        if kind == "ws":
            out.append(("ws", " "))
        elif kind == "ref":
            out.append(("ref", make_ref(m, row, col)))
        elif kind == "other":
            ch = m.group()
            if ch == "|":
                raise FormulaError("DDE bağlantısı (…|…!…) hesaplanmaz: başka bir programı çalıştırır",
                                   "a DDE link (…|…!…) is not computed: it would run another program", unsafe=True)
            if ch in "[]":
                raise FormulaError("başka bir dosyaya başvuru hesaplanmaz",
                                   "a reference to another file is not computed", unsafe=True)
            if ch == "'":
                raise FormulaError("tırnaklı sayfa adı okunamadı", "cannot read the quoted sheet name")
            out.append(("other", ch))
        elif kind == "name":
            name = m.group()
            if "[" in name or "\\" in name:
                raise FormulaError(f"başka bir dosyaya ya da tabloya başvuru ({name}) hesaplanmaz",
                                   f"reference to another file or table ({name}) is not computed",
                                   unsafe="!" in name or "\\" in name)
            out.append(("name", name))
        else:
            out.append((kind, m.group()))
    toks = tuple(out)
    return Pattern(toks, toks)


# --- parsing --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Node:
    kind: str                # num str bool err ref name call unary binary chain percent
    # chain: value = the operators, args = the operands (one more), of one precedence, left to right
    value: object = None
    args: tuple = ()


_BINARY = {"=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1, "&": 2, "+": 3, "-": 3, "*": 4, "/": 4, "^": 5}


class _Parser:
    def __init__(self, tokens):
        self.toks = [t for t in tokens if t[0] != "ws"]
        self.i = 0
        self.depth = 0

    def _deeper(self):
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise FormulaError(f"formül {MAX_NESTING} düzeyden derin iç içe (Excel'in sınırı 64 işlev düzeyi)",
                               f"the formula nests deeper than {MAX_NESTING} levels (Excel allows 64 levels "
                               "of functions)")

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else ("end", "")

    def take(self):
        t = self.peek()
        self.i += 1
        return t

    def fail(self, what="") -> FormulaError:
        return FormulaError(f"formül okunamadı{(' (' + what + ')') if what else ''}",
                            f"cannot read the formula{(' (' + what + ')') if what else ''}")

    def parse(self) -> Node:
        node = self.expr(0)
        if self.peek()[0] != "end":
            raise self.fail(f"beklenmeyen '{_show(self.peek())}' / unexpected '{_show(self.peek())}'")
        return node

    def expr(self, min_prec: int) -> Node:
        self._deeper()
        left = self.unary()
        while True:
            kind, text = self.peek()
            if kind != "op" or text not in _BINARY or _BINARY[text] < min_prec:
                self.depth -= 1
                return left
            self.take()
            prec = _BINARY[text]
            right = self.expr(prec + 1)       # left-associative (Excel: 2^3^2 = 64)
            if left.kind == "chain" and _BINARY[left.value[0]] == prec:
                # a run of operators of one precedence, `A1+A2-A3+…`: one node, computed left to right
                left = Node("chain", left.value + (text,), left.args + (right,))
            elif left.kind == "binary" and _BINARY[left.value] == prec:
                left = Node("chain", (left.value, text), left.args + (right,))
            else:
                left = Node("binary", text, (left, right))

    def unary(self) -> Node:
        kind, text = self.peek()
        if kind == "op" and text in "+-":
            self.take()
            self._deeper()
            operand = self.unary()
            self.depth -= 1
            return operand if text == "+" else Node("unary", "-", (operand,))
        node = self.primary()
        while self.peek() == ("op", "%"):
            self.take()
            node = Node("percent", None, (node,))
        return node

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "num":
            return Node("num", float(text))
        if kind == "str":
            return Node("str", text[1:-1].replace('""', '"'))
        if kind == "err":
            return Node("err", text)
        if kind == "ref":
            return Node("ref", text)
        if kind == "name":
            up = text.upper()
            if up in ("TRUE", "FALSE"):
                return Node("bool", up == "TRUE")
            return Node("name", text)
        if kind == "open":
            self._deeper()
            node = self.expr(0)
            self.depth -= 1
            if self.take()[0] != "close":
                raise self.fail("')' eksik / missing ')'")
            return node
        if kind == "func":
            if self.take()[0] != "open":
                raise self.fail()
            args = []
            if self.peek()[0] == "close":
                self.take()
                return Node("call", text.upper(), ())
            self._deeper()
            while True:
                if self.peek()[0] in ("sep", "close"):
                    args.append(Node("missing"))
                else:
                    args.append(self.expr(0))
                k, _t = self.take()
                if k == "close":
                    self.depth -= 1
                    return Node("call", text.upper(), tuple(args))
                if k != "sep":
                    raise self.fail("')' eksik / missing ')'")
        raise self.fail(f"beklenmeyen '{_show((kind, text))}' / unexpected '{_show((kind, text))}'")


def _show(tok) -> str:
    return tok[1].render(1, 1) if tok[0] == "ref" else (tok[1] or "son / end")


def parse(pattern: Pattern) -> Node:
    return _Parser(pattern.tokens).parse()
