"""Printing a team's or trust's plans at once: a zip of PDFs or one PDF with contents and bookmarks,
written atomically, resumable, and the ``planner print-plans`` command."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from flask_migrate import upgrade
from pypdf import PdfReader
from sqlalchemy import func, select

import planner.bulk
from planner.bulk import Batch, _contents, write_combined, write_zip
from planner.cli import cli
from planner.core.errors import PlanningError
from planner.core.plan import assemble_plan
from planner.db import db
from planner.models import (
    IntegratedCareSystem,
    Person,
    Plan,
    Region,
    Team,
    Trust,
    current_levels,
    person_to_core,
    ratings_of,
)
from planner.plans import plan_inputs, plan_to_dict
from planner.printing import NOT_YET_AGREED, printable_from_current, slug

TODAY = date(2026, 11, 26)


class Seeded:
    """The ids the tests print: a team of six, its trust, and the one member with a saved plan."""

    def __init__(self, team: int, trust: int, planned: str, names: list[str]):
        self.team, self.trust, self.planned, self.names = team, trust, planned, names


NAMES = ["Amira Shah", "Ben Carter", "Chloe Davies", "Dev Patel", "Emma Hughes", "Femi Adeyemi"]


@pytest.fixture
def seeded(app):
    """A trust with a team of six (one of them with an agreed plan) and a team of two, and a
    second trust of one, so printing a team or trust must pick out its own people."""
    framework = app.extensions["planner_framework"]
    with app.app_context():
        upgrade()
        system = IntegratedCareSystem(name="Lakes ICS", region=Region(name="North West"))
        trust, other = Trust(name="Northgate Trust", system=system), Trust(name="Southgate Trust", system=system)
        team, rotas, elsewhere = Team(name="Medical staffing", trust=trust), Team(name="Rotas", trust=trust), Team(name="HR", trust=other)
        # Added in reverse so the order printed comes from the names, not the ids.
        members = [(name, team) for name in reversed(NAMES)] + [("Gill Moss", rotas), ("Hari Rao", rotas), ("Ivy Lamb", elsewhere)]
        for number, (name, where) in enumerate(members):
            role = "rota_coordinator" if number % 2 else "medical_workforce_advisor"
            db.session.add(Person(
                name=name, email=f"person{number}@trust.nhs.example", trust=where.trust, team=where, role_id=role,
                band=framework.role[role].band, started_in_role=date(2025, 3, 1), protected_hours=4,
                target_role_id="medical_workforce_advisor" if number % 2 else None,
            ))
        db.session.flush()
        planned = db.session.scalar(select(Person).where(Person.name == NAMES[1]))
        save_plan(planned, framework)
        db.session.commit()
        return Seeded(team.id, trust.id, planned.name, NAMES)


def save_plan(person: Person, framework) -> None:
    """An agreed plan, version 1, made today from the person's current data."""
    levels = current_levels(ratings_of(person))
    result = assemble_plan(framework, person_to_core(person, TODAY, levels), person.target_role_id, TODAY)
    db.session.add(Plan(
        person=person, version=1, status="agreed", framework_version=framework.version,
        target_role_id=result.target, route=result.route, plan_date=TODAY,
        inputs=plan_inputs(framework.version, result.target, result.route, levels, person.protected_hours,
                           person.months_in_role(TODAY), TODAY),
        result=plan_to_dict(result, framework), created_by=person,
    ))


def team_batch(app, seeded) -> Batch:
    return Batch(app.extensions["planner_framework"], TODAY, team=db.session.get(Team, seeded.team))


def text_of(reader: PdfReader, pages=None) -> str:
    """The text of the pages, every run of spaces and line breaks made one space."""
    return " ".join(" ".join(page.extract_text().split()) for page in (pages or reader.pages))


def test_a_batch_walks_a_team_or_trust_in_name_order(app, seeded):
    framework = app.extensions["planner_framework"]
    with app.app_context():
        batch = team_batch(app, seeded)
        entries = list(batch)
        assert len(batch) == 6 and [e.printable.person for e in entries] == seeded.names
        assert batch.title.startswith("Development plans: ") and db.session.get(Team, seeded.team).name in batch.title
        assert [e.from_current for e in entries] == [name != seeded.planned for name in seeded.names]
        assert len({e.key for e in entries}) == 6
        trust = Batch(framework, TODAY, trust=db.session.get(Trust, seeded.trust))
        in_trust = db.session.scalar(select(func.count()).select_from(Person).where(Person.trust_id == seeded.trust))
        names = [e.printable.person for e in trust]
        assert len(trust) == len(names) == in_trust == 8
        assert names == sorted(names)
        assert trust.title == f"Development plans: {db.session.get(Trust, seeded.trust).name}"
        with pytest.raises(ValueError):
            Batch(framework, TODAY)
        with pytest.raises(ValueError):
            Batch(framework, TODAY, team=db.session.get(Team, seeded.team), trust=db.session.get(Trust, seeded.trust))


