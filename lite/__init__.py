"""trcalc inside xlwings Lite: Excel with no Python installed and no server.

xlwings Lite (an Office add-in) runs Python in Pyodide inside Excel and registers
the functions of the workbook's `main.py` as native custom functions.  `build`
writes that `main.py` from the registry — one function per registry entry, with
its Excel argument names and Turkish help — carrying the pure-Python calc package,
the rules and the country table inside it; `runtime` is what those functions call
there.  See `trcalc lite --help` and docs/excel/lite.md.
"""
