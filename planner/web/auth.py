"""Signing in and out.

Sign-in is rate-limited per address, and answers an unknown email, a wrong password and a
deactivated account with the same message, so it never tells which accounts exist. Signing out
raises the account's session version, which ends every session the account had.

A session ends after a spell without requests and a while after signing in (``end_expired_session``;
the limits are settings), and its cookie is marked Secure whenever the request came over HTTPS.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from planner import sessions
from planner.config import DEMO_EMAIL_DOMAIN
from planner.db import db
from planner.models import Account, Person, audit
from planner.passwords import hash_password, outdated, password_matches

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
limiter = Limiter(get_remote_address)

WRONG_DETAILS = "Enter the email address and password of an active account. Check both for typing errors."
# Checked when no account may sign in, so a wrong email takes as long as a wrong password.
UNMATCHED_HASH = hash_password(secrets.token_hex(16))

SIGNED_IN_AT = "planner_signed_in_at"
LAST_SEEN_AT = "planner_last_seen_at"
"""Where a session keeps when it was signed in and last used (seconds since the epoch)."""
SIGNED_IN = "_user_id"
"""The key Flask-Login keeps the signed-in account's id under: a session holding it is signed in."""
UNTRACKED_ENDPOINTS = ("static", "assets.asset")
"""Requests for files that hold no personal data: they neither end a session nor count as activity."""
SEEN_EVERY = 60
"""Seconds between updates of a session's last-seen time, so not every page rewrites the cookie;
a session may therefore end up to a minute before its idle limit."""


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed-cookie session, its cookie marked Secure whenever the request came over HTTPS
    (and always when ``SESSION_COOKIE_SECURE`` is set), so one configuration serves both."""

    def get_cookie_secure(self, app) -> bool:
        return super().get_cookie_secure(app) or request.is_secure


def init_app(app) -> None:
    """Sign-in sessions, their lifetimes and the sign-in rate limit."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    limiter.init_app(app)
    app.session_interface = SessionCookie()
    # First of all the request checks, so an ended session is never taken for a signed-in one.
    app.before_request_funcs.setdefault(None, []).insert(0, end_expired_session)
    sessions.install()


def start_session(account: Account) -> None:
    """Sign ``account`` in, in a fresh session: nothing carried over from before."""
    session.clear()
    login_user(account)
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = sessions.now()


def end_expired_session():
    """Sign out a session that has been idle too long or signed in too long, and send its holder
    to sign in again (then back to the page they asked for); otherwise note the activity."""
    if request.endpoint in UNTRACKED_ENDPOINTS or SIGNED_IN not in session:
        return None
    settings, at = current_app.config, sessions.now()
    idle_minutes, max_hours = settings["PLANNER_SESSION_IDLE_MINUTES"], settings["PLANNER_SESSION_MAX_HOURS"]
    ended = sessions.session_ended(
        session.get(SIGNED_IN_AT), session.get(LAST_SEEN_AT), at, idle_seconds=idle_minutes * 60, max_seconds=max_hours * 3600
    )
    if ended is None:
        if at - session[LAST_SEEN_AT] >= SEEN_EVERY:
            session[LAST_SEEN_AT] = at
        return None
    logout_user()
    session.clear()
    if ended == sessions.IDLE:
        flash(f"Your session ended after {idle_minutes:g} minutes without activity; sign in again.", "info")
    else:
        flash(f"Your session ended {max_hours:g} hours after you signed in; sign in again.", "info")
    back = request.full_path.rstrip("?") if request.method == "GET" and request.endpoint != "auth.sign_in" else None
    return redirect(url_for("auth.sign_in", next=back))


ACCOUNT_WITH_PERSON = (
    joinedload(Account.person).joinedload(Person.team),
    joinedload(Account.person).joinedload(Person.trust),
)


@login_manager.user_loader
def load_account(session_id: str) -> Account | None:
    """The account a session belongs to, while the session is still current and the account active."""
    account_id, _, version = session_id.partition(":")
    if not (account_id.isdigit() and version.isdigit()):
        return None
    # The person, their team and trust come in the same query: nearly every page shows them.
    account = db.session.get(Account, int(account_id), options=ACCOUNT_WITH_PERSON)
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
        matches = password_matches(account.password_hash if allowed else UNMATCHED_HASH, form.password.data)
        if allowed and matches:
            if outdated(account.password_hash):
                # The same password kept in the current scheme. Not a change of password, so
                # written past the unit of work: the account's other sessions carry on.
                renewed = hash_password(form.password.data)
                db.session.execute(update(Account).where(Account.id == account.id).values(password_hash=renewed))
            start_session(account)
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
