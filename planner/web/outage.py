"""The outage page: when the database or the job queue cannot be reached, a 503 page saying to try
again in a few minutes, never a traceback.

A database that is down raises SQLAlchemy's ``OperationalError`` (or ``DisconnectionError``) from
whatever statement meets it first, either connecting (no statement) or on a connection it finds
dead (invalidated); Redis raises its own ``ConnectionError`` or ``TimeoutError`` when
a job is queued or a sign-in is counted. Each ends here: the session is rolled back, the page is
shown to an anonymous visitor (reading the signed-in account would need the database again), and
``Retry-After`` tells browsers and proxies when to come back. Nothing needs restarting afterwards:
the pool checks each connection before use, so the next request after the database is back works.
"""

from __future__ import annotations

from contextlib import suppress

from flask import Blueprint, Flask, current_app, g, render_template, request
from flask_login import current_user
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DisconnectionError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import InternalServerError

from planner.db import db
from planner.web import errors
from planner.web.auth import login_manager

bp = Blueprint("outage", __name__)

RETRY_AFTER_SECONDS = 120
"""What ``Retry-After`` says: a database restart or fail-over usually takes a minute or two."""
UNREACHABLE = (OperationalError, DisconnectionError, RedisConnectionError, RedisTimeoutError)
NO_ACCOUNT_NEEDED = ("static", "assets.asset")
"""Endpoints that never read the signed-in account, so need not load it first."""


def load_signed_in_account() -> None:
    """Load the signed-in account before the view runs, so a dead database is met here, where the
    outage page can answer, and not first inside another error page or after the view."""
    if request.endpoint not in NO_ACCOUNT_NEEDED:
        current_user._get_current_object()


def is_outage(error: BaseException | None) -> bool:
    """Whether ``error`` says the database or Redis cannot be reached, rather than that one
    statement went wrong (or something else altogether)."""
    if not isinstance(error, UNREACHABLE):
        return False
    if isinstance(error, OperationalError):
        # Failing to connect has no statement, and a connection lost mid-request is invalidated.
        # SQLite's "no such table" or a deadlock is operational too, but a fault: the 500 page.
        return error.connection_invalidated or error.statement is None
    return True


def service_unavailable(error: Exception):
    """The outage page (503), for a request that could not reach the database or the queue; any
    other error goes on to the usual handling (the 500 page)."""
    if not is_outage(error):
        raise error
    current_app.logger.error("service unavailable: %s: %s", type(error).__name__, error)
    # Rolling back a session whose connection has died may fail in turn; the session is discarded
    # at the end of the request either way.
    with suppress(SQLAlchemyError):
        db.session.rollback()
    # The page's header would otherwise load the signed-in account, from the database that is down.
    g._login_user = login_manager.anonymous_user()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    return render_template("outage/503.html"), 503, headers


def server_error_or_outage(error: InternalServerError):
    """The 500 page, or the outage page when the error behind it was an outage.

    An error raised after the view (in an ``after_request`` function that commits, say) reaches
    only the 500 handler; showing the 500 page would read the signed-in account from the database
    that is down, and fail with a bare error instead.
    """
    if is_outage(error.original_exception):
        return service_unavailable(error.original_exception)
    return errors.server_error(error)


def init_app(app: Flask) -> None:
    """Load the account early and answer every unreachable-service error with the outage page."""
    app.before_request(load_signed_in_account)
    for error in UNREACHABLE:
        app.register_error_handler(error, service_unavailable)
    # Registered after the errors blueprint's 500 handler (FEATURES lists "errors" first), so
    # this one, which hands everything else to it, is the one used.
    app.register_error_handler(InternalServerError, server_error_or_outage)
