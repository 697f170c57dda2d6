"""Joining PDFs into one without holding their pages: every page copied in order, each input's
bookmarks beneath its own, and a file that strict readers accept."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen.canvas import Canvas

from planner.pdfjoin import JoinedPdf


def source(name: str, pages: int, sections: list[tuple[str, int, int]] = ()) -> io.BytesIO:
    """A PDF of ``pages`` pages saying "<name> page N", with outline entries (title, page, level)."""
    out = io.BytesIO()
    canvas = Canvas(out)
    for page in range(1, pages + 1):
        canvas.setFont("Helvetica", 12)
        canvas.drawString(72, 720, f"{name} page {page}")
        for number, (title, on_page, level) in enumerate(sections):
            if on_page == page:
                canvas.bookmarkPage(f"s{number}", fit="XYZ", top=700)
                canvas.addOutlineEntry(title, f"s{number}", level=level)
        canvas.showPage()
    canvas.save()
    out.seek(0)
    return out


def joined(*parts: tuple[io.BytesIO, str | None], title: str = "Plans") -> tuple[PdfReader, list[int]]:
    out = io.BytesIO(b"ignored prefix ")
    out.seek(0, io.SEEK_END)
    pdf = JoinedPdf(out, title=title)
    copied = [pdf.append(part, bookmark=mark) for part, mark in parts]
    pdf.close()
    # The file starts where the writer began: offsets are counted from there.
    return PdfReader(io.BytesIO(out.getvalue()[len(b"ignored prefix "):]), strict=True), copied


def test_pages_are_copied_in_order_with_their_text():
    reader, copied = joined((source("Contents", 1), None), (source("Amira", 3), "Amira Shah"), (source("Ben", 2), "Ben Carter"))
    assert copied == [1, 3, 2]
    texts = [page.extract_text().strip() for page in reader.pages]
    assert texts == ["Contents page 1", "Amira page 1", "Amira page 2", "Amira page 3", "Ben page 1", "Ben page 2"]


def test_each_input_is_bookmarked_with_its_own_sections_beneath():
    amira = source("Amira", 3, [("About", 1, 0), ("Gaps", 2, 0), ("Red gaps", 2, 1), ("Training", 3, 0)])
    reader, _ = joined((source("Contents", 1), None), (amira, "Amira Shah"), (source("Ben", 2, [("About", 1, 0)]), "Ben Carter"))
    outline = reader.outline
    assert [item.title for item in outline if not isinstance(item, list)] == ["Amira Shah", "Ben Carter"]
    assert reader.get_destination_page_number(outline[0]) == 1 and reader.get_destination_page_number(outline[2]) == 4
    amira_sections = outline[1]
    assert [item.title for item in amira_sections if not isinstance(item, list)] == ["About", "Gaps", "Training"]
    assert [reader.get_destination_page_number(item) for item in amira_sections if not isinstance(item, list)] == [1, 2, 3]
    assert [item.title for item in amira_sections[2]] == ["Red gaps"]
    assert amira_sections[0].top == 700


def test_the_document_has_its_title_language_and_opens_on_the_outline():
    reader, _ = joined((source("Zoë", 1), "Zoë Ångström"), title="Development plans: Zoë's team")
    assert reader.metadata.title == "Development plans: Zoë's team"
    assert reader.metadata.creator == "planner"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"
    assert reader.outline[0].title == "Zoë Ångström"


def test_objects_shared_by_pages_are_written_once():
    """The font every page of an input uses is copied once, not once per page."""
    reader, _ = joined((source("Amira", 5), "Amira"))
    fonts = {page["/Resources"]["/Font"].indirect_reference.idnum for page in reader.pages}
    assert len(fonts) == 1


def test_an_input_without_pages_adds_no_bookmark():
    empty = io.BytesIO()
    PdfWriter().write(empty)
    empty.seek(0)
    reader, copied = joined((empty, "Nobody"), (source("Amira", 1), "Amira"))
    assert copied == [0, 1]
    assert [item.title for item in reader.outline] == ["Amira"]


def test_a_numbered_object_left_unwritten_stops_the_file_being_finished():
    """A broken cross-reference table would make the whole file unreadable; refuse to write one."""
    pdf = JoinedPdf(io.BytesIO(), title="Plans")
    pdf.pages.append(pdf._allocate())
    with pytest.raises(RuntimeError, match="never written"):
        pdf.close()
