"""Mentoring: offering to mentor, finding a mentor for a gap, asking, and answering requests."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from planner.db import db
from planner.models import AuditEvent, IntegratedCareSystem, MentorOffer, MentorRequest, Person, Rating, Team, Trust
from tests.web.conftest import row_counts, sign_in
from tests.web.pages import outline

# Who mentors Rota rules (ROT-01), and where they work relative to staff (Trust A, System A, Region A).
MENTORS = {
    # name: (trust, level in ROT-01)
    "peer": ("A", 3),  # staff's own trust
    "Ivy Ics": ("A-two", 4),  # another trust of System A
    "Rhea Region": ("A-three", 3),  # a trust of another ICS in Region A
    "Rob Region": ("A-three", 4),
    "other_trust": ("B", 4),  # Region B: never shown to staff
}


def add_person(name: str, trust: Trust) -> Person:
    """A rota coordinator in the trust's only team."""
    person = Person(
        name=name,
        email=f"{name.lower().replace(' ', '.')}@trust.nhs.example",
        trust=trust,
        team=trust.teams[0],
        role_id="rota",
        band="4",
        started_in_role=date(2025, 3, 1),
    )
    db.session.add(person)
    return person


def rate(person_id: int, levels: dict[str, int], rater: str = "self", by: int | None = None, when=None) -> None:
    for competency, level in levels.items():
        db.session.add(
            Rating(person_id=person_id, competency_id=competency, level=level, rater=rater,
                   rated_by_id=by or person_id, **({"created_at": when} if when else {}))
        )


@pytest.fixture
def region(web_app, world):
    """Region A grows a second trust in System A and a second ICS; people there offer to mentor
    Rota rules. ``world.person`` gains the new people; ``world.trust`` gains "A-two" and "A-three"."""
    with web_app.app_context():
        trust_a, trust_b = db.session.get(Trust, world.trust["A"]), db.session.get(Trust, world.trust["B"])
        region_a = trust_a.system.region
        system_a_three = IntegratedCareSystem(name="System A-three", region=region_a)
        trusts = {
            "A": trust_a,
            "A-two": Trust(name="Trust A-two", system=trust_a.system),
            "A-three": Trust(name="Trust A-three", system=system_a_three),
            "B": trust_b,
        }
        db.session.add_all([system_a_three, *trusts.values()])
        db.session.add_all(Team(name=f"Team of {trust.name}", trust=trust) for trust in (trusts["A-two"], trusts["A-three"]))
        for name, (trust, level) in MENTORS.items():
            if name not in world.person:
                new = add_person(name, trusts[trust])
                db.session.flush()
                world.person[name] = new.id
            person_id = world.person[name]
            rate(person_id, {"ROT-01": level})
            db.session.add(MentorOffer(person_id=person_id, competency_id="ROT-01"))
        # Lapsed: offered, then a manager set the level to 2. Withdrawn: offered, then stopped.
        lapsed, withdrawn = add_person("Lara Lapsed", trust_a), add_person("Will Withdrawn", trust_a)
        db.session.flush()
        rate(lapsed.id, {"ROT-01": 3}, when=datetime(2026, 1, 1))
        rate(lapsed.id, {"ROT-01": 2}, rater="manager", by=world.person["manager"], when=datetime(2026, 2, 1))
        rate(withdrawn.id, {"ROT-01": 4})
        db.session.add_all([
            MentorOffer(person=lapsed, competency_id="ROT-01"),
            MentorOffer(person=withdrawn, competency_id="ROT-01", withdrawn_at=datetime(2026, 3, 1)),
        ])
        # The manager offers nothing yet, and holds enough to offer two competencies.
        rate(world.person["manager"], {"ROT-01": 4, "ROT-02": 3, "HRF-01": 2})
        db.session.commit()
        world.person.update({"Lara Lapsed": lapsed.id, "Will Withdrawn": withdrawn.id})
        world.trust.update({name: trusts[name].id for name in ("A-two", "A-three")})
    return world


def mentoring_url(world, name: str) -> str:
    return f"/people/{world.person[name]}/mentoring"


