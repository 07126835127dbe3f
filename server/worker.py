"""The gunicorn worker of `trcalc serve --production`: gunicorn's gevent worker, plus a deadline
for reading each request and room kept for new connections (issue 22.5).

gunicorn's gevent worker reads a request's headers with no time limit, and accepts no new
connection once `worker_connections` greenlets exist: 4,200 sockets sending a byte a second held
every slot and starved the server for 22 s. Here

- a connection has TRCALC_READ_SECONDS from its acceptance to send its headers (a
  `gevent.Timeout` on its own greenlet: nothing shared with other requests); the app holds the
  body to the same deadline (server.limits.read_body);
- when the connections still sending their request fill all but a reserve of the slots, the oldest
  of them is dropped to make room for the new one — so a crowd of trickling sockets cannot keep a
  new client, or /healthz, out: each costs the attacker a socket that lives only until it is the
  oldest.

Both are per connection (greenlet-local state, one dict of the worker's readers mutated only between
waits, which gevent never interleaves); there is no lock or process timer.
"""
from __future__ import annotations

import time

import gevent
from gunicorn.http.errors import NoMoreData
from gunicorn.workers.ggevent import GeventWorker

from trcalc.server import limits
from trcalc.server.config import Settings


class Worker(GeventWorker):
    def init_process(self):
        settings = Settings.from_env()
        self.read_seconds = settings.read_seconds
        # connections still sending their request, oldest first (dicts keep insertion order)
        self.reading: dict = {}
        reserve = min(50, max(1, self.worker_connections // 10))
        self.max_reading = max(1, self.worker_connections - reserve)
        super().init_process()

    def handle(self, listener, client, addr):
        while len(self.reading) >= self.max_reading:      # make room: drop the oldest unfinished request
            oldest = next(iter(self.reading))
            # its greenlet gets NoMoreData where it waits for bytes: gunicorn closes that connection
            # as it does any client that went away (quietly, no traceback in the log)
            self.reading.pop(oldest).kill(NoMoreData(b""), block=False)
        self.reading[client] = gevent.getcurrent()
        limits.accepted_at.set(time.monotonic())
        timer = gevent.Timeout(self.read_seconds, NoMoreData(b""))   # gunicorn closes quietly on NoMoreData
        timer.start()
        limits.header_timer.set((timer, self.reading, client))
        try:
            super().handle(listener, client, addr)
        finally:
            timer.cancel()
            self.reading.pop(client, None)

    def handle_request(self, listener_name, req, sock, addr):
        # the headers are in: the app reads the body against the same deadline (limits.read_body),
        # and takes the connection off the readers once it has read it
        held = limits.header_timer.get()
        if held is not None:
            held[0].cancel()
        super().handle_request(listener_name, req, sock, addr)
