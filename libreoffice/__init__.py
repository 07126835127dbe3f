"""trcalc in LibreOffice Calc: an extension (.oxt) that registers every registry function as a Calc
add-in function, so a Calc user types the same formulas as in Excel (issue 28). `build` writes it;
`typelib` writes its UNO type library; `component.py` is the code LibreOffice runs."""
