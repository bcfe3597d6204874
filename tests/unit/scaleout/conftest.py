"""Route each file to the environment that has its dependencies (as tests/fuzz/conftest.py).

test_resilient_store.py and test_resilient_lock.py need rasa (they subclass Rasa's stores); the
rest runs in both.
"""

from __future__ import annotations

import importlib.util

RASA_ONLY = ["test_resilient_store.py", "test_resilient_lock.py"]
collect_ignore = [] if importlib.util.find_spec("rasa") is not None else RASA_ONLY
