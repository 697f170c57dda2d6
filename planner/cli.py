"""The ``planner`` command: Flask's commands (run, db, …), planning from the terminal, and
``planner demo`` to fill a fresh database with demo data.

Each command gathers its inputs (the framework, a person file, today's date), calls one core
function and prints the result. Problems a person can fix end the command with a message and a
non-zero status, never a traceback: 1 for a broken framework or an impossible request, 2 for a
bad person file or option.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date

import click
from flask import current_app
from flask.cli import FlaskGroup, NoAppException
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from planner import models
from planner.config import DEFAULT_FRAMEWORK
from planner.core.errors import FrameworkError, InputError, PlanningError
from planner.core.framework import Framework, Person
from planner.core.pathways import Pathway, find_pathways
from planner.core.tna import NeedsAnalysis, analyse_needs
from planner.config import SettingsError
from planner.db import db
from planner.demo import seed_demo
from planner.frameworks import check_framework, load_framework, summary
from planner.people import load_person


def _create_app():
    from planner import create_app

    try:
        return create_app()
    except FrameworkError as error:
        raise NoAppException("the framework file has problems:\n" + str(error)) from None
    except SettingsError as error:
        raise NoAppException(f"a setting is wrong: {error}") from None


cli = FlaskGroup(
    name="planner",
    create_app=_create_app,
    help="Career pathways and training needs for NHS medical staffing teams.",
)


def main() -> None:
    """Entry point of the ``planner`` console script."""
    cli.main(prog_name="planner")


framework_option = click.option(
    "--framework",
    "framework_path",
    type=click.Path(dir_okay=False),
    default=lambda: os.environ.get("PLANNER_FRAMEWORK") or str(DEFAULT_FRAMEWORK),
    show_default="competencies.yaml",
    help="The framework file to use.",
)
today_option = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Plan as if today were this date (YYYY-MM-DD); defaults to today.",
)


def _framework(path: str) -> Framework:
    try:
        return load_framework(path)
    except FrameworkError as error:
        _fail(error.problems + (f"{len(error.problems)} problem(s) found; the framework was not loaded.",), 1)


def _person(path: str, framework: Framework) -> Person:
    try:
        return load_person(path, framework)
    except InputError as error:
        _fail(error.problems, 2)


def _fail(lines: tuple[str, ...] | list[str], status: int):
    for line in lines:
        click.echo(line, err=True)
    sys.exit(status)


NO_TABLES = "Error: the database has no tables yet; run 'planner db upgrade' first."


def _stored(model, ident: int, noun: str, status: int):
    """The stored record with this id; otherwise the command stops, saying what is missing."""
    try:
        record = db.session.get(model, ident)
    except SQLAlchemyError:
        _fail([NO_TABLES], 1)
    if record is None:
        _fail([f"Error: there is no {noun} with id {ident}."], status)
    return record


def _role(framework: Framework, role_id: str, option: str) -> str:
    if role_id not in framework.role:
        raise click.BadParameter(
            f"unknown role '{role_id}'; run 'planner roles' to list them", param_hint=option
        )
    return role_id


def _money(amount: int) -> str:
    return f"£{amount:,}"


# The planning commands read only the framework file, not the app: they must work, and
# report a broken framework in full, even when the app itself cannot start.
@cli.command("check-framework", with_appcontext=False)
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def check_framework_command(path: str | None) -> None:
    """Check a framework file and list every problem as FILE:LINE:COL: message."""
    path = path or os.environ.get("PLANNER_FRAMEWORK") or str(DEFAULT_FRAMEWORK)
    framework, problems = check_framework(path)
    if problems:
        _fail(problems + [f"{len(problems)} problem(s) found in {path}."], 1)
    click.echo(f"OK {path}: {summary(framework)}")


@cli.command("roles", with_appcontext=False)
@framework_option
def roles_command(framework_path: str) -> None:
    """List the roles with their band and pay range."""
    framework = _framework(framework_path)
    rows = []
    for role in sorted(framework.roles, key=lambda r: (framework.band_rank[r.band], r.title)):
        band = framework.band[role.band]
        rows.append((role.id, role.title, role.band, f"{_money(band.pay_entry)} to {_money(band.pay_top)} ({band.pay_year})"))
    header = ("ROLE", "TITLE", "BAND", "PAY")
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(3)]
    for row in [header] + rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3])


@cli.command("analyse", with_appcontext=False)
@click.option("--person", "person_path", required=True, type=click.Path(dir_okay=False), help="YAML or JSON person file.")
@click.option("--target", default=None, help="A role id to analyse the needs for.")
@framework_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@today_option
def analyse_command(person_path: str, target: str | None, framework_path: str, output_format: str, today) -> None:
    """Analyse a person's training needs for their role or a target role."""
    framework = _framework(framework_path)
    person = _person(person_path, framework)
    if target is not None:
        _role(framework, target, "--target")
    today = today.date() if today else date.today()
    try:
        analysis = analyse_needs(framework, person, target, today=today)
    except PlanningError as error:
        _fail([f"Error: {error}"], 1)
    routes: tuple[Pathway, ...] = ()
    note = None
    if target is not None and target != person.role:
        try:
            routes = find_pathways(framework, person, target)
        except PlanningError as error:
            note = str(error)
    if output_format == "json":
        click.echo(json.dumps(analysis_json(analysis, routes), indent=2))
        if note:
            click.echo(note, err=True)
    else:
        click.echo(analysis_text(framework, analysis, routes, note))


