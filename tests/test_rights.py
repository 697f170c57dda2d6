"""Data rights: subject access covers every table, erasure leaves no identifier behind, restriction,
and purge removes what is past retention and nothing else."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import String, cast, func, select

from planner import create_app
from planner.cli import cli
from planner.db import db
from planner.models import (
    Account,
    AuditEvent,
    Checkin,
    MentorOffer,
    MentorRequest,
    Person,
    PersonModule,
    PersonNeed,
    PersonNeedsSummary,
    Plan,
    PrintJob,
    ProfessionalQualification,
    QuizResult,
    Rating,
    Secondment,
    SecondmentInterest,
    SecondmentOpportunity,
    Team,
    TrainingRecord,
    Trust,
    audit,
)
from planner.rights import (
    SECTIONS,
    RightsError,
    erase,
    lift_restriction,
    past_retention,
    purge,
    referencing_columns,
    render_subject_access,
    restrict,
    set_retention,
    subject_access,
)
from tests.web.conftest import SMALL, build_world

NOW = datetime(2026, 11, 26, 12, 0)


@pytest.fixture
def app(database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": database_url, "PLANNER_FRAMEWORK": str(SMALL)})
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def world(app):
    with app.app_context():
        world = build_world(app.extensions["planner_framework"])
        fill(world)
        return world


def fill(world) -> None:
    """A row about "staff" in every table that can hold one, and "staff" acting on "peer"."""
    staff, peer, manager = (db.session.get(Person, world.person[name]) for name in ("staff", "peer", "manager"))
    staff.name, staff.assignment_number = "Zelda Quarterman", "12345678"
    account = staff.account
    manager_account = manager.account
    opportunity = SecondmentOpportunity(
        host_team_id=world.team["A2"], role_id="admin", title="Six months in A2", starts_on=date(2027, 1, 1),
        months=6, posted_by_id=manager_account.id,
    )
    team = db.session.get(Team, world.team["B1"])
    rows = [
        Rating(person=staff, competency_id="ROT-01", level=2, rater="self", rated_by=staff, evidence="Ran the rota"),
        Rating(person=peer, competency_id="ROT-01", level=1, rater="self", rated_by=staff, evidence="Peer's own note"),
        Plan(person=staff, version=1, framework_version="test-1", plan_date=date(2026, 1, 1), inputs={"name": staff.name},
             result={}, created_by=staff),
        Checkin(person=staff, held_on=date(2026, 4, 1), notes="Settling in", recorded_by_id=manager_account.id),
        TrainingRecord(person=staff, module_id="T01", completed_on=date(2026, 5, 1), hours=3, recorded_by_id=account.id),
        ProfessionalQualification(person=staff, qualification_id="cipd-5", awarded_on=date(2024, 1, 1), recorded_by_id=account.id),
        QuizResult(person=staff, answers={"q1": "a"}, ranking=["rota"]),
        MentorOffer(person=staff, competency_id="ROT-01"),
        MentorRequest(seeker=staff, mentor=manager, competency_id="HRF-01", message="Please"),
        opportunity,
        SecondmentInterest(opportunity=opportunity, person=staff, note="Keen"),
        Secondment(opportunity=opportunity, person=staff, place=1, confirmed_by_id=manager_account.id),
        PrintJob(account_id=account.id, team_id=world.team["A1"], format="pdf"),
    ]
    db.session.add_all(rows)
    team.managers.append(staff)
    staff.line_manager = manager
    audit(account, "self_rating", rows[0], person=staff, competency="ROT-01")
    audit(None, "person_updated_by_import", staff, person=staff, assignment_number="12345678",
          changes={"email": [staff.email.upper(), "x"], "name": f"was {staff.name}"})
    audit(manager_account, "checkin", rows[3], person=staff, note=f"with {staff.name.lower()}")
    db.session.commit()
    # Stored needs are kept up to date by planner.insight as ratings change.
    for model in (PersonNeedsSummary, PersonNeed, PersonModule):
        assert db.session.scalar(select(func.count()).select_from(model).where(model.person_id == staff.id))


def test_every_table_that_refers_to_people_or_accounts_has_a_section(app):
    with app.app_context():
        referring = {t.name for t in db.metadata.sorted_tables if referencing_columns(t)} | {"people", "accounts"}
        missing = referring - set(SECTIONS)
        assert not missing, (
            f"Add {sorted(missing)} to planner.rights.SECTIONS with a heading, and check erasure deletes or keeps "
            "its rows as the README says (KEPT_ON_ERASURE)."
        )


def test_subject_access_holds_a_row_from_every_table_about_the_person(app, world):
    with app.app_context():
        staff = db.session.get(Person, world.person["staff"])
        data = subject_access(staff, NOW)
        sections = data["sections"]
        # Opportunities and print jobs only record who posted or started them.
        about = set(SECTIONS) - {"secondment_opportunities", "print_jobs"}
        assert {name for name, rows in sections.items() if rows} == about
        account = sections["accounts"][0]
        assert account["email"] == staff.email and "password_hash" not in account and "session_version" not in account
        assert [row["evidence"] for row in sections["ratings"]] == ["Ran the rota"]
        assert len(sections["audit_events"]) == 3
        # The rating staff gave peer is listed by id only: nothing of peer's note.
        assert data["recorded_by_them"]["ratings"] == [{"id": 2, "as": "rated_by_id"}]
        assert data["recorded_by_them"]["print_jobs"] == [{"id": 1, "as": "account_id"}]
        assert "Peer's own note" not in json.dumps(data)
        json.dumps(data)  # plain JSON throughout


def test_the_pdf_reads_as_the_export(app, world):
    with app.app_context():
        data = subject_access(db.session.get(Person, world.person["staff"]), NOW)
        pdf = render_subject_access(data, invariant=True)
        reader = PdfReader(__import__("io").BytesIO(pdf))
        text = "".join(page.extract_text() for page in reader.pages)
        assert "Data held about Zelda Quarterman" in text and "Check-ins (1)" in text and "Settling in" in text
        assert "Recorded by them about others" in text
        assert reader.metadata.title == "Data held about Zelda Quarterman"
        assert render_subject_access(data, invariant=True) == pdf


def test_a_person_with_nothing_recorded_gets_empty_sections(app, world):
    with app.app_context():
        person = db.session.get(Person, world.person["other_trust"])
        data = subject_access(person, NOW)
        assert data["sections"]["ratings"] == [] and data["recorded_by_them"] == {}
        text = "".join(p.extract_text() for p in PdfReader(__import__("io").BytesIO(render_subject_access(data))).pages)
        assert "Nothing held." in text


def holders_of(words: list[str]) -> list[str]:
    """The tables with a text value holding one of ``words`` (any case)."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [cast(c, String) for c in table.columns]
        for word in words:
            hits = [func.lower(c).contains(word.lower(), autoescape=True) for c in columns]
            if db.session.scalar(select(func.count()).select_from(table).where(db.or_(*hits))):
                found.append(f"{table.name}: {word}")
    return found


