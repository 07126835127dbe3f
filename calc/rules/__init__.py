"""Dated rule parameters: data files beside this module, a loader and a validator.

See `store` (loading, look-up by date), `schema` (the file format, checked with
pydantic) and `check` (`trcalc rules check`).
"""
