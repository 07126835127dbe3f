"""What `trcalc rules check` asks of a value's source.

A value given high confidence must cite the primary text: the Official Gazette
publication (``RG dd.mm.yyyy``), a law or decision and its article (``4458
sayılı … Kanunu md. 234``), an Association Council decision or treaty, TÜİK's
bulletin for an index figure, or the official page that publishes it
(resmigazete / mevzuat / ticaret / gib / tuik / tcmb .gov.tr).  No source or
note may cite the project's own working papers (the seeds or RULES.md): what an
accountant reads in a breakdown must be checkable against the law.
"""
from __future__ import annotations

import re

PRIMARY = re.compile(
    r"RG \d{2}\.\d{2}\.\d{4}|RG \d{4}-\d{2}-\d{2}"
    r"|(?:Kanun|Karar|Tebliğ|Yönetmelik)\w*[^;]*?\b(?:md\.|madde|art\.) ?\d"
    r"|TÜİK,? [^;]*bülten"
    r"|Ortaklık Konseyi Kararı|Antlaşması"
    r"|https?://(?:www\.)?(?:resmigazete|mevzuat|ticaret|gib|tuik|tcmb)\.gov\.tr")
INTERNAL = re.compile(r"\bseed\b|RULES\.md", re.IGNORECASE)


def source_problems(rb) -> list[str]:
    """One line per value whose source the checks refuse, naming file, entry and date."""
    out = []
    for name, entries in rb.params.items():
        for e in entries:
            where = f"{e.file}: entry '{name}' from {e.start}"
            if INTERNAL.search(e.source) or INTERNAL.search(e.note):
                out.append(f"FAIL {where}: the source cites a working paper (seed / RULES.md); cite the "
                           "primary text, or the page it was read on, and say which claim it makes")
            if e.confidence == "high" and not PRIMARY.search(e.source):
                out.append(f"FAIL {where}: a high-confidence value needs a primary reference (RG date and "
                           "number, law and article, or the official URL); lower the confidence otherwise")
    return out
