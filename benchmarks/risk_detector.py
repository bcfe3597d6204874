"""Benchmark the risk detector: pipeline build time and per-message latency.

Run from the repository root:

    python benchmarks/risk_detector.py [--repeat 5]

Prints the build time of the spaCy pipeline + lexicon, and the median, p90 and
p99 time per message over the labelled set repeated ``--repeat`` times, plus
one 100 KB message. Target: median <= 0.5 ms per message.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from bot.risk.detector import RiskDetector  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "risk_labelled.jsonl"


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="passes over the labelled set")
    args = parser.parse_args()

    start = time.perf_counter()
    detector = RiskDetector()
    build_s = time.perf_counter() - start

    texts = [json.loads(line)["text"] for line in LABELLED.read_text().splitlines() if line]
    detector.assess(texts[0])  # warm-up
    timings_ms: list[float] = []
    for _ in range(args.repeat):
        for text in texts:
            t0 = time.perf_counter()
            detector.assess(text)
            timings_ms.append((time.perf_counter() - t0) * 1000)
    timings_ms.sort()

    filler = "we went to the park and the weather was nice and the dog was happy. "
    big = filler * (100_000 // len(filler)) + "I want to die. " + filler
    t0 = time.perf_counter()
    detector.assess(big)
    big_s = time.perf_counter() - t0

    print(f"pipeline build: {build_s:.2f} s")
    print(f"messages: {len(timings_ms)} ({len(texts)} x {args.repeat})")
    print(f"median: {statistics.median(timings_ms):.3f} ms")
    print(f"p90:    {percentile(timings_ms, 0.90):.3f} ms")
    print(f"p99:    {percentile(timings_ms, 0.99):.3f} ms")
    print(f"max:    {timings_ms[-1]:.3f} ms")
    print(f"one {len(big) // 1000} KB message: {big_s * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
