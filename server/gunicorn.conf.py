"""gunicorn settings for `trcalc serve --production` (override any with GUNICORN_CMD_ARGS).

Worker class: gevent. A sync worker reads the request itself and is stuck on a client that
sends one byte a second (six such sockets froze four sync workers for 18 s). gevent's worker
reads each connection in its own greenlet, so a slow client holds a greenlet (`worker_connections`
of them per worker), never the worker: the request reaches the app only once it has fully
arrived. The app's work is CPU-bound and short, so a worker runs one request at a time as a sync
worker would; `tests/test_slow_clients.py` keeps 50 slow sockets open and checks that normal
requests keep a p99 under 100 ms. gunicorn's FAQ: sync workers "are designed to run behind Nginx
[…] If you want to deploy Gunicorn to handle unbuffered requests (ie, serving requests directly
from the internet) you should use one of the async workers" (docs.gunicorn.org, FAQ; "Design:
choosing a worker type" — a load that "trickles data" makes a DOS trivial for sync workers).

The worker class is gevent's with a read deadline and room kept for new connections
(server/worker.py, `trcalc.server.worker.Worker`): a request must arrive whole within
TRCALC_READ_SECONDS, and the oldest unfinished request is dropped when readers fill the
worker's TRCALC_WORKER_CONNECTIONS.

Limits (server/limits.py): the app stops a request at TRCALC_REQUEST_SECONDS with a 422 — a deadline
per request, checked by the work, never a process timer; gunicorn's own `timeout` (a worker silent
that long is killed) is the backstop beyond it. After each request `post_request` recycles the worker
when its memory passed TRCALC_MAX_WORKER_MIB — gracefully: it finishes what it holds, the master
starts a fresh one.
"""
import multiprocessing
import os

from trcalc.server.config import Settings

_settings = Settings.from_env()

bind = os.environ.get("TRCALC_BIND", f"{os.environ.get('TRCALC_HOST', '127.0.0.1')}:{os.environ.get('TRCALC_PORT', '8000')}")
workers = _settings.workers or 2 * multiprocessing.cpu_count()
worker_class = os.environ.get("TRCALC_WORKER_CLASS", "trcalc.server.worker.Worker")
worker_connections = _settings.worker_connections   # open connections per worker (slow ones included)
threads = int(os.environ.get("TRCALC_THREADS", "1"))
timeout = _settings.request_seconds + 30
graceful_timeout = 20
# No keep-alive: each request is a new connection, taken by whichever worker is free (as with sync
# workers). With keep-alive a connection stays with one worker, and when that worker is descheduled
# on a busy machine all its connections wait: wrk -c16 on 2 loaded cores gave p99 of 100–500 ms
# with keep-alive against 60–75 ms without (sync workers: 40–220 ms in the same runs).
keepalive = 0
# HTTPS served by gunicorn itself (`trcalc serve --certfile/--keyfile`): a small setup without a proxy
certfile = os.environ.get("TRCALC_CERTFILE") or None
keyfile = os.environ.get("TRCALC_KEYFILE") or None
preload_app = True             # load the rules once, before forking
accesslog = None               # trcalc writes its own (server/accesslog.py: no query strings, the key's name)
errorlog = "-"
# gunicorn ≥ 25.1 opens a control socket (for `gunicornc`) at one path per user by default
# ($XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl): a second instance of the same user took the
# first one's over (issue 22.8). One per address instead; older gunicorns ignore the name.
_run_dir = os.environ.get("XDG_RUNTIME_DIR") if os.path.isdir(os.environ.get("XDG_RUNTIME_DIR") or "/nonexistent") \
    else os.path.join(os.path.expanduser("~"), ".gunicorn")
control_socket = os.path.join(_run_dir, "trcalc-" + "".join(ch if ch.isalnum() or ch in ".-" else "_"
                                                          for ch in bind)[:60] + ".ctl")
max_requests = 20000           # recycle workers now and then
max_requests_jitter = 2000


def post_worker_init(worker):
    """Each worker looks for a due TCMB sync (server/fxsched.py); the database's lease lets one run it."""
    from trcalc.server import fxsched
    fxsched.start(_settings)


def on_starting(server):
    """Import the `formulas` engine (numpy, schedula) in the master, before the workers fork: its first
    import takes a second or two, which a worker would otherwise spend inside its first upload with
    every other request of that worker waiting."""
    from trcalc.workbook import fallback
    fallback.register()


def post_request(worker, req, environ, resp):
    """Recycle this worker after the response when it passed its memory ceiling or a request
    was cut short by the time limit."""
    from trcalc.server import limits
    why = limits.recycle_reason()
    if why and worker.alive:
        worker.log.warning("trcalc: recycling worker %s (%s)", worker.pid, why)
        worker.alive = False
    if worker.cfg.keepalive and "gevent" in type(worker).__module__:
        # With keep-alive (off by default) yield once per request: a client whose next request is waiting would
        # otherwise be served again and again while the worker's other connections wait (the work
        # is CPU-bound, so nothing else yields) — measured: p99 several times higher without it.
        import gevent
        gevent.sleep(0)
