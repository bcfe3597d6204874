"""bot.nlu.debug_copies: only debug-log copies are skipped, and only without debug logging."""

from __future__ import annotations

import ast
import inspect
import logging

import pytest

from bot.nlu import debug_copies
from bot.nlu.debug_copies import MODULES, CopyForDebugLines


def deepcopy_calls(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "deepcopy"
    ]


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_every_deepcopy_in_the_patched_modules_is_a_debug_log_argument(module) -> None:
    tree = ast.parse(inspect.getsource(module))
    all_calls = deepcopy_calls(tree)
    in_debug_lines = {
        id(call)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "debug"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "structlogger"
        for argument in [*node.args, *(keyword.value for keyword in node.keywords)]
        for call in deepcopy_calls(argument)
    }
    assert all_calls, "Rasa no longer copies for its debug lines: drop the patch"
    assert all(id(call) in in_debug_lines for call in all_calls)


def test_copies_only_when_the_logger_writes_debug_lines() -> None:
    value = {"states": [{"user": {"intent": "greet"}}]}
    logger = logging.getLogger("rasa.core.processor")
    before = logger.level
    try:
        logger.setLevel(logging.INFO)
        assert CopyForDebugLines(logger.name).deepcopy(value) is value
        logger.setLevel(logging.DEBUG)
        copied = CopyForDebugLines(logger.name).deepcopy(value)
        assert copied == value and copied is not value
        assert copied["states"][0] is not value["states"][0]
    finally:
        logger.setLevel(before)


def test_install_and_uninstall_swap_only_the_copy_module() -> None:
    import copy

    debug_copies.install_debug_copies()
    try:
        assert all(isinstance(module.copy, CopyForDebugLines) for module in MODULES)
        assert MODULES[0].copy.copy is copy.copy
    finally:
        debug_copies.uninstall_debug_copies()
    assert all(module.copy is copy for module in MODULES)
