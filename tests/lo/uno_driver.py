"""Drives a headless LibreOffice over UNO, for the extension tests (run by the system Python that has
LibreOffice's `uno` module, not by the project's virtual environment).

    python3 uno_driver.py PROFILE_URL COMMANDS.json > RESULT.json

Starts `soffice --headless --accept=pipe,…;urp;` on the given user profile (LibreOffice Developer's
Guide, "Starting Office in Listening Mode"; the UNO URL `uno:pipe,name=…;urp;StarOffice.ComponentContext`),
runs the commands and stops it. Commands:

- ["functions"]: every add-in function Calc knows, from the `com.sun.star.sheet.FunctionDescriptions`
  service (its PropertyValues: Name, Description, Category, Arguments as FunctionArgument structs).
- ["cells", PATH, SHEET, [CELLS…]]: load PATH hidden, recalculate everything (XCalculatable.calculateAll),
  and read each cell: its formula, and its value, text or error code (XCell.getError).
- ["dump", PATH]: load PATH, calculateAll, and read every formula cell of every sheet (found with
  XCellRangesQuery.queryContentCells(CellFlags.FORMULA)): {sheet: {cell: {value|text|error}}}.
- ["sheet", {CELL: FORMULA, …}, [CELLS…]]: a new sheet document with those formulas; the cells read back.
- ["recalc", PATH]: load PATH, calculateAll, and report the seconds it took.
- ["convert", PATH, OUT]: load PATH, calculateAll, save it as .xlsx to OUT; the seconds the three took.
- ["counted", COMMAND]: COMMAND's result and how many lines it added to the file TRCALC_LO_CALLS names (the
  extension writes one per trcalc call there).
- ["arrays", {CELL: FORMULA}, [[FORMULA, RANGE]…], {CELL: FORMULA}, [CELLS…]]: a new sheet document with the
  formulas, then the array formulas over their ranges, then formulas reading them; the cells read back.
- ["formula", FORMULA]: put FORMULA into A1 of a new sheet document and read A1 back (and, for an array
  formula `{…}` given as ["array", FORMULA, RANGE], the range).
"""
import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def _props(**kw):
    out = []
    for k, v in kw.items():
        p = PropertyValue()
        p.Name, p.Value = k, v
        out.append(p)
    return tuple(out)


def connect(profile_url: str):
    pipe = f"trcalc_{os.getpid()}"
    proc = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
                             f"-env:UserInstallation={profile_url}", f"--accept=pipe,name={pipe};urp;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 120
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return proc, ctx
        except Exception:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.3)


def _cell(sheet, name):
    c = sheet.getCellRangeByName(name)
    err = c.getError()
    kind = c.getType().value          # EMPTY, VALUE, TEXT, FORMULA
    out = {"cell": name, "formula": c.getFormula(), "error": err}
    if err:
        return out
    if kind == "FORMULA":
        rt = c.FormulaResultType2 if hasattr(c, "FormulaResultType2") else None
        out["text"] = c.getString()
        out["value"] = c.getValue()
        out["is_text"] = bool(rt == 2) if rt is not None else None
    else:
        out["text"] = c.getString()
        out["value"] = c.getValue()
    return out


def main():
    profile_url, commands = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
    proc, ctx = connect(profile_url)
    smgr = ctx.ServiceManager
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    results = []
    try:
        for cmd in commands:
            if cmd[0] == "counted":
                counter = os.environ.get("TRCALC_LO_CALLS")
                before = _lines(counter)
                run_one(cmd[1], desktop, smgr, ctx, results)
                results[-1] = [results[-1], _lines(counter) - before]
            else:
                run_one(cmd, desktop, smgr, ctx, results)
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    json.dump(results, sys.stdout, ensure_ascii=False)


def _lines(path) -> int:
    try:
        with open(path, encoding="utf-8") as f:
            return sum(1 for _ in f)
    except (OSError, TypeError):
        return 0


