"""Rasa's deep copies for debug log lines, skipped while debug logging is off.

Rasa 3.6 passes deep copies of the states, events and entities to ``structlogger.debug`` on
every prediction and every action (``copy.deepcopy(states)`` and the like in
``rasa/core/processor.py``, ``policies/memoization.py`` and ``policies/rule_policy.py``). The
copies are made even when debug lines are filtered out: about 5 % of Rasa's event loop under
load (docs/benchmarks.md). In those three modules every ``copy.deepcopy`` is such a log
argument (``tests/actions/test_debug_copies.py`` checks their source), so their ``copy`` is
replaced by one whose ``deepcopy`` returns the value itself unless the module's logger is at
debug level, in which case it copies as before. Everything else in ``copy`` is unchanged.
"""

from __future__ import annotations

import copy
import logging
from types import ModuleType
from typing import Any

from rasa.core import processor
from rasa.core.policies import memoization, rule_policy

MODULES: tuple[ModuleType, ...] = (processor, memoization, rule_policy)


class CopyForDebugLines:
    """The ``copy`` module, with ``deepcopy`` skipped while ``logger_name`` ignores debug."""

    def __init__(self, logger_name: str) -> None:
        """Decide per call, so a log level set after start-up is respected."""
        self._logger = logging.getLogger(logger_name)

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        """A deep copy for a debug line that will be written, else the value itself."""
        if self._logger.isEnabledFor(logging.DEBUG):
            return copy.deepcopy(value, memo)
        return value

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def install_debug_copies() -> None:
    """Give each module in ``MODULES`` a ``copy`` that skips copies for unwritten debug lines."""
    for module in MODULES:
        module.copy = CopyForDebugLines(module.__name__)  # type: ignore[attr-defined]


def uninstall_debug_copies() -> None:
    """Give the modules the real ``copy`` back (for tests)."""
    for module in MODULES:
        module.copy = copy  # type: ignore[attr-defined]
