"""``ally export`` and ``ally report``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from bot.config import Settings
from bot.errors import AllyError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the research commands to the ``ally`` parser."""
    export = sub.add_parser(
        "export", help="write pseudonymised research data: one file per table, dictionary, manifest"
    )
    export.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    export.add_argument(
        "--format", default="csv", metavar="FORMAT", help="csv (default), jsonl or parquet"
    )
    export.add_argument(
        "--since", metavar="DATE", help="only rows on or after DATE (YYYY-MM-DD, UTC)"
    )
    export.add_argument(
        "--include-text",
        action="store_true",
        help="also export what people and supporters typed (see docs/research.md)",
    )
    export.set_defaults(handler=_export)

    report = sub.add_parser("report", help="write an HTML report with plots of the research data")
    report.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    report.add_argument(
        "--since", metavar="DATE", help="only data on or after DATE (YYYY-MM-DD, UTC)"
    )
    report.set_defaults(handler=_report)


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _export(args: argparse.Namespace) -> int:
    from bot.research.export import ExportRequest, export
    from bot.research.source import open_engine

    request = ExportRequest.parse(
        out=args.out, fmt=args.format, since=args.since, include_text=args.include_text
    )
    settings = Settings.from_env()
    with _failures_as_errors("export"):
        engine = open_engine(settings.database_url)
        try:
            export(
                engine,
                request,
                salt=settings.pseudonym_salt,
                instrument=settings.survey_instrument,
                progress=_progress,
            )
        finally:
            engine.dispose()
    return 0


def _report(args: argparse.Namespace) -> int:
    from bot.research.options import check_out_dir, parse_since
    from bot.research.report import write_report
    from bot.research.source import open_engine

    out_dir = check_out_dir(args.out)
    since = parse_since(args.since)
    settings = Settings.from_env()
    with _failures_as_errors("report"):
        engine = open_engine(settings.database_url)
        try:
            path = write_report(
                engine, out_dir, since=since, salt=settings.pseudonym_salt, progress=_progress
            )
        finally:
            engine.dispose()
    _progress(f"report: {path}")
    return 0


@contextmanager
def _failures_as_errors(command: str) -> Iterator[None]:
    """Turn a full disk or an unreachable database into one line instead of a traceback."""
    import sqlalchemy.exc

    try:
        yield
    except OSError as exc:
        raise AllyError(f"{command}: cannot write: {exc.strerror or exc}") from exc
    except sqlalchemy.exc.SQLAlchemyError as exc:
        problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AllyError(f"{command}: cannot read the database: {problem}") from exc
