"""gunicorn's settings for serving planner at a trust (``make serve``; see "Deploying for a trust"
in README.md). Each setting can still be changed on gunicorn's command line.

Sync workers: each request is short (printing many plans runs on the queue), and they measured
steadier than threaded workers on a small machine.
"""

import os
import sys

wsgi_app = "planner:create_app()"
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# A request that takes longer than this is stuck: its worker is restarted.
timeout = 60
graceful_timeout = 30
accesslog = "-"
# The addresses of the reverse proxies whose X-Forwarded-* headers gunicorn itself may trust;
# planner reads them when PLANNER_TRUSTED_PROXIES is set.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27's control socket has one path per machine: planner does not use it, and two servers
# on one machine would take it from each other.
control_socket_disable = True


def on_starting(server):
    """Refuse to start without a shared secret key: with a random key per worker, a session signed
    by one worker would be refused by the next."""
    if not os.environ.get("PLANNER_SECRET_KEY"):
        sys.exit(
            "planner: set PLANNER_SECRET_KEY to a long random value, the same on every app server "
            "(such as the output of: python3 -c 'import secrets; print(secrets.token_hex(32))')."
        )
