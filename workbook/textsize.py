"""How much room text takes in a printed cell.

The engine sizes the rows it writes (the error list on the Hatalar sheet) with it, and the template
builders size their columns and help rows with it: one estimate for both.
"""
from __future__ import annotations

# A column's width is counted in the default font's digit widths (ECMA-376 Part 1, §18.3.1.13 col
# @width); LibreOffice, lacking Calibri, lays the sheet out in DejaVu Sans (headers in DejaVu Serif Bold),
# whose digit is 0.636 em: about 7 pt a width unit at 11 pt. The letter widths below are safe highs
# (capitals are wider; bold serif widest), so an estimate errs towards a taller row.
POINTS_PER_WIDTH = 7.0


def _em(ch: str, bold: bool) -> float:
    if ch.isupper():
        return 0.86 if bold else 0.78
    return 0.74 if bold else 0.62


def text_width(word: str, size: float, bold: bool = False) -> float:
    """A word's width in column-width units (see POINTS_PER_WIDTH), with the cell's padding."""
    return (sum(_em(ch, bold) for ch in word) * size + 4) / POINTS_PER_WIDTH


def wrapped_lines(text: str, columns: float, size: float = 11, bold: bool = False) -> int:
    """How many lines `text` takes wrapped at its spaces in a column `columns` wide (a safe, high count):
    words are laid out greedily, as a program wraps them."""
    room = columns * POINTS_PER_WIDTH - 4
    space = _em("n", bold) * size * 0.5
    lines, used = 1, 0.0
    for word in text.split():
        w = sum(_em(ch, bold) for ch in word) * size
        if used and used + space + w > room:
            lines, used = lines + 1, 0.0
        used += (space if used else 0) + w
        while used > room:                          # a word longer than the line is broken at letters
            lines, used = lines + 1, used - room
    return lines


def wrapped_height(text: str, columns: float, size: float = 11, bold: bool = False) -> float:
    """A row height (points) that shows `text` wrapped in a column `columns` wide, every line in full."""
    return round(wrapped_lines(text, columns, size, bold) * size * 1.3 + 3)
