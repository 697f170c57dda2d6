"""Finding every form the app shows: each kind of account follows the links and GET forms of the
pages it can reach, and every POST form found is noted with where it was found and by whom."""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from tests.fuzz.conftest import signed_in_client
from tests.fuzz.html_forms import Form, read_page

# Who looks around: nobody signed in, and one account of each kind (``peer`` is the mentor asked
# for help, so the forms to answer a request show to them).
ACCOUNTS = (None, "staff", "peer", "manager", "trust_admin", "region_lead", "admin")
# Files: nothing to read forms from.
NOT_FOLLOWED = {"static", "assets.asset"}
# Forms whose answer is a page with forms of its own, and which store nothing: the crawl submits
# them as rendered to find those forms (the quiz's result offers to save it).
SUBMITTED = {"quiz.quiz"}
FILE_SUFFIXES = (".pdf", ".csv", ".xlsx", ".json", ".zip", "/download")
PAGES_PER_ENDPOINT = 3
PERSON_ID = re.compile(r"<(?:[^:<>]+:)?person_id>")
SITES_PER_ENDPOINT = 6


@dataclass(frozen=True)
class FormSite:
    """A POST form as found: the page showing it, the address it posts to, and who saw it; ``via``
    is the address the page's form was posted to when the form is on the answer to that post."""

    endpoint: str
    account: str | None
    page: str
    action: str
    via: str | None = None


def post_endpoints(app) -> dict[str, str]:
    """Every endpoint that accepts POST, with its rule."""
    return {rule.endpoint: rule.rule for rule in app.url_map.iter_rules() if "POST" in rule.methods}


def endpoint_of(adapter, url: str, method: str) -> str | None:
    """The endpoint ``url`` reaches with ``method``; None when it reaches none."""
    parts = urlsplit(url)
    try:
        return adapter.match(parts.path, method=method, query_args=parts.query)[0]
    except (HTTPException, RequestRedirect):
        return None


def form_at(client, site: FormSite) -> tuple[Form | None, object]:
    """The form of ``site`` as the page shows it now, and the page's response."""
    if site.via is None:
        return find_form(client.get(site.page), site.page, site.action)
    first, _ = find_form(client.get(site.page), site.page, site.via)
    if first is None:
        return None, None
    return find_form(client.post(site.via, data=MultiDict(first.as_rendered())), site.via, site.action)


def find_form(response, page: str, action: str) -> tuple[Form | None, object]:
    """The POST form in ``response`` (the answer for ``page``) that posts to ``action``."""
    if response.status_code != 200 or response.mimetype != "text/html":
        return None, response
    for form in read_page(response.get_data(as_text=True)).forms:
        if form.method == "post" and urljoin(page, form.action or page) == action:
            return form, response
    return None, response


@dataclass
class Crawl:
    """What a crawl found: the POST forms by endpoint, and the pages that failed to render."""

    sites: dict[str, list[FormSite]]
    broken: list[str]


def crawl(app, accounts=ACCOUNTS) -> Crawl:
    """Every POST form reachable by each account, by endpoint; and every page that failed."""
    broken: list[str] = []
    adapter = app.url_map.bind("localhost")
    sites: dict[str, dict[tuple, FormSite]] = {}
    starts = ["/", *(rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and not rule.arguments)]
    # A person's pages, also when no page links to them yet: their own, the staff member's (whom
    # every other account in the world may see or be refused) and the restricted person's.
    personal = [rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and rule.arguments == {"person_id"}]
    for account in accounts:
        client = signed_in_client(app, account)
        people = {app.world.person[name] for name in (account, "staff", "other_team") if name in app.world.person}
        own = [PERSON_ID.sub(str(person), rule) for rule in personal for person in sorted(people)]
        queue, seen, visits = deque(starts + own), set(), Counter()
        while queue:
            url = queue.popleft()
            endpoint = endpoint_of(adapter, url, "GET")
            if url in seen or endpoint is None or endpoint in NOT_FOLLOWED or urlsplit(url).path.endswith(FILE_SUFFIXES):
                continue
            seen.add(url)
            # A page with a query (a search's results) is another page than the bare one.
            kind = (endpoint, tuple(sorted(parse_qs(urlsplit(url).query))))
            if visits[kind] >= PAGES_PER_ENDPOINT:
                continue
            visits[kind] += 1
            try:
                response = client.get(url)
            except Exception as error:  # noqa: BLE001 - a page that fails is reported, not a reason to stop looking
                broken.append(f"{url} as {account or 'nobody'}: {type(error).__name__}: {error}")
                continue
            if response.status_code >= 500:
                broken.append(f"{url} as {account or 'nobody'}: status {response.status_code}")
            if response.status_code in (301, 302, 303):
                queue.append(urljoin(url, response.headers["Location"]))
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            page = read_page(response.get_data(as_text=True))
            for form in page.forms:
                action = urljoin(url, form.action or url)
                if form.method == "get":
                    queue.append(action.split("?")[0] + "?" + urlencode(MultiDict(form.as_rendered())))
                    continue
                posted = endpoint_of(adapter, action, "POST")
                if posted is not None and len(sites.setdefault(posted, {})) < SITES_PER_ENDPOINT:
                    sites[posted].setdefault((account, action), FormSite(posted, account, url, action))
                if posted in SUBMITTED:
                    answer = client.post(action, data=MultiDict(form.as_rendered()))
                    for then in read_page(answer.get_data(as_text=True)).forms if answer.status_code == 200 else ():
                        then_action = urljoin(action, then.action or action)
                        then_posted = endpoint_of(adapter, then_action, "POST")
                        if then.method == "post" and then_posted is not None:
                            found = FormSite(then_posted, account, url, then_action, via=action)
                            sites.setdefault(then_posted, {}).setdefault((account, then_action), found)
            queue.extend(urljoin(url, link).split("#")[0] for link in page.links if urljoin(url, link).startswith("/"))
    return Crawl({endpoint: list(found.values()) for endpoint, found in sites.items()}, broken)
