"""Reading rendered pages in tests: the headings in order, each with the text under it."""

from __future__ import annotations

from html.parser import HTMLParser

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class _Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sections: list[list[str]] = []
        self.in_heading = False
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in HEADINGS:
            self.sections.append([tag, "", ""])
            self.in_heading = True
        elif tag in ("script", "style", "title"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in HEADINGS:
            self.in_heading = False
        elif tag in ("script", "style", "title"):
            self.skip -= 1

    def handle_data(self, data):
        if self.skip or not self.sections:
            return
        self.sections[-1][1 if self.in_heading else 2] += data


def outline(html: str) -> list[tuple[str, str, str]]:
    """Each heading as (tag, its text, the text after it up to the next heading), spaces squeezed."""
    parser = _Outline()
    parser.feed(html)
    return [(tag, " ".join(title.split()), " ".join(text.split())) for tag, title, text in parser.sections]