def test_a_plan_that_cannot_be_assembled_names_its_person(app, seeded, monkeypatch):
    def refuse(person, framework, today):
        raise PlanningError("no route to the target")

    monkeypatch.setattr(planner.bulk, "printable_from_current", refuse)
    with app.app_context(), pytest.raises(PlanningError, match=f"^{seeded.names[0]}: no route to the target$"):
        list(team_batch(app, seeded))


def test_one_pdf_has_a_contents_page_and_a_bookmark_per_person(app, seeded, tmp_path):
    out, told = tmp_path / "team.pdf", []
    with app.app_context():
        written = write_combined(team_batch(app, seeded), out, lambda done, total: told.append((done, total)))
    assert (written.plans, written.from_current, written.rendered) == (6, 5, 6)
    assert told == [(done, 6) for done in range(1, 7)]
    reader = PdfReader(out)
    people = [item for item in reader.outline if not isinstance(item, list)]
    assert [item.title for item in people] == seeded.names
    # Each person's sections sit beneath them.
    sections = [item for item in reader.outline if isinstance(item, list)]
    assert len(sections) == 6 and all(section[0].title == "About this plan" for section in sections)
    contents = text_of(reader, [reader.pages[0]])
    for name, item in zip(seeded.names, people):
        start = reader.get_destination_page_number(item)
        assert f"Development plan: {name}" in text_of(reader, [reader.pages[start]])
        status = "Agreed" if name == seeded.planned else NOT_YET_AGREED
        assert int(re.search(rf"{re.escape(name)} Medical staffing {status} (\d+)", contents)[1]) == start + 1
    assert reader.metadata.title.startswith("Development plans: ")
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_a_zip_has_one_valid_pdf_per_person_and_those_without_a_plan_are_not_yet_agreed(app, seeded, tmp_path):
    out = tmp_path / "team.zip"
    with app.app_context():
        written = write_zip(team_batch(app, seeded), out)
    assert (written.plans, written.from_current) == (6, 5)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert names == [f"{n:04d}-{slug(name)}.pdf" for n, name in enumerate(seeded.names, 1)]
        for member, name in zip(names, seeded.names):
            text = text_of(PdfReader(io.BytesIO(archive.read(member))))
            assert name in text
            assert (NOT_YET_AGREED in text) == (name != seeded.planned), name
            if name == seeded.planned:
                assert "Agreed, version 1" in text
    assert len(set(names)) == 6


@pytest.mark.parametrize("write", [write_zip, write_combined])
def test_a_failure_midway_leaves_no_file_and_no_temporary_file(app, seeded, tmp_path, renders, write):
    renders.fail_at = 3
    out = tmp_path / "out" / "plans.bin"
    out.parent.mkdir()
    with app.app_context(), pytest.raises(RuntimeError):
        write(team_batch(app, seeded), out)
    assert list(out.parent.iterdir()) == []
    # An earlier file at the path is left as it was.
    out.write_bytes(b"yesterday's plans")
    renders.calls.clear()
    with app.app_context(), pytest.raises(RuntimeError):
        write(team_batch(app, seeded), out)
    assert list(out.parent.iterdir()) == [out] and out.read_bytes() == b"yesterday's plans"


def test_a_rerun_with_a_work_folder_renders_only_the_people_not_yet_done(app, seeded, tmp_path, renders):
    out, work = tmp_path / "team.zip", tmp_path / "work" / "team"
    renders.fail_at = 3
    with app.app_context(), pytest.raises(RuntimeError):
        write_zip(team_batch(app, seeded), out, work_dir=work)
    assert not out.exists() and len(list(work.glob("*.pdf"))) == 2
    assert not [p for p in work.iterdir() if p.suffix != ".pdf"]
    renders.fail_at, renders.calls = None, []
    with app.app_context():
        written = write_zip(team_batch(app, seeded), out, work_dir=work)
    assert renders.calls == seeded.names[2:]
    assert (written.plans, written.rendered) == (6, 4)
    with zipfile.ZipFile(out) as archive:
        assert len(archive.namelist()) == len(set(archive.namelist())) == 6
        assert all(PdfReader(io.BytesIO(archive.read(name))).pages for name in archive.namelist())
    # Everything is done now: one PDF from the same work folder renders no one again.
    renders.calls = []
    with app.app_context():
        written = write_combined(team_batch(app, seeded), tmp_path / "team.pdf", work_dir=work)
    assert renders.calls == [] and (written.plans, written.rendered) == (6, 0)
    assert [item.title for item in PdfReader(tmp_path / "team.pdf").outline] == seeded.names


