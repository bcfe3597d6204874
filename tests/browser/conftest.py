"""Shared browser fixtures: the system Chromium driven by Playwright, against the real stack.

Nothing is downloaded: Playwright launches Debian's ``/usr/bin/chromium``. The ``stack``
fixture is the integration one (``ally up --no-train`` on free ports), so browser tests talk to
the real web app, Rasa and action server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.integration.conftest import Stack, stack  # noqa: F401  (re-exported fixture)

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_SCRIPT = PROJECT_DIR / "widget" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_DIR / "test-artifacts"
DEFAULT_TIMEOUT_MS = 60_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless system Chromium for the whole session."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Any]:
    """Factory for fresh browser contexts (own storage); all are closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("viewport", {"width": 1024, "height": 768})
        context = browser.new_context(**options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Any) -> Page:
    """A page in a fresh context (empty localStorage), 1024x768, 60 s default timeout."""
    return new_context().new_page()


def run_axe(page: Page) -> list[dict[str, Any]]:
    """Inject axe-core from widget/node_modules and return its violations on ``page``."""
    # Evaluated through the DevTools protocol: the app's CSP forbids inline script tags.
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return list(result)


def save_screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot to test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
