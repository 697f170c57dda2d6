"""planner: career pathways and training needs for NHS medical staffing teams."""

from __future__ import annotations

import os

import jinja2
import jinja2.bccache
from flask import Flask

from planner import config, db, templating
from planner.config import PROJECT_ROOT
from planner.frameworks import load_framework


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the whole process, shared by every app it makes.

    Compiling the NHS.UK macros is most of the cost of a first page view; a process that makes
    many apps (the test suite makes one per test) compiles each template once. A template's
    entry is keyed by its name and source checksum, so an edited template is compiled afresh.
    """

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


def create_app(test_config: dict | None = None) -> Flask:
    """Build the web app: configuration, database, the validated framework, blueprints, CLI."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.from_mapping(config.default_config(app.instance_path))
    app.config.update(config.from_environment())
    if test_config:
        app.config.update(test_config)
    config.check_settings(app.config)
    os.makedirs(app.instance_path, exist_ok=True)

    # A broken framework stops start-up here, listing every problem (FrameworkError).
    app.extensions["planner_framework"] = load_framework(app.config["PLANNER_FRAMEWORK"])

    app.jinja_env.undefined = jinja2.ChainableUndefined
    # Escape everything, including inside the NHS.UK macros: their files end in .jinja, which
    # Flask would otherwise leave unescaped, so a name like "<b>Sam</b>" would become markup.
    app.jinja_env.autoescape = True
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    templating.use_cached_components(app)
    db.init_app(app)
    from planner import insight

    insight.init_app(app)  # stored needs kept fresh on every commit

    from planner.web import register_blueprints

    register_blueprints(app)
    return app
