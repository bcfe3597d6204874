"""``ally test-cases``, ``ally coverage`` and ``ally transcript``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

DEFAULT_RUNS = Path("results") / "test-cases"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the dialogue-testing commands to the ``ally`` parser."""
    cases = sub.add_parser(
        "test-cases", help="run dialogue test cases (YAML) against a running stack"
    )
    cases.add_argument("paths", nargs="+", metavar="PATH", help="test-case files or folders")
    cases.add_argument("--rasa-url", help="Rasa server (default: from ALLY_RASA_PORT)")
    cases.add_argument("--database-url", help="Ally database (default: ALLY_DATABASE_URL)")
    cases.add_argument(
        "--concurrency", type=_positive_int, default=4, help="cases run at once (default 4)"
    )
    cases.add_argument("--junit", type=Path, metavar="PATH", help="also write JUnit XML here")
    cases.add_argument("-k", dest="keyword", help="only cases whose name contains this text")
    cases.add_argument(
        "--results",
        type=Path,
        default=DEFAULT_RUNS,
        help=f"folder for the run record that `ally coverage` reads (default {DEFAULT_RUNS})",
    )
    cases.set_defaults(handler=_test_cases)

    coverage = sub.add_parser(
        "coverage", help="which intents, responses, actions, forms and risk categories were tested"
    )
    coverage.add_argument(
        "--runs", type=Path, default=DEFAULT_RUNS, help=f"run records (default {DEFAULT_RUNS})"
    )
    coverage.add_argument("--html", type=Path, metavar="OUT", help="write an HTML report")
    coverage.add_argument(
        "--threshold",
        type=_fraction,
        default=0.8,
        help="fail when the share exercised by test cases is lower (default 0.8)",
    )
    coverage.set_defaults(handler=_coverage)

    transcript = sub.add_parser("transcript", help="a readable transcript of one conversation")
    transcript.add_argument("conversation_id", metavar="CONVERSATION_ID")
    transcript.add_argument("--markdown", type=Path, metavar="OUT", help="write Markdown here")
    transcript.add_argument("--database-url", help="Ally database (default: ALLY_DATABASE_URL)")
    transcript.add_argument("--rasa-url", help="read the tracker from this Rasa server's API")
    transcript.set_defaults(handler=_transcript)


def _positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {raw!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _fraction(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got {raw!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def _test_cases(args: argparse.Namespace) -> int:
    from bot.config import Settings
    from bot.storage.engine import Database
    from bot.testing.cases import load_paths
    from bot.testing.rasa_client import RasaClient
    from bot.testing.report import console_table, write_junit
    from bot.testing.runner import run_cases, write_run_record

    cases = load_paths(args.paths)  # TestCaseError (an AllyError) becomes one line in main()
    if args.keyword:
        cases = [case for case in cases if args.keyword in case.name]
        if not cases:
            print(f"error: no test case name contains {args.keyword!r}", file=sys.stderr)
            return 2
    settings = Settings.from_env()
    rasa_url = args.rasa_url or settings.rasa_url
    database = Database.from_url(args.database_url or settings.database_url)

    def progress(result: object) -> None:
        print("." if getattr(result, "passed", False) else "F", end="", flush=True)

    async def run() -> list:  # type: ignore[type-arg]
        async with RasaClient(rasa_url, settings.rasa_token) as rasa:
            return await run_cases(
                cases,
                rasa=rasa,
                database=database,
                concurrency=args.concurrency,
                on_result=progress,
            )

    try:
        results = asyncio.run(run())
    finally:
        database.close()
    print()
    print(console_table(results))
    record = write_run_record(results, args.results, rasa_url)
    print(f"run record: {record}")
    if args.junit:
        write_junit(results, args.junit)
        print(f"JUnit XML: {args.junit}")
    return 0 if all(r.passed for r in results) else 1


def _coverage(args: argparse.Namespace) -> int:
    from bot.config import Settings
    from bot.testing.coverage import compute_coverage, format_coverage, load_runs, write_html

    settings = Settings.from_env()
    runs = load_runs(args.runs)
    report = compute_coverage(settings.project_dir, runs)
    print(format_coverage(report, args.threshold))
    if args.html:
        write_html(report, args.html, args.threshold)
        print(f"HTML report: {args.html}")
    return 0 if report.share >= args.threshold else 1


def _transcript(args: argparse.Namespace) -> int:
    from bot.config import Settings
    from bot.testing.transcript import build_transcript, load_events, to_markdown, to_text

    settings = Settings.from_env()
    events = load_events(
        args.conversation_id,
        tracker_db=settings.tracker_store,
        rasa_url=args.rasa_url,
        token=settings.rasa_token,
    )
    transcript = build_transcript(
        args.conversation_id, events, args.database_url or settings.database_url
    )
    print(to_text(transcript))
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(to_markdown(transcript, args.conversation_id), encoding="utf-8")
        print(f"Markdown: {args.markdown}")
    return 0
