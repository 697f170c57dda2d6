"""The NHS.UK components, rendered once for each set of parameters.

Every NHS.UK macro (``nhsuk/components/<name>/macro.jinja``) includes its component's template
with nothing but ``params`` (and, for a ``{% call %}`` block, ``caller``), so its output is a
function of its parameters. Rendering them is most of the cost of a page: the header alone takes
longer than a plain table of 200 rows. ``ComponentLoader`` serves a stand-in for each macro that
asks ``render_component`` instead, which keeps the markup of the last few thousand distinct sets
of parameters and renders only what it has not seen. A macro called with a ``{% call %}`` block,
or with a value the cache cannot compare safely, is rendered as before.
"""

from __future__ import annotations

import re
from datetime import date

import jinja2
from markupsafe import Markup

from planner.recent import Recent

PACKAGE = "nhsuk_frontend_jinja"
MACRO_FILE = re.compile(r"^nhsuk/components/(?P<component>[a-z-]+)/macro\.jinja$")
MACRO_HEAD = re.compile(r"\{%-?\s*macro\s+(?P<name>\w+)\(params\s*=\s*\{\}\)\s*-?%\}")
CACHED_RENDERINGS = 4096
"""How many distinct component renderings each process keeps: a few megabytes at most."""


class _Unsafe(Exception):
    """A parameter whose equality does not imply the same markup, so it cannot be a cache key."""


_PLAIN = (str, int, float, bool, type(None), date)


def _key(value: object) -> object:
    """A hashable value equal for parameters that render the same markup, and only for them."""
    if isinstance(value, Markup):  # trusted markup and the same text escaped render differently
        return ("markup", str(value))
    if type(value) is str:
        return value
    if isinstance(value, dict):
        return ("dict", tuple((name, _key(item)) for name, item in value.items()))
    if isinstance(value, (list, tuple)):
        return ("list", tuple(_key(item) for item in value))
    if isinstance(value, jinja2.Undefined):
        return ("undefined",)
    if isinstance(value, _PLAIN):  # True == 1 == 1.0, but they render as "True", "1" and "1.0"
        return (type(value).__name__, value)
    raise _Unsafe(type(value).__name__)


class ComponentRenderer:
    """Renders NHS.UK components in one Jinja environment, keeping recent results."""

    def __init__(self, environment: jinja2.Environment, size: int = CACHED_RENDERINGS):
        self.environment = environment
        self.rendered: Recent[Markup] = Recent(size)

    def __call__(self, component: str, params: object) -> Markup:
        """The markup of ``component`` for ``params``, as its macro would give it."""
        try:
            key = (component, _key(params))
        except _Unsafe:
            return self._render(component, params)
        return self.rendered.get(key, lambda: self._render(component, params))

    def _render(self, component: str, params: object) -> Markup:
        template = self.environment.get_template(f"nhsuk/components/{component}/template.jinja")
        return Markup(template.render(params=params))


class ComponentLoader(jinja2.BaseLoader):
    """Serves, for each NHS.UK component macro, one that calls ``render_component`` when it can."""

    def __init__(self, package: jinja2.BaseLoader):
        self.package = package

    def get_source(self, environment, template):
        found = MACRO_FILE.match(template)
        if not found:
            raise jinja2.TemplateNotFound(template)
        source, filename, uptodate = self.package.get_source(environment, template)
        macros = MACRO_HEAD.findall(source)
        if len(macros) != 1:  # a macro file of another shape is served as it is
            raise jinja2.TemplateNotFound(template)
        component, name = found["component"], macros[0]
        stand_in = (
            f"{{% macro {name}(params = {{}}) %}}"
            f"{{%- if caller -%}}{{%- include 'nhsuk/components/{component}/template.jinja' -%}}"
            f"{{%- else -%}}{{{{ render_component('{component}', params) }}}}{{%- endif -%}}"
            "{% endmacro %}"
        )
        return stand_in, filename, uptodate


def use_cached_components(app) -> None:
    """Templates come from the app's folder first, then the cached NHS.UK macros, then the package."""
    package = jinja2.PackageLoader(PACKAGE, "templates")
    app.jinja_loader = jinja2.ChoiceLoader([app.jinja_loader, ComponentLoader(package), package])
    app.jinja_env.globals["render_component"] = ComponentRenderer(app.jinja_env)
