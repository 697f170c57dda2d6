"""Accounts and data rights in the browser: Helen Brennan (the demo trust admin at Northgate) opens
the accounts of her trust and Amira Shah's account, goes from the list to Amira's home and the data
held about her, downloads it as JSON, and tries a common password on the change-password page,
which refuses it with a message saying why. Every page passes axe-core with no serious or critical
violation. Nothing is changed, so the other browser tests find the demo as it was.

Screenshots of the accounts list and the data page go to the screenshots folder (``SCREENSHOTS`` in
conftest.py) for a person to look at.
"""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import SCREENSHOTS
from .test_journey import Journey

TRUST_ADMIN = "trust.admin@demo.example"
STAFF_NAME = "Amira Shah"


def test_a_trust_admin_reviews_accounts_and_the_data_held_about_a_person(demo_page, axe):
    journey = Journey(demo_page, axe)
    page = journey.page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    journey.sign_in(TRUST_ADMIN, "Helen Brennan")

    journey.follow(page.get_by_role("link", name="Accounts"))
    journey.check("Accounts")
    accounts = page.get_by_role("table", name="Accounts, by trust and name").inner_text()
    assert "staff@demo.example" in accounts and "Staff, Manager" in accounts
    page.screenshot(path=SCREENSHOTS / "governance-accounts.png", full_page=True)

    journey.follow(page.get_by_role("link", name=f"Change the account of {STAFF_NAME}"))
    journey.check(f"Account of {STAFF_NAME}")
    journey.follow(page.get_by_role("link", name="Back to accounts"))
    journey.follow(page.get_by_role("link", name=STAFF_NAME, exact=True))
    journey.check(STAFF_NAME)

    journey.follow(page.get_by_role("link", name=f"Data held about {STAFF_NAME}"))
    journey.check(f"Data held about {STAFF_NAME}")
    page.screenshot(path=SCREENSHOTS / "governance-data-held.png", full_page=True)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download as JSON (machine-readable)").click()
    held = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert STAFF_NAME in json.dumps(held) and "password_hash" not in json.dumps(held)

    journey.follow(page.get_by_role("navigation", name="Account").get_by_role("link", name="Change password"))
    journey.check("Change your password")
    page.get_by_label("Current password").fill("demo-password-2026")
    page.get_by_label("New password", exact=True).fill("password123")
    page.get_by_label("Confirm new password").fill("password123")
    journey.follow(page.get_by_role("button", name="Change password"))
    journey.check("Change your password")
    assert page.title().startswith("Error: ")
    summary = page.get_by_role("alert").inner_text()
    assert "common" in summary.lower()
    assert journey.visit.errors == []
