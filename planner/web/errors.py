"""Error pages in the NHS.UK style, so a user never sees a traceback."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("errors", __name__)


@bp.app_errorhandler(404)
def not_found(error):
    """The page asked for does not exist."""
    return render_template("errors/404.html"), 404


@bp.app_errorhandler(500)
def server_error(error):
    """Something failed on our side; Flask has already logged the exception."""
    return render_template("errors/500.html"), 500