def analysis_json(analysis: NeedsAnalysis, routes: tuple[Pathway, ...]) -> dict:
    """The stable JSON shape of an analysis, as documented in README."""
    return {
        "person": analysis.person.name,
        "role": analysis.role,
        "target": analysis.target,
        "needs": [
            {
                "competency": n.competency,
                "current": n.current,
                "required": n.required,
                "gap": n.gap,
                "priority": n.priority,
                "critical": n.critical,
                "prerequisite_for": list(n.prerequisite_for),
            }
            for n in analysis.needs
        ],
        "modules": [{"id": m.id, "hours": _number(m.hours), "raises": dict(m.raises)} for m in analysis.modules],
        "total_hours": _number(analysis.total_hours),
        "completion": analysis.completion.strftime("%Y-%m"),
        "pathways": [
            {
                "steps": [{"from": s.source, "to": s.target, "kind": s.kind} for s in route.steps],
                "training_hours": _number(route.training_hours),
                "months": route.months,
                "total_months": _number(route.total_months),
            }
            for route in routes
        ],
    }


def _number(value: float) -> int | float:
    """Whole hours as integers (7, not 7.0), the rest rounded to two places."""
    return int(value) if float(value).is_integer() else round(value, 2)


def analysis_text(framework: Framework, analysis: NeedsAnalysis, routes: tuple[Pathway, ...], note: str | None) -> str:
    """An analysis as text for the terminal."""
    person = analysis.person
    role = framework.role[analysis.role]
    lines = [f"{person.name}: {role.title} (band {role.band})"]
    if analysis.target:
        target = framework.role[analysis.target]
        lines.append(f"Needs for {target.title} (band {target.band}):")
    else:
        lines.append("Needs for the current role:")
    gaps = analysis.gaps
    for need in gaps:
        competency = framework.competency[need.competency]
        flags = " critical" if need.critical else ""
        why = f" (needed before {', '.join(need.prerequisite_for)})" if need.prerequisite_for else ""
        lines.append(
            f"  {need.priority:>2}. {need.competency} {competency.name}: level {need.current} of {need.required}, gap {need.gap}{flags}{why}"
        )
    met = len(analysis.needs) - len(gaps)
    lines.append(f"  {met} requirement(s) already met." if gaps else "  Every requirement is met.")
    if analysis.modules:
        lines.append("Recommended training for these needs, from your current levels (in study order):")
        for module in analysis.modules:
            raises = ", ".join(f"{c} to {level}" for c, level in module.raises.items())
            lines.append(f"  {module.id} {module.title}: {module.hours:g} h; raises {raises}")
        lines.append(
            f"Total {analysis.total_hours:g} hours; at {person.protected_hours_per_month:g} protected hours a month, "
            f"done by {analysis.completion:%B %Y}."
        )
    if routes:
        lines.append("Routes:")
        lines.extend(route_text(framework, number, route) for number, route in enumerate(routes, 1))
    if note:
        lines.append(note)
    return "\n".join(lines)


def route_text(framework: Framework, number: int, route: Pathway) -> str:
    """One route as a few readable lines."""
    lines = [f"  Route {number}: about {route.total_months:.0f} months ({route.months} months in roles, {route.training_hours:g} training hours)"]
    for step in route.steps:
        source, target = framework.role[step.source], framework.role[step.target]
        change = "same band" if step.band_change == 0 else f"band {step.band_from} to {step.band_to}"
        modules = ", ".join(m.id for m in step.modules) or "no training needed"
        lines.append(
            f"    {source.title} -> {target.title}: {step.kind.replace('_', ' ')}, {change}, "
            f"after about {step.months} months; training {step.hours:g} h ({modules})"
        )
    return "\n".join(lines)