def test_erasure_leaves_no_identifier_anywhere_and_keeps_the_audit_trail(app, world):
    with app.app_context():
        staff = db.session.get(Person, world.person["staff"])
        words = ["Zelda Quarterman", staff.email, "12345678"]
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        assert holders_of(words)
        with pytest.raises(RightsError, match="Type the person's name exactly"):
            erase(staff, "Asked on 1 November", "zelda quarterman", NOW)
        with pytest.raises(RightsError, match="Give the reason"):
            erase(staff, "  ", "Zelda Quarterman", NOW)
        result = erase(staff, "Asked by zelda quarterman on 1 November", " Zelda Quarterman ", NOW)
        db.session.commit()
        assert holders_of(words) == []
        assert result.pseudonym.startswith("Erased person ") and staff.name == result.pseudonym
        assert result.audit_events_scrubbed == 2
        assert result.deleted == {
            "person_modules": 1, "person_needs": 1, "needs_summaries": 1, "secondments": 1, "secondment_interests": 1,
            "mentor_requests": 1, "mentor_offers": 1, "quiz_results": 1, "professional_qualifications": 1,
            "training_records": 1, "checkins": 1, "plans": 1, "ratings": 1, "team_managers": 1,
        }
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
        assert staff.erasure_reason == "Asked by [erased] on 1 November"
        account = db.session.get(Account, world.account["staff"])
        assert not account.active and not account.check_password("correct horse battery")
        # What staff recorded about peer stays, pointing at the pseudonym.
        assert db.session.scalar(select(Rating.evidence).where(Rating.person_id == world.person["peer"])) == "Peer's own note"
        with pytest.raises(RightsError, match="already been erased"):
            erase(staff, "again", staff.name, NOW)
        with pytest.raises(RightsError, match="nothing left to restrict"):
            restrict(staff, "why", NOW)


