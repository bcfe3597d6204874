"""Every domain response is uttered by some story or rule, and every uttered one exists.

Loads the training data with Rasa's own importer (Rasa environment only), on a copy of the
domain that includes the generated crisis responses.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.risk.crisis_domain import write_crisis_domain
from tests.conftest import PROJECT_DIR, make_settings

pytestmark = pytest.mark.slow


def test_every_response_is_reachable_and_none_is_missing(tmp_path: Path) -> None:
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.importers.importer import TrainingDataImporter

    domain_dir = tmp_path / "domain"
    shutil.copytree(PROJECT_DIR / "domain", domain_dir)
    write_crisis_domain(domain_dir, make_settings(tmp_path).locale)
    importer = TrainingDataImporter.load_from_config(
        config_path=str(PROJECT_DIR / "config.yml"),
        domain_path=str(domain_dir),
        training_data_paths=[str(PROJECT_DIR / "data")],
    )
    responses = set(importer.get_domain().responses)
    uttered = {
        event.action_name
        for step in importer.get_stories().story_steps
        for event in step.events
        if isinstance(event, ActionExecuted)
        and event.action_name
        and event.action_name.startswith("utter_")
    }
    assert responses, "the domain has no responses"
    assert sorted(responses - uttered) == [], "responses no story or rule utters"
    assert sorted(uttered - responses) == [], "uttered responses missing from the domain"