@pytest.fixture
def fifty(app, seeded):
    """A team of fifty (names with a number, so their order is known), in the seeded trust."""
    framework = app.extensions["planner_framework"]
    with app.app_context():
        trust = db.session.get(Trust, seeded.trust)
        team = Team(name="Changeover", trust=trust)
        names = [f"Member {number:02d}" for number in range(1, 51)]
        for number, name in enumerate(reversed(names)):
            db.session.add(Person(
                name=name, email=f"member{number}@trust.nhs.example", trust=trust, team=team, role_id="rota_coordinator",
                band=framework.role["rota_coordinator"].band, started_in_role=date(2025, 3, 1), protected_hours=4,
            ))
        db.session.commit()
        return team.id, names


def fifty_batch(app, team_id: int) -> Batch:
    return Batch(app.extensions["planner_framework"], TODAY, team=db.session.get(Team, team_id))


def test_fifty_people_make_one_pdf_with_fifty_bookmarks(app, fifty, tmp_path, renders):
    team_id, names = fifty
    with app.app_context():
        written = write_combined(fifty_batch(app, team_id), tmp_path / "fifty.pdf")
    reader = PdfReader(tmp_path / "fifty.pdf", strict=True)
    assert written.plans == 50 and [item.title for item in reader.outline] == names
    # The contents (two pages for fifty), then one page for each of the quick plans, each where its
    # bookmark and its line in the contents say.
    assert len(reader.pages) == 52
    assert [reader.get_destination_page_number(item) for item in reader.outline] == list(range(2, 52))
    assert [int(n) for n in re.findall(r"Not yet agreed (\d+)", text_of(reader, reader.pages[:2]))] == list(range(3, 53))


def test_fifty_people_make_a_zip_of_fifty_valid_pdfs(app, fifty, tmp_path, renders):
    team_id, names = fifty
    with app.app_context():
        write_zip(fifty_batch(app, team_id), tmp_path / "fifty.zip")
    with zipfile.ZipFile(tmp_path / "fifty.zip") as archive:
        assert archive.testzip() is None
        members = archive.namelist()
        assert members == [f"{n:04d}-member-{n:02d}.pdf" for n in range(1, 51)]
        for member, name in zip(members, names):
            assert text_of(PdfReader(io.BytesIO(archive.read(member)), strict=True)).startswith(name)


def test_an_interrupted_print_of_fifty_resumes_and_ends_with_fifty_once_each(app, fifty, tmp_path, renders):
    team_id, names = fifty
    out, work = tmp_path / "fifty.pdf", tmp_path / "work"
    renders.fail_at = 31
    with app.app_context(), pytest.raises(RuntimeError):
        write_combined(fifty_batch(app, team_id), out, work_dir=work)
    assert not out.exists() and len(list(work.glob("*.pdf"))) == 30
    renders.fail_at, renders.calls = None, []
    with app.app_context():
        written = write_combined(fifty_batch(app, team_id), out, work_dir=work)
    assert renders.calls == names[30:] and (written.plans, written.rendered) == (50, 20)
    reader = PdfReader(out, strict=True)
    assert [item.title for item in reader.outline] == names
    assert [page.extract_text().split(" Not yet")[0] for page in reader.pages[2:]] == names


def test_a_changed_plan_is_rendered_again_not_reused(app, seeded, tmp_path, renders):
    work = tmp_path / "work"
    with app.app_context():
        write_zip(team_batch(app, seeded), tmp_path / "a.zip", work_dir=work)
        person = db.session.scalar(select(Person).where(Person.name == seeded.names[0]))
        person.protected_hours += 1
        renders.calls = []
        write_zip(team_batch(app, seeded), tmp_path / "b.zip", work_dir=work)
        db.session.rollback()
    assert renders.calls == [seeded.names[0]]