def find_url(world, name: str, **query) -> str:
    suffix = "&".join(f"{key}={value}" for key, value in query.items())
    return f"/people/{world.person[name]}/mentors" + (f"?{suffix}" if suffix else "")


def request_url(world, name: str) -> str:
    return f"/people/{world.person[name]}/mentors/request"


def text_of(response, status: int = 200) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def squeezed(html: str) -> str:
    return " ".join(html.split())


def error_links(html: str) -> list[tuple[str, str]]:
    """The error summary's links: (href, text) each."""
    summary = html.split("nhsuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return [(href, " ".join(text.split())) for href, text in re.findall(r'<a href="([^"]+)"\s*>(.*?)</a>', summary, re.S)]


def sections(html: str) -> dict[str, str]:
    return {title: body for _, title, body in outline(html)}


def offers(web_app, name_id: int) -> dict[str, datetime | None]:
    with web_app.app_context():
        return {o.competency_id: o.withdrawn_at for o in db.session.scalars(select(MentorOffer).where(MentorOffer.person_id == name_id))}


def audit_actions(web_app) -> list[str]:
    with web_app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.startswith("mentor")).order_by(AuditEvent.id))
        return [e.action for e in events]


def add_request(web_app, world, seeker: str, mentor: str, status: str = "requested", competency: str = "ROT-01") -> int:
    with web_app.app_context():
        asked = MentorRequest(seeker_id=world.person[seeker], mentor_id=world.person[mentor],
                              competency_id=competency, status=status, message="Help with the winter rota, please")
        db.session.add(asked)
        db.session.commit()
        return asked.id


def status_of(web_app, request_id: int) -> tuple[str, datetime | None]:
    with web_app.app_context():
        asked = db.session.get(MentorRequest, request_id)
        return asked.status, asked.decided_at


# My mentoring: offers -----------------------------------------------------------------------


def test_my_mentoring_lists_what_i_hold_at_3_or_above_with_my_offers_ticked(web_client, region):
    sign_in(web_client, region, "manager")

    html = text_of(web_client.get(mentoring_url(region, "manager")))

    assert "<title>My mentoring – planner</title>" in html
    assert [t for tag, t, _ in outline(html) if tag in ("h1", "h2")] == [
        "My mentoring", "Competencies I offer to mentor", "Requests to me", "Requests I sent"
    ]
    boxes = re.findall(r'<input class="nhsuk-checkboxes__input" id="[^"]+" name="competencies" type="checkbox" value="([^"]+)"( checked)?', html)
    assert boxes == [("ROT-01", ""), ("ROT-02", "")]  # Employment law is held at 2 only
    assert "You hold level 4 – Expert" in html
    assert "No one has asked you for mentoring yet." in html
    assert "You have not asked anyone for mentoring yet." in html
    assert f'href="/people/{region.person["manager"]}/mentors">Find a mentor' in html


def test_offering_saves_an_offer_for_each_competency_ticked_and_audits_it(web_app, web_client, region):
    sign_in(web_client, region, "manager")
    me = region.person["manager"]

    response = web_client.post(mentoring_url(region, "manager"), data={"competencies": ["ROT-01", "ROT-02"]})

    assert response.status_code == 302 and response.headers["Location"] == mentoring_url(region, "manager")
    assert offers(web_app, me) == {"ROT-01": None, "ROT-02": None}
    assert audit_actions(web_app) == ["mentor_offer", "mentor_offer"]
    html = text_of(web_client.get(mentoring_url(region, "manager")))
    assert "Now offering Rota rules; now offering Rota design." in html
    assert 'value="ROT-01" checked' in html and 'value="ROT-02" checked' in html


def test_unticking_withdraws_and_ticking_again_renews_the_same_offer(web_app, web_client, region):
    sign_in(web_client, region, "manager")
    me = region.person["manager"]
    web_client.post(mentoring_url(region, "manager"), data={"competencies": ["ROT-01", "ROT-02"]})

    web_client.post(mentoring_url(region, "manager"), data={"competencies": ["ROT-02"]})
    withdrawn = offers(web_app, me)
    response = web_client.post(mentoring_url(region, "manager"), data={"competencies": ["ROT-01", "ROT-02"]}, follow_redirects=True)

    assert withdrawn["ROT-01"] is not None and withdrawn["ROT-02"] is None
    assert offers(web_app, me) == {"ROT-01": None, "ROT-02": None}
    assert "Now offering Rota rules." in text_of(response)
    assert audit_actions(web_app)[2:] == ["mentor_offer_withdrawn", "mentor_offer"]
    with web_app.app_context():  # renewed, not added: one offer a competency
        assert len(db.session.scalars(select(MentorOffer).where(MentorOffer.person_id == me)).all()) == 2


def test_saving_the_same_offers_again_changes_nothing(web_app, web_client, region):
    sign_in(web_client, region, "peer")
    before = row_counts(web_app)

    response = web_client.post(mentoring_url(region, "peer"), data={"competencies": ["ROT-01"]}, follow_redirects=True)

    assert "Nothing changed: your offers are as they were." in text_of(response)
    assert row_counts(web_app) == before


def test_offering_a_competency_held_below_3_is_refused_and_saves_nothing(web_app, web_client, region):
    sign_in(web_client, region, "manager")
    before = row_counts(web_app)

    response = web_client.post(mentoring_url(region, "manager"), data={"competencies": ["ROT-01", "HRF-01"]})

    html = text_of(response, 400)
    assert "<title>Error: My mentoring – planner</title>" in html
    message = "To mentor a competency you need to hold it at level 3 or above: Employment law (you hold level 2)."
    assert error_links(html) == [("#competencies", message)]  # the summary links to the first checkbox
    assert f'<span class="nhsuk-u-visually-hidden">Error: </span>{message}' in squeezed(html)
    assert row_counts(web_app) == before


def test_offering_a_competency_the_framework_does_not_have_is_refused(web_app, web_client, region):
    sign_in(web_client, region, "manager")
    before = row_counts(web_app)

    html = text_of(web_client.post(mentoring_url(region, "manager"), data={"competencies": ["NOPE-01"]}), 400)

    assert "Choose only from the competencies listed" in html
    assert row_counts(web_app) == before


def test_a_lapsed_offer_is_explained(web_client, region, web_app):
    with web_app.app_context():
        account_of = db.session.get(Person, region.person["peer"])
        db.session.add(Rating(person=account_of, competency_id="ROT-01", level=2, rater="manager",
                              rated_by_id=region.person["manager"], created_at=datetime(2099, 1, 1)))
        db.session.commit()
    sign_in(web_client, region, "peer")

    html = text_of(web_client.get(mentoring_url(region, "peer")))

    assert "Your offer to mentor Rota rules is not shown to anyone while the level held is below 3." in squeezed(html)
    assert "You do not hold any competency at level 3 or above yet" in html


def test_someone_who_can_see_me_reads_my_offers_but_cannot_change_them(web_app, web_client, region):
    sign_in(web_client, region, "manager")
    before = row_counts(web_app)

    html = text_of(web_client.get(mentoring_url(region, "peer")))
    refused = web_client.post(mentoring_url(region, "peer"), data={"competencies": []})

    assert [t for tag, t, _ in outline(html) if tag in ("h1", "h2")] == [
        "Mentoring: Peer", "Competencies Peer offers to mentor", "Requests to Peer", "Requests Peer sent"
    ]
    assert "<form" not in html.split("<main", 1)[1]
    assert "Rota rules" in sections(html)["Competencies Peer offers to mentor"]
    assert "Only Peer can change these offers." in html
    assert refused.status_code == 403
    assert row_counts(web_app) == before


def test_a_person_offering_nothing_is_said_so_to_others(web_client, region):
    sign_in(web_client, region, "manager")

    html = text_of(web_client.get(mentoring_url(region, "staff")))

    assert "Staff does not offer to mentor any competency." in html


def test_a_stranger_in_another_trust_can_neither_see_nor_change_my_mentoring(web_app, web_client, region):
    sign_in(web_client, region, "other_trust")
    before = row_counts(web_app)

    assert web_client.get(mentoring_url(region, "peer")).status_code == 404
    assert web_client.post(mentoring_url(region, "peer"), data={"competencies": []}).status_code == 404
    assert row_counts(web_app) == before


# Finding a mentor ------------------------------------------------------------------------------


def mentor_names(html: str) -> list[tuple[str, str]]:
    """Each mentor card's tier heading and name, in page order."""
    found, tier = [], None
    for tag, title, _ in outline(html):
        if tag == "h3":
            tier = title
        elif tag == "h4":
            found.append((tier, title))
    return found


def test_the_search_offers_my_gaps_only(web_client, region):
    sign_in(web_client, region, "staff")

    html = text_of(web_client.get(find_url(region, "staff")))

    assert "<title>Find a mentor – planner</title>" in html
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', html)
    assert options == [
        ("", "Choose a competency"),
        ("ROT-01", "Rota rules (you hold 0, need 2)"),
        ("ROT-02", "Rota design (you hold 0, need 2)"),
    ]
    assert "Leave out mentors in my own trust" in html
    assert "<h2>" not in html.split("<main", 1)[1]  # no results before a search


def test_mentors_come_nearest_first_and_never_from_another_region(web_client, region):
    sign_in(web_client, region, "staff")

    html = text_of(web_client.get(find_url(region, "staff", competency="ROT-01")))

    assert mentor_names(html) == [
        ("In your trust (1)", "Peer"),
        ("In your ICS (1)", "Ivy Ics"),
        ("Elsewhere in your region (2)", "Rob Region"),  # level 4 before level 3
        ("Elsewhere in your region (2)", "Rhea Region"),
    ]
    text = sections(html)
    assert text["Mentors for Rota rules"] == "4 mentors offer to help with Rota rules."
    card = text["Ivy Ics"]
    assert "Role Rota Coordinator Trust Trust A-two Where In your ICS Level held 4 – Expert" in card
    assert "Message to Ivy Ics (optional)" in card
    for hidden in ("Other Trust", "Lara Lapsed", "Will Withdrawn"):
        assert hidden not in html


def test_leaving_out_my_own_trust(web_client, region):
    sign_in(web_client, region, "staff")

    html = text_of(web_client.get(find_url(region, "staff", competency="ROT-01", exclude_own_trust="y")))

    assert [name for _, name in mentor_names(html)] == ["Ivy Ics", "Rob Region", "Rhea Region"]
    assert "3 mentors offer to help with Rota rules, leaving out your own trust." in html
    assert 'name="exclude_own_trust" type="checkbox" value="y" checked' in html


def test_no_mentor_outside_my_trust_suggests_leaving_it_in(web_client, region, web_app):
    with web_app.app_context():
        for offer in db.session.scalars(select(MentorOffer)):
            if offer.person_id != region.person["peer"]:
                offer.withdrawn_at = datetime(2026, 4, 1)
        db.session.commit()
    sign_in(web_client, region, "staff")

    html = text_of(web_client.get(find_url(region, "staff", competency="ROT-01", exclude_own_trust="y")))

    assert "No one outside your own trust offers to mentor Rota rules in Region A." in html
    assert f'href="/people/{region.person["staff"]}/mentors?competency=ROT-01">Look again with mentors in your own trust left in' in html


def test_no_mentor_at_all_says_so(web_client, region):
    sign_in(web_client, region, "staff")

    html = text_of(web_client.get(find_url(region, "staff", competency="ROT-02")))

    assert "No one in Region A offers to mentor Rota design yet." in html


def test_a_competency_that_is_not_one_of_my_gaps_is_an_error(web_client, region):
    sign_in(web_client, region, "staff")

    html = text_of(web_client.get(find_url(region, "staff", competency="HRF-01")), 400)

    assert "<title>Error: Find a mentor – planner</title>" in html
    assert error_links(html) == [("#competency", "Not a valid choice.")]


def test_choosing_no_competency_is_an_error(web_client, region):
    sign_in(web_client, region, "staff")

    html = text_of(web_client.get(find_url(region, "staff", competency="")), 400)

    assert error_links(html) == [("#competency", "Choose a competency to find mentors for")]


def change_staff(web_app, world, **values) -> None:
    with web_app.app_context():
        person = db.session.get(Person, world.person["staff"])
        for key, value in values.items():
            setattr(person, key, value)
        db.session.commit()


def test_the_gaps_are_against_my_target_role(web_client, region, web_app):
    change_staff(web_app, region, target_role_id="lead")
    sign_in(web_client, region, "staff")

    html = text_of(web_client.get(find_url(region, "staff")))

    assert "Your gaps against Rota Lead" in html
    assert "Employment law (you hold 0, need 2)" in html


def test_no_gaps_means_nothing_to_look_for(web_client, region):
    sign_in(web_client, region, "manager")  # a Rota Lead holding 4, 3 and 2: no gap for the role

    html = text_of(web_client.get(find_url(region, "manager")))

    assert "You have no gaps against Rota Lead, so there is nothing to find a mentor for." in html
    assert "<select" not in html


def test_a_role_the_framework_lacks_is_explained(web_client, region, web_app):
    change_staff(web_app, region, role_id="gone")
    sign_in(web_client, region, "staff")

    html = text_of(web_client.get(find_url(region, "staff")))

    assert "Staff: no plan can be made" in html and "unknown role &#39;gone&#39;" in html


@pytest.mark.parametrize(("who", "status"), [("manager", 403), ("trust_admin", 403), ("other_trust", 404)])
def test_only_i_look_for_my_mentors(web_client, region, who, status):
    sign_in(web_client, region, who)

    assert web_client.get(find_url(region, "staff", competency="ROT-01")).status_code == status


# Asking for mentoring ---------------------------------------------------------------------------


def ask(client, world, mentor: str, competency: str = "ROT-01", message: str = "", **extra):
    data = {"mentor_id": world.person[mentor], "competency": competency, "message": message, **extra}
    return client.post(request_url(world, "staff"), data=data)


def test_asking_a_mentor_found_saves_the_request_and_audits_it(web_app, web_client, region):
    sign_in(web_client, region, "staff")

    response = ask(web_client, region, "Ivy Ics", message="  I build the winter rota next month.  ")

    assert response.status_code == 302 and response.headers["Location"] == mentoring_url(region, "staff")
    with web_app.app_context():
        asked = db.session.scalars(select(MentorRequest)).one()
        assert (asked.seeker_id, asked.mentor_id, asked.competency_id, asked.status, asked.message) == (
            region.person["staff"], region.person["Ivy Ics"], "ROT-01", "requested", "I build the winter rota next month."
        )
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action != "sign_in")).one()
        assert (event.action, event.person_id, event.detail) == (
            "mentor_request", region.person["staff"], {"mentor": region.person["Ivy Ics"], "competency": "ROT-01"}
        )
    html = text_of(web_client.get(mentoring_url(region, "staff")))
    assert "You asked Ivy Ics for mentoring in Rota rules. Their answer will show here." in html
    sent = sections(html)["Requests I sent"]
    assert "Ivy Ics Rota Coordinator, Trust A-two" in sent and "Awaiting an answer" in sent
    assert "Withdraw your request to Ivy Ics about Rota rules" in sent
    found = text_of(web_client.get(find_url(region, "staff", competency="ROT-01")))
    assert "You have asked Ivy Ics about this" in sections(found)["Ivy Ics"]


