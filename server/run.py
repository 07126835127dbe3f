"""`trcalc serve`: the development server, or gunicorn in production.

Production (documented in docs/sunucu/index.md):

    trcalc serve --production          # = gunicorn -c server/gunicorn.conf.py "trcalc.server:create_app()"
    trcalc serve --production --certfile cert.pem --keyfile key.pem     # HTTPS without a proxy (small setups)

Each gunicorn worker loads the rules once; the app keeps no state between
requests, so any number of instances can run behind a load balancer.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from . import config

CONF = Path(__file__).with_name("gunicorn.conf.py")


def serve(production: bool = False, host: str | None = None, port: int | None = None,
          certfile: str | None = None, keyfile: str | None = None) -> int:
    settings = config.Settings.from_env()   # a bad TRCALC_* setting: one clear line now, not from inside gunicorn
    host = host or config.host()
    port = port if port is not None else config.port()
    if not 1 <= port <= 65535:       # gunicorn would listen on another port (99999 % 65536), Flask refuse late
        raise config.SettingError(f"port {port}: 1–65535 arasında olmalı — must be between 1 and 65535")
    certfile = certfile or os.environ.get("TRCALC_CERTFILE") or None
    keyfile = keyfile or os.environ.get("TRCALC_KEYFILE") or None
    if bool(certfile) != bool(keyfile):
        raise config.SettingError("TLS için sertifika ve anahtar birlikte verilmeli (--certfile, --keyfile) — "
                                  "TLS needs both a certificate and its key (--certfile, --keyfile)")
    for f in (certfile, keyfile):
        if f and not Path(f).is_file():
            raise config.SettingError(f"dosya bulunamadı: {f} — file not found: {f}")
    if certfile:
        os.environ["TRCALC_CERTFILE"], os.environ["TRCALC_KEYFILE"] = certfile, keyfile
    if production:
        # the gunicorn installed beside this Python (the [server] extra's), not whichever is first on PATH
        beside = Path(sys.executable).with_name("gunicorn")
        gunicorn = str(beside) if beside.is_file() else shutil.which("gunicorn") or str(beside)
        os.environ["TRCALC_BIND"] = f"{host}:{port}"
        os.execv(gunicorn, [gunicorn, "-c", str(CONF), "trcalc.server:create_app()"])
    from . import create_app, fxsched
    scheme = "https" if certfile else "http"
    print(f"trcalc: {scheme}://{host}:{port}/  (belgeler: /belgeler/, API: /api/v1, API docs: /docs, "
          "Office: /office/manifest.xml)")
    app = create_app(settings)
    fxsched.start(settings)
    app.run(host=host, port=port, threaded=True, ssl_context=(certfile, keyfile) if certfile else None)
    return 0
