"""The one error family: a message in Turkish, then English, as data.

`TrcalcError` is the root (as python-stdnum's `ValidationError`): it holds the Turkish text, the
English text and the argument, cell or setting it names; `message` is the one place the two
languages are joined.  Every surface renders from that data: the CLI line (`trcalc: …`), the HTTP
error body (`{"error": {"code", "message", "argument"}}`, status from `status`), the cell text and
the web form message.  `code` is a short machine word, `status` the HTTP status it answers with.

A `CalcError` — the one exception every bad input becomes — also names its argument in the
message.  `str(error)` is the line an accountant sees:

>>> str(CalcError("invalid", "sayı değil", "not a number", argument="goods"))
'goods: sayı değil — goods: not a number'
>>> e = TrcalcError("dosya yok", "no file", argument="file")
>>> e.message, e.code, e.status, e.argument
('dosya yok — no file', 'error', 400, 'file')
"""
from __future__ import annotations

# The fixed set of CalcError codes; the server maps them onto HTTP statuses (`CalcError.status`).
CODES = frozenset({
    "invalid",          # the value cannot be read as the argument's type
    "missing",          # a required argument is empty
    "out_of_range",     # readable, but outside what the rule allows
    "unknown_code",     # a code/country/parameter name that is not known
    "no_rule",          # no rule is in force on that date
    "no_rate",          # no exchange rate for that currency and date (not stored, cannot be fetched)
    "arity",            # too many or too few arguments
    "unknown_function",
})
SEPARATOR = " — "


class TrcalcError(Exception):
    """Any error trcalc reports to a person: Turkish text, English text, what it names.

    `code` and `status` are class attributes a subclass sets (an instance may set its own with
    the keywords).  With `names_argument` the argument's name starts each language's half, as a
    CalcError's does; otherwise the argument travels beside the message (the HTTP body's
    `argument`, the setting a budget names)."""
    code: str = "error"
    status: int = 400
    names_argument = False

    def __init__(self, tr: str, en: str = "", argument: str | None = None, *,
                 code: str | None = None, status: int | None = None):
        self.message_tr, self.message_en, self.argument = tr, en, argument
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The one place "Turkish — English" is joined (the Turkish text alone when there is no English)."""
        tr, en = self.message_tr, self.message_en
        if self.names_argument and self.argument:
            tr, en = f"{self.argument}: {tr}", f"{self.argument}: {en}"
        return f"{tr}{SEPARATOR}{en}" if en else tr

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict:
        """The error as the API's `error` object (and the batch's per-call error)."""
        return {"code": self.code, "message": self.message, "argument": self.argument}


class CalcError(TrcalcError, ValueError):
    names_argument = True

    def __init__(self, code: str, tr: str, en: str, argument: str | None = None, data: dict | None = None):
        assert code in CODES, code
        # what the message is about, for a surface that words it its own way (the web's TCMB outage:
        # {"currency": "USD", "date": date, "detail": the administrator's text})
        self.data = data or {}
        super().__init__(tr, en, argument, code=code)

    @property
    def status(self) -> int:
        """The HTTP status of this error: 404 for a function that does not exist, else 400."""
        return 404 if self.code == "unknown_function" else 400

    def for_argument(self, argument: str) -> "CalcError":
        """The same error, naming `argument` (used when a helper raised it)."""
        return CalcError(self.code, self.message_tr, self.message_en, argument, self.data)