def test_asking_the_same_mentor_twice_is_refused_with_a_message(web_app, web_client, region):
    sign_in(web_client, region, "staff")
    ask(web_client, region, "Ivy Ics")
    before = row_counts(web_app)

    html = text_of(ask(web_client, region, "Ivy Ics", exclude_own_trust="y"), 400)

    message = ("You have already asked Ivy Ics about Rota rules: wait for their answer, "
               "or withdraw the request on your mentoring page.")
    assert error_links(html) == [(f"#mentor-{region.person['Ivy Ics']}", message)]
    assert "Peer" not in [name for _, name in mentor_names(html)]  # the search as it was shown
    assert row_counts(web_app) == before


def test_asking_again_after_an_answer_is_allowed(web_app, web_client, region):
    add_request(web_app, region, "staff", "Ivy Ics", status="declined")
    sign_in(web_client, region, "staff")

    assert ask(web_client, region, "Ivy Ics").status_code == 302


@pytest.mark.parametrize("mentor", ["other_trust", "Lara Lapsed", "Will Withdrawn", "manager", "staff"])
def test_asking_someone_not_in_the_search_results_is_refused(web_app, web_client, region, mentor):
    sign_in(web_client, region, "staff")
    before = row_counts(web_app)

    html = text_of(ask(web_client, region, mentor), 400)

    message = "That person is not offering to mentor Rota rules in your region: choose a mentor from the list."
    assert error_links(html) == [("#competency", message)]
    assert row_counts(web_app) == before


