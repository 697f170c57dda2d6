"""What the fuzz suite sends: values a person might type, and values nobody should, for every kind
of field; and whole submissions with fields missing, repeated or added."""

from __future__ import annotations

import functools
import io

from hypothesis import strategies as st

from tests.fuzz.html_forms import CHOICE_INPUTS, Field, Form

LONG = 10_000
# Numbers every integer, float and id field should survive: zero, negatives, the edges of 32 and
# 64 bits, more digits than any database integer, and floats no integer field accepts.
NUMBERS = (
    "0", "-1", "1", "4", "5", "99", "-2147483648", "2147483647", "2147483648", "9223372036854775807",
    "9223372036854775808", "-9223372036854775809", "1" + "0" * 40, "1.5", "-0.5", "1e309", "-1e309", "nan",
    "inf", "0x10", "1_000", " 7 ", "٣", "７",
)
DATES = (
    "2026-02-30", "2026-13-01", "0001-01-01", "9999-12-31", "10000-01-01", "1900-01-01", "2100-06-01",
    "31/12/2026", "2026-1-1", "yesterday", "2026-02-29", "2024-02-29", "0000-00-00", "-2026-01-01",
)
STRANGE = (
    "", " ", "\t\n", "x" * LONG, "😀" * 50, "\u202eevil", "\x00", "a\x00b", "\x01\x02\x1b[0m", "\r\n\r\n",
    "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "{{ 7*7 }}", "null", "None",
    "true", "ÿ" * 300, "\ud7ff\ue000\uffff", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "y", "on",
)
# Weights: most examples keep a field as a person would fill it, so the fuzzing reaches the checks
# behind the first one.
KEEP, JUNK, MISSING, TWICE = "keep", "junk", "missing", "twice"
FIELD_FATES = (KEEP, KEEP, KEEP, JUNK, JUNK, MISSING, TWICE)

# Mostly the fixed lists above (cheap to draw), and some text of any kind.
junk = st.one_of(
    st.sampled_from(STRANGE + NUMBERS + DATES),
    st.integers().map(str),
    st.text(st.characters(codec="utf-8"), max_size=20),
)


def sensible(field: Field) -> st.SearchStrategy[str]:
    """A value a person could send in the field: one it offers (rarely the empty choice), a date
    part or number in range, or what it holds as rendered (a phrase when that is empty)."""
    if field.options:
        chosen = [option for option in field.options if option] or field.options
        return st.sampled_from(chosen * 4 + list(field.options))
    for ending, low, high in (("day", 1, 28), ("month", 1, 12), ("year", 2018, 2032)):
        if field.name.endswith(ending):
            return st.integers(low, high).map(str)
    if field.name.endswith("fte"):
        return st.sampled_from(("0.5", "1", "0.2"))
    if field.kind == "number" or field.name.endswith(("hours", "_id", "months", "places")):
        return st.one_of(st.integers(1, 12).map(str), st.just(field.value))
    if field.kind == "date":
        return st.sampled_from(("2026-03-01", "2031-09-01"))
    return st.sampled_from((field.value or "Covering the winter rota", "Covering the winter rota"))


def field_values(field: Field) -> st.SearchStrategy[list[str]]:
    """The values sent under the field's name: usually sensible, sometimes junk, none or two."""
    return _field_values(Field(field.name, field.kind, field.value, tuple(field.options), tuple(field.checked)))


@functools.lru_cache(maxsize=1024)
def _field_values(field: Field) -> st.SearchStrategy[list[str]]:
    # Made once per field: building strategies afresh for every example costs more than drawing.
    if field.name == "csrf_token":
        # Almost always the right token, so examples get past the CSRF check; sometimes not.
        return st.sampled_from(([field.value],) * 15 + ([],) + (["forged"],) + ([field.value, "forged"],))
    if field.kind == "file":
        return st.just([])  # files go with the upload strategy below

    @st.composite
    def values(draw):
        fate = draw(st.sampled_from(FIELD_FATES))
        if fate == MISSING:
            return []
        if field.kind in CHOICE_INPUTS and fate == KEEP:
            return draw(st.lists(st.sampled_from(field.options), max_size=len(field.options), unique=True))
        value = st.one_of(sensible(field), junk) if fate == TWICE else (sensible(field) if fate == KEEP else junk)
        return [draw(value) for _ in range(2 if fate == TWICE else 1)]

    return values()


UPLOADS = st.one_of(
    st.binary(max_size=200),
    st.sampled_from((
        b"",
        b"\xff\xfe\x00\x00",
        b"name,email\n",
        b"person_number,name,email,team,role,band,started_in_role\n1,A,a@x,Team A1,rota,4,2025-03-01\n",
        b"a," * 5000,
        "é,ü,😀\n".encode(),
        b"\x00" * 100,
    )),
)


@functools.lru_cache(maxsize=1024)
def _kept(field: Field) -> st.SearchStrategy[list[str]]:
    if field.name == "csrf_token":
        return st.just([field.value])
    if field.kind == "radio":
        return st.sampled_from(field.options).map(lambda option: [option])
    if field.kind == "checkbox":
        return st.lists(st.sampled_from(field.options), max_size=len(field.options), unique=True)
    return sensible(field).map(lambda value: [value])


def kept(field: Field) -> st.SearchStrategy[list[str]]:
    """The values a person could send in the field."""
    return _kept(Field(field.name, field.kind, field.value, tuple(field.options), tuple(field.checked)))


# How a submission is made: every field as a person would fill it (so the form is accepted as
# often as can be, and the checks behind the first are reached), one field mangled, or any field.
CLEAN, ONE_FIELD, ANY_FIELD = "clean", "one field", "any field"


@st.composite
def submissions(draw, form: Form) -> list[tuple[str, object]]:
    """A submission of the form: each field kept, mangled, left out or sent twice; sometimes
    with fields the form does not have; a file field gets bytes of any shape, or no file."""
    data: list[tuple[str, object]] = []
    how = draw(st.sampled_from((CLEAN, ONE_FIELD, ANY_FIELD)))
    names = [name for name in form.fields if name != "csrf_token"]
    mangled = draw(st.sampled_from(names)) if how == ONE_FIELD and names else None
    for field in form.fields.values():
        if field.kind != "file" and (how == CLEAN or how == ONE_FIELD and field.name != mangled):
            data += [(field.name, value) for value in draw(kept(field))]
            continue
        if field.kind == "file":
            if draw(st.booleans()):
                content = draw(UPLOADS)
                name = draw(st.sampled_from(("people.csv", "", "../../x.csv", "😀.csv", "a" * 300)))
                data.append((field.name, (io.BytesIO(content), name)))
            continue
        data += [(field.name, value) for value in draw(field_values(field))]
    if how == CLEAN:
        return data
    extras = draw(st.lists(st.tuples(st.sampled_from(("id", "person_id", "next", "roles", "admin", "x" * 200)), junk), max_size=2))
    return data + extras
