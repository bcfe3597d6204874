from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from bot.research.dictionary import DICTIONARY_PATH, load_dictionary
from bot.storage.tables import metadata


def test_every_table_is_exported_or_excluded_and_every_column_documented() -> None:
    dictionary = load_dictionary()
    exported = {table.name for table in dictionary.tables}
    assert exported | set(dictionary.excluded) == set(metadata.tables)
    assert not exported & set(dictionary.excluded)
    for table in dictionary.tables:
        assert [c.name for c in table.columns] == list(metadata.tables[table.name].columns.keys())
        assert all(c.description.strip() for c in table.columns)


def test_supporter_accounts_sessions_and_outbox_are_never_exported() -> None:
    assert {"supporters", "supporter_sessions", "webhook_outbox"} <= set(load_dictionary().excluded)


def test_every_long_text_column_is_treated_as_text_or_never_exported() -> None:
    for table in load_dictionary().tables:
        for column in table.columns:
            if isinstance(metadata.tables[table.name].c[column.name].type, sa.Text):
                assert column.treatment in ("text", "never"), (table.name, column.name)


def test_every_conversation_id_is_pseudonymised() -> None:
    for table in load_dictionary().tables:
        for column in table.columns:
            if column.name == "conversation_id":
                assert column.treatment == "participant", table.name
                assert column.export_name == "participant"


def test_a_missing_column_is_reported(tmp_path: Path) -> None:
    raw = yaml.safe_load(DICTIONARY_PATH.read_text())
    del raw["tables"]["checkins"]["columns"]["step"]
    path = tmp_path / "dictionary.yml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ValueError, match="checkins"):
        load_dictionary(path)
