"""gunicorn settings for `trcalc serve --production` (override any with GUNICORN_CMD_ARGS)."""
import multiprocessing
import os

bind = os.environ.get("TRCALC_BIND", f"{os.environ.get('TRCALC_HOST', '127.0.0.1')}:{os.environ.get('TRCALC_PORT', '8000')}")
workers = int(os.environ.get("TRCALC_WORKERS", 2 * multiprocessing.cpu_count()))
# Requests are short and CPU-bound (the GIL makes threads no faster): plain sync workers gave the
# lowest p99 under load (bench/RESULTS.md). Behind a buffering proxy (nginx) slow clients cost nothing.
worker_class = os.environ.get("TRCALC_WORKER_CLASS", "sync")
threads = int(os.environ.get("TRCALC_THREADS", "1"))
timeout = 120                  # a large workbook upload may take a while
graceful_timeout = 20
preload_app = True             # load the rules once, before forking
accesslog = os.environ.get("TRCALC_ACCESS_LOG") or None
errorlog = "-"
max_requests = 20000           # recycle workers now and then
max_requests_jitter = 2000
