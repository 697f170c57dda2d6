"""PDF benchmark: one plan, and a thousand plans as files and as one PDF, each beside a floor.

Run from the repository root::

    python bench/pdf.py            # the full run (about five minutes on 2 cores)
    python bench/pdf.py --quick    # 100 and 10 plans instead of 1,000 and 100 (about a minute)

What it measures
----------------
The plans are synthetic but real: two people for every role of the default framework, with levels
near their role's requirements and, for most, a target one move away, planned by the core
(``assemble_plan``) as the web pages do. A run of N plans cycles through that pool under N names.

1. One plan: ``planner.pdf.render_plan`` on each plan of the pool, milliseconds per plan (the
   median of 3 passes). Floor: a plain reportlab platypus document (``SimpleDocTemplate``, one
   body-text paragraph per line, no tables, charts, diagram, page decoration or bookmarks)
   holding the same text, taken from the plan's own story before timing. Goal: <= 2x the floor.
2. 1,000 plans as 1,000 files (``planner.bulk.write_zip``: a zip of one PDF per person) and as
   one PDF (``planner.bulk.write_combined``: contents page, bookmark per person), seconds and
   pages per second. Floors: the plain documents of the same plans, zipped the same way; and one
   plain document holding every plan's text.
3. Peak memory (the process's maximum resident set size) printing 1,000 plans and 100 plans,
   each in a fresh process. Goal: 1,000 within 1.5x of 100, i.e. memory does not grow with the
   number of people.

The batch is fed from memory rather than the database, so the figures are the printing alone.
Each bulk figure comes from its own child process (``--child``), so one run's memory does not
colour the next.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import reportlab  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table  # noqa: E402

from planner import config, pdf  # noqa: E402
from planner.bulk import Entry, write_combined, write_zip  # noqa: E402
from planner.core.framework import Framework, Person  # noqa: E402
from planner.core.plan import assemble_plan  # noqa: E402
from planner.frameworks import load_framework  # noqa: E402
from planner.plans import load_plan, plan_to_dict  # noqa: E402
from planner.printing import NOT_YET_AGREED, Agreement, PrintablePlan  # noqa: E402

ONE_PLAN_GOAL = 2.0
MEMORY_GOAL = 1.5
TODAY = date(2026, 11, 26)
SEED = 20261126


def goal(met: bool) -> str:
    return "met" if met else "MISSED"


# --------------------------------------------------------------------------- the plans


def plan_pool(framework: Framework, seed: int = SEED) -> list[PrintablePlan]:
    """Two plans for every role: levels near the role's requirements, most with a target one move on."""
    rng = random.Random(seed)
    top = framework.max_level
    pool = []
    for number, role in enumerate([role for role in framework.roles for _ in range(2)]):
        levels = {c: max(0, min(top, level + rng.choice((-2, -1, -1, 0, 0, 1)))) for c, level in role.requires.items()}
        person = Person(name=f"Person {number}", role=role.id, levels=levels, months_in_role=rng.randint(0, 30))
        nexts = sorted(framework.move_graph[role.id])
        target = rng.choice(nexts) if nexts and rng.random() < 0.8 else None
        plan = load_plan(plan_to_dict(assemble_plan(framework, person, target, TODAY), framework))
        pool.append(PrintablePlan(
            person=person.name, trust="Northgate Teaching Hospitals NHS Foundation Trust", team="Medical staffing",
            version=None, status=NOT_YET_AGREED, plan=plan, role_readiness=rng.randint(40, 100),
            target_readiness=rng.randint(10, 90) if target else None,
            agreements=(Agreement("Staff member", person.name, None), Agreement("Manager", None, None)),
        ))
    return pool


class PoolBatch:
    """``count`` plans cycled from the pool under their own names, made one at a time as
    ``planner.bulk.Batch`` does from the database."""

    title = "Development plans: benchmark trust"

    def __init__(self, pool: list[PrintablePlan], count: int):
        self.pool, self.count = pool, count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Entry]:
        for number in range(self.count):
            printable = dataclasses.replace(self.pool[number % len(self.pool)], person=f"Person {number:04d}")
            yield Entry(number, f"bench-{number}", printable)


# --------------------------------------------------------------------------- the floor


def plain_text(flowables) -> Iterator[str]:
    """The text of a plan's story as paragraph markup, a table row to a line, drawings left out."""
    for flowable in flowables:
        if isinstance(flowable, Paragraph):
            if flowable.text:
                yield flowable.text
        elif isinstance(flowable, Table):
            for row in flowable._cellvalues:
                yield " · ".join(_cell_text(cell) for cell in row)
        else:
            yield from plain_text(getattr(flowable, "_content", None) or getattr(flowable, "_flowables", None) or ())


def _cell_text(cell) -> str:
    if isinstance(cell, Paragraph):
        return cell.text
    if isinstance(cell, (list, tuple)):
        return " ".join(_cell_text(part) for part in cell)
    return escape(str(cell)).replace("\n", "<br/>")


def plain_story(lines: list[str]) -> list:
    return [Paragraph(line, pdf.PARAGRAPHS["body"]) for line in lines]


def render_floor(lines: list[str]) -> bytes:
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(plain_story(lines))
    return out.getvalue()