@cli.command("pathways", with_appcontext=False)
@click.option("--from", "source", required=True, help="The role id to start from.")
@click.option("--to", "target", required=True, help="The role id to reach.")
@click.option("--person", "person_path", type=click.Path(dir_okay=False), help="Use this person's levels (else all 0).")
@click.option("-k", "count", type=click.IntRange(1, 20), default=5, show_default=True, help="How many routes.")
@framework_option
def pathways_command(source: str, target: str, person_path: str | None, count: int, framework_path: str) -> None:
    """Show the fastest routes from one role to another."""
    framework = _framework(framework_path)
    _role(framework, source, "--from")
    _role(framework, target, "--to")
    person = Person(name="", role=source)
    if person_path:
        loaded = _person(person_path, framework)
        # Months already in the role shorten the first move only when the file's role is --from.
        months = loaded.months_in_role if loaded.role == source else 0
        person = Person(loaded.name, source, loaded.levels, loaded.protected_hours_per_month, months)
    try:
        routes = find_pathways(framework, person, target, k=count)
    except PlanningError as error:
        _fail([f"Error: {error}"], 1)
    click.echo(f"Routes from {framework.role[source].title} to {framework.role[target].title}, fastest first:")
    for number, route in enumerate(routes, 1):
        click.echo(route_text(framework, number, route))


@cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Seed only when the database holds no people; otherwise do nothing.")
def demo_command(if_empty: bool) -> None:
    """Fill a fresh database with demo trusts, teams, people, ratings and sign-ins (demo mode only)."""
    if not current_app.config["PLANNER_DEMO"]:
        _fail(["Error: demo data goes only into a demo installation; set PLANNER_DEMO=1 to add it."], 1)
    try:
        people = db.session.scalar(select(func.count()).select_from(models.Person))
    except SQLAlchemyError:
        _fail([NO_TABLES], 1)
    if people and if_empty:
        click.echo(f"The database already holds {people} people; no demo data added.")
        return
    if people:
        _fail([f"Error: the database already holds {people} people; demo data goes only into a fresh database."], 1)
    try:
        seeded = seed_demo(current_app.extensions["planner_framework"], date.today())
    except PlanningError as error:
        _fail([f"Error: {error}"], 1)
    db.session.commit()
    click.echo(
        f"Added demo data: {seeded.regions} regions, {seeded.systems} integrated care systems, {seeded.trusts} trusts, "
        f"{seeded.teams} teams, {seeded.people} people and {seeded.ratings:,} ratings."
    )
    click.echo(f"Demo sign-ins, all with the password {seeded.password} (they work only while PLANNER_DEMO=1):")
    for sign_in in seeded.sign_ins:
        click.echo(f"  {sign_in.email} ({', '.join(sign_in.roles)}): {sign_in.person}, {sign_in.about}")


@cli.command("print-plans")
@click.option("--trust", "trust_id", type=int, help="Print everyone in this trust (its id).")
@click.option("--team", "team_id", type=int, help="Print everyone in this team (its id).")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="The file to write.")
@click.option("--zip", "as_zip", is_flag=True, help="A zip of one PDF per person, instead of one PDF with a contents page.")
@click.option(
    "--work-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Keep each rendered plan here, so running again after a failure reuses the plans already done.",
)
@today_option
def print_plans_command(trust_id: int | None, team_id: int | None, out_path: str, as_zip: bool, work_dir: str | None, today) -> None:
    """Print the development plans of everyone in a team or trust (read only: changes nothing)."""
    from pathlib import Path

    from planner.bulk import Batch, write_combined, write_zip

    if (trust_id is None) == (team_id is None):
        raise click.UsageError("give exactly one of --trust ID and --team ID")
    out = Path(out_path)
    if not out.parent.is_dir():
        _fail([f"Error: the folder {out.parent} does not exist; make it first or choose another --out."], 1)
    kind, ident = ("team", team_id) if team_id is not None else ("trust", trust_id)
    scope = _stored(models.Team if kind == "team" else models.Trust, ident, kind, 1)
    framework = current_app.extensions["planner_framework"]
    today = today.date() if today else date.today()
    batch = Batch(framework, today, **{kind: scope})
    total = len(batch)
    if not total:
        _fail([f"Error: no one is in {scope.name}; nothing printed."], 1)
    write = write_zip if as_zip else write_combined
    try:
        with click.progressbar(length=total, label="Printing plans", file=sys.stderr) as bar:
            written = write(batch, out, lambda done, total: bar.update(1), Path(work_dir) if work_dir else None)
    except PlanningError as error:
        _fail([f"Error: {error}"], 1)
    except OSError as error:
        _fail([f"Error: could not write {out}: {error.strerror or error}."], 1)
    click.echo(
        f"Wrote {written.plans} plan{'s' if written.plans != 1 else ''} to {out.resolve()} "
        f"({written.from_current} assembled from current data, not yet agreed)."
    )
    if written.rendered < written.plans:
        click.echo(f"Reused {written.plans - written.rendered} plan(s) already rendered in {work_dir}.")


