"""bot.nlu.sequential_graph: the trained model's graph gives dask's results without dask."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa.core.agent import Agent
from rasa.engine.graph import GraphSchema, SchemaNode
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.bench.scripts import generate_scripts
from bot.nlu import sequential_graph
from bot.nlu.ngram_intent_classifier import NgramIntentClassifier

MODELS = Path(__file__).resolve().parents[2] / "models"


def node(needs: dict[str, str], target: bool = False) -> SchemaNode:
    return SchemaNode(needs, NgramIntentClassifier, "create", "process", {}, is_target=target)


def test_each_node_comes_after_what_it_needs_in_schema_order_otherwise() -> None:
    schema = GraphSchema(
        {
            "select": node({"a": "rules", "b": "memo", "t": "__tracker__"}, target=True),
            "rules": node({"d": "domain", "t": "__tracker__"}),
            "memo": node({"d": "domain"}),
            "domain": node({}),
            "unused": node({"d": "domain"}),
        }
    )
    plan = sequential_graph.plan_for(schema, ["select"])
    assert plan == [
        ("domain", ()),
        ("rules", ("domain", "__tracker__")),
        ("memo", ("domain",)),
        ("select", ("rules", "memo", "__tracker__")),
    ]


@pytest.fixture(scope="module")
def agent() -> Iterator[Agent]:
    yield Agent.load(str(sorted(MODELS.glob("*.tar.gz"))[-1]))
    sequential_graph.uninstall_sequential_graph_runner()


def both(compute: Any) -> tuple[Any, Any]:
    """(dask's result, the sequential runner's result) of the same computation."""
    sequential_graph.uninstall_sequential_graph_runner()
    stock = compute()
    sequential_graph.install_sequential_graph_runner()
    return stock, compute()


def prediction(agent: Agent, tracker: DialogueStateTracker) -> tuple[Any, ...]:
    result = agent.processor._predict_next_with_tracker(tracker)
    return result.max_confidence_index, result.max_confidence, result.policy_name, result.events


@pytest.mark.slow
def test_scripted_check_ins_get_the_same_parses_and_predictions(agent: Agent) -> None:
    compared = 0
    for script in generate_scripts(12, seed=11):
        events = [ActionExecuted("action_session_start"), SessionStarted()]
        tracker = DialogueStateTracker.from_events(script.name, events, slots=agent.domain.slots)
        for text in script.turns:
            stock, sequential = both(lambda t=text: asyncio.run(agent.parse_message(t)))
            assert sequential == stock
            tracker.update(ActionExecuted("action_listen"))
            tracker.update(UserUttered(text, stock["intent"], stock["entities"], stock))
            for _ in range(6):
                stock, sequential = both(lambda tr=tracker: prediction(agent, tr))
                assert sequential == stock
                compared += 1
                name = agent.domain.action_names_or_texts[stock[0]]
                tracker.update(ActionExecuted(name, stock[2]))
                tracker.update_with_events(stock[3], agent.domain)
                if name in agent.domain.form_names:
                    tracker.update(ActiveLoop(name))
                if name == "action_listen":
                    break
    assert compared > 100
