"""The NHS.UK components rendered once for each set of parameters (``planner.templating``): the
markup is exactly the package's, and no two sets of parameters that render differently share it."""

from __future__ import annotations

from pathlib import Path

import jinja2
import nhsuk_frontend_jinja
import pytest
from markupsafe import Markup

from planner.templating import ComponentRenderer

COMPONENTS = Path(nhsuk_frontend_jinja.__file__).parent / "templates" / "nhsuk" / "components"

NAVIGATION = {
    "service": {"text": "planner", "href": "/"},
    "navigation": {"items": [{"href": "/people/1", "text": "My home", "current": True}, {"href": "/teams", "text": "My teams"}]},
    "account": {"items": [{"text": "Sam <Lee>", "icon": True}, {"href": "/sign-out", "text": "Sign out"}]},
}
CALLS = {
    # A component, how its macro is called, and parameters like those planner's pages pass.
    "header": ("nhsuk/components/header/macro.jinja", "header", NAVIGATION),
    "summary-list": (
        "nhsuk/components/summary-list/macro.jinja",
        "summaryList",
        {"rows": [{"key": {"text": "Name"}, "value": {"text": "Sam <Lee>"}}, {"key": {"text": "Band"}, "value": {"html": Markup("<b>5</b>")}}]},
    ),
    "tag": ("nhsuk/components/tag/macro.jinja", "tag", {"text": "Red: 2 levels short", "classes": "nhsuk-tag--red"}),
    "footer": ("nhsuk/components/footer/macro.jinja", "footer", {"meta": {"items": [{"href": "/accessibility", "text": "Accessibility"}]}}),
    "button": ("nhsuk/components/button/macro.jinja", "button", {"text": "Save", "preventDoubleClick": True}),
}


def environment(cached: bool) -> jinja2.Environment:
    """A Jinja environment as planner sets one up, with the cached components or the package's own."""
    package = jinja2.PackageLoader("nhsuk_frontend_jinja", "templates")
    if not cached:
        return jinja2.Environment(loader=package, autoescape=True, undefined=jinja2.ChainableUndefined)
    from planner.templating import ComponentLoader

    env = jinja2.Environment(loader=jinja2.ChoiceLoader([ComponentLoader(package), package]), autoescape=True, undefined=jinja2.ChainableUndefined)
    env.globals["render_component"] = ComponentRenderer(env)
    return env


def call(env: jinja2.Environment, component: str, params) -> str:
    path, name, _ = CALLS[component]
    return env.from_string(f'{{% from "{path}" import {name} %}}{{{{ {name}(params) }}}}').render(params=params)


@pytest.mark.parametrize("component", sorted(CALLS))
def test_a_cached_component_renders_exactly_as_the_package_does_and_again_the_same(component):
    params = CALLS[component][2]
    cached = environment(cached=True)
    expected = call(environment(cached=False), component, params)
    assert call(cached, component, params) == expected
    assert call(cached, component, params) == expected  # the second time comes from the cache
    assert len(cached.globals["render_component"].rendered) == 1


def test_every_component_macro_of_the_package_is_served_by_a_stand_in_with_the_same_markup():
    cached, plain = environment(cached=True), environment(cached=False)
    macros = sorted(COMPONENTS.glob("*/macro.jinja"))
    assert len(macros) > 40
    for macro in macros:
        path = f"nhsuk/components/{macro.parent.name}/macro.jinja"
        stand_in = cached.loader.get_source(cached, path)[0]
        assert "render_component" in stand_in, path
        name = stand_in.split("(", 1)[0].split()[-1]
        template = f'{{% from "{path}" import {name} %}}{{{{ {name}({{"text": "Some <text>", "id": "x", "name": "x"}}) }}}}'
        assert cached.from_string(template).render() == plain.from_string(template).render(), path


def test_text_and_trusted_markup_with_the_same_characters_are_not_confused():
    env = environment(cached=True)
    as_text = call(env, "tag", {"text": "<b>Sam</b>"})
    as_markup = call(env, "tag", {"text": Markup("<b>Sam</b>")})
    assert "&lt;b&gt;Sam&lt;/b&gt;" in as_text
    assert "<b>Sam</b>" in as_markup
    assert call(env, "tag", {"text": "<b>Sam</b>"}) == as_text


def test_values_equal_in_python_but_shown_differently_are_kept_apart():
    env = environment(cached=True)
    shown = [call(env, "tag", {"text": value}).split() for value in (True, 1, 1.0)]
    assert [words[-2] for words in shown] == ["True", "1", "1.0"]


def test_a_component_called_with_a_block_keeps_the_block_and_is_not_cached():
    env = environment(cached=True)
    html = env.from_string(
        '{% from "nhsuk/components/details/macro.jinja" import details %}'
        '{% call details({"summaryText": "More"}) %}<p>Inside {{ who }}</p>{% endcall %}'
    ).render(who="Sam")
    assert "<p>Inside Sam</p>" in html
    assert not env.globals["render_component"].rendered


def test_a_parameter_the_cache_cannot_compare_is_rendered_without_it():
    class Name:
        def __init__(self, text):
            self.text = text

        def __str__(self):
            return self.text

    env = environment(cached=True)
    assert "Sam" in call(env, "tag", {"text": Name("Sam")})
    assert "Alex" in call(env, "tag", {"text": Name("Alex")})
    assert not env.globals["render_component"].rendered


def test_the_cache_keeps_only_the_most_recent_renderings():
    env = environment(cached=True)
    env.globals["render_component"] = renderer = ComponentRenderer(env, size=2)
    for text in ("one", "two", "one", "three"):
        call(env, "tag", {"text": text})
    assert [key[1][1][0][1] for key in renderer.rendered] == ["one", "three"]
