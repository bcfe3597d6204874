import pytest
import sqlalchemy as sa

from bot.storage.engine import create_engine
from bot.storage.migrate import downgrade, upgrade
from bot.storage.tables import metadata

pytestmark = pytest.mark.postgres


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_forward_back_and_forward_again(pg_empty_url: str) -> None:
    upgrade(pg_empty_url)
    assert _tables(pg_empty_url) == set(metadata.tables)
    downgrade(pg_empty_url, "base")
    assert _tables(pg_empty_url) == set()
    upgrade(pg_empty_url)
    assert _tables(pg_empty_url) == set(metadata.tables)


def test_migrations_match_the_table_definitions(pg_empty_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    upgrade(pg_empty_url)
    engine = create_engine(pg_empty_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert diff == []
