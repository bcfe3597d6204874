"""Benchmark the whole stack against the ``rasa init`` moodbot: the same as ``ally bench``.

Run from the repository root (the code lives in bot/bench/, results go to docs/benchmarks.md):

    .venv/web/bin/python benchmarks/stack.py [--users 50] [--repeat 3] [--no-baseline]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from bot.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
