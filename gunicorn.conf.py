"""gunicorn configuration for production: `gunicorn -c gunicorn.conf.py 'planner:create_app()'`.

PORT (default 8000) and WEB_CONCURRENCY (default 2 x cores + 1) choose address and workers.
- The app is loaded once in the master (preload) and the objects that exist then are moved out
  of the garbage collector's reach (gc.freeze after fork): full collections over them took
  ~45 ms every few requests and made the p95 latency.
- The access log masks the secret calendar-feed tokens and password-reset links.
- No Server header names the software and its version.
"""

import gc
import multiprocessing
import os

from gunicorn.glogging import Logger
from gunicorn.http import wsgi

from planner.core.logs import MaskSecrets, mask

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
preload_app = True
timeout = 60
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server, worker):
    gc.freeze()


class MaskingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(MaskSecrets())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "{raw_uri}e", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = mask(atoms[key])
        return atoms


logger_class = MaskingLogger

_default_headers = wsgi.Response.default_headers


def _without_server(self):
    return [h for h in _default_headers(self) if not h.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server
