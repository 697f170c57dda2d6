"""Load benchmark: planner under gunicorn and PostgreSQL with many people using it at once.

Run from the repository root (``make load``)::

    python bench/load.py                            # 200 users for 3 minutes, then wrk for 30 s a page
    python bench/load.py --users 50 --run-time 60   # a shorter run

It needs PostgreSQL on 127.0.0.1:5432 with trust authentication (as the machine's is), locust
(in the test extra) and wrk (``apt-get install -y wrk``). It takes about five minutes.

What it does
------------
1. Drops and creates the database ``planner_load``, brings it to the latest schema and adds the
   demo organisation (``planner demo``).
2. Serves planner with gunicorn, two sync workers, on a free port of 127.0.0.1, in demo mode, with
   the sign-in rate limit raised to 100,000 a minute: every simulated person signs in from
   127.0.0.1, and the normal 10 a minute would refuse all but the first few. Beside it, with the
   same settings, the bare Flask app of ``bench/bare_app.py`` (a 200-row table, nothing else).
3. Makes a plan for each demo account, then runs locust headless (``bench/locustfile.py``):
   ``--users`` people arriving ``--spawn-rate`` a second (5: the 200 arrive over 40 seconds, and
   each arrival signs in and opens two pages at once), each then opening a page every 5 to 15
   seconds: signing in, their home, self-assessment (saving a rating now and then), pathways, their
   plan as a PDF, and for managers their teams. Prints the median, 95th percentile and maximum
   time of each page and of all of them, and the errors. Goals: no errors; the 95th percentile of
   every page, and of all pages, at most 300 ms.
4. Runs wrk (2 threads, 20 connections, ``--wrk-seconds`` on each) on the staff home page, signed
   in as ``staff@demo.example``, and on the bare app's table, on the same machine: six turns on
   each page, taken in turn, so that both see the same drift of a shared machine's speed.
   Goal: the staff home page answers at least 40% as many requests a second as the bare page.
   Every response must be a 200: a redirect to the sign-in page would be fast and wrong.

Exit status 1 when a goal is missed or a step fails.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from serving import (
    BENCH,
    DEMO_ACCOUNTS,
    ROOT,
    ServingError,
    csrf_token,
    gunicorn,
    planner_environment,
    run,
    seed_demo,
    sign_in,
)

P95_GOAL_MS = 300
THROUGHPUT_GOAL = 0.40
WRK_ROUNDS = 6
DATABASE = "planner_load"
WRK_SCRIPT = """\
-- Counts the responses that are not 200, across wrk's threads.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body) if status ~= 200 then not_ok = not_ok + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("not_ok") end
  io.write(string.format("not 200: %d\\n", total))
end
"""


def goal(met: bool) -> str:
    return "met" if met else "MISSED"


# --------------------------------------------------------------------------- preparing


def fresh_database(host: str, port: int, name: str) -> str:
    """Drop and create the database ``name``; its SQLAlchemy URL."""
    for command in (["dropdb", "--if-exists", "--force"], ["createdb"]):
        run([*command, "-h", host, "-p", str(port), "-U", "postgres", name], dict(os.environ), " ".join([*command, name]), timeout=60)
    return f"postgresql+psycopg://postgres@{host}:{port}/{name}"


def make_plans(base_url: str) -> None:
    """A draft plan for each demo account's person, towards their target, so each has a PDF."""
    for email in DEMO_ACCOUNTS:
        session, person = sign_in(base_url, email)
        page = session.get(f"{base_url}{person}/plans", timeout=30)
        fields = dict(re.findall(r'<input type="hidden" name="(target|route)" value="([^"]*)"', page.text))
        made = session.post(
            f"{base_url}{person}/plans", data={"csrf_token": csrf_token(page.text), **fields}, allow_redirects=False, timeout=60
        )
        if made.status_code != 302:
            raise ServingError(f"making a plan for {email} answered {made.status_code}, not a redirect to the plan")


# --------------------------------------------------------------------------- locust


def run_locust(base_url: str, users: int, spawn_rate: float, seconds: int, folder: Path) -> tuple[list[dict], list[dict]]:
    """Run the simulated people; locust's rows of statistics by page (the last is "Aggregated")
    and its rows of failures."""
    prefix = folder / "locust"
    command = [
        sys.executable, "-m", "locust", "-f", str(BENCH / "locustfile.py"), "--headless", "--host", base_url,
        "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s", "--stop-timeout", "20",
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
    ]
    with open(folder / "locust.log", "w") as log:
        # locust exits 1 when any request failed; the failures are read from its files instead.
        subprocess.run(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, timeout=seconds + 120, check=False)
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        raise ServingError(f"locust wrote no statistics; its output:\n{(folder / 'locust.log').read_text()[-3000:]}")
    with open(stats_file, newline="") as stats, open(f"{prefix}_failures.csv", newline="") as failures:
        return list(csv.DictReader(stats)), list(csv.DictReader(failures))


