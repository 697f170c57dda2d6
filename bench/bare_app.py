"""The floor for the load benchmark: a bare Flask app whose one page is a 200-row HTML table.

``bench/load.py`` serves it with the same gunicorn settings as planner, beside it, and compares
the requests per second of planner's staff home page with this page's. It has no database, no
sessions, no sign-in and no NHS.UK template: the least a Flask page with a table costs. Its
template is compiled once, when the app is made, as Flask's ``render_template`` does for a file;
compiling it on every request (``render_template_string``) would make the floor two to three
times slower and the comparison flattering.

Served by itself::

    python -m gunicorn -w 2 -b 127.0.0.1:8001 --pythonpath bench 'bare_app:create_app()'
"""

from __future__ import annotations

from flask import Flask

ROWS = 200

PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>Table of {{ rows|length }} rows</title></head>
<body>
<h1>Table of {{ rows|length }} rows</h1>
<table>
  <thead><tr><th scope="col">Number</th><th scope="col">Name</th><th scope="col">Band</th><th scope="col">Readiness</th></tr></thead>
  <tbody>
  {% for row in rows %}
    <tr><td>{{ row.number }}</td><td>{{ row.name }}</td><td>{{ row.band }}</td><td>{{ row.readiness }}%</td></tr>
  {% endfor %}
  </tbody>
</table>
</body>
</html>
"""


def table_rows(count: int = ROWS) -> list[dict]:
    """``count`` rows of made-up people, each with a number, a name, a band and a readiness."""
    return [
        {"number": number, "name": f"Person {number}", "band": 3 + number % 6, "readiness": number * 37 % 101}
        for number in range(1, count + 1)
    ]


def create_app() -> Flask:
    """The bare app: ``/table`` renders the 200-row table from a compiled Jinja template on every request."""
    app = Flask(__name__)
    page = app.jinja_env.from_string(PAGE)  # compiled once, as render_template does for a file

    @app.get("/table")
    def table():
        return page.render(rows=table_rows())

    return app