def run_one(cmd, desktop, smgr, ctx, results):
    """One command (see the module's docstring); its result appended to `results`."""
    if cmd[0] == "functions":
        fd = smgr.createInstanceWithContext("com.sun.star.sheet.FunctionDescriptions", ctx)
        out = []
        for i in range(fd.getCount()):
            d = {p.Name: p.Value for p in fd.getByIndex(i)}
            out.append({"name": d.get("Name"), "description": d.get("Description"),
                        "category": d.get("Category"),
                        "arguments": [{"name": a.Name, "description": a.Description,
                                       "optional": a.IsOptional} for a in (d.get("Arguments") or ())]})
        results.append(out)
    elif cmd[0] == "cells":
        _, path, sheet_name, cells = cmd
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, _props(Hidden=True))
        doc.calculateAll()
        sheet = doc.Sheets.getByName(sheet_name)
        results.append([_cell(sheet, c) for c in cells])
        doc.close(True)
    elif cmd[0] == "dump":
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(cmd[1]), "_blank", 0, _props(Hidden=True))
        doc.calculateAll()
        out = {}
        for sheet in doc.Sheets:
            cells = {}
            found = sheet.queryContentCells(16)                 # com.sun.star.sheet.CellFlags.FORMULA
            for rng in found.getRangeAddresses():
                for r in range(rng.StartRow, rng.EndRow + 1):
                    for c in range(rng.StartColumn, rng.EndColumn + 1):
                        cell = sheet.getCellByPosition(c, r)
                        name = cell.AbsoluteName.split(".")[-1].replace("$", "")
                        err = cell.getError()
                        if err:
                            cells[name] = {"error": err}
                        elif cell.FormulaResultType2 == 2:   # com.sun.star.sheet.FormulaResult.STRING
                            cells[name] = {"text": cell.getString()}
                        else:
                            cells[name] = {"value": cell.getValue()}
            out[sheet.Name] = cells
        results.append(out)
        doc.close(True)
    elif cmd[0] == "sheet":                                    # ["sheet", {CELL: FORMULA…}, [CELLS…]]
        doc = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, _props(Hidden=True))
        sheet = doc.Sheets.getByIndex(0)
        for ref, formula in cmd[1].items():
            sheet.getCellRangeByName(ref).setFormula(formula)
        doc.calculateAll()
        results.append([_cell(sheet, c) for c in cmd[2]])
        doc.close(True)
    elif cmd[0] == "arrays":                                   # ["arrays", {CELL: F}, [[F, RANGE]…], {CELL: F}, [CELLS…]]
        doc = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, _props(Hidden=True))
        sheet = doc.Sheets.getByIndex(0)
        for ref, formula in cmd[1].items():
            sheet.getCellRangeByName(ref).setFormula(formula)
        for formula, ref in cmd[2]:
            sheet.getCellRangeByName(ref).setArrayFormula(formula)
        for ref, formula in cmd[3].items():
            sheet.getCellRangeByName(ref).setFormula(formula)
        doc.calculateAll()
        results.append([_cell(sheet, c) for c in cmd[4]])
        doc.close(True)
    elif cmd[0] == "save":                                     # ["save", FORMULA, PATH.xlsx]
        doc = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, _props(Hidden=True))
        doc.Sheets.getByIndex(0).getCellRangeByName("A1").setFormula(cmd[1])
        doc.calculateAll()
        doc.storeToURL(uno.systemPathToFileUrl(cmd[2]), _props(FilterName="Calc MS Excel 2007 XML"))
        doc.close(True)
        results.append(cmd[2])
    elif cmd[0] == "convert":                                  # ["convert", PATH, OUT.xlsx]: load, compute, save
        t = time.perf_counter()
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(cmd[1]), "_blank", 0, _props(Hidden=True))
        doc.calculateAll()
        doc.storeToURL(uno.systemPathToFileUrl(cmd[2]), _props(FilterName="Calc MS Excel 2007 XML"))
        doc.close(True)
        results.append(time.perf_counter() - t)
    elif cmd[0] == "recalc":
        _, path = cmd[:2]
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, _props(Hidden=True))
        t = time.perf_counter()
        doc.calculateAll()
        results.append(time.perf_counter() - t)
        doc.close(True)
    elif cmd[0] in ("formula", "array"):
        doc = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, _props(Hidden=True))
        sheet = doc.Sheets.getByIndex(0)
        if cmd[0] == "formula":
            sheet.getCellRangeByName("A1").setFormula(cmd[1])
            doc.calculateAll()
            results.append(_cell(sheet, "A1"))
        else:
            rng = sheet.getCellRangeByName(cmd[2])
            rng.setArrayFormula(cmd[1])
            doc.calculateAll()
            cols, rows = rng.Columns.Count, rng.Rows.Count
            results.append([[_cell(sheet, rng.getCellByPosition(c, r).AbsoluteName.split(".")[-1].replace("$", ""))
                             for c in range(cols)] for r in range(rows)])
        doc.close(True)
    else:
        raise SystemExit(f"unknown command {cmd[0]}")


if __name__ == "__main__":
    main()
