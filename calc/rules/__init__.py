"""Dated rule parameters: data files beside this module, a loader and a validator.

See `book` (the model: entries, look-up by date; no I/O), `store` (reading the YAML),
`bundle` (the JSON form xlwings Lite reads), `schema` (the file format, checked with
pydantic) and `check` (`trcalc rules check`).
"""
