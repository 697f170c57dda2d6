"""Database set-up: one SQLAlchemy object, constraint names Alembic can rely on, SQLite foreign keys,
and connections that recover from a database restart and give up quickly on a database that is down."""

from __future__ import annotations

import math

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine, make_url

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
MIGRATIONS = "migrations"


@event.listens_for(Engine, "connect")
def _enforce_sqlite_foreign_keys(dbapi_connection, connection_record):
    # SQLite ignores foreign keys unless every connection asks for them.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def engine_options(url: str, connect_timeout: float, given: dict | None = None) -> dict:
    """The engine's options: ``given`` ones kept, plus a check of each pooled connection before use
    and, for PostgreSQL, a limit on how long a new connection may take.

    The check (a "pre-ping") lets planner carry on by itself after the database restarts, instead of
    failing once on every connection the pool kept; the limit turns a database that does not answer
    into the outage page within seconds, instead of a request that hangs.
    """
    options = {**(given or {}), "pool_pre_ping": True}
    if make_url(url).get_backend_name() == "postgresql":
        # libpq counts whole seconds (and treats less than 2 as 2).
        timeout = max(2, math.ceil(connect_timeout))
        options["connect_args"] = {"connect_timeout": timeout, **options.get("connect_args", {})}
    return options


def init_app(app: Flask) -> None:
    """Attach the database and migrations to the app."""
    from planner import models  # noqa: F401  (every table on the metadata, for migrations)
    from planner.config import PROJECT_ROOT

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.config["PLANNER_DB_CONNECT_TIMEOUT"],
        app.config.get("SQLALCHEMY_ENGINE_OPTIONS"),
    )
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / MIGRATIONS), render_as_batch=True)