# --------------------------------------------------------------------------- measurements


def one_plan(pool: list[PrintablePlan], repeats: int = 3) -> dict:
    """Milliseconds per plan for the real renderer and the floor, the median of ``repeats`` passes."""
    texts = [list(plain_text(pdf.plan_story(printable))) for printable in pool]
    # Counting the pages also warms the fonts and caches of both sides before timing.
    pages = sum(_pages(pdf.render_plan(printable)) for printable in pool)
    render_floor(texts[0])
    real, floor = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        for printable in pool:
            pdf.render_plan(printable)
        real.append(time.perf_counter() - started)
        started = time.perf_counter()
        for lines in texts:
            render_floor(lines)
        floor.append(time.perf_counter() - started)
    count = len(pool)
    return {
        "plans": count,
        "pages": pages / count,
        "real_ms": statistics.median(real) / count * 1000,
        "floor_ms": statistics.median(floor) / count * 1000,
    }


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def child(kind: str, count: int) -> dict:
    """One bulk print in this process: seconds, pages written, and the peak resident memory."""
    framework = load_framework(config.DEFAULT_FRAMEWORK)
    pool = plan_pool(framework)
    pdf.render_plan(pool[0])
    # The floors' text is taken from the plans before timing, as in the one-plan figure.
    texts = [list(plain_text(pdf.plan_story(printable))) for printable in pool] if kind.startswith("floor") else []
    with tempfile.TemporaryDirectory(prefix="planner-bench-") as folder:
        out = Path(folder) / "out"
        started = time.perf_counter()
        if kind == "combined":
            write_combined(PoolBatch(pool, count), out)
        elif kind == "zip":
            write_zip(PoolBatch(pool, count), out)
        elif kind == "floor-combined":
            document, story = SimpleDocTemplate(str(out), pagesize=A4), []
            for number in range(count):
                story += plain_story(texts[number % len(pool)]) + [PageBreak()]
            document.build(story)
        else:  # floor-zip
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
                for number in range(count):
                    archive.writestr(f"{number:04d}.pdf", render_floor(texts[number % len(pool)]))
        seconds = time.perf_counter() - started
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if kind.endswith("zip"):
            with zipfile.ZipFile(out) as archive:
                pages = sum(len(PdfReader(io.BytesIO(archive.read(name))).pages) for name in archive.namelist())
        else:
            pages = len(PdfReader(out).pages)
    return {"seconds": seconds, "pages": pages, "peak_mb": peak_kb / 1024}


def in_child(kind: str, count: int) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--count", str(count)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="100 and 10 plans instead of 1,000 and 100")
    parser.add_argument("--child", choices=("combined", "zip", "floor-combined", "floor-zip"), help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.count)))
        return 0

    started = time.perf_counter()
    large, small = (100, 10) if args.quick else (1_000, 100)
    framework = load_framework(config.DEFAULT_FRAMEWORK)
    pool = plan_pool(framework)
    single = one_plan(pool)
    ratio = single["real_ms"] / single["floor_ms"]
    print(f"one plan: render_plan over {single['plans']} plans of the default framework ({single['pages']:.1f} pages each on average), median of 3 passes")
    print(f"  {'render_plan':<44} {single['real_ms']:8.1f} ms/plan")
    print(f"  {'floor: plain platypus, same text':<44} {single['floor_ms']:8.1f} ms/plan")
    print(f"  {'ratio':<44} {ratio:8.2f}x        goal <= {ONE_PLAN_GOAL:g}x: {goal(ratio <= ONE_PLAN_GOAL)}")

    runs = {(kind, count): in_child(kind, count) for kind in ("zip", "combined") for count in (small, large)}
    floors = {kind: in_child(f"floor-{kind}", large) for kind in ("zip", "combined")}
    for kind, label in (("zip", f"{large:,} plans as {large:,} files (zip)"), ("combined", f"{large:,} plans as one PDF")):
        real, floor = runs[(kind, large)], floors[kind]
        print(label)
        for name, run in (("planner.bulk", real), ("floor: plain platypus, same text", floor)):
            print(f"  {name:<44} {run['seconds']:8.1f} s   {run['pages']:6,} pages   {run['pages'] / run['seconds']:6.1f} pages/s")
        print(f"  {'ratio':<44} {real['seconds'] / floor['seconds']:8.2f}x")
    print("peak memory (maximum resident set size, each run in a fresh process)")
    missed = ratio > ONE_PLAN_GOAL
    for kind, label in (("zip", "zip of files"), ("combined", "one PDF")):
        few, many = runs[(kind, small)]["peak_mb"], runs[(kind, large)]["peak_mb"]
        growth = many / few
        missed |= growth > MEMORY_GOAL
        print(
            f"  {label:<44} {small:,} plans {few:6.1f} MB   {large:,} plans {many:6.1f} MB   "
            f"{growth:5.2f}x   goal <= {MEMORY_GOAL:g}x: {goal(growth <= MEMORY_GOAL)}"
        )
    print(
        f"machine: Python {platform.python_version()}, reportlab {reportlab.Version}, "
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}"
    )
    print(f"total run time {time.perf_counter() - started:.1f} s")
    if missed:
        print("a goal is missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
