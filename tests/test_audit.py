"""The audit trail: append-only, and every event made in a request carries the client's address."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update

from planner.db import db
from planner.models import AuditEvent, Region
from planner.models.records import AuditTrailError, audit, rewriting_audit_trail


@pytest.fixture
def event_id(app):
    """One audit event, committed, made outside any request."""
    with app.app_context():
        db.create_all()
        region = Region(name="North")
        db.session.add(region)
        event = audit(None, "region_added", region, note="first")
        db.session.commit()
        assert event.address is None
        return event.id


def test_an_event_made_in_a_request_records_the_client_address(app, event_id):
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        region = db.session.get(Region, 1)
        event = audit(None, "region_seen", region)
        db.session.commit()
        assert db.session.get(AuditEvent, event.id).address == "203.0.113.9"
        # An event made directly (as the error pages do) gets it too; one given an address keeps it.
        direct = AuditEvent(action="refused", record_type="route", detail={})
        given = AuditEvent(action="refused", record_type="route", detail={}, address="198.51.100.1")
        db.session.add_all([direct, given])
        db.session.commit()
        assert (direct.address, given.address) == ("203.0.113.9", "198.51.100.1")


def test_an_event_cannot_be_changed_or_deleted_through_the_orm(app, event_id):
    with app.app_context():
        event = db.session.get(AuditEvent, event_id)
        event.detail = {"note": "rewritten"}
        with pytest.raises(AuditTrailError, match="append-only"):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEvent, event_id))
        with pytest.raises(AuditTrailError, match="append-only"):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(AuditTrailError, match="UPDATE or DELETE statement"):
            db.session.execute(update(AuditEvent).values(action="x"))
        with pytest.raises(AuditTrailError, match="UPDATE or DELETE statement"):
            db.session.execute(delete(AuditEvent))
        db.session.rollback()
        assert db.session.get(AuditEvent, event_id).detail == {"note": "first"}


def test_an_event_touched_without_a_change_is_not_refused(app, event_id):
    with app.app_context():
        event = db.session.get(AuditEvent, event_id)
        event.action = event.action
        db.session.commit()
        assert db.session.get(AuditEvent, event_id).action == "region_added"


def test_erasure_and_purge_may_rewrite_the_trail(app, event_id):
    with app.app_context():
        with rewriting_audit_trail():
            db.session.get(AuditEvent, event_id).detail = {"note": "[erased]"}
        db.session.commit()
        assert db.session.get(AuditEvent, event_id).detail == {"note": "[erased]"}
        with rewriting_audit_trail():
            db.session.execute(delete(AuditEvent).where(AuditEvent.id == event_id))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_on_postgresql_a_trigger_refuses_changes_made_around_the_orm(app):
    from flask_migrate import upgrade
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the append-only trigger is PostgreSQL's; set PLANNER_TEST_DATABASE_URL to run this")
        upgrade()
        db.session.execute(text("INSERT INTO audit_events (at, action, record_type, detail) VALUES (now(), 'a', 'b', '{}')"))
        db.session.commit()
        for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
        with rewriting_audit_trail():
            db.session.execute(text("UPDATE audit_events SET action = 'x'"))
        db.session.commit()
        # The setting lasts for that transaction only.
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text("DELETE FROM audit_events"))
        db.session.rollback()
        assert db.session.scalar(text("SELECT action FROM audit_events")) == "x"