def test_asking_about_a_competency_that_is_not_my_gap_is_refused(web_app, web_client, region):
    sign_in(web_client, region, "staff")
    before = row_counts(web_app)

    html = text_of(ask(web_client, region, "peer", competency="HRF-01"), 400)

    assert error_links(html) == [("#competency", "Choose one of your gaps to ask about.")]
    assert row_counts(web_app) == before


def test_someone_whose_role_the_framework_lacks_has_no_gap_to_ask_about(web_app, web_client, region):
    change_staff(web_app, region, role_id="gone")
    sign_in(web_client, region, "staff")
    before = row_counts(web_app)

    html = text_of(ask(web_client, region, "peer"), 400)

    assert error_links(html) == [("#competency", "Choose one of your gaps to ask about.")]
    assert row_counts(web_app) == before


def test_a_message_over_500_characters_is_refused_and_kept(web_app, web_client, region):
    sign_in(web_client, region, "staff")
    before = row_counts(web_app)

    html = text_of(ask(web_client, region, "Rob Region", message="x" * 501), 400)

    field = f"message-{region.person['Rob Region']}"
    assert error_links(html) == [(f"#{field}", "Your message must be 500 characters or fewer")]
    assert re.search(rf'<textarea class="nhsuk-textarea nhsuk-textarea--error" id="{field}" name="message"[^>]*>x{{501}}</textarea>', html)
    assert row_counts(web_app) == before