def test_restriction_needs_a_reason_and_can_be_lifted(app, world):
    with app.app_context():
        staff = db.session.get(Person, world.person["staff"])
        with pytest.raises(RightsError, match="Give the reason"):
            restrict(staff, "", NOW)
        restrict(staff, " Accuracy disputed ", NOW)
        assert (staff.restricted_at, staff.restriction_reason) == (NOW, "Accuracy disputed")
        lift_restriction(staff)
        assert (staff.restricted_at, staff.restriction_reason) == (None, None)


def aged(app, world, months_old: dict[str, datetime]) -> None:
    """Rows of every purged kind, for trust A (staff) and trust B (other_trust), dated as given."""
    with app.app_context():
        for name in ("staff", "other_trust"):
            person = db.session.get(Person, world.person[name])
            for label, at in months_old.items():
                db.session.add_all([
                    AuditEvent(at=at, account_id=person.account.id, action=label, record_type="people", record_id=person.id,
                               person_id=person.id, detail={}),
                    QuizResult(person=person, answers={}, ranking=[], taken_at=at),
                    PrintJob(account_id=person.account.id, team_id=person.team_id, format="pdf", status="done", finished_at=at),
                    MentorRequest(seeker=person, mentor_id=world.person["manager"], competency_id=label, status="declined", decided_at=at),
                    MentorOffer(person=person, competency_id=label, withdrawn_at=at),
                ])
            # Not past retention, however old: an open offer, a request awaiting an answer, a running job.
            db.session.add_all([
                MentorOffer(person=person, competency_id="open", created_at=datetime(2000, 1, 1)),
                MentorRequest(seeker=person, mentor_id=world.person["manager"], competency_id="open", created_at=datetime(2000, 1, 1)),
                PrintJob(account_id=person.account.id, trust_id=person.trust_id, format="zip", status="running",
                         created_at=datetime(2000, 1, 1)),
            ])
        # An event made by an account, about no one, counts for the account's trust.
        db.session.add(AuditEvent(at=datetime(2000, 1, 1), account_id=world.account["trust_admin"], action="old_by_account",
                                  record_type="trusts", record_id=1, detail={}))
        db.session.commit()


def test_purge_removes_what_is_past_retention_and_nothing_else(app, world, runner):
    # Trust A keeps 12 months, trust B the default 72. A row exactly 12 months old is just inside.
    aged(app, world, {"old": datetime(2025, 11, 26, 11, 59), "edge": datetime(2025, 11, 26, 12, 0), "new": datetime(2026, 6, 1)})
    with app.app_context():
        trust_a = db.session.get(Trust, world.trust["A"])
        set_retention(trust_a, 12)
        with pytest.raises(RightsError, match="from 12 to 240"):
            set_retention(trust_a, 11)
        db.session.commit()
        found = past_retention(trust_a, NOW)
        assert {name: len(ids) for name, ids in found.items()} == {
            "audit_events": 2, "quiz_results": 1, "print_jobs": 1, "mentor_requests": 1, "mentor_offers": 1, "secondment_interests": 0,
        }
        before = {m: db.session.scalar(select(func.count()).select_from(m)) for m in (AuditEvent, QuizResult, PrintJob, MentorRequest, MentorOffer)}
        assert purge(NOW, dry_run=True) == {
            "Trust A": {"audit_events": 2, "quiz_results": 1, "print_jobs": 1, "mentor_requests": 1, "mentor_offers": 1},
            "Trust B": {},
        }
        assert {m: db.session.scalar(select(func.count()).select_from(m)) for m in before} == before
        purge(NOW)
        db.session.commit()
        after = {m: db.session.scalar(select(func.count()).select_from(m)) for m in before}
        # The purge itself is audited: one event for trust A, which lost rows.
        assert after == {m: count - 1 for m, count in before.items()}
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention_purge"))
        assert (event.record_type, event.record_id, event.detail["retention_months"]) == ("trusts", trust_a.id, 12)
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "old")) == 1  # trust B's
        assert past_retention(trust_a, NOW)["audit_events"] == []
        assert purge(NOW) == {"Trust A": {}, "Trust B": {}}


