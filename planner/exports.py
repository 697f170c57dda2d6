"""Tables of figures as files to download: CSV and XLSX from one table shape.

Every export is a ``Table``: a title, column headings that say their units, and rows of cells.
A cell is text, a number, or ``None`` for a count withheld because it is too small to publish,
which both formats write as the words "fewer than 5".

Text from the database (team, trust and framework names) may begin with a character that a
spreadsheet reads as the start of a formula, so a name like ``=HYPERLINK(...)`` would run when the
file is opened. As the OWASP guidance on CSV injection advises, any text cell beginning with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a ``'`` in front, in both
formats; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

SUPPRESSED = "fewer than 5"
"""How a withheld count reads, on pages and in files."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet treat text as a formula (OWASP CSV injection)."""
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    """A table to export: its title (the sheet's name), headings with units, and rows of cells.

    ``None`` in a row is a withheld count; text, whole numbers and decimals are written as they are.
    """

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def __post_init__(self) -> None:
        widths = {len(row) for row in self.rows} - {len(self.headers)}
        if widths:
            raise ValueError(f"table '{self.title}' has rows of {min(widths)} cells under {len(self.headers)} headings")


def safe_text(text: str) -> str:
    """Text a spreadsheet shows as text: a leading ``'`` where it would start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell_value(value: Cell) -> str | int | float:
    """A cell as it is written: escaped text, the words for a withheld count, or the number."""
    if value is None:
        return SUPPRESSED
    if isinstance(value, str):
        return safe_text(value)
    return value


def to_csv(table: Table) -> bytes:
    """The table as CSV: UTF-8 with a byte order mark, so Excel reads names like "Siân" rightly,
    and CRLF line ends as RFC 4180 has them. Every cell that is not a number is quoted."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([safe_text(header) for header in table.headers])
    for row in table.rows:
        values = [cell_value(value) for value in row]
        # QUOTE_NONNUMERIC quotes text and leaves numbers bare; whole floats are written as ints.
        writer.writerow([int(v) if isinstance(v, float) and v.is_integer() else v for v in values])
    return buffer.getvalue().encode("utf-8-sig")


SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LIMIT = 31


def sheet_name(title: str) -> str:
    """A title Excel accepts as a sheet's name: at most 31 characters, none of ``[]:*?/\\``."""
    return SHEET_NAME_FORBIDDEN.sub(" ", title)[:SHEET_NAME_LIMIT].strip() or "Table"


def _xlsx_value(value: str | int | float) -> str | int | float:
    # openpyxl refuses control characters in text; they cannot be shown anyway.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def to_xlsx(table: Table) -> bytes:
    """The table as an Excel workbook of one sheet: bold headings frozen at the top, numbers
    stored as numbers, text stored as text (never as a formula)."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = table.title
    workbook.properties.creator = "planner"
    sheet = workbook.create_sheet(sheet_name(table.title))
    sheet.freeze_panes = "A2"
    for index, header in enumerate(table.headers, start=1):
        widest = max([len(header), *(len(str(cell_value(row[index - 1]))) for row in table.rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(widest + 2, 60)
    bold = Font(bold=True)
    headings = []
    for header in table.headers:
        cell = WriteOnlyCell(sheet, value=_xlsx_value(safe_text(header)))
        cell.font = bold
        headings.append(cell)
    sheet.append(headings)
    for row in table.rows:
        sheet.append([_text_cell(sheet, cell_value(value)) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, value: str | int | float):
    """A cell for the sheet; text is marked as text so nothing in it is read as a formula."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
    cell.data_type = "s"
    return cell


def export(table: Table, file_format: str) -> tuple[bytes, str]:
    """The table in ``file_format`` ("csv" or "xlsx"), with its MIME type."""
    if file_format == "csv":
        return to_csv(table), CSV_TYPE
    if file_format == "xlsx":
        return to_xlsx(table), XLSX_TYPE
    raise ValueError(f"unknown export format '{file_format}'")

