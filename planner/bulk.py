"""Printing the plans of a whole team or trust: one zip of PDFs, or one PDF with a contents page.

A ``Batch`` walks the people of a team or trust in name order and gives each one's plan as it goes,
so memory does not grow with the number of people: their latest saved plan, or for someone without
one a plan assembled from their data today and marked "Not yet agreed". ``write_zip`` and
``write_combined`` render the plans one at a time to files in a work folder and write the result
atomically: a temporary file beside the output, renamed onto it only when complete, so a crash or a
full disk never leaves a truncated file where the user will look. Given a lasting work folder, a
rerun after a failure reuses the plans already rendered instead of rendering them again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from io import BytesIO
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from pypdf import PdfReader
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
from sqlalchemy import and_, func, select

from planner import pdf
from planner.core.errors import PlanningError
from planner.core.framework import Framework
from planner.db import db
from planner.models import Person, Plan, Team, Trust
from planner.pdfjoin import JoinedPdf
from planner.printing import NOT_YET_AGREED, PrintablePlan, printable_from_current, printable_from_saved, slug

Progress = Callable[[int, int], None]
"""Told (people done, people in all) after each person."""


@dataclass(frozen=True)
class Entry:
    """One person's plan in a batch. ``key`` names its rendered PDF in a work folder: the person,
    the plan's version or date, and a digest of its content, so a changed plan is never reused."""

    person_id: int
    key: str
    printable: PrintablePlan

    @property
    def from_current(self) -> bool:
        """Whether the plan was assembled from current data rather than saved."""
        return self.printable.status == NOT_YET_AGREED


@dataclass
class Written:
    """What a bulk print wrote: plans in all, those assembled from current data, those rendered
    in this run (the rest were reused from the work folder)."""

    plans: int = 0
    from_current: int = 0
    rendered: int = 0


class Batch:
    """The plans of everyone in a team or in a trust, in order of name (then id), one at a time.

    Iterating reads each person as it goes; ``len`` is the number of people. Needs an app context.
    A ``PlanningError`` assembling someone's plan passes through, naming them.
    """

    def __init__(self, framework: Framework, today: date, *, team: Team | None = None, trust: Trust | None = None):
        if (team is None) == (trust is None):
            raise ValueError("a batch is of one team or one trust")
        self.framework, self.today = framework, today
        self.title = f"Development plans: {team.name}, {team.trust.name}" if team else f"Development plans: {trust.name}"
        in_scope = Person.team_id == team.id if team else Person.trust_id == trust.id
        self._where = and_(in_scope, Person.erased_at.is_(None))

    def __len__(self) -> int:
        return db.session.scalar(select(func.count()).select_from(Person).where(self._where))

    def __iter__(self) -> Iterator[Entry]:
        # Only ids are held; each person's rows are loaded in turn and let go after, so a large
        # trust does not fill the session.
        ids = db.session.scalars(select(Person.id).where(self._where).order_by(Person.name, Person.id)).all()
        for person_id in ids:
            yield self._entry(db.session.get(Person, person_id))

    def _entry(self, person: Person) -> Entry:
        saved = db.session.scalar(select(Plan).where(Plan.person_id == person.id).order_by(Plan.version.desc()).limit(1))
        if saved is not None:
            printable = printable_from_saved(saved, self.framework)
            key = f"{person.id}-v{saved.version}"
        else:
            try:
                printable = printable_from_current(person, self.framework, self.today)
            except PlanningError as error:
                raise PlanningError(f"{person.name}: {error}") from error
            key = f"{person.id}-{self.today:%Y%m%d}"
        digest = hashlib.sha256(repr(printable).encode()).hexdigest()[:12]
        return Entry(person.id, f"{key}-{digest}", printable)


def write_zip(entries: Batch, path: Path, progress: Progress | None = None, work_dir: Path | None = None) -> Written:
    """Write a zip holding one PDF per person (``0001-amira-shah.pdf``, …) atomically at ``path``.

    ``work_dir`` keeps each rendered PDF for a rerun; without it they go to a temporary folder.
    """
    path, written = Path(path), Written()
    with _work_folder(work_dir) as folder, _atomic(path) as out:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for number, (entry, rendered) in enumerate(_rendered(entries, folder, progress, written), 1):
                archive.write(rendered, f"{number:04d}-{slug(entry.printable.person)}.pdf")
    return written


