"""Front-door fuzz tests: route each file to the environment that has its dependencies.

The web environment runs the app tests (aiohttp, socket.io); the Rasa environment runs
test_rest_channel.py, which needs rasa. Fixtures live in fixtures.py.
"""

from __future__ import annotations

import importlib.util

import pytest

WEB_ONLY = ["test_api_fuzz.py", "test_socketio_fuzz.py", "test_stack_fuzz.py"]
RASA_ONLY = ["test_rest_channel.py"]
IN_RASA_ENV = importlib.util.find_spec("rasa") is not None
collect_ignore = WEB_ONLY if IN_RASA_ENV else RASA_ONLY

if not IN_RASA_ENV:
    from tests.fuzz.fixtures import (  # noqa: F401  (fixtures for the web tests)
        callers,
        database,
        fake_rasa,
        seeded,
        server,
        web_settings,
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how many requests each fuzz test generated (docs/robustness.md quotes them)."""
    from tests.fuzz.tally import SENT

    if SENT:
        terminalreporter.section("fuzz: generated requests")
        for test, requests in sorted(SENT.items()):
            terminalreporter.write_line(f"{test}: {requests}")
        terminalreporter.write_line(f"total: {sum(SENT.values())}")
