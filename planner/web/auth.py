"""Signing in and out.

Sign-in is rate-limited per address, and answers an unknown email, a wrong password and a
deactivated account with the same message, so it never tells which accounts exist. Signing out
raises the account's session version, which ends every session the account had.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms.validators import InputRequired, Length

from planner.config import DEMO_EMAIL_DOMAIN
from planner.db import db
from planner.models import PASSWORD_METHOD, Account, audit

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
limiter = Limiter(get_remote_address)

WRONG_DETAILS = "Enter the email address and password of an active account. Check both for typing errors."
# Checked when no account may sign in, so a wrong email takes as long as a wrong password.
UNMATCHED_HASH = generate_password_hash(secrets.token_hex(16), method=PASSWORD_METHOD)


def init_app(app) -> None:
    """Sign-in sessions and the sign-in rate limit."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    limiter.init_app(app)


@login_manager.user_loader
def load_account(session_id: str) -> Account | None:
    """The account a session belongs to, while the session is still current and the account active."""
    account_id, _, version = session_id.partition(":")
    if not (account_id.isdigit() and version.isdigit()):
        return None
    account = db.session.get(Account, int(account_id))
    if account is None or not account.active or account.session_version != int(version):
        return None
    return account


class SignInForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email address", validators=[InputRequired("Enter your email address"), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired("Enter your password"), Length(max=1024)])


def is_demo_account(email: str) -> bool:
    """Whether the email belongs to a demo account (``@demo.example``)."""
    return email.lower().endswith("@" + DEMO_EMAIL_DOMAIN)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, never another site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("staff.home")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PLANNER_SIGN_IN_LIMIT"], methods=["POST"])
def sign_in():
    """The sign-in form; on success, on to the page asked for or the person's home."""
    if current_user.is_authenticated:
        return redirect(url_for("staff.home"))
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data.strip()
        account = db.session.scalar(select(Account).where(func.lower(Account.email) == email.lower()))
        allowed = account is not None and account.active
        if allowed and is_demo_account(account.email) and not current_app.config["PLANNER_DEMO"]:
            allowed = False
        # One hash check whatever the account, so no answer comes back faster than another.
        matches = check_password_hash(account.password_hash if allowed else UNMATCHED_HASH, form.password.data)
        if allowed and matches:
            session.clear()  # a fresh session on sign-in: nothing carried over from before
            login_user(account)
            audit(account, "sign_in", account, person=account.person)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append(WRONG_DETAILS)
    demo_accounts = _demo_accounts() if current_app.config["PLANNER_DEMO"] else []
    return render_template("auth/sign_in.html", form=form, demo_accounts=demo_accounts)


def _demo_accounts() -> list[Account]:
    return list(
        db.session.scalars(select(Account).where(Account.email.like(f"%@{DEMO_EMAIL_DOMAIN}")).order_by(Account.id))
    )


@bp.route("/sign-out", methods=["GET", "POST"])
@login_required
def sign_out():
    """A button to sign out (GET); signing out ends every session of the account (POST)."""
    form = FlaskForm()
    if form.validate_on_submit():
        account = current_user._get_current_object()
        account.session_version += 1
        audit(account, "sign_out", account, person=account.person)
        db.session.commit()
        logout_user()
        session.clear()
        flash("You have signed out.", "info")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/sign_out.html", form=form)
