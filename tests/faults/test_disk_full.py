"""The disk holding the print jobs fills up while a trust's plans are printed: the job fails with a
message saying to retry later, no truncated file is left where a user would look, the pages are
still served, and once space is freed a retry finishes with a whole file.

planner is served by gunicorn (print jobs in threads of its workers) with ``PLANNER_PRINT_JOBS_DIR``
on a tmpfs of 2 MB mounted for the test, filled with a filler file to leave 100 KB, a few plans'
worth. A trust administrator of the demo asks for their trust's plans as a zip through the pages,
as a person would. Mounting needs root (or CAP_SYS_ADMIN); without it the test is skipped.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import time
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from serving import csrf_token, gunicorn, planner_environment, seed_demo, sign_in

DISK_BYTES = 2 * 1024 * 1024
FREE_BYTES = 100 * 1024
JOB_TIMEOUT = 180
TRUST_CHOICE = re.compile(r'value="(trust-\d+)"')
JOB_PATH = re.compile(r"/print-jobs/(\d+)$")


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs of ``DISK_BYTES`` mounted on a folder of ``tmp_path``; unmounted afterwards."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES},mode=0755", "tmpfs", str(mount_point)], capture_output=True, text=True, timeout=30,
    )
    if mounted.returncode != 0:
        pytest.skip(f"the full-disk test mounts a small tmpfs, which needs root: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, timeout=30)


def fill(disk: Path, leave: int) -> Path:
    """Write a filler file until only ``leave`` bytes of ``disk`` are free; the filler."""
    filler = disk / "filler"
    with open(filler, "wb") as out:
        with contextlib.suppress(OSError):  # the disk is full: the filler is as big as it can be
            while True:
                out.write(b"\0" * 64 * 1024)
                out.flush()
    with open(filler, "r+b") as out:
        size = filler.stat().st_size
        out.truncate(max(size - leave, 0))
    return filler


def wait_for_end(session, base_url: str, job_id: int) -> dict:
    """The job's status once it is done or failed, waiting up to ``JOB_TIMEOUT`` seconds."""
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        state = session.get(f"{base_url}/print-jobs/{job_id}/status.json", timeout=30).json()
        if state["status"] in ("done", "failed", "stopped"):
            return state
        time.sleep(0.3)
    raise AssertionError(f"print job {job_id} had not ended within {JOB_TIMEOUT} s: {state}")


def valid_pdf(data: bytes) -> bool:
    """Whether ``data`` is a whole PDF of at least one page."""
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:] and len(PdfReader(BytesIO(data)).pages) >= 1


def test_a_full_disk_fails_the_job_retryably_without_a_truncated_file(private_postgres, small_disk, tmp_path):
    jobs_dir = small_disk / "print-jobs"
    env = planner_environment(private_postgres.url, PLANNER_PRINT_JOBS_DIR=str(jobs_dir), PLANNER_JOBS_MODE="thread")
    env.pop("PLANNER_REDIS_URL", None)
    seed_demo(env)
    with gunicorn("planner:create_app()", env, "/sign-in", log=tmp_path / "gunicorn.log") as server:
        base = server.base_url
        session, home = sign_in(base, "trust.admin@demo.example")
        form = session.get(base + "/print-plans", timeout=30)
        scope = TRUST_CHOICE.search(form.text)
        assert form.status_code == 200 and scope, "the print page offered no whole trust to the trust administrator"
        filler = fill(small_disk, FREE_BYTES)

        started = session.post(
            base + "/print-plans", data={"csrf_token": csrf_token(form.text), "scope": scope.group(1), "format": "zip"},
            allow_redirects=False, timeout=60,
        )
        found = JOB_PATH.search(started.headers.get("Location", ""))
        assert started.status_code == 302 and found, f"starting the job answered {started.status_code}"
        job_id = int(found.group(1))
        failed = wait_for_end(session, base, job_id)
        assert failed["status"] == "failed", f"the job did not fail on a full disk: {failed}"

        page = session.get(f"{base}/print-jobs/{job_id}", timeout=30)
        assert page.status_code == 200 and "No space left on device" in page.text and "Retry later" in page.text, (
            "the job's page did not say the disk was full and to retry later"
        )
        assert "Traceback" not in page.text
        still_home = session.get(base + home, timeout=30)
        assert still_home.status_code == 200, f"the home page answered {still_home.status_code} while the disk was full"

        folder = jobs_dir / str(job_id)
        left = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())
        assert not [name for name in left if name.endswith((".zip", ".part"))], f"a result or partial file was left: {left}"
        rendered = sorted(folder.glob("work/*.pdf"))
        assert all(valid_pdf(path.read_bytes()) for path in rendered), "a plan kept for the retry is not a whole PDF"

        filler.unlink()
        retried = session.post(
            f"{base}/print-jobs/{job_id}/retry", data={"csrf_token": csrf_token(page.text)}, allow_redirects=False, timeout=60,
        )
        assert retried.status_code == 302, f"the retry answered {retried.status_code}"
        done = wait_for_end(session, base, job_id)
        assert done["status"] == "done", f"the retry with space freed did not finish: {done}"
        download = session.get(base + done["download"], timeout=60)
        assert download.status_code == 200

    with zipfile.ZipFile(BytesIO(download.content)) as archive:
        names = archive.namelist()
        assert len(names) == done["total"] and len(set(names)) == len(names), f"the zip holds {len(names)} of {done['total']} plans"
        assert all(valid_pdf(archive.read(name)) for name in names), "a PDF in the zip is not whole"
    left_after = [path.name for path in folder.iterdir()]
    assert len(left_after) == 1 and left_after[0].endswith(".zip"), f"the job's folder holds {left_after}, not the zip alone"
    print(
        f"disk full after {len(rendered)} of {failed['total']} plans: job failed with a retry-later message, no truncated "
        f"file, home page 200; after freeing space the retry wrote a zip of {len(names)} whole PDFs "
        f"({len(download.content) // 1024} KB)"
    )
