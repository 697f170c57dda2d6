"""Accounts: changing your own password, and (for admins) what another account may do.

Anyone signed in changes their own password. Trust admins see the accounts of their trust's
people, admins every account; for each they change its roles, whether it may sign in, the
person's team and the teams they manage. A trust admin grants only the staff, manager and trust
admin roles, and leaves alone an account holding more (a region lead's or an admin's). Nobody
changes their own account here, so nobody locks themselves out.

Every change is audited and ends the account's sessions at their next request (``planner.sessions``
raises the account's session version); a new password keeps the browser it was set in signed in.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import PasswordField, RadioField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, ValidationError

from planner.db import db
from planner.models import ACCOUNT_ROLES, Account, Person, Team, Trust, audit
from planner.passwords import MAX_LENGTH, password_problem
from planner.web.access import administers, can_see, require
from planner.web.auth import limiter, start_session

bp = Blueprint("account", __name__)

ROLE_NAMES = {
    "staff": "Staff",
    "manager": "Manager",
    "trust_admin": "Trust admin",
    "region_lead": "Region lead",
    "admin": "Admin",
}
ROLE_HINTS = {
    "staff": "Sees and changes their own record.",
    "manager": "Sees the people in the teams they manage, validates their ratings and agrees their plans.",
    "trust_admin": "Sees everyone in their trust and manages its accounts.",
    "region_lead": "Sees training needs across their region.",
    "admin": "Runs planner: sees every organisation and manages every account.",
}


def roles_in_words(account: Account) -> str:
    """The account's roles as the pages name them, such as "Staff, Manager"."""
    return ", ".join(ROLE_NAMES[role] for role in ACCOUNT_ROLES if role in account.roles)


TRUST_ADMIN_GRANTS = frozenset({"staff", "manager", "trust_admin"})
"""The roles a trust admin may give or take away."""


class PasswordForm(FlaskForm):
    """The current password, and the new one twice."""

    current_password = PasswordField("Current password", validators=[InputRequired("Enter your current password")])
    new_password = PasswordField("New password", validators=[InputRequired("Enter a new password")])
    confirm_password = PasswordField(
        "Confirm new password",
        validators=[
            InputRequired("Enter the new password again"),
            EqualTo("new_password", "Enter the same new password in both boxes"),
        ],
    )

    def validate_current_password(self, field) -> None:
        if len(field.data) > MAX_LENGTH or not current_user.check_password(field.data):
            raise ValidationError("Your current password is not right. Check it for typing errors")

    def validate_new_password(self, field) -> None:
        problem = password_problem(field.data, email=current_user.email)
        if problem:
            raise ValidationError(problem)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["PLANNER_SIGN_IN_LIMIT"], methods=["POST"])
def password():
    """Change your own password; every other session of the account ends, this one goes on."""
    form = PasswordForm()
    if form.validate_on_submit():
        account = current_user._get_current_object()
        account.set_password(form.new_password.data)
        audit(account, "password_changed", account, person=account.person)
        db.session.commit()
        start_session(account)  # signed in again under the account's new session version
        flash("Your password has changed. You are still signed in here; you are signed out everywhere else.", "info")
        return redirect(url_for("account.password"))
    return render_template("account/password.html", form=form)


# --- other people's accounts ----------------------------------------------------------------------


def manages_accounts(account: Account) -> bool:
    """Whether the account manages other accounts: admins, and trust admins with a person record."""
    return "admin" in account.roles or ("trust_admin" in account.roles and account.person is not None)


def may_manage(account: Account, other: Account) -> bool:
    """Whether ``account`` sees ``other`` among the accounts it manages: an admin every account, a
    trust admin those of their trust's people."""
    if "admin" in account.roles:
        return True
    return other.person is not None and administers(account, other.person)


def grantable_roles(account: Account) -> tuple[str, ...]:
    """The roles ``account`` may give and take away, in the usual order."""
    if "admin" in account.roles:
        return ACCOUNT_ROLES
    return tuple(role for role in ACCOUNT_ROLES if role in TRUST_ADMIN_GRANTS)


def why_unchangeable(account: Account, other: Account) -> str | None:
    """Why ``account`` may not change ``other``, in words for the page; None when it may."""
    if account.id == other.id:
        return "This is your own account. Another admin changes your roles, team and access, so you cannot lock yourself out."
    if not other.roles <= set(grantable_roles(account)):
        return "This account has a role only an admin may give or take away, so only an admin may change it."
    return None


def visible_account(account_id: int) -> Account:
    """The account with this id, when the signed-in account manages it; 404 otherwise."""
    other = db.session.get(Account, account_id)
    if other is None or not may_manage(current_user, other):
        abort(404)
    return other