def test_purge_reaches_withdrawn_secondment_interest(app, world):
    with app.app_context():
        interest = db.session.scalar(select(SecondmentInterest))
        interest.withdrawn_at = datetime(2019, 1, 1)
        db.session.commit()
        trust_a = db.session.get(Trust, world.trust["A"])
        assert past_retention(trust_a, NOW)["secondment_interests"] == [interest.id]


def test_the_purge_command_lists_then_removes(app, world, runner):
    aged(app, world, {"old": datetime(2010, 1, 1)})
    result = runner.invoke(cli, ["purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Trust A: would remove 2 from audit_events, 1 from quiz_results, 1 from print_jobs" in result.output
    result = runner.invoke(cli, ["purge"])
    assert result.exit_code == 0, result.output
    assert "Trust B: removed 1 from audit_events" in result.output
    assert "removed nothing" in runner.invoke(cli, ["purge"]).output


def test_the_export_command_writes_json_and_pdf_and_is_audited(app, world, runner, tmp_path):
    person_id = world.person["staff"]
    result = runner.invoke(cli, ["export-person", str(person_id), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out" / f"person-{person_id}.json").read_text(encoding="utf-8"))
    assert data["person_id"] == person_id and data["sections"]["checkins"][0]["notes"] == "Settling in"
    assert (tmp_path / "out" / f"person-{person_id}.pdf").read_bytes().startswith(b"%PDF")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "subject_access_export"))
        assert (event.person_id, event.account_id, event.detail) == (person_id, None, {"via": "command line"})


def test_the_export_command_says_what_is_wrong(app, world, runner, tmp_path):
    result = runner.invoke(cli, ["export-person", "999"])
    assert result.exit_code == 2 and "there is no person with id 999" in result.output
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = runner.invoke(cli, ["export-person", str(world.person["staff"]), "--out", str(blocker / "sub")])
    assert result.exit_code == 2 and "could not write to" in result.output


def test_the_commands_need_a_database(database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": database_url, "PLANNER_FRAMEWORK": str(SMALL)})
    runner = app.test_cli_runner()
    try:
        for args in (["export-person", "1"], ["purge"]):
            result = runner.invoke(cli, args)
            assert result.exit_code == 1 and "planner db upgrade" in result.output
    finally:
        with app.app_context():
            db.engine.dispose()


def test_a_person_without_an_account_is_exported_and_erased(app, world):
    with app.app_context():
        person = Person(name="Quentin Noaccount", email="q@trust.nhs.example", trust_id=world.trust["A"], team_id=world.team["A1"],
                        role_id="rota", band="4", started_in_role=date(2025, 1, 1))
        db.session.add(person)
        db.session.flush()
        audit(None, "person_imported", person, person=person, line=3, changes={"Quentin Noaccount": "added"})
        db.session.commit()
        data = subject_access(person, NOW)
        assert data["sections"]["accounts"] == [] and len(data["sections"]["audit_events"]) == 1
        result = erase(person, "Left in 2019", "Quentin Noaccount", NOW)
        db.session.commit()
        # Only the stored needs planner worked out for them were held about them.
        assert set(result.deleted) == {"needs_summaries", "person_needs", "person_modules"}
        assert result.audit_events_scrubbed == 1
        assert holders_of(["Quentin Noaccount", "q@trust.nhs.example"]) == []


def test_purge_with_no_trusts_says_so(app, runner):
    result = runner.invoke(cli, ["purge"])
    assert result.exit_code == 0 and "No trusts: nothing to purge." in result.output


def test_an_erased_person_leaves_team_lists_figures_and_printing(app, world):
    from planner.bulk import Batch
    from planner.insight import Scope, training_needs

    with app.app_context():
        framework = app.extensions["planner_framework"]
        team = db.session.get(Team, world.team["A1"])
        trust = team.trust
        before = (len(team.members), training_needs(framework, Scope("trust", trust.id, trust.name)).people,
                  len(Batch(framework, date(2026, 11, 26), team=team)))
        staff = db.session.get(Person, world.person["staff"])
        erase(staff, "Asked on 1 November", "Zelda Quarterman", NOW)
        db.session.commit()
        db.session.expire_all()
        team = db.session.get(Team, world.team["A1"])
        after = (len(team.members), training_needs(framework, Scope("trust", trust.id, trust.name)).people,
                 len(Batch(framework, date(2026, 11, 26), team=team)))
        assert after == tuple(count - 1 for count in before)
        assert world.person["staff"] not in {person.id for person in team.members}