def report_locust(rows: list[dict], failures: list[dict], users: int, seconds: int) -> bool:
    """Print each page's times and the errors against the goals; whether every goal is met."""
    print(f"locust: {users} simulated people, 5-15 s between pages, {seconds} s including arrival")
    print(f"  {'page':<28} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    met = True
    for row in rows:
        if not int(row["Request Count"]):
            continue
        p95 = float(row["95%"])
        met &= p95 <= P95_GOAL_MS
        name = "all pages" if row["Name"] == "Aggregated" else f"{row['Name']} ({row['Type']})"
        print(
            f"  {name:<28} {int(row['Request Count']):>9,} {int(row['Failure Count']):>7,} "
            f"{float(row['50%']):>8.0f} {p95:>8.0f} {float(row['Max Response Time']):>8.0f}"
        )
    total = rows[-1]
    errors = int(total["Failure Count"])
    met &= errors == 0 and int(total["Request Count"]) > 0
    worst = max((float(row["95%"]) for row in rows if int(row["Request Count"])), default=float("nan"))
    print(f"  slowest page p95 {worst:.0f} ms   goal <= {P95_GOAL_MS} ms for every page and overall: {goal(worst <= P95_GOAL_MS)}")
    print(f"  errors {errors:,}   goal 0: {goal(errors == 0)}")
    for failure in failures:
        print(f"    {failure['Occurrences']} x {failure['Method']} {failure['Name']}: {failure['Error']}")
    return met


# --------------------------------------------------------------------------- wrk


def run_wrk(url: str, seconds: int, script: Path, cookie: str | None = None) -> tuple[float, int]:
    """Requests a second wrk reached on ``url`` (2 threads, 20 connections), and the responses
    that were not 200."""
    command = ["wrk", "-t2", "-c20", f"-d{seconds}s", "-s", str(script), url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    not_ok = re.search(r"not 200: (\d+)", output)
    if not (rate and not_ok):
        raise ServingError(f"wrk's output was not understood:\n{output}")
    return float(rate.group(1)), int(not_ok.group(1))


def report_wrk(planner_url: str, bare_url: str, seconds: int, folder: Path, rounds: int = WRK_ROUNDS) -> bool:
    """wrk on the staff home page and the bare table; print both and the ratio; whether the goal is met.

    The two pages take turns, ``rounds`` times, ``seconds / rounds`` each: a shared machine's
    speed drifts from minute to minute, and pages measured one after the other would each catch a
    different part of it."""
    script = folder / "count.lua"
    script.write_text(WRK_SCRIPT)
    session, person = sign_in(planner_url, "staff@demo.example")
    cookie = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
    pages = {"home": (planner_url + person, cookie), "bare": (bare_url + "/table", None)}
    for url, with_cookie in pages.values():
        run_wrk(url, 2, script, with_cookie)  # warm both: templates compiled, connections made
    turn = max(1, round(seconds / rounds))
    served = {name: [] for name in pages}
    not_ok = dict.fromkeys(pages, 0)
    for _ in range(rounds):
        for name, (url, with_cookie) in pages.items():
            rate, refused = run_wrk(url, turn, script, with_cookie)
            served[name].append(rate)
            not_ok[name] += refused
    home, bare = (sum(served[name]) / rounds for name in ("home", "bare"))
    ratio = home / bare
    print(f"wrk: 2 threads, 20 connections, the same gunicorn settings; {rounds} turns of {turn} s on each page, taken in turn")
    print(f"  {'staff home (' + person + ', signed in)':<40} {home:8.1f} requests/s   not 200: {not_ok['home']}   turns: {', '.join(f'{r:.0f}' for r in served['home'])}")
    print(f"  {'floor: bare Flask, 200-row table':<40} {bare:8.1f} requests/s   not 200: {not_ok['bare']}   turns: {', '.join(f'{r:.0f}' for r in served['bare'])}")
    met = ratio >= THROUGHPUT_GOAL and not_ok["home"] == 0 and not_ok["bare"] == 0
    print(f"  {'ratio':<40} {ratio:8.0%}              goal >= {THROUGHPUT_GOAL:.0%} and every response 200: {goal(met)}")
    return met


# --------------------------------------------------------------------------- the run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, default=200, help="simulated people (default 200)")
    parser.add_argument("--spawn-rate", type=float, default=5, help="people arriving a second (default 5)")
    parser.add_argument("--run-time", type=int, default=180, help="seconds of locust, arrival included (default 180)")
    parser.add_argument("--wrk-seconds", type=int, default=30, help="seconds of wrk on each page, over six turns (default 30)")
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-port", type=int, default=5432)
    args = parser.parse_args(argv)
    missing = [tool for tool in ("wrk", "createdb", "dropdb") if not shutil.which(tool)]
    if missing:
        print(f"bench/load.py needs {', '.join(missing)} on the PATH (wrk: apt-get install -y wrk; "
              "createdb and dropdb: apt-get install -y postgresql-client)", file=sys.stderr)
        return 1

    started, load_before = time.perf_counter(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="planner-load-") as work:
        folder = Path(work)
        try:
            env = planner_environment(fresh_database(args.pg_host, args.pg_port, DATABASE))
            seed_demo(env)
            with gunicorn("planner:create_app()", env, "/sign-in", log=folder / "planner.log") as planner, \
                 gunicorn("bare_app:create_app()", env, "/table", pythonpath=BENCH, log=folder / "bare.log") as bare:
                make_plans(planner.base_url)
                rows, failures = run_locust(planner.base_url, args.users, args.spawn_rate, args.run_time, folder)
                locust_met = report_locust(rows, failures, args.users, args.run_time)
                wrk_met = report_wrk(planner.base_url, bare.base_url, args.wrk_seconds, folder)
        except (ServingError, subprocess.SubprocessError) as problem:
            print(f"the load benchmark stopped: {problem}", file=sys.stderr)
            log = folder / "planner.log"
            if log.exists():
                print(f"planner's log ends:\n{log.read_text()[-3000:]}", file=sys.stderr)
            return 1
    print(
        f"server: gunicorn, 2 sync workers, PostgreSQL database {DATABASE} on {args.pg_host}:{args.pg_port}, "
        f"sign-in limit raised for the run"
    )
    print(
        f"machine: Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.system()} {platform.machine()}; "
        f"load average {load_before:.1f} before the run (other work on the machine slows every figure)"
    )
    print(f"total run time {time.perf_counter() - started:.0f} s")
    if not (locust_met and wrk_met):
        print("a goal is missed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
