"""Complete deletion on PostgreSQL: the same guard as tests/unit/privacy, on the other dialect."""

import pytest

from bot.privacy.deletion import delete_person
from bot.storage import tables as t
from bot.storage.engine import Database
from tests.unit.privacy.people import find_everywhere, insert_person, tables_with_rows

pytestmark = pytest.mark.postgres

PERSON = "conv-pg-person-5e1"
MARKER = "Pg-marker-text-774"


@pytest.mark.parametrize("keep_safeguarding", [False, True])
def test_deletion_leaves_no_trace(pg_database: Database, keep_safeguarding: bool) -> None:
    pg_database.run_sync(insert_person, conversation_id=PERSON, marker=MARKER)
    pg_database.run_sync(insert_person, conversation_id="conv-pg-other", marker="other-text")
    assert pg_database.run_sync(tables_with_rows) == set(t.metadata.tables)
    assert pg_database.run_sync(find_everywhere, needle=MARKER)
    counts = pg_database.run_sync(
        delete_person, conversation_id=PERSON, keep_safeguarding=keep_safeguarding
    )
    assert counts["participants"] == 1
    assert counts["escalations_deidentified" if keep_safeguarding else "escalations"] == 1
    assert pg_database.run_sync(find_everywhere, needle=PERSON) == []
    assert pg_database.run_sync(find_everywhere, needle=MARKER) == []
    assert pg_database.run_sync(find_everywhere, needle="other-text")
