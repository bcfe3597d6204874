"""Ally's changes to Rasa's per-turn work, installed by ``bot/nlu/rasa_server.py``.

Each is in its own module, says there what it changes and why, and has a test that compares it
with stock Rasa (same predictions, parses, copies, verdicts or requests). Measured in
docs/benchmarks.md ("Where the time goes", and the fourth and fifth measurements).

- ``fast_states``: the policies' past states carried forward per tracker, not rebuilt from the
  whole session for every policy call.
- ``fast_rules``: RulePolicy's rules decoded once and indexed.
- ``sequential_graph``: the model graph run in a planned order, without dask's scheduler.
- ``fast_applied``: a tracker's applied events carried forward, not walked from the start for
  every caller.
- ``fast_copy``: tracker copies built from the tracker's state, not by replaying the session.
- ``action_requests``: kept-alive connections to the action server, the domain encoded once.
- ``debug_copies``: no deep copies for debug log lines that are not written.

(The n-gram classifier's own fast path is inside the component: ``compiled_ngrams``.)
"""

from __future__ import annotations

from bot.nlu.action_requests import install_action_requests
from bot.nlu.debug_copies import install_debug_copies
from bot.nlu.fast_applied import install_fast_applied_events
from bot.nlu.fast_copy import install_fast_tracker_copies
from bot.nlu.fast_rules import install_fast_rule_matching
from bot.nlu.fast_states import install_past_states_cache
from bot.nlu.sequential_graph import install_sequential_graph_runner


def install_hot_path() -> None:
    """Install every change above (after ``install_recent_action_events``: it wraps it)."""
    install_action_requests()
    install_past_states_cache()
    install_fast_applied_events()
    install_fast_rule_matching()
    install_sequential_graph_runner()
    install_fast_tracker_copies()
    install_debug_copies()
