"""PostgreSQL stops for 10 seconds while people use planner: they get a clean "service unavailable"
page, and planner recovers by itself when the database is back, without a restart.

Ten signed-in clients load their home pages in a loop against gunicorn (two sync workers). After
a few seconds of normal answers the private cluster is stopped at once (``pg_ctl -m immediate``,
as a crash would), left down for 10 seconds and started again. Every answer must be a 200 or a
503; every 503 the NHS.UK "service unavailable" page with ``Retry-After`` and no traceback; every
request made while the database was down a 503; and within 15 seconds of the database's return
the pages answer 200 again, from the same gunicorn workers.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import requests

from serving import DEMO_ACCOUNTS, gunicorn, planner_environment, seed_demo, sign_in, worker_pids

CLIENTS = 10
BEFORE_SECONDS = 3
OUTAGE_SECONDS = 10
RECOVERY_SECONDS = 15
AFTER_SECONDS = 3
REQUEST_TIMEOUT = 10


@dataclass(frozen=True)
class Answer:
    """One request of the traffic: when it was sent and answered (monotonic seconds), and what came back."""

    sent: float
    answered: float
    status: int | None
    retry_after: str | None = None
    outage_page: bool = False
    traceback: bool = False
    problem: str = ""


class Traffic:
    """Signed-in clients each loading their home page in a loop, in threads, until ``stop``."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.answers: list[Answer] = []
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.clients = [sign_in(base_url, DEMO_ACCOUNTS[number % len(DEMO_ACCOUNTS)]) for number in range(CLIENTS)]
        self.threads = [threading.Thread(target=self.loop, args=client, daemon=True) for client in self.clients]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.done.set()
        for thread in self.threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)

    def loop(self, session: requests.Session, home: str) -> None:
        while not self.done.is_set():
            answer = self.ask(session, home)
            with self.lock:
                self.answers.append(answer)
            if answer.status != 200:
                time.sleep(0.05)  # as a person would not reload at once; keeps the log readable

    def ask(self, session: requests.Session, home: str) -> Answer:
        sent = time.monotonic()
        try:
            response = session.get(self.base_url + home, allow_redirects=False, timeout=REQUEST_TIMEOUT)
        except requests.RequestException as error:
            return Answer(sent, time.monotonic(), None, problem=f"{type(error).__name__}: {error}")
        text = response.text
        return Answer(
            sent,
            time.monotonic(),
            response.status_code,
            retry_after=response.headers.get("Retry-After"),
            outage_page=response.headers.get("Content-Type", "").startswith("text/html")
            and "nhsuk-header" in text and "<h1>Sorry, the service is unavailable</h1>" in text,
            traceback="Traceback" in text or 'File "' in text,
            problem="" if response.status_code in (200, 503) else text[:300],
        )

    def since(self, moment: float) -> list[Answer]:
        with self.lock:
            return [answer for answer in self.answers if answer.sent >= moment]

    def wait_for_recovery(self, since: float, timeout: float) -> Answer | None:
        """The first 200 sent after ``since``, waiting up to ``timeout`` seconds for it."""
        deadline = since + timeout
        while time.monotonic() < deadline:
            recovered = [answer for answer in self.since(since) if answer.status == 200]
            if recovered:
                return min(recovered, key=lambda answer: answer.answered)
            time.sleep(0.1)
        return None


def timeline(answers: list[Answer], down: float, back: float) -> str:
    """The answers second by second, counted by status, from the outage's start (``down``)."""
    seconds: dict[int, Counter] = {}
    for answer in answers:
        seconds.setdefault(math.floor(answer.sent - down), Counter())[answer.status or "no answer"] += 1
    lines = [f"answers by the second they were asked in, from the database stopping (back at {back - down:.1f} s):"]
    lines += [f"  {second:+4d} s  " + ", ".join(f"{status}: {count}" for status, count in sorted(counts.items(), key=str))
              for second, counts in sorted(seconds.items())]
    return "\n".join(lines)


def first_error(log: Path) -> str:
    """gunicorn's log from its first traceback (or its end when it has none), less the access lines."""
    text = "".join(line for line in log.read_text(errors="replace").splitlines(keepends=True) if '"GET ' not in line)
    start = text.find("Traceback")
    return f"gunicorn's log from its first traceback:\n{text[start:start + 4000]}" if start >= 0 else f"gunicorn's log ends:\n{text[-2000:]}"


def test_a_database_outage_gives_clean_503s_and_planner_recovers_by_itself(private_postgres, tmp_path):
    env = planner_environment(private_postgres.url)
    seed_demo(env)
    with gunicorn("planner:create_app()", env, "/sign-in", log=tmp_path / "gunicorn.log") as server:
        traffic = Traffic(server.base_url)
        workers = worker_pids(server)
        assert workers, "gunicorn's workers were not found"
        traffic.start()
        try:
            time.sleep(BEFORE_SECONDS)
            private_postgres.stop("immediate")
            down = time.monotonic()
            time.sleep(OUTAGE_SECONDS)
            back_from = time.monotonic()
            private_postgres.start()
            back = time.monotonic()
            recovered = traffic.wait_for_recovery(back, RECOVERY_SECONDS)
            time.sleep(AFTER_SECONDS + 1)
        finally:
            traffic.stop()
        still_serving = server.poll() is None
        workers_after = worker_pids(server)

    answers = traffic.answers
    log = timeline(answers, down, back) + "\n" + first_error(tmp_path / "gunicorn.log")
    before = [answer for answer in answers if answer.answered < down - 0.5]
    assert before and all(answer.status == 200 for answer in before), f"the home pages did not answer 200 before the outage\n{log}"

    wrong = [answer for answer in answers if answer.status not in (200, 503)]
    assert not wrong, f"{len(wrong)} answers were neither 200 nor 503, such as {wrong[0]}\n{log}"
    assert not [answer for answer in answers if answer.traceback], f"a page showed a traceback\n{log}"

    during = [answer for answer in answers if answer.sent >= down and answer.answered <= back_from]
    assert len(during) >= CLIENTS, f"only {len(during)} requests were made while the database was down\n{log}"
    assert all(answer.status == 503 for answer in during), f"a request made while the database was down did not answer 503\n{log}"
    unavailable = [answer for answer in answers if answer.status == 503]
    assert all(answer.outage_page for answer in unavailable), "a 503 was not the NHS.UK service unavailable page"
    assert all(answer.retry_after and answer.retry_after.isdigit() for answer in unavailable), "a 503 had no Retry-After in seconds"

    assert recovered is not None, f"no page answered 200 within {RECOVERY_SECONDS} s of the database's return\n{log}"
    after = [answer for answer in answers if answer.sent >= recovered.answered + 1]
    assert after and all(answer.status == 200 for answer in after), f"pages answered other than 200 after recovering\n{log}"
    assert still_serving and workers_after == workers, "gunicorn or its workers restarted: recovery needed a restart"
    print(
        f"{len(answers)} requests; {len(during)} during the {OUTAGE_SECONDS} s outage, all 503; "
        f"200 again {recovered.answered - back:.1f} s after the database was back, from the same workers"
    )

