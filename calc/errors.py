"""The one exception every bad input becomes.

A `CalcError` carries a short machine code, the argument it is about and the
message in Turkish, then English.  `str(error)` is the line an accountant sees:

>>> str(CalcError("invalid", "sayı değil", "not a number", argument="goods"))
'goods: sayı değil — goods: not a number'
"""
from __future__ import annotations

# The fixed set of codes; the server maps them onto HTTP statuses.
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


class CalcError(ValueError):
    def __init__(self, code: str, tr: str, en: str, argument: str | None = None, data: dict | None = None):
        assert code in CODES, code
        self.code = code
        self.argument = argument
        # what the message is about, for a surface that words it its own way (the web's TCMB outage:
        # {"currency": "USD", "date": date, "detail": the administrator's text})
        self.data = data or {}
        self.message_tr = tr
        self.message_en = en
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if self.argument:
            return f"{self.argument}: {self.message_tr} — {self.argument}: {self.message_en}"
        return f"{self.message_tr} — {self.message_en}"

    def for_argument(self, argument: str) -> "CalcError":
        """The same error, naming `argument` (used when a helper raised it)."""
        return CalcError(self.code, self.message_tr, self.message_en, argument, self.data)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "argument": self.argument,
                "message_tr": self.message_tr, "message_en": self.message_en}