def test_a_request_naming_no_mentor_is_refused(web_app, web_client, region):
    sign_in(web_client, region, "staff")
    before = row_counts(web_app)

    html = text_of(web_client.post(request_url(region, "staff"), data={}), 400)

    assert error_links(html) == [("#competency", "Choose a mentor to ask"), ("#competency", "Choose a competency to ask about")]
    assert row_counts(web_app) == before


@pytest.mark.parametrize(("who", "status"), [("manager", 403), ("other_trust", 404)])
def test_only_i_ask_for_my_mentoring(web_app, web_client, region, who, status):
    sign_in(web_client, region, who)
    before = row_counts(web_app)

    assert ask(web_client, region, "Ivy Ics").status_code == status
    assert row_counts(web_app) == before


# Answering requests ------------------------------------------------------------------------------


def act(client, request_id: int, action: str, follow: bool = True):
    return client.post(f"/mentor-requests/{request_id}/{action}", follow_redirects=follow)


def test_the_mentor_sees_the_request_and_accepts_it(web_app, web_client, region):
    request_id = add_request(web_app, region, "staff", "peer")
    sign_in(web_client, region, "peer")

    received = sections(text_of(web_client.get(mentoring_url(region, "peer"))))["Requests to me"]
    response = act(web_client, request_id, "accept", follow=False)

    assert "Staff Rota Coordinator, Trust A" in received and "Help with the winter rota, please" in received
    assert "Accept Staff's request about Rota rules" in received and "Decline Staff's request about Rota rules" in received
    assert response.status_code == 302 and response.headers["Location"] == mentoring_url(region, "peer")
    status, decided = status_of(web_app, request_id)
    assert status == "accepted" and decided is not None
    assert audit_actions(web_app) == ["mentor_request_accepted"]
    html = text_of(web_client.get(mentoring_url(region, "peer")))
    assert "You accepted the request between you and Staff for mentoring in Rota rules." in html
    assert "None: answered" in sections(html)["Requests to me"]


