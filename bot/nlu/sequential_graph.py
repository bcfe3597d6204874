"""Rasa's model graph run in a fixed order, without dask's scheduler on every message.

Rasa 3.6 runs its model graph through ``dask.get`` for every parse and for every predicted
action: dask orders the tasks, builds its scheduling state and walks it, which for Ally's small
graphs (8 NLU nodes in a chain; 5 nodes for a prediction) costs about 0.5 ms per run, several
runs per turn on Rasa's one event loop (docs/benchmarks.md). The graph never changes after
loading, so ``install_sequential_graph_runner`` makes ``DaskGraphRunner.run`` work out, once per
set of targets, the order dask needs (each node after the nodes it needs, in the schema's node
order otherwise) and then call the same nodes with the same inputs in that order. The nodes, their
inputs and the returned ``{target: output}`` are Rasa's own; only the scheduler is gone.
``tests/actions/test_sequential_graph.py`` compares both runners on the trained model.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner

_ORIGINAL_RUN = DaskGraphRunner.run
_PLANS = "_ally_sequential_plans"

# One step: a node's name and the names of what it needs, in the order its inputs are passed.
Plan = list[tuple[str, tuple[str, ...]]]


def plan_for(schema: GraphSchema, targets: list[str]) -> Plan:
    """The nodes ``targets`` need, each after everything it needs, in schema order otherwise."""
    minimal = schema.minimal_graph_schema(targets)
    done: set[str] = set()
    plan: Plan = []

    def visit(name: str) -> None:
        if name in done or name not in minimal.nodes:
            return  # already planned, or an input given at run time
        needs = tuple(minimal.nodes[name].needs.values())
        for need in needs:
            visit(need)  # Rasa refuses graphs with cycles when it builds them
        done.add(name)
        plan.append((name, needs))

    for name in minimal.nodes:
        visit(name)
    return plan


def _run(
    self: DaskGraphRunner,
    inputs: dict[str, Any] | None = None,
    targets: list[str] | None = None,
) -> dict[str, Any]:
    run_targets = list(targets) if targets else list(self._graph_schema.target_names)
    plans: dict[tuple[str, ...], Plan] = self.__dict__.setdefault(_PLANS, {})
    plan = plans.get(tuple(run_targets))
    if plan is None:
        plan = plans[tuple(run_targets)] = plan_for(self._graph_schema, run_targets)
    planned = {name for name, _ in plan}
    values: dict[str, Any] = {}
    for name, value in (inputs or {}).items():
        if isinstance(value, str) and value in planned:
            raise GraphRunError(
                f"Input value '{value}' clashes with a node name. Make sure that none of the "
                f"input names passed to the `run` method are the same as node names in the "
                f"graph schema."
            )
        values[name] = (name, value)  # what dask hands a node for an input
    try:
        for name, needs in plan:
            # A name that is neither a node nor an input is passed as it is, as dask does;
            # the node then reports the missing input itself.
            arguments = [values.get(need, need) for need in needs]
            values[name] = self._instantiated_nodes[name](*arguments)
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error
    return dict(values[target] for target in run_targets)


def install_sequential_graph_runner() -> None:
    """Run every ``DaskGraphRunner`` in its planned order instead of through dask."""
    DaskGraphRunner.run = _run  # type: ignore[method-assign]


def uninstall_sequential_graph_runner() -> None:
    """Restore Rasa's dask runner (for tests)."""
    DaskGraphRunner.run = _ORIGINAL_RUN  # type: ignore[method-assign]
