"""Benchmark the whole risk assessment per message: rules, classifier and tiers (decide()).

Run from the repository root, in either environment:

    python benchmarks/risk_decision.py [--repeat 3]

Prints the time to load (or train) the classifier, then the median, p90, p99 and maximum time
of one decision over the labelled sets' messages (each with an empty context) and over the same
messages with a five-message context. Targets (issue 21): median <= 1 ms, p99 <= 5 ms.
Also prints the model file's size and the training time of a fresh model (target: <= 60 s).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from bot.risk.corpus import load_corpus  # noqa: E402
from bot.risk.learning import get_classifier, model_path, train  # noqa: E402
from bot.risk.tiers import Context, Signals, decide  # noqa: E402

SETS = [
    *sorted((ROOT / "tests" / "data").glob("risk_probe_*.jsonl")),
    ROOT / "tests" / "data" / "risk_labelled.jsonl",
]


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def timed(texts: list[str], context: Context | None, repeat: int) -> list[float]:
    timings: list[float] = []
    for _ in range(repeat):
        for text in texts:
            t0 = time.perf_counter()
            decide(text, context)
            timings.append((time.perf_counter() - t0) * 1000)
    return sorted(timings)


def report(name: str, timings: list[float]) -> None:
    print(
        f"{name:24} n={len(timings):6d}  median {percentile(timings, 0.5):.3f} ms  "
        f"p90 {percentile(timings, 0.9):.3f}  p99 {percentile(timings, 0.99):.3f}  "
        f"max {timings[-1]:.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes over the messages")
    parser.add_argument("--train", action="store_true", help="also time a fresh training run")
    args = parser.parse_args()

    t0 = time.perf_counter()
    get_classifier()
    print(f"classifier ready in {time.perf_counter() - t0:.2f} s "
          f"({model_path(ROOT).stat().st_size / 1e6:.1f} MB file)")  # fmt: skip
    texts = [json.loads(line)["text"] for path in SETS
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]  # fmt: skip
    decide(texts[0])  # warm-up: the spaCy pipeline and lexicon
    report("alone", timed(texts, None, args.repeat))
    quiet = (Signals(), Signals(), Signals(), Signals())
    context = Context(history=(Signals(low_rating=True), *quiet))
    report("with 5-message context", timed(texts, context, args.repeat))
    if args.train:
        corpus = load_corpus(ROOT)
        t0 = time.perf_counter()
        train(corpus)
        print(f"training on {len(corpus)} messages: {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
