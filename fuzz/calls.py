"""Random calls to every registry function (single and array form) and to the CLI, in process."""
from __future__ import annotations

import contextlib
import io
import random
import time
import traceback

from trcalc.calc import CalcError, call, call_many
from trcalc.calc.registry import REGISTRY
from trcalc.calc.rules.store import book

from .report import Findings
from .values import TEXTS, args_for, overrides, value


def fuzz_functions(n: int, rng: random.Random, deadline: float, found: Findings) -> int:
    names = sorted(REGISTRY)
    params = sorted(book().params)
    done = 0
    while done < n and time.monotonic() < deadline:
        name = names[done % len(names)]          # every function, in turn
        fn = REGISTRY[name]
        args = args_for(fn, rng)
        ov = overrides(rng, params)
        try:
            if rng.random() < 0.1:                 # the array form: some arguments as columns
                rows = rng.randint(0, 4)
                cols = [[value(fn.args[i].kind if i < len(fn.args) else "text", rng) for _ in range(rows)]
                        if rng.random() < 0.5 else a for i, a in enumerate(args)]
                for r in call_many(name, cols, overrides=ov):
                    if not isinstance(r, CalcError) and isinstance(r, BaseException):
                        raise r
            else:
                call(name, *args, overrides=ov)
            found.outcomes["calc: value"] += 1
        except CalcError as exc:
            found.outcomes["calc: CalcError"] += 1
            if not exc.message or " — " not in exc.message:
                found.add("calc", f"CalcError without a Turkish — English message: {exc!r}",
                          f"call({name!r}, *{args!r}, overrides={ov!r})", "")
        except Exception as exc:  # noqa: BLE001 - everything else is a finding
            found.add("calc", f"{type(exc).__name__}: {exc}", f"call({name!r}, *{args!r}, overrides={ov!r})",
                      traceback.format_exc())
        done += 1
    return done


def fuzz_cli(n: int, rng: random.Random, deadline: float, found: Findings) -> int:
    from trcalc.cli import main

    names = sorted(REGISTRY) + ["NOPE", "tr_cif", ""]
    params = sorted(book().params)
    done = 0
    while done < n and time.monotonic() < deadline:
        r = rng.random()
        if r < 0.8:
            name = rng.choice(names)
            fn = REGISTRY.get(name)
            args = [str(a) for a in args_for(fn, rng)] if fn else [rng.choice(TEXTS)]
            argv = ["call", name, *args]
            for _ in range(rng.choice([0, 0, 0, 1, 2])):
                argv += ["--override", rng.choice([f"{rng.choice(params)}={rng.choice(TEXTS)}", "foo", "=", "x="])]
        elif r < 0.9:
            argv = ["rules", "show"] + (["--date", rng.choice(TEXTS)] if rng.random() < 0.8 else [])
        else:
            argv = [rng.choice(["call", "rules", "docs", "nope", "--help", ""])] + \
                   [rng.choice(TEXTS) for _ in range(rng.randint(0, 3))]
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(argv)
            found.outcomes[f"cli: exit {code}"] += 1
            if code not in (0, 1, 2):
                found.add("cli", f"exit status {code!r}", f"trcalc {argv!r}", err.getvalue()[-2000:])
        except SystemExit as exc:                  # argparse: usage error (2) or --help (0)
            if exc.code not in (0, 2):
                found.add("cli", f"SystemExit({exc.code!r})", f"trcalc {argv!r}", err.getvalue()[-2000:])
        except Exception as exc:  # noqa: BLE001
            found.add("cli", f"{type(exc).__name__}: {exc}", f"trcalc {argv!r}", traceback.format_exc())
        if "Traceback" in err.getvalue():
            found.add("cli", "a traceback on stderr", f"trcalc {argv!r}", err.getvalue()[-2000:])
        done += 1
    return done