def test_accepting_twice_is_refused_with_a_message(web_app, web_client, region):
    request_id = add_request(web_app, region, "staff", "peer")
    sign_in(web_client, region, "peer")
    act(web_client, request_id, "accept")
    before, decided = row_counts(web_app), status_of(web_app, request_id)

    html = text_of(act(web_client, request_id, "accept"))

    assert "Nothing changed: this request was already accepted." in html
    assert row_counts(web_app) == before and status_of(web_app, request_id) == decided


def test_the_mentor_declines(web_app, web_client, region):
    request_id = add_request(web_app, region, "staff", "peer")
    sign_in(web_client, region, "peer")

    html = text_of(act(web_client, request_id, "decline"))

    assert "You declined the request between you and Staff for mentoring in Rota rules." in html
    assert status_of(web_app, request_id)[0] == "declined"
    assert audit_actions(web_app) == ["mentor_request_declined"]


def test_the_person_who_asked_withdraws(web_app, web_client, region):
    request_id = add_request(web_app, region, "staff", "peer")
    sign_in(web_client, region, "staff")

    html = text_of(act(web_client, request_id, "withdraw"))

    assert "You withdrew the request between you and Peer for mentoring in Rota rules." in html
    assert "Withdrawn" in sections(html)["Requests I sent"]
    assert status_of(web_app, request_id)[0] == "withdrawn"
    assert audit_actions(web_app) == ["mentor_request_withdrawn"]


