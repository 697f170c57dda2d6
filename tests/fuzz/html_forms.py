"""Reading the forms and links of a rendered page, so the fuzz suite fuzzes the forms the app
really shows rather than a list of fields that can go stale."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Inputs whose value is chosen from what the page offers.
CHOICE_INPUTS = {"radio", "checkbox"}
# Inputs that submit nothing of their own.
NO_VALUE_INPUTS = {"submit", "button", "reset", "image"}


@dataclass(unsafe_hash=True)
class Field:
    """One named field of a form: its kind (an input type, ``select`` or ``textarea``), the value
    it holds as rendered, and the values it offers (options, radios, checkboxes)."""

    name: str
    kind: str
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)


@dataclass
class Form:
    """One ``<form>``: where and how it is sent, and its fields by name in page order."""

    action: str
    method: str
    enctype: str
    fields: dict[str, Field] = field(default_factory=dict)

    def add(self, name: str, kind: str, value: str = "", option: str | None = None, checked: bool = False) -> Field:
        known = self.fields.setdefault(name, Field(name, kind, value))
        if option is not None:
            known.options.append(option)
            if checked:
                known.checked.append(option)
        return known

    def as_rendered(self) -> list[tuple[str, str]]:
        """What a browser sends when the form is submitted untouched, except that a choice left
        unset takes its first offered value that is not empty, so a search or a quiz gets an answer."""
        data = []
        for f in self.fields.values():
            if f.kind == "radio":
                data.append((f.name, (f.checked or f.options)[0]))
            elif f.kind == "checkbox":
                data += [(f.name, value) for value in f.checked]
            elif f.kind == "select":
                chosen = f.checked or [next((o for o in f.options if o), "")]
                data.append((f.name, chosen[0]))
            elif f.kind != "file":
                data.append((f.name, f.value))
        return data


@dataclass
class Page:
    """The forms and the links of a page, and whether it shows an error summary."""

    forms: list[Form] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    has_error_summary: bool = False


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.form: Form | None = None
        self.select: Field | None = None
        self.option: dict | None = None
        self.textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {name: value or "" for name, value in attrs}
        if "nhsuk-error-summary" in a.get("class", "").split():
            self.page.has_error_summary = True
        if tag == "a" and a.get("href"):
            self.page.links.append(a["href"])
        elif tag == "form":
            self.form = Form(a.get("action", ""), a.get("method", "get").lower(), a.get("enctype", ""))
            self.page.forms.append(self.form)
        elif self.form is None or not a.get("name") and tag != "option":
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in NO_VALUE_INPUTS:
                return
            if kind in CHOICE_INPUTS:
                self.form.add(a["name"], kind, option=a.get("value", "on"), checked="checked" in a)
            else:
                self.form.add(a["name"], kind, a.get("value", ""))
        elif tag == "select":
            self.select = self.form.add(a["name"], "select")
        elif tag == "option" and self.select is not None:
            self.option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
        elif tag == "textarea":
            self.textarea = self.form.add(a["name"], "textarea")

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        elif self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "option" and self.option is not None:
            self._end_option()
        elif tag == "select":
            if self.option is not None:
                self._end_option()
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.form = None

    def _end_option(self):
        value = self.option["value"] if self.option["value"] is not None else self.option["text"].strip()
        self.select.options.append(value)
        if self.option["selected"]:
            self.select.checked.append(value)
        self.option = None


def read_page(html: str) -> Page:
    """The forms and links of a rendered page."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser.page