def write_combined(entries: Batch, path: Path, progress: Progress | None = None, work_dir: Path | None = None) -> Written:
    """Write one PDF atomically at ``path``: a contents page listing each person with the page their
    plan starts on, then every plan, with a bookmark per person and their sections beneath it.

    Plans are rendered one at a time to files, then copied into the result one at a time, so memory
    holds only each plan's page count and bookmarks, never their pages.
    """
    path, written = Path(path), Written()
    title = getattr(entries, "title", "Development plans")
    with _work_folder(work_dir) as folder:
        done = [
            (_Contents.of(entry.printable), rendered, len(PdfReader(rendered).pages))
            for entry, rendered in _rendered(entries, folder, progress, written)
        ]
        contents = _contents(title, [(line, pages) for line, _, pages in done])
        with _atomic(path) as out:
            joined = JoinedPdf(out, title=title)
            joined.append(contents)
            for line, rendered, _ in done:
                joined.append(rendered, bookmark=line.person)
            joined.close()
    return written


@dataclass(frozen=True)
class _Contents:
    """What the contents page says of one plan; kept instead of the whole plan while the rest render."""

    person: str
    team: str
    status: str

    @classmethod
    def of(cls, printable: PrintablePlan) -> _Contents:
        return cls(printable.person, printable.team, printable.status)


def _rendered(entries: Batch, folder: Path, progress: Progress | None, written: Written) -> Iterator[tuple[Entry, Path]]:
    """Each entry with its PDF in ``folder``, rendered unless a finished one is there already."""
    total = len(entries)
    for done, entry in enumerate(entries, 1):
        rendered = folder / f"{entry.key}.pdf"
        if not rendered.exists():
            with _atomic(rendered) as out:
                out.write(pdf.render_plan(entry.printable))
            written.rendered += 1
        written.plans += 1
        written.from_current += entry.from_current
        yield entry, rendered
        if progress is not None:
            progress(done, total)


def _contents(title: str, plans: list[tuple[_Contents, int]]) -> BytesIO:
    """The contents pages as a PDF: each person, team, status and the page their plan starts on."""
    contents_pages = 1
    while True:
        out, rows, page = BytesIO(), [], contents_pages + 1
        for printable, pages in plans:
            rows.append([_cell(printable.person), _cell(printable.team), _cell(printable.status), _cell(str(page))])
            page += pages
        document = SimpleDocTemplate(out, title=title, creator="planner", lang="en-GB")
        header = [_cell(text, "head") for text in ("Name", "Team", "Status", "Page")]
        table = Table([header] + rows, colWidths=[170, 150, 100, 40], repeatRows=1)
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), pdf.COLOURS["blue"]),
            ("LINEBELOW", (0, 0), (-1, -1), pdf.STYLES["table"]["grid"], pdf.COLOURS["rule"]),
        ]))
        document.build([Paragraph(escape(title), pdf.PARAGRAPHS["title"]), table])
        # Page numbers depend on how many pages the contents fill; lay it out again until they agree.
        if document.page == contents_pages:
            out.seek(0)
            return out
        contents_pages = document.page


def _cell(text: str, style: str = "cell") -> Paragraph:
    return Paragraph(escape(text), pdf.PARAGRAPHS[style])


@contextmanager
def _work_folder(work_dir: Path | None) -> Iterator[Path]:
    """The folder rendered plans go to: ``work_dir``, made if needed, or a temporary one."""
    if work_dir is not None:
        Path(work_dir).mkdir(parents=True, exist_ok=True)
        yield Path(work_dir)
        return
    with tempfile.TemporaryDirectory(prefix="planner-print-") as folder:
        yield Path(folder)


@contextmanager
def _atomic(path: Path) -> Iterator[BinaryIO]:
    """A file to write that appears at ``path`` only once complete and on disk.

    The temporary file sits in the same folder so the rename stays on one file system, which makes
    it atomic; on any error it is removed and ``path`` is left as it was.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
