"""Training needs in aggregate in the browser: Marcus Whitfield, the demo region lead, signs in,
follows his home page's link to the training needs of the North West, finds the heatmap with its
table, opens the commissioning view, reads how many learners the most needed module has, and
downloads the modules as an Excel workbook that opens. Both pages pass axe-core with no serious or
critical violation. Screenshots of both pages are kept in the screenshots folder (``SCREENSHOTS`` in conftest.py) for a person to look at."""

from __future__ import annotations

import io
import re
from pathlib import Path

from openpyxl import load_workbook

from .conftest import SCREENSHOTS
from .test_journey import Journey

REGION_LEAD = "region.lead@demo.example"
REGION_LEAD_NAME = "Marcus Whitfield"
REGION = "North West"


def test_a_region_lead_sees_what_to_commission_for_their_region(demo_page, axe):
    journey = Journey(demo_page, axe)
    page = journey.page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    journey.sign_in(REGION_LEAD, REGION_LEAD_NAME)
    journey.follow(page.get_by_role("link", name="Training needs across your organisations"))
    journey.check(f"Training needs: {REGION}")
    assert re.fullmatch(r"[\d,]+", journey.summary_value("People"))
    heatmap = page.get_by_role("img", name="Share of people with a gap in each domain, by trust")
    assert heatmap.is_visible()
    table = page.get_by_role("table", name=re.compile("^People with at least one gap in each domain"))
    assert table.is_visible()
    # One column per trust of the region, each named with its ICS.
    headers = [text.strip() for text in table.get_by_role("columnheader").all_inner_texts()]
    assert headers[0] == "Domain" and len(headers) == 1 + 4
    assert all("Integrated Care System" in header for header in headers[1:])
    assert "fewer than 5" in page.get_by_role("main").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "insight-region.png"), full_page=True)

    journey.follow(page.get_by_role("link", name=f"Which modules to commission for {REGION}"))
    journey.check("Modules to commission")
    modules = page.get_by_role("table", name="Every module needed, most learners first")
    first = modules.get_by_role("row").nth(1)
    learners = first.get_by_role("cell").nth(3).inner_text().strip()
    assert re.fullmatch(r"[\d,]+", learners), learners
    title = first.get_by_role("rowheader").inner_text().strip()
    headline = page.get_by_role("listitem").filter(has_text=f"{title}: {learners} learners in").first
    assert headline.is_visible()
    page.screenshot(path=str(SCREENSHOTS / "insight-commissioning.png"), full_page=True)

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Excel (XLSX) file of the modules to commission").click()
    download = downloading.value
    assert re.fullmatch(r"training-needs-north-west-modules-\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    # openpyxl goes by a file's extension, which the downloaded copy lacks: give it the bytes.
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][1] == "Module" and rows[1][1] == title and rows[1][5] == int(learners.replace(",", ""))
