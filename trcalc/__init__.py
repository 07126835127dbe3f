"""The `trcalc` command line (see `trcalc.cli`)."""
