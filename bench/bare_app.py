"""A bare Flask app for the load baseline: `gunicorn -c server/gunicorn.conf.py bench.bare_app:app`."""
from .suites import _bare_flask

app = _bare_flask()
