"""Shared fixtures: an app per test on a temporary database, its client and CLI runner.

Tests run on a fresh SQLite file by default. When ``PLANNER_TEST_DATABASE_URL`` names a
PostgreSQL database (CI sets it), every test runs there instead, on an emptied schema.
"""

from __future__ import annotations

import io
import os

import pytest
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import MetaData, create_engine

import planner.pdf
from planner import create_app

TEST_DATABASE_URL = os.environ.get("PLANNER_TEST_DATABASE_URL")


def empty_database(url: str) -> None:
    """Drop every table in the database, so each test starts from nothing."""
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        metadata.drop_all(engine)
    finally:
        engine.dispose()


@pytest.fixture
def database_url(tmp_path):
    """The database URL one test may use and change freely."""
    if not TEST_DATABASE_URL:
        yield "sqlite:///" + str(tmp_path / "test.db")
        return
    empty_database(TEST_DATABASE_URL)
    yield TEST_DATABASE_URL
    empty_database(TEST_DATABASE_URL)


@pytest.fixture
def app(database_url):
    """A fresh app on an empty database, with the default framework."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": database_url,
        }
    )
    yield app
    with app.app_context():
        from planner.db import db

        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def framework(app):
    """The default framework as the app loaded it."""
    return app.extensions["planner_framework"]


@pytest.fixture
def renders(monkeypatch):
    """Quick one-page PDFs in place of the real plans, counted; the tests about files use these.
    ``renders.fail_at`` makes that render (counted from 1) raise."""

    class Renders:
        calls: list[str] = []
        fail_at: int | None = None

    def render(printable, **_):
        Renders.calls.append(printable.person)
        if len(Renders.calls) == Renders.fail_at:
            raise RuntimeError("the renderer broke")
        out = io.BytesIO()
        canvas = Canvas(out)
        canvas.drawString(72, 720, f"{printable.person} {printable.status}")
        canvas.showPage()
        canvas.save()
        return out.getvalue()

    Renders.calls = []
    monkeypatch.setattr(planner.pdf, "render_plan", render)
    return Renders
