"""`make fuzz`: a bounded random fuzzer over every registry function, the CLI and every HTTP route.

    python -m fuzz [--calls 200000] [--cli 3000] [--http 10000] [--seconds 900] [--seed N]

Not part of `make test` (it is random by design; the seed is printed so a finding can be
replayed with `--seed`).  Every exception that is not a `CalcError` and every HTTP 5xx is
printed with the call that caused it; the exit status is 1 when there was any.  Each
example found should become an explicit test in tests/test_regressions.py.
"""
