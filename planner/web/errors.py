"""Error pages in the NHS.UK style, so a user never sees a traceback.

A 403 or 404 answer to a request for a page that is not public is a refusal, and writes one audit
event (see ``planner.web.permissions``). The pages name no one: a refused request shows nothing of
the record it asked for.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from werkzeug.exceptions import Forbidden, HTTPException

from planner.db import db
from planner.web.permissions import audit_refusal

bp = Blueprint("errors", __name__)


@bp.app_errorhandler(403)
def forbidden(error):
    """The account may see the page but not do this."""
    audit_refusal(403)
    # A refusal that gives its own reason (a restricted record, say) shows it instead of the general one.
    reason = error.description if error.description != Forbidden.description else None
    return render_template("errors/403.html", reason=reason), 403


@bp.app_errorhandler(404)
def not_found(error):
    """The page asked for does not exist, or is not the account's to see."""
    audit_refusal(404)
    return render_template("errors/404.html"), 404


@bp.app_errorhandler(500)
def server_error(error):
    """Something failed on our side; Flask has already logged the exception."""
    # A failed statement leaves the session unusable until rolled back, and the page's header
    # reads the signed-in account; nothing of the failed request is kept.
    db.session.rollback()
    return render_template("errors/500.html"), 500


@bp.app_errorhandler(HTTPException)
def other_error(error: HTTPException):
    """Any other refusal (wrong method, request too large …): its own name and plain explanation."""
    # Keep the error's own headers (a 405 says which methods are allowed), but not its type.
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    return render_template("errors/other.html", error=error), error.code, headers
