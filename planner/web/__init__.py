"""The web layer: one blueprint per feature, and the extensions every page relies on.

``FEATURES`` lists the blueprint modules in ``planner/web/``; each defines ``bp``.
"""

from __future__ import annotations

import importlib

from flask import Flask, abort, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from planner.times import uk_time
from planner.web import headers, permissions

FEATURES = (
    "assets",
    "errors",
    "outage",
    "home",
    "auth",
    "account",
    "staff",
    "assessment",
    "manager",
    "needs",
    "plans",
    "pathways",
    "printing",
    "print_jobs",
    "cover",
    "secondments",
    "mentors",
    "checkins",
    "training",
    "recognition",
    "insight",
    "qualifications",
    "imports",
    "explore",
    "quiz",
    "rights",
)

csrf = CSRFProtect()

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """A database id in a URL: 1 to 2**31 - 1, so an absurd number is a 404, not a database error."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


def refuse_nul_characters() -> None:
    """Refuse (400) a request whose form or query holds a NUL character.

    Nobody types one, PostgreSQL cannot store one in text, and SQLite would keep it silently.
    """
    values = [*request.args.values(), *request.form.values()] if request.method == "POST" else [*request.args.values()]
    if any("\x00" in value for value in values):
        abort(400, description="The form held a character that cannot be stored (NUL). Remove it and try again.")


def register_blueprints(app: Flask) -> None:
    """Register every feature's blueprint, with CSRF protection, sign-in, the permission table's
    check and the ``id`` URL converter."""
    app.url_map.converters["id"] = IdConverter
    proxies = app.config["PLANNER_TRUSTED_PROXIES"]
    if proxies:
        # Behind reverse proxies the client's address and scheme (so request.is_secure) come from
        # the X-Forwarded-For and X-Forwarded-Proto headers the nearest proxies set.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    csrf.init_app(app)
    app.add_template_global(uk_time)
    # Who may use each endpoint is checked first, so nothing else looks at a refused request.
    app.before_request(permissions.refuse_what_the_table_forbids)
    app.before_request(refuse_nul_characters)
    headers.init_app(app)
    for name in FEATURES:
        module = importlib.import_module(f"planner.web.{name}")
        if hasattr(module, "init_app"):
            module.init_app(app)
        app.register_blueprint(module.bp)