def test_long_contents_run_over_pages_and_still_give_the_right_page_numbers(app, seeded):
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.name == seeded.names[0]))
        printable = printable_from_current(person, app.extensions["planner_framework"], TODAY)
    reader = PdfReader(_contents("Development plans: everyone", [(printable, 3)] * 80))
    pages = len(reader.pages)
    assert pages >= 2
    numbers = [int(n) for n in re.findall(r"Not yet agreed (\d+)", text_of(reader))]
    assert numbers == [pages + 1 + 3 * n for n in range(80)]


@pytest.mark.parametrize(("name", "expected"), [("Amira Shah", "amira-shah"), ("Siân O'Brien-Jones", "sian-o-brien-jones"), ("李", "person")])
def test_file_names_are_ascii(name, expected):
    assert slug(name) == expected


# The command.


def test_the_command_prints_a_team_as_one_pdf(app, seeded, runner, tmp_path, renders):
    out = tmp_path / "team.pdf"
    result = runner.invoke(cli, ["print-plans", "--team", str(seeded.team), "--out", str(out), "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert f"Wrote 6 plans to {out.resolve()} (5 assembled from current data, not yet agreed)." in result.output
    assert [item.title for item in PdfReader(out).outline] == seeded.names
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Plan)) == 1


def test_the_command_prints_a_trust_as_a_zip_and_reuses_a_work_folder(app, seeded, runner, tmp_path, renders):
    out, work = tmp_path / "trust.zip", tmp_path / "work"
    args = ["print-plans", "--trust", str(seeded.trust), "--out", str(out), "--zip", "--work-dir", str(work)]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    with app.app_context():
        people = db.session.scalar(select(func.count()).select_from(Person).where(Person.trust_id == seeded.trust))
    assert f"Wrote {people} plans to {out.resolve()}" in first.output and "Reused" not in first.output
    with zipfile.ZipFile(out) as archive:
        assert len(archive.namelist()) == people
    again = runner.invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert f"Reused {people} plan(s) already rendered in {work}." in again.output


@pytest.mark.parametrize("options", [[], ["--team", "1", "--trust", "1"]])
def test_the_command_needs_exactly_one_of_team_and_trust(seeded, runner, tmp_path, options):
    result = runner.invoke(cli, ["print-plans", *options, "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert "exactly one of --trust ID and --team ID" in result.output
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("kind", ["team", "trust"])
def test_the_command_says_when_the_id_is_unknown(seeded, runner, tmp_path, kind):
    result = runner.invoke(cli, ["print-plans", f"--{kind}", "999", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert f"there is no {kind} with id 999" in result.output


def test_the_command_needs_the_output_folder_to_exist(seeded, runner, tmp_path):
    result = runner.invoke(cli, ["print-plans", "--team", str(seeded.team), "--out", str(tmp_path / "missing" / "x.pdf")])
    assert result.exit_code == 1
    assert f"the folder {tmp_path / 'missing'} does not exist" in result.output


def test_the_command_says_when_a_team_is_empty(app, seeded, runner, tmp_path):
    with app.app_context():
        empty = Team(name="Nobody yet", trust_id=seeded.trust)
        db.session.add(empty)
        db.session.commit()
        empty_id = empty.id
    result = runner.invoke(cli, ["print-plans", "--team", str(empty_id), "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and "no one is in Nobody yet; nothing printed" in result.output


def test_the_command_asks_for_the_database_to_be_prepared_first(app, runner, tmp_path):
    result = runner.invoke(cli, ["print-plans", "--team", "1", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and "planner db upgrade" in result.output


def test_the_command_reports_a_plan_it_cannot_make_or_a_file_it_cannot_write(seeded, runner, tmp_path, monkeypatch):
    args = ["print-plans", "--team", str(seeded.team), "--out", str(tmp_path / "x.zip"), "--zip"]

    def no_plan(*_, **__):
        raise PlanningError("Amira Shah: no route to the target")

    def disk_full(*_, **__):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(planner.bulk, "write_zip", no_plan)
    result = runner.invoke(cli, args)
    assert result.exit_code == 1 and "Error: Amira Shah: no route to the target" in result.output
    monkeypatch.setattr(planner.bulk, "write_zip", disk_full)
    result = runner.invoke(cli, args)
    assert result.exit_code == 1 and "could not write" in result.output and "No space left on device" in result.output
    assert not Path(tmp_path / "x.zip").exists()