@cli.command("create-admin")
@click.option("--email", required=True, help="The email address the admin signs in with.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="PLANNER_ADMIN_PASSWORD",
    help="Asked for twice when not given; or set PLANNER_ADMIN_PASSWORD for a script.",
)
def create_admin_command(email: str, password: str) -> None:
    """Add an admin account (with no person record), the first way in to a new installation."""
    from planner.passwords import password_problem
    from planner.web.auth import is_demo_account

    email = email.strip()
    if "@" not in email.strip("@") or len(email) > 254:
        _fail([f"Error: --email {email!r} is not an email address; give one such as it.admin@trust.nhs.uk."], 2)
    if is_demo_account(email):
        _fail([f"Error: {email} is a demo address, which signs in only in demo mode; give a real email address."], 2)
    problem = password_problem(password, email=email)
    if problem:
        _fail([f"Error: {problem}."], 2)
    try:
        taken = db.session.scalar(select(models.Account.id).where(func.lower(models.Account.email) == email.lower()))
    except SQLAlchemyError:
        _fail([NO_TABLES], 1)
    if taken is not None:
        _fail([f"Error: an account with the email address {email} already exists; give another address."], 1)
    account = models.Account(email=email)
    account.roles = ("admin",)
    account.set_password(password)
    db.session.add(account)
    models.audit(None, "account_created", account, roles="admin", via="command line")
    db.session.commit()
    click.echo(f"Added the admin account {email}; sign in with it at /sign-in.")


@cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty, instead of waiting for more jobs.")
def worker_command(burst: bool) -> None:
    """Run print jobs from the Redis queue until stopped; run one or more beside the app servers."""
    from redis.exceptions import RedisError

    from planner import jobs

    app = current_app._get_current_object()
    if app.config["PLANNER_JOBS_MODE"] != "rq":
        _fail(
            [
                "Error: the worker serves the print-job queue in Redis, but print jobs run "
                f"in mode {app.config['PLANNER_JOBS_MODE']!r}; set PLANNER_REDIS_URL (such as "
                "redis://127.0.0.1:6379/0) here and on every app server, and leave PLANNER_JOBS_MODE unset."
            ],
            1,
        )
    try:
        jobs.run_worker(app, burst=burst)
    except RedisError as error:
        _fail([f"Error: cannot reach Redis at PLANNER_REDIS_URL ({error}); start Redis or correct the setting."], 1)


@cli.command("refresh-needs")
def refresh_needs_command() -> None:
    """Work out again the stored needs of everyone whose are missing or out of date (after a framework change)."""
    from planner.insight import count_stale, refresh_stale

    framework = current_app.extensions["planner_framework"]
    try:
        total = count_stale(framework)
    except SQLAlchemyError:
        _fail([NO_TABLES], 1)
    if not total:
        click.echo("Everyone's stored needs are up to date.")
        return
    with click.progressbar(length=total, label="Refreshing stored needs", file=sys.stderr) as bar:
        refreshed = refresh_stale(framework, progress=lambda done, _: bar.update(done - bar.pos))
    db.session.commit()
    click.echo(f"Refreshed the stored needs of {refreshed} {'person' if refreshed == 1 else 'people'}.")


dry_run_option = click.option("--dry-run", is_flag=True, help="Check every row and list the problems; import nothing.")
import_file_argument = click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
import_trust_option = click.option("--trust", "trust_id", required=True, type=int, help="The trust to import into (its id).")


