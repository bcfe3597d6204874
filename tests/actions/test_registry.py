from typing import Any

from rasa_sdk.executor import ActionExecutor


def test_the_action_server_serves_exactly_the_domain_actions(domain: dict[str, Any]) -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(executor.actions) == set(domain["actions"])
