"""Joining many PDFs into one file while holding almost nothing of them in memory.

A team's or trust's plans go into one PDF with a bookmark per person. Merging libraries keep every
page of every input until they write the result, so their memory grows with the number of people.
``JoinedPdf`` instead copies each input's objects straight to the output as it reads them,
renumbered, and keeps only what the end of the file needs: where each object starts, the pages in
order and the bookmarks. An input is read with pypdf and let go before the next is opened.

The inputs are the PDFs ``planner.pdf`` makes: unencrypted, every page reachable from its page
tree. Their outline (the section bookmarks) is carried over beneath the bookmark given for them.
"""

from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)


@dataclass
class Bookmark:
    """An outline entry: its title, the number of the page object it opens at, the height on that
    page (None for the top), and the entries beneath it."""

    title: str
    page: int
    top: float | None = None
    children: list[Bookmark] = field(default_factory=list)


class JoinedPdf:
    """One PDF written to ``out`` from other PDFs appended in turn; ``close`` finishes it.

    Objects 1 to 4 are kept for the catalog, the page tree, the outline and the document
    information, which can only be written once every page is known.
    """

    CATALOG, PAGES, OUTLINES, INFO = 1, 2, 3, 4

    def __init__(self, out: BinaryIO, *, title: str, lang: str = "en-GB", creator: str = "planner"):
        self.out, self.title, self.lang, self.creator = out, title, lang, creator
        self.offsets: dict[int, int] = {}
        self.pages: list[int] = []
        self.bookmarks: list[Bookmark] = []
        self._next = self.INFO + 1
        self._start = out.tell()
        # The binary comment line tells file-transfer tools the file is binary.
        out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def append(self, source: str | Path | BinaryIO, bookmark: str | None = None) -> int:
        """Copy every page of ``source`` to the end; with ``bookmark``, add an outline entry for its
        first page with the source's own outline beneath it. Gives the number of pages copied."""
        reader = PdfReader(source)
        numbers: dict[int, int] = {}
        waiting: deque[int] = deque()

        def renumber(idnum: int) -> int:
            if idnum not in numbers:
                numbers[idnum] = self._allocate()
                waiting.append(idnum)
            return numbers[idnum]

        first = len(self.pages)
        for page in reader.pages:
            self.pages.append(renumber(page.indirect_reference.idnum))
        while waiting:
            idnum = waiting.popleft()
            obj = reader.get_object(idnum)
            if isinstance(obj, DictionaryObject) and obj.get("/Type") == "/Page":
                obj = DictionaryObject({key: value for key, value in obj.items() if key != "/Parent"})
                obj[NameObject("/Parent")] = IndirectObject(self.PAGES, 0, None)
            self._write_object(numbers[idnum], obj, renumber)
        copied = len(self.pages) - first
        if bookmark is not None and copied:
            children = self._outline(reader.outline, numbers)
            self.bookmarks.append(Bookmark(bookmark, self.pages[first], None, children))
        return copied

    def close(self) -> None:
        """Write the page tree, the outline, the catalog, the document information and the
        cross-reference table that lets a reader find every object."""
        kids = ArrayObject(IndirectObject(number, 0, None) for number in self.pages)
        self._write(self.PAGES, DictionaryObject({
            NameObject("/Type"): NameObject("/Pages"),
            NameObject("/Kids"): kids,
            NameObject("/Count"): NumberObject(len(self.pages)),
        }))
        self._write_outline()
        self._write(self.CATALOG, DictionaryObject({
            NameObject("/Type"): NameObject("/Catalog"),
            NameObject("/Pages"): IndirectObject(self.PAGES, 0, None),
            NameObject("/Outlines"): IndirectObject(self.OUTLINES, 0, None),
            NameObject("/PageMode"): NameObject("/UseOutlines"),
            NameObject("/Lang"): TextStringObject(self.lang),
        }))
        self._write(self.INFO, DictionaryObject({
            NameObject("/Title"): TextStringObject(self.title),
            NameObject("/Creator"): TextStringObject(self.creator),
            NameObject("/Producer"): TextStringObject(self.creator),
        }))
        self._write_trailer()

    # Writing objects.

    def _allocate(self) -> int:
        self._next += 1
        return self._next - 1

    def _write_object(self, number: int, obj, renumber) -> None:
        """Write a source object under its new number, its references renumbered."""
        if isinstance(obj, StreamObject):
            data = obj._data  # the stream as stored, still compressed: copied, never decoded
            head = _renumbered(DictionaryObject({k: v for k, v in obj.items() if k != "/Length"}), renumber)
            head[NameObject("/Length")] = NumberObject(len(data))
            self._begin(number)
            head.write_to_stream(self.out)
            self.out.write(b"\nstream\n" + data + b"\nendstream\nendobj\n")
            return
        self._write(number, _renumbered(obj, renumber))

    def _write(self, number: int, obj) -> None:
        self._begin(number)
        obj.write_to_stream(self.out)
        self.out.write(b"\nendobj\n")

    def _begin(self, number: int) -> None:
        self.offsets[number] = self.out.tell() - self._start
        self.out.write(b"%d 0 obj\n" % number)

    def _outline(self, items: list, numbers: dict[int, int]) -> list[Bookmark]:
        """The source's outline as bookmarks on the copied pages."""
        marks: list[Bookmark] = []
        for item in items:
            # pypdf gives an entry's children as a list straight after the entry.
            if isinstance(item, list):
                marks[-1].children += self._outline(item, numbers)
            else:
                marks.append(Bookmark(str(item.title), numbers[item.page.idnum], item.top))
        return marks

    def _write_outline(self) -> None:
        """The outline root and every entry, linked as the PDF format asks: parent, previous and
        next sibling, first and last child, and the count of entries beneath."""
        entries: list[tuple[int, Bookmark, int]] = []  # number, bookmark, parent's number
        children: dict[int, list[int]] = {}

        def number_all(marks: list[Bookmark], parent: int) -> None:
            children[parent] = []
            for mark in marks:
                number = self._allocate()
                children[parent].append(number)
                entries.append((number, mark, parent))
                number_all(mark.children, number)

        number_all(self.bookmarks, self.OUTLINES)
        root = DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
        _link(root, children[self.OUTLINES])
        self._write(self.OUTLINES, root)
        for number, mark, parent in entries:
            page = IndirectObject(mark.page, 0, None)
            where = [page, NameObject("/Fit")] if mark.top is None else [page, NameObject("/XYZ"), NumberObject(0), NumberObject(round(mark.top)), NumberObject(0)]
            entry = DictionaryObject({
                NameObject("/Title"): TextStringObject(mark.title),
                NameObject("/Parent"): IndirectObject(parent, 0, None),
                NameObject("/Dest"): ArrayObject(where),
            })
            family = children[parent]
            place = family.index(number)
            if place:
                entry[NameObject("/Prev")] = IndirectObject(family[place - 1], 0, None)
            if place < len(family) - 1:
                entry[NameObject("/Next")] = IndirectObject(family[place + 1], 0, None)
            _link(entry, children[number], folded=True)
            self._write(number, entry)

    def _write_trailer(self) -> None:
        size = self._next
        missing = set(range(1, size)) - set(self.offsets)
        if missing:
            raise RuntimeError(f"objects {sorted(missing)[:5]} were numbered but never written")
        start = self.out.tell() - self._start
        lines = [b"xref\n0 %d\n" % size, b"0000000000 65535 f\r\n"]
        lines += [b"%010d 00000 n\r\n" % self.offsets[number] for number in range(1, size)]
        self.out.write(b"".join(lines))
        file_id = hashlib.md5(f"{self.title}:{size}:{start}".encode()).hexdigest().encode()
        self.out.write(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, self.CATALOG, self.INFO, file_id, file_id, start)
        )


def _link(entry: DictionaryObject, children: list[int], folded: bool = False) -> None:
    """Point an outline entry at its first and last child and count them; a negative count shows
    the entry folded, its children hidden until opened."""
    if children:
        entry[NameObject("/First")] = IndirectObject(children[0], 0, None)
        entry[NameObject("/Last")] = IndirectObject(children[-1], 0, None)
        entry[NameObject("/Count")] = NumberObject(-len(children) if folded else len(children))


def _renumbered(obj, renumber):
    """A copy of ``obj`` with every reference to a source object pointing at its new number."""
    if isinstance(obj, IndirectObject):
        return IndirectObject(renumber(obj.idnum), 0, None)
    if isinstance(obj, DictionaryObject):
        return DictionaryObject({key: _renumbered(value, renumber) for key, value in obj.items()})
    if isinstance(obj, ArrayObject):
        return ArrayObject(_renumbered(value, renumber) for value in obj)
    return obj