@cli.command("import-staff")
@import_file_argument
@import_trust_option
@dry_run_option
def import_staff_command(path: str, trust_id: int, dry_run: bool) -> None:
    """Import a trust's staff list from an ESR-style CSV file: every row, or none when any is wrong."""
    from planner.imports import STAFF

    _import(path, trust_id, dry_run, STAFF, None)


@cli.command("import-completions")
@import_file_argument
@import_trust_option
@click.option(
    "--recorded-by",
    "recorded_by",
    required=True,
    help="The email address of the account the training records are kept as recorded by.",
)
@dry_run_option
def import_completions_command(path: str, trust_id: int, recorded_by: str, dry_run: bool) -> None:
    """Import training completions from an ESR-style CSV file: every row, or none when any is wrong."""
    from planner.imports import COMPLETIONS

    _import(path, trust_id, dry_run, COMPLETIONS, recorded_by)


def _import(path: str, trust_id: int, dry_run: bool, kind, recorded_by: str | None) -> None:
    """Check a file and, unless a dry run, import it whole; every problem as FILE:LINE: column: reason, exit 2."""
    from pathlib import Path

    from planner.imports import MAX_BYTES, FileProblem, apply, check_file
    from planner.times import uk_today

    trust = _stored(models.Trust, trust_id, "trust", 2)
    account = None
    if recorded_by is not None:
        account = db.session.scalar(select(models.Account).where(func.lower(models.Account.email) == recorded_by.strip().lower()))
        if account is None:
            _fail([f"Error: no account has the email address {recorded_by}; give the account the records are recorded by."], 2)
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as error:
        _fail([f"Error: could not read {path}: {error.strerror or error}."], 2)
    framework = current_app.extensions["planner_framework"]
    try:
        checked = check_file(data, kind, trust, framework, uk_today())
    except FileProblem as problem:
        _fail([f"{path}: {problem}", "Nothing was imported."], 2)
    if checked.problems:
        lines = [f"{path}:{p.line}: {p.column or 'the whole row'}: {p.reason}" for p in checked.problems]
        _fail(lines + [f"{len(lines)} problem(s) found; nothing was imported."], 2)
    rows = len(checked.rows)
    if dry_run:
        click.echo(f"{rows} row{'s are' if rows != 1 else ' is'} ready to import into {trust.name}; nothing was imported (dry run).")
        return
    try:
        summary = apply(checked, kind, trust, framework, account, Path(path).name)
        db.session.commit()
    except SQLAlchemyError:  # the people changed between the check and the import
        db.session.rollback()
        _fail([f"Error: the people changed while {path} was imported, so nothing was imported; run the command again."], 1)
    click.echo(f"Imported {path} into {trust.name}: {summary}")


@cli.command("export-person")
@click.argument("person_id", type=int)
@click.option("--out", "out_dir", default=".", show_default=True, type=click.Path(file_okay=False), help="The folder to write person-ID.json and person-ID.pdf into.")
def export_person_command(person_id: int, out_dir: str) -> None:
    """Write everything held about a person (subject access) as JSON and as a readable PDF."""
    from pathlib import Path

    from planner.rights import export_json, render_subject_access, subject_access
    from planner.times import utcnow

    person = _stored(models.Person, person_id, "person", 2)
    data = subject_access(person, utcnow())
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"person-{person_id}.json").write_text(export_json(data), encoding="utf-8")
        (folder / f"person-{person_id}.pdf").write_bytes(render_subject_access(data))
    except OSError as error:
        _fail([f"Error: could not write to {folder}: {error.strerror or error}."], 2)
    models.audit(None, "subject_access_export", person, person=person, via="command line")
    db.session.commit()
    click.echo(f"Wrote {folder / f'person-{person_id}.json'} and {folder / f'person-{person_id}.pdf'}.")


@cli.command("purge")
@click.option("--dry-run", is_flag=True, help="List what is past retention; remove nothing.")
def purge_command(dry_run: bool) -> None:
    """Remove what is past each trust's retention period, and nothing else; list it by trust and table."""
    from planner.rights import purge
    from planner.times import utcnow

    try:
        report = purge(utcnow(), dry_run=dry_run)
    except SQLAlchemyError:
        _fail([NO_TABLES], 1)
    verb = "would remove" if dry_run else "removed"
    for trust, counts in report.items():
        words = ", ".join(f"{count} from {table}" for table, count in counts.items()) or "nothing"
        click.echo(f"{trust}: {verb} {words}")
    if not report:
        click.echo("No trusts: nothing to purge.")
    if not dry_run:
        db.session.commit()
