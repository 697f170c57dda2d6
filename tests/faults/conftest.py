"""Fault tests: planner served by gunicorn against a PostgreSQL cluster of the test's own, while
something it relies on breaks.

Every test in this folder is marked ``faults``: the normal run leaves them out (``-m "not faults"``
in setup.cfg) and ``make faults`` runs them. They never touch the machine's shared PostgreSQL:
each starts a private cluster (initdb, pg_ctl) in a temporary folder on a free port of 127.0.0.1,
and removes it afterwards. initdb refuses to run as root, so as root the cluster is run by the
``postgres`` system account (``runuser -u postgres``).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

FAULTS = Path(__file__).resolve().parent
sys.path.append(str(FAULTS.parent.parent / "bench"))  # serving.py: planner served as the load benchmark serves it

from serving import free_port  # noqa: E402


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items) -> None:
    """Mark every test in this folder ``faults`` before ``-m`` selects (tryfirst)."""
    for item in items:
        if FAULTS in Path(item.path).parents:
            item.add_marker(pytest.mark.faults)


def postgres_bin() -> Path | None:
    """The folder of PostgreSQL's server programs (initdb, pg_ctl), the newest installed."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if found:
        return found[-1].parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


class PrivateCluster:
    """A PostgreSQL cluster in a temporary folder, listening on 127.0.0.1:``port`` only, with
    trust authentication, run by the ``postgres`` account when the tests run as root."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="planner-faults-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            account = pwd.getpwnam("postgres")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/planner"

    def command(self, program: str, *args: str, timeout: float = 60) -> None:
        """Run one of PostgreSQL's programs (as ``postgres`` when root), failing on a non-zero exit."""
        command = [str(self.bin / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=timeout, cwd=self.folder)

    def create(self) -> None:
        """initdb, start, and create the database ``planner``."""
        self.command("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync")
        self.start()
        self.command("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "planner")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.command("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "30", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; ``immediate`` ends every backend at once, as a crash would."""
        self.command("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def remove(self) -> None:
        """Stop the server if it runs, and delete the folder."""
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError):
                self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def private_postgres():
    """A running private PostgreSQL cluster with an empty database ``planner``; removed afterwards."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("the fault tests need PostgreSQL's server programs: apt-get install -y postgresql")
    cluster = PrivateCluster(bin_dir)
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.remove()
