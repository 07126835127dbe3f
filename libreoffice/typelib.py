"""The extension's UNO type library (`trcalc.rdb`), written in Python.

LibreOffice finds a Calc add-in's functions by introspecting the UNO interface its component
implements, so that interface must be in a type library the extension carries (LibreOffice
Developer's Guide, "Spreadsheet Add-Ins"; the extension's manifest lists it as
`application/vnd.sun.star.uno-typelibrary;type=RDB`). The SDK's `unoidl-write` compiles IDL into
that library; users have no SDK, so trcalc writes the same binary "UNOIDL" format itself, for the
one shape it needs: nested modules holding one interface whose methods take `any` and return `any` or rows of `any`.

The layout, as LibreOffice's reader (unoidl/source/unoidlprovider.cxx) reads it: the magic
`UNOIDL\\xFF\\0`; the root map's offset and entry count (u32, little-endian); then entities. A module
is the byte 0 and a map: a u32 count and that many (name offset, entity offset) pairs, sorted by
name; a name in a map is a NUL-terminated string. An interface is the byte 5, its mandatory bases,
optional bases, attributes and methods, each list a u32 count; a method is its name, its return
type, its parameters (a direction byte, a name, a type) and its exceptions. A name or type inside
an entity is a u32 length and the UTF-8 bytes, or, when the same text was written before, the
offset of that earlier length with the high bit set.

`tests/test_libreoffice_ext.py` checks the bytes against the SDK's own `unoidl-write` for the IDL
`idl()` writes, so the two cannot drift apart.
"""
from __future__ import annotations

import struct

MAGIC = b"UNOIDL\xff\x00"
BANNER = b"\x00** Created by LibreOffice 7.4.7.2 unoidl-write **\x00"     # what unoidl-write 7.4 writes
IN = 0                                                                     # parameter direction [in]
MODULE, INTERFACE = 0, 5
XINTERFACE = "com.sun.star.uno.XInterface"


class _Writer:
    def __init__(self):
        self.out = bytearray(MAGIC + b"\0" * 8 + BANNER)
        self.strings: dict[str, int] = {}

    def u32(self, n: int) -> None:
        self.out += struct.pack("<I", n)

    def idx(self, text: str) -> None:
        """A name or type inside an entity: inline the first time, then by reference."""
        if text in self.strings:
            self.u32(0x80000000 | self.strings[text])
            return
        self.strings[text] = len(self.out)
        data = text.encode("utf-8")
        self.u32(len(data))
        self.out += data

    def name(self, text: str) -> int:
        at = len(self.out)
        self.out += text.encode("utf-8") + b"\0"
        return at

    def interface(self, methods: list[tuple[str, list[str], str]]) -> int:
        at = len(self.out)
        self.out.append(INTERFACE)
        self.u32(1)                       # one mandatory base
        self.idx(XINTERFACE)
        self.u32(0)                       # optional bases
        self.u32(0)                       # attributes
        self.u32(len(methods))
        for method, params, result in methods:
            self.idx(method)
            self.idx(result)
            self.u32(len(params))
            for p in params:
                self.out.append(IN)
                self.idx(p)
                self.idx("any")
            self.u32(0)                   # exceptions
        return at

    def module(self, entries: list[tuple[int, int]]) -> int:
        at = len(self.out)
        self.out.append(MODULE)
        self.u32(len(entries))
        for name_at, entity_at in entries:
            self.u32(name_at)
            self.u32(entity_at)
        return at


VALUE, TABLE = "any", "[][]any"                   # a result: one value, or rows of values
_IDL = {VALUE: "any", TABLE: "sequence< sequence< any > >"}


def typelib(module: str, interface: str, methods: list[tuple[str, list[str], str]]) -> bytes:
    """The type library of `module.interface` (e.g. "org.trcalc.calc", "XFunctions") with `methods`
    (name, parameter names, result type: VALUE or TABLE), every parameter `any`."""
    w = _Writer()
    entity = w.interface(sorted(methods))
    child = interface
    for part in reversed(module.split(".")):
        name_at = w.name(child)
        entity = w.module([(name_at, entity)])
        child = part
    name_at = w.name(child)
    root = len(w.out)
    w.u32(name_at)
    w.u32(entity)
    w.out[8:16] = struct.pack("<II", root, 1)
    return bytes(w.out)


def idl(module: str, interface: str, methods: list[tuple[str, list[str], str]]) -> str:
    """The same interface as UNO IDL, for the SDK's unoidl-write (the tests compare the two)."""
    parts = module.split(".")
    lines = [" ".join(f"module {p} {{" for p in parts),
             f"interface {interface} : com::sun::star::uno::XInterface {{"]
    for method, params, result in sorted(methods):
        args = ", ".join(f"[in] any {p}" for p in params)
        lines.append(f"    {_IDL[result]} {method}({args});")
    lines.append("};")
    lines.append(" ".join("};" for _ in parts))
    return "\n".join(lines) + "\n"
