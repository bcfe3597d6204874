"""The supporter's whole path in headless Chromium against the real stack.

A supporter signs in; a person sends a risk message from the chat widget in a second browser
context; the escalation appears live in the queue (no reload); the supporter claims it, opens
the conversation, takes over and replies; the reply appears in the person's widget, and the
person's answer appears live in the supporter's view.

Selectors are deliberately tolerant of layout changes: the widget's message box is found by
its accessible name (containing "message") and its transcript by ``role="log"``; queue rows by
``data-escalation-id`` or ``data-id``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import Stack

pytestmark = pytest.mark.slow

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCREENSHOTS = (
    PROJECT_DIR / "var" / "artifacts" / "queue.png",
    PROJECT_DIR / "docs" / "images" / "queue.png",
)
RISK_TEXT = "I can't go on, I want to end it all"
REPLY = "Hi, this is a person from the support team. Are you safe right now?"
ANSWER = "yes I'm at home, thank you"
LIVE_MS = 30_000  # generous for a loaded 2-core machine; no timing is asserted


def _admin_password(stack: Stack) -> str:
    return stack.output.read_text().split("password: ", 1)[1].split()[0]


def _message_box(page: Page) -> Locator:
    return page.locator("textarea[aria-label*='message' i], input[aria-label*='message' i]").first


def _person_says(page: Page, text: str) -> None:
    box = _message_box(page)
    expect(box).to_be_enabled()
    box.fill(text)
    box.press("Enter")


def _open_widget(context: BrowserContext, stack: Stack) -> Page:
    page = context.new_page()
    page.goto(f"{stack.web_url}/")
    consent = page.get_by_role("button", name=re.compile("start chatting", re.I))
    consent.or_(_message_box(page)).first.wait_for()
    if consent.count():
        consent.click()
    expect(_message_box(page)).to_be_enabled()
    return page


def _sign_in(context: BrowserContext, stack: Stack) -> Page:
    page = context.new_page()
    page.goto(f"{stack.web_url}/supporter/login")
    page.locator("#username").fill("admin")
    page.locator("#password").fill(_admin_password(stack))
    page.locator("form.login button[type=submit], form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/supporter/?$"))
    return page


def test_risk_message_to_supporter_reply_in_the_widget(new_context, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    supporter = _sign_in(new_context(viewport={"width": 1280, "height": 800}), stack)
    person = _open_widget(new_context(), stack)

    _person_says(person, RISK_TEXT)
    person_log = person.locator("[role=log]").first
    expect(person_log).to_contain_text("988", timeout=LIVE_MS)  # the crisis text (US)

    rows = supporter.locator("tr[data-escalation-id], tr[data-id]")
    row = rows.filter(has_text="end it all").first
    expect(row).to_be_visible(timeout=LIVE_MS)  # arrived live: the page was never reloaded
    for path in SCREENSHOTS:
        path.parent.mkdir(parents=True, exist_ok=True)
    supporter.screenshot(path=str(SCREENSHOTS[0]), full_page=True)
    shutil.copyfile(SCREENSHOTS[0], SCREENSHOTS[1])

    row.locator("[data-action=claim], button:has-text('Claim')").first.click()
    expect(row).to_contain_text("claimed", timeout=LIVE_MS)
    row.locator("a[href*='/supporter/conversations/']").first.click()
    supporter.wait_for_url(re.compile(r"/supporter/conversations/"))
    transcript = supporter.locator("#transcript")
    expect(transcript).to_contain_text("end it all")
    expect(transcript.locator("mark").first).to_be_visible()

    supporter.get_by_role("button", name="Take over").click()
    expect(person_log).to_contain_text("has joined this chat", timeout=LIVE_MS)
    reply_box = supporter.get_by_label("Reply to the person")
    reply_box.fill(REPLY)
    supporter.get_by_role("button", name="Send").click()

    expect(person_log).to_contain_text(REPLY, timeout=LIVE_MS)
    expect(person_log).to_contain_text("admin")  # labelled as the human supporter
    expect(transcript).to_contain_text(REPLY, timeout=LIVE_MS)

    _person_says(person, ANSWER)
    expect(transcript).to_contain_text(ANSWER, timeout=LIVE_MS)  # shown live, no reload
    supporter.screenshot(path=str(SCREENSHOTS[0].with_name("conversation.png")), full_page=True)