@pytest.mark.parametrize(("who", "action", "message"), [
    ("staff", "accept", "only the mentor asked can accept this request"),
    ("staff", "decline", "only the mentor asked can decline this request"),
    ("peer", "withdraw", "only the person who asked can withdraw this request"),
])
def test_each_side_takes_only_its_own_actions(web_app, web_client, region, who, action, message):
    request_id = add_request(web_app, region, "staff", "peer")
    sign_in(web_client, region, who)
    before = row_counts(web_app)

    html = text_of(act(web_client, request_id, action))

    assert f"Nothing changed: {message}." in html
    assert row_counts(web_app) == before and status_of(web_app, request_id) == ("requested", None)


@pytest.mark.parametrize(("who", "status"), [("manager", 403), ("trust_admin", 403), ("other_trust", 404), ("far_manager", 404)])
def test_nobody_else_answers_a_request(web_app, web_client, region, who, status):
    request_id = add_request(web_app, region, "staff", "peer")
    sign_in(web_client, region, who)
    before = row_counts(web_app)

    for action in ("accept", "decline", "withdraw"):
        assert act(web_client, request_id, action, follow=False).status_code == status
    assert row_counts(web_app) == before


def test_a_request_seen_only_through_the_mentor_is_still_refused(web_app, web_client, region):
    request_id = add_request(web_app, region, "other_trust", "far_manager")  # both in Trust B
    sign_in(web_client, region, "manager")

    assert act(web_client, request_id, "accept", follow=False).status_code == 404


def test_an_unknown_request_or_action_is_not_found(web_app, web_client, region):
    request_id = add_request(web_app, region, "staff", "peer")
    sign_in(web_client, region, "peer")

    assert act(web_client, 999999, "accept", follow=False).status_code == 404
    assert act(web_client, request_id, "approve", follow=False).status_code == 404


def test_a_manager_reads_the_requests_without_buttons(web_app, web_client, region):
    add_request(web_app, region, "staff", "peer")
    add_request(web_app, region, "peer", "Ivy Ics", status="accepted")
    sign_in(web_client, region, "manager")

    html = text_of(web_client.get(mentoring_url(region, "peer")))

    text = sections(html)
    assert "Staff Rota Coordinator, Trust A" in text["Requests to Peer"]
    assert "Ivy Ics Rota Coordinator, Trust A-two" in text["Requests Peer sent"] and "Accepted" in text["Requests Peer sent"]
    assert "/mentor-requests/" not in html and "Action" not in text["Requests to Peer"]


def test_a_request_about_a_restricted_record_can_be_neither_answered_nor_withdrawn(web_app, web_client, region):
    request_id = add_request(web_app, region, "staff", "peer")
    with web_app.app_context():
        db.session.get(Person, region.person["staff"]).restricted_at = datetime(2026, 11, 1)
        db.session.commit()
    for name, action in (("peer", "accept"), ("staff", "withdraw")):
        client = web_app.test_client()
        sign_in(client, region, name)
        response = act(client, request_id, action, follow=False)
        assert response.status_code == 403 and "record is restricted" in response.get_data(as_text=True)
    assert status_of(web_app, request_id) == ("requested", None)
