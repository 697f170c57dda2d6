"""Tables as CSV and XLSX files: the same figures in both, numbers as numbers, withheld counts in
words, and text that a spreadsheet would run as a formula escaped."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from planner.exports import CSV_TYPE, SUPPRESSED, XLSX_TYPE, Table, export, safe_text, sheet_name, to_csv, to_xlsx

DANGEROUS = ['=HYPERLINK("http://example.com","Click")', "+1+2", "-3+4", "@SUM(A1)", "\tTab", "\rReturn"]

TABLE = Table(
    "Modules to commission",
    ("Team", "Learners (people)", "Hours per learner", "Total hours"),
    (
        ("Siân's team", 12, 1.5, 18.0),
        ("Small team", None, 3.0, None),
        ("A team with −3 in its name", 0, 0.25, 0.0),
        *((name, 7, 2.0, 14.0) for name in DANGEROUS),
    ),
)


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # a byte order mark, so Excel reads UTF-8 names rightly
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def read_xlsx(body: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(body)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_would_start_a_formula_gets_a_quote_in_front(text):
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["Northgate", "", "5 learners", "'quoted", "a=b", "Siân"])
def test_other_text_is_left_alone(text):
    assert safe_text(text) == text


def test_csv_reads_back_to_the_same_figures_with_formulas_escaped():
    rows = read_csv(to_csv(TABLE))
    assert rows[0] == list(TABLE.headers)
    assert rows[1] == ["Siân's team", "12", "1.5", "18"]
    assert rows[2] == ["Small team", SUPPRESSED, "3", SUPPRESSED]
    assert rows[3] == ["A team with −3 in its name", "0", "0.25", "0"]
    assert [row[0] for row in rows[4:]] == ["'" + text for text in DANGEROUS]
    assert all(row[1:] == ["7", "2", "14"] for row in rows[4:])


def test_csv_quotes_text_and_leaves_numbers_bare_with_crlf_line_ends():
    body = to_csv(TABLE).decode("utf-8-sig")
    assert body.splitlines(keepends=True)[1] == '"Siân\'s team",12,1.5,18\r\n'


def test_xlsx_opens_with_the_same_figures_numbers_as_numbers_and_no_formulas():
    body = to_xlsx(TABLE)
    workbook = load_workbook(io.BytesIO(body))
    sheet = workbook.active
    assert sheet.title == "Modules to commission"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    rows = read_xlsx(body)
    assert rows[0] == list(TABLE.headers)
    assert rows[1] == ["Siân's team", 12, 1.5, 18]
    assert rows[2] == ["Small team", SUPPRESSED, 3, SUPPRESSED]
    # (XML reads a carriage return back as a line feed.)
    assert [row[0] for row in rows[4:]] == ["'" + text.replace("\r", "\n") for text in DANGEROUS]
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    assert isinstance(rows[1][1], int) and isinstance(rows[1][2], float)


def test_xlsx_drops_control_characters_it_cannot_store():
    rows = read_xlsx(to_xlsx(Table("T", ("Name",), (("Bell\x07 team",),))))
    assert rows[1] == ["Bell team"]


def test_export_gives_each_format_with_its_mime_type():
    assert export(TABLE, "csv") == (to_csv(TABLE), CSV_TYPE)
    body, mimetype = export(TABLE, "xlsx")
    assert mimetype == XLSX_TYPE and body.startswith(b"PK")
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        export(TABLE, "pdf")


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match="rows of 1 cells under 2 headings"):
        Table("T", ("A", "B"), (("only one",),))


@pytest.mark.parametrize(
    ("title", "name"),
    [("Competency gaps", "Competency gaps"), ("Gaps: a/b [c]?*\\", "Gaps  a b  c"), ("x" * 40, "x" * 31), ("///", "Table")],
)
def test_sheet_names_are_ones_excel_accepts(title, name):
    assert sheet_name(title) == name