@bp.get("/accounts")
@login_required
def accounts():
    """The accounts the signed-in admin manages, by trust and name."""
    require(manages_accounts(current_user))
    query = (
        select(Account)
        .outerjoin(Account.person)
        .outerjoin(Trust, Person.trust_id == Trust.id)
        .options(selectinload(Account.person).selectinload(Person.team).selectinload(Team.trust))
        .order_by(Trust.name.is_(None), Trust.name, Person.name, Account.email)
    )
    if "admin" not in current_user.roles:
        query = query.where(Person.trust_id == current_user.person.trust_id)
    found = db.session.scalars(query).all()
    # Names link to the person's home for the people this account may see there.
    seen = {account.person.id for account in found if account.person is not None and can_see(current_user, account.person)}
    return render_template("account/accounts.html", accounts=found, roles_in_words=roles_in_words, seen=seen)


class AccountForm(FlaskForm):
    """What an account may do: its roles, whether it may sign in, and (for a person's account) their
    team and the teams they manage."""

    roles = SelectMultipleField("Roles", invalid_choice_message="Choose only the roles listed")
    active = RadioField(
        "Can they sign in?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No, the account is deactivated")],
        validators=[InputRequired("Choose whether they can sign in")],
        invalid_choice_message="Choose whether they can sign in",
    )
    team = SelectField(
        "Team",
        validators=[InputRequired("Choose their team")],
        invalid_choice_message="Choose one of the teams listed",
    )
    managed_teams = SelectMultipleField("Teams they manage", invalid_choice_message="Choose only the teams listed")

    def __init__(self, grantable: tuple[str, ...], teams: list[Team] | None, **kwargs):
        super().__init__(**kwargs)
        self.roles.choices = [SelectChoice(role, ROLE_NAMES[role]) for role in grantable]
        if teams is None:  # an account without a person record has no team
            del self.team
            del self.managed_teams
        else:
            self.team.choices = [SelectChoice(str(team.id), team.name) for team in teams]
            self.managed_teams.choices = [SelectChoice(str(team.id), team.name) for team in teams]

    def validate_roles(self, field) -> None:
        if not field.data:
            raise ValidationError("Choose at least one role")

    def validate_managed_teams(self, field) -> None:
        if field.data and "manager" not in (self.roles.data or []):
            raise ValidationError("Tick Manager under roles, or untick the teams they manage")


def change_account(account: Account, roles: list[str], active: bool, team: Team | None, managed: list[Team] | None) -> dict:
    """Give ``account`` these roles and access, and its person this team and these managed teams;
    what changed, for the audit trail (empty when nothing did). The caller commits."""
    changes: dict = {}
    if frozenset(roles) != account.roles:
        account.roles = roles
        changes["roles"] = account.roles_text.split()
    if active != account.active:
        account.active = changes["active"] = active
    person = account.person
    if person is not None and team is not None and team.id != person.team_id:
        person.team = team
        changes["team_id"] = team.id
    if person is not None and managed is not None and set(managed) != set(person.managed_teams):
        person.managed_teams = sorted(managed, key=lambda each: (each.name, each.id))
        changes["managed_team_ids"] = sorted(each.id for each in managed)
    return changes


@bp.route("/accounts/<id:account_id>", methods=["GET", "POST"])
@login_required
def account(account_id: int):
    """One account: change its roles, whether it may sign in, its person's team and managed teams."""
    other = visible_account(account_id)
    refusal = why_unchangeable(current_user, other)
    person = other.person
    teams = list(person.trust.teams) if person is not None else None
    form = AccountForm(grantable_roles(current_user), teams, data=_current_answers(other))
    if request.method == "POST":
        require(refusal is None)
    if form.validate_on_submit():
        by_id = {str(team.id): team for team in teams or []}
        changes = change_account(
            other,
            form.roles.data,
            form.active.data == "yes",
            by_id[form.team.data] if person is not None else None,
            [by_id[ident] for ident in form.managed_teams.data] if person is not None else None,
        )
        if changes:
            audit(current_user, "account_changed", other, person=person, **changes)
            db.session.commit()
            flash(f"Saved. {other.email} is signed out everywhere and signs in again with the changes.", "info")
        else:
            flash("Nothing changed.", "info")
        return redirect(url_for("account.account", account_id=other.id))
    return render_template(
        "account/account.html", other=other, form=form, refusal=refusal, roles_in_words=roles_in_words, role_hints=ROLE_HINTS
    )


def _current_answers(account: Account) -> dict:
    """The account's present settings, as the form's starting answers."""
    answers = {"roles": sorted(account.roles), "active": "yes" if account.active else "no"}
    if account.person is not None:
        answers["team"] = str(account.person.team_id)
        answers["managed_teams"] = [str(team.id) for team in account.person.managed_teams]
    return answers
