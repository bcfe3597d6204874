"""The chat widget in headless Chromium against the real stack (web app, Rasa, action server)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from bot.storage.audit import list_audit
from bot.storage.engine import Database
from tests.browser.conftest import Stack, run_axe, save_screenshot

pytestmark = pytest.mark.slow

SESSION_KEY = "ally.session_id"
CONSENT_KEY = "ally.consent"
REPLY_TIMEOUT_MS = 60_000


def open_chat(page: Page, stack: Stack, path: str = "/") -> None:
    page.goto(f"{stack.web_url}{path}")
    expect(page.locator(".ally-status")).to_have_attribute("data-state", "connected")
    page.wait_for_function(f"() => localStorage.getItem('{SESSION_KEY}') !== null")


def agree(page: Page) -> None:
    page.get_by_role("button", name="I understand, start chatting").click()
    expect(page.get_by_label("Type your message")).to_be_enabled()


def send(page: Page, text: str) -> None:
    box = page.get_by_label("Type your message")
    box.fill(text)
    box.press("Enter")


def wait_for_quick_replies(page: Page) -> None:
    page.locator(".ally-reply:not([disabled])").first.wait_for(timeout=REPLY_TIMEOUT_MS)


def stored(page: Page, key: str) -> Any:
    return page.evaluate(f"() => localStorage.getItem('{key}')")


def no_horizontal_scroll(page: Page) -> bool:
    return bool(
        page.evaluate(
            "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def test_consent_gate_then_a_reply_and_quick_replies_by_keyboard(page: Page, stack: Stack) -> None:
    open_chat(page, stack)
    box = page.get_by_label("Type your message")
    expect(box).to_be_disabled()
    notice = page.locator(".ally-notice")
    for words in ("chatbot", "supporters see", "delete my data", "not an emergency service"):
        expect(notice).to_contain_text(words)

    agree(page)
    expect(box).to_be_focused()
    expect(notice).to_have_count(0)
    page.wait_for_function(
        f"() => (JSON.parse(localStorage.getItem('{CONSENT_KEY}')) || {{}}).recorded === true"
    )
    session_id = stored(page, SESSION_KEY)
    database = Database.from_url(stack.database_url)
    try:
        rows = database.run_sync(list_audit, target_id=session_id)
    finally:
        database.close()
    assert [(r.actor, r.action, r.target_type) for r in rows] == [
        ("participant", "consent_given", "conversation")
    ]

    send(page, "hi")
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    expect(page.locator(".ally-msg-person").last).to_contain_text("hi")
    wait_for_quick_replies(page)
    assert page.locator(".ally-msg-bot").count() >= 1

    # Keyboard only: Shift+Tab back from the input until a quick reply has focus, then Enter.
    for _ in range(30):
        if page.evaluate("() => document.activeElement.classList.contains('ally-reply')"):
            break
        page.keyboard.press("Shift+Tab")
    chosen = page.evaluate("() => document.activeElement.textContent")
    assert chosen, "a quick reply is reachable with the keyboard"
    bots_before = page.locator(".ally-msg-bot").count()
    page.keyboard.press("Enter")
    expect(page.locator(".ally-msg-person").last).to_contain_text(chosen)
    expect(box).to_be_focused()
    expect(page.locator(".ally-reply-chosen")).to_be_disabled()
    page.wait_for_function(
        f"() => document.querySelectorAll('.ally-msg-bot').length > {bots_before}",
        timeout=REPLY_TIMEOUT_MS,
    )


def tap(page: Page, title: str) -> None:
    """Press the enabled quick reply called ``title`` with the keyboard."""
    button = page.locator(".ally-reply:not([disabled])", has_text=title).first
    button.wait_for(timeout=REPLY_TIMEOUT_MS)
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Type your message")).to_be_focused()


def test_a_full_daily_checkin_with_the_buttons(page: Page, stack: Stack) -> None:
    open_chat(page, stack)
    agree(page)
    log = page.get_by_role("log")
    send(page, "hi")
    tap(page, "7")
    expect(log).to_contain_text("I've noted a 7 for today", timeout=REPLY_TIMEOUT_MS)
    send(page, "calm")
    expect(log).to_contain_text("feeling calm", timeout=REPLY_TIMEOUT_MS)
    tap(page, "Not now")
    tap(page, "Tomorrow evening")
    expect(log).to_contain_text("What would you like me to call you", timeout=REPLY_TIMEOUT_MS)
    send(page, "skip")
    expect(log).to_contain_text("Here's a short summary of today", timeout=REPLY_TIMEOUT_MS)
    expect(log).to_contain_text("Mood: 7 out of 10")
    expect(log).to_contain_text("Thank you for checking in", timeout=REPLY_TIMEOUT_MS)
    assert page.locator(".ally-reply-chosen").count() == 3


def test_reload_keeps_the_session_and_shows_history(page: Page, stack: Stack) -> None:
    open_chat(page, stack)
    agree(page)
    send(page, "hello there")
    wait_for_quick_replies(page)
    session_id = stored(page, SESSION_KEY)
    bot_texts = page.locator(".ally-msg-bot .ally-text").all_text_contents()

    page.reload()
    expect(page.locator(".ally-status")).to_have_attribute("data-state", "connected")
    expect(page.locator(".ally-notice")).to_have_count(0)
    expect(page.get_by_label("Type your message")).to_be_enabled()
    expect(page.locator(".ally-msg-person").first).to_contain_text("hello there")
    assert stored(page, SESSION_KEY) == session_id
    expect(page.locator(".ally-msg-bot .ally-text")).to_have_text(bot_texts)


def test_a_foreign_session_id_starts_afresh(page: Page, stack: Stack) -> None:
    page.goto(f"{stack.web_url}/")
    page.evaluate(
        "() => { localStorage.setItem('ally.session_id', 'forged.id');"
        " localStorage.setItem('ally.consent', JSON.stringify({notice_version: '2026-11-25',"
        " session_id: 'forged.id', recorded: true})); }"
    )
    open_chat(page, stack)
    assert stored(page, SESSION_KEY) != "forged.id"
    assert stored(page, CONSENT_KEY) is None
    expect(page.locator(".ally-notice")).to_be_visible()


def test_help_dialog_shows_resources_traps_focus_and_restores_it(page: Page, stack: Stack) -> None:
    open_chat(page, stack)
    help_button = page.get_by_role("button", name="Need urgent help?")
    help_button.click()
    dialog = page.get_by_role("dialog", name="Need urgent help?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("911")  # the stack runs with the default locale, US
    expect(dialog).to_contain_text("988 Suicide & Crisis Lifeline")
    for _ in range(4):
        page.keyboard.press("Tab")
        assert page.evaluate("() => !!document.activeElement.closest('dialog')")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(help_button).to_be_focused()


def test_embed_demo_mounts_the_widget_with_help_and_safe_rendering(
    page: Page, stack: Stack
) -> None:
    open_chat(page, stack, "/embed-demo")
    root = page.locator("#ally-chat.ally-embedded")
    expect(root.get_by_role("log")).to_be_attached()
    root.get_by_role("button", name="Need urgent help?").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("988")
    page.keyboard.press("Escape")

    # A supporter message with a safe link, an unsafe one and HTML, through the real handler.
    page.evaluate(
        """() => window.Ally.widget.socket.listeners('bot_uttered')[0]({
             text: 'See [the guide](https://example.org/help) or '
                 + '[this](javascript:alert(1)) <b>x</b>',
             metadata: {sender: 'supporter', supporter_name: 'Sam'}})"""
    )
    message = root.locator(".ally-msg-supporter").last
    expect(message.locator(".ally-who")).to_have_text("Supporter Sam")
    links = message.locator("a")
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", "https://example.org/help")
    expect(links).to_have_attribute("rel", "noopener noreferrer")
    expect(links).to_have_attribute("target", "_blank")
    expect(message).to_contain_text("[this](javascript:alert(1)) <b>x</b>")
    assert message.locator("b").count() == 0


def test_script_message_renders_as_text(page: Page, stack: Stack) -> None:
    open_chat(page, stack)
    agree(page)
    attack = '<script>window.__owned = 1</script><img src=x onerror="window.__owned = 2">'
    send(page, attack)
    mine = page.locator(".ally-msg-person").last
    expect(mine.locator(".ally-text")).to_have_text(attack)
    assert mine.locator("script, img").count() == 0
    page.locator(".ally-msg-bot").first.wait_for(timeout=REPLY_TIMEOUT_MS)
    assert page.evaluate("() => window.__owned") is None


@pytest.mark.parametrize(
    "viewport",
    [{"width": 320, "height": 640}, {"width": 512, "height": 384}],
    ids=["320px", "200pct-zoom-of-1024x768"],
)
def test_small_screens_have_no_horizontal_scroll(
    new_context: Any, stack: Stack, viewport: dict[str, int]
) -> None:
    page = new_context(viewport=viewport).new_page()
    open_chat(page, stack)
    assert no_horizontal_scroll(page)
    agree(page)
    send(page, "hi " + "a" * 120)
    wait_for_quick_replies(page)
    assert no_horizontal_scroll(page)
    help_button = page.get_by_role("button", name="Need urgent help?")
    expect(help_button).to_be_in_viewport()
    help_button.click()
    assert no_horizontal_scroll(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_violations(
    new_context: Any, stack: Stack, scheme: str
) -> None:
    page = new_context(color_scheme=scheme).new_page()
    open_chat(page, stack)
    found = {"notice": run_axe(page)}
    agree(page)
    send(page, "hi")
    wait_for_quick_replies(page)
    found["conversation"] = run_axe(page)
    save_screenshot(page, f"widget-desktop-{scheme}")
    page.get_by_role("button", name="Need urgent help?").click()
    found["help dialog"] = run_axe(page)
    page.keyboard.press("Escape")
    page.set_viewport_size({"width": 360, "height": 740})
    save_screenshot(page, f"widget-mobile-360-{scheme}")

    bad = {
        state: [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        for state, violations in found.items()
    }
    assert bad == {"notice": [], "conversation": [], "help dialog": []}


def test_offline_is_shown_and_a_message_sent_offline_is_delivered_after_reconnecting(
    page: Page, stack: Stack
) -> None:
    open_chat(page, stack)
    agree(page)
    status = page.locator(".ally-status")
    expect(status).to_have_attribute("role", "status")
    page.context.set_offline(True)
    expect(status).to_have_attribute("data-state", "offline")
    expect(status).to_contain_text("offline")
    send(page, "hi")
    expect(page.locator(".ally-typing")).to_be_visible()
    page.context.set_offline(False)
    expect(status).to_have_attribute("data-state", "connected")
    wait_for_quick_replies(page)
    expect(page.locator(".ally-typing")).to_be_hidden()


def test_embedded_help_falls_back_to_the_baked_in_table(page: Page, stack: Stack) -> None:
    page.route("**/api/crisis-resources*", lambda route: route.abort())
    open_chat(page, stack, "/embed-demo")
    page.get_by_role("button", name="Need urgent help?").click()
    dialog = page.get_by_role("dialog", name="Need urgent help?")
    expect(dialog).to_contain_text("988 Suicide & Crisis Lifeline")
    expect(dialog).to_contain_text("911")
