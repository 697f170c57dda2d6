"""planner served for real, for the load benchmark and the fault tests: a PostgreSQL database
seeded with the demo, gunicorn on a free port of 127.0.0.1, and demo accounts signed in to it.

Everything here talks only to 127.0.0.1, and every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DEMO_PASSWORD = "demo-password-2026"
DEMO_ACCOUNTS = (
    "staff@demo.example",
    "manager@demo.example",
    "trust.admin@demo.example",
    "region.lead@demo.example",
    "admin@demo.example",
)
"""The demo sign-ins (see "Demo sign-ins" in README.md), one of each kind of account."""
GUNICORN_SETTINGS = ("--workers", "2", "--worker-class", "sync")
"""The settings every server here is started with: two sync workers, gunicorn's defaults otherwise."""
SIGN_IN_LIMIT = "100000 per minute"
"""The sign-in rate limit while many simulated people sign in from one address (10 a minute normally)."""

CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PERSON_PATH = re.compile(r"/people/(\d+)$")


class ServingError(RuntimeError):
    """planner could not be prepared or served; the message says which step failed and why."""


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page; an empty string when the page has none."""
    found = CSRF_TOKEN.search(html)
    return found.group(1) if found else ""


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def planner_command() -> list[str]:
    """The ``planner`` command of this Python's environment."""
    script = Path(sys.executable).with_name("planner")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from planner.cli import main; main()"]


def run(command: list[str], env: dict[str, str], what: str, timeout: float = 300) -> str:
    """Run a command to completion within ``timeout`` seconds; its output, or a ``ServingError``."""
    try:
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise ServingError(f"{what} took longer than {timeout:g} s") from error
    if done.returncode != 0:
        raise ServingError(f"{what} failed (exit status {done.returncode}): {(done.stderr or done.stdout).strip()[-2000:]}")
    return done.stdout


def seed_demo(env: dict[str, str]) -> None:
    """Bring the database in ``env`` to the latest schema and add the demo organisation."""
    run([*planner_command(), "db", "upgrade"], env, "planner db upgrade")
    run([*planner_command(), "demo"], {**env, "PLANNER_DEMO": "1"}, "planner demo")


def planner_environment(database_url: str, **extra: str) -> dict[str, str]:
    """The environment planner is served with: the database, a fixed secret key (so both workers
    accept each other's sessions), demo mode, and the sign-in limit raised for many sign-ins."""
    return {
        **os.environ,
        "PLANNER_DATABASE_URL": database_url,
        "PLANNER_SECRET_KEY": "load-and-fault-tests-" + "0" * 32,
        "PLANNER_DEMO": "1",
        "PLANNER_SIGN_IN_LIMIT": SIGN_IN_LIMIT,
        **extra,
    }


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], ready_path: str, *, pythonpath: Path = ROOT, log: Path | None = None) -> Iterator[subprocess.Popen]:
    """gunicorn serving ``app`` (``module:factory()``) with ``GUNICORN_SETTINGS`` on a free port of
    127.0.0.1, once ``ready_path`` answers; stopped (the whole process group) on leaving.
    The process has a ``base_url`` attribute."""
    port = free_port()
    output = open(log, "ab") if log else subprocess.DEVNULL
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *GUNICORN_SETTINGS, "--bind", f"127.0.0.1:{port}", "--pythonpath", str(pythonpath), app],
        env=env, cwd=ROOT, stdout=output, stderr=output, start_new_session=True,
    )
    server.base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(server, server.base_url + ready_path)
        yield server
    finally:
        stop(server)
        if log:
            output.close()


def wait_until_serving(server: subprocess.Popen, url: str, timeout: float = 60) -> None:
    """Wait until ``url`` answers 200, or fail saying why."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServingError(f"gunicorn stopped while starting (exit status {server.returncode}); see its log")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    raise ServingError(f"{url} did not answer 200 within {timeout:g} s")


def stop(server: subprocess.Popen) -> None:
    """Stop gunicorn and its workers: TERM to the process group, KILL after 15 seconds."""
    if server.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)


def worker_pids(server: subprocess.Popen) -> set[int]:
    """The process ids of gunicorn's workers now: the processes whose parent is its master."""
    workers = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The fourth field is the parent's id; the second, the name, may hold spaces but ends with ")".
            parent = int(stat.read_text().rpartition(")")[2].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # the process ended while the folder was read
        if parent == server.pid:
            workers.add(int(stat.parent.name))
    return workers


def sign_in(base_url: str, email: str, timeout: float = 30) -> tuple[requests.Session, str]:
    """A session signed in as a demo account, and the path of that person's home (``/people/ID``)."""
    session = requests.Session()
    form = session.get(base_url + "/sign-in", timeout=timeout)
    token = csrf_token(form.text)
    if form.status_code != 200 or not token:
        raise ServingError(f"the sign-in form answered {form.status_code} without a CSRF token")
    signed = session.post(
        base_url + "/sign-in", data={"csrf_token": token, "email": email, "password": DEMO_PASSWORD},
        allow_redirects=False, timeout=timeout,
    )
    if signed.status_code != 302:
        raise ServingError(f"signing in as {email} answered {signed.status_code}, not a redirect: is demo mode on?")
    me = session.get(base_url + "/me", allow_redirects=False, timeout=timeout)
    found = PERSON_PATH.search(me.headers.get("Location", ""))
    if not found:
        raise ServingError(f"/me answered {me.status_code} for {email}, not a redirect to a person's home")
    return session, f"/people/{found.group(1)}"
