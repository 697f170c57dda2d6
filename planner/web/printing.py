"""Plans on paper: one saved plan as a PDF to download, and as an accessible HTML print view.

Both show the same content, gathered once by ``planner.printing.printable_from_saved``. The PDF is
not tagged for screen readers (reportlab cannot tag), so the print view is the accessible form.
Who may print a plan is exactly who may see it: the person, their manager and their trust admin.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import login_required

from planner.db import db
from planner.models import Plan
from planner.pdf import render_plan
from planner.printing import header_rows, pdf_filename, printable_from_saved, time_in_role
from planner.recent import Recent
from planner.web.access import visible_person
from planner.web.context import framework

bp = Blueprint("printing", __name__)

PDFS_KEPT = 64
"""How many plans' PDFs each process keeps (about 100 KB each): a plan downloaded again, unchanged,
is not drawn again. The key is everything the PDF shows (the printable plan's repr, faithful for
its strings, numbers, dates and nested records), so any change to the plan draws it afresh."""
pdfs: Recent[bytes] = Recent(PDFS_KEPT)


@bp.get("/plans/<id:plan_id>/plan.pdf")
@login_required
def plan_pdf(plan_id: int):
    """The saved plan as an A4 PDF, downloaded as a file and never kept by a cache."""
    printable = printable_from_saved(_visible_plan(plan_id), framework())
    return Response(
        pdfs.get(repr(printable), lambda: render_plan(printable)),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{pdf_filename(printable)}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/plans/<id:plan_id>/print")
@login_required
def print_view(plan_id: int):
    """The saved plan as one page styled for printing, with the same content as the PDF."""
    row = _visible_plan(plan_id)
    printable = printable_from_saved(row, framework())
    return render_template(
        "printing/plan.html", row=row, printable=printable,
        header_rows=header_rows(printable), time_in_role=time_in_role,
    )


def _visible_plan(plan_id: int) -> Plan:
    """The plan with this id, when the signed-in account may see its person; 404 otherwise."""
    row = db.get_or_404(Plan, plan_id)
    visible_person(row.person_id)
    return row
