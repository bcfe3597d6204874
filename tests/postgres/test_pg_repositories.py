"""The repositories' key operations on PostgreSQL (the unit tests run them on SQLite)."""

import pytest
import sqlalchemy as sa

from bot.storage import accounts, audit, checkin_sessions, escalations
from bot.storage.engine import Database
from bot.storage.escalations import FlaggedMessage
from bot.storage.tables import escalations as escalations_table

pytestmark = pytest.mark.postgres


def _flag(conversation_id: str, message_id: str, severity: str = "high") -> FlaggedMessage:
    return FlaggedMessage(
        conversation_id=conversation_id,
        message_id=message_id,
        severity=severity,
        categories=["suicidal_ideation"],
        matches=[{"text": "end it"}],
        excerpt="i want to end it",
        source="web",
    )


def test_accounts(pg_database: Database) -> None:
    created = pg_database.run_sync(
        accounts.create_account, username="sam", role="supporter", password_hash="h"
    )
    assert pg_database.run_sync(accounts.find_account, username="sam") == created
    with pytest.raises(accounts.DuplicateAccountError):
        pg_database.run_sync(
            accounts.create_account, username="sam", role="admin", password_hash="h"
        )
    assert pg_database.run_sync(accounts.count_accounts) == 1


def test_flagged_messages_merge_into_one_open_escalation(pg_database: Database) -> None:
    first = pg_database.run_sync(escalations.record_flagged_message, message=_flag("c1", "m1"))
    again = pg_database.run_sync(escalations.record_flagged_message, message=_flag("c1", "m1"))
    merged = pg_database.run_sync(
        escalations.record_flagged_message, message=_flag("c1", "m2", "imminent")
    )
    assert first == again == merged
    [only] = pg_database.run_sync(escalations.list_escalations)
    assert only.severity == "imminent"
    assert pg_database.run_sync(escalations.count_flagged_messages, conversation_id="c1") == 2


def test_the_database_allows_one_open_risk_escalation_per_conversation(
    pg_database: Database,
) -> None:
    pg_database.run_sync(escalations.record_flagged_message, message=_flag("c1", "m1"))
    with pytest.raises(sa.exc.IntegrityError), pg_database.engine.begin() as connection:
        row = connection.execute(sa.select(escalations_table)).one()._mapping
        values = {k: v for k, v in row.items() if k != "id"}
        connection.execute(sa.insert(escalations_table).values({**values, "message_id": "other"}))


def test_claim_and_resolve(pg_database: Database) -> None:
    escalation_id = pg_database.run_sync(
        escalations.record_flagged_message, message=_flag("c1", "m1")
    )
    claim = escalations.claim_escalation
    assert pg_database.run_sync(claim, escalation_id=escalation_id, supporter="sam")
    assert not pg_database.run_sync(claim, escalation_id=escalation_id, supporter="kim")
    outcome = escalations.OUTCOMES[0]
    assert pg_database.run_sync(
        escalations.resolve_escalation,
        escalation_id=escalation_id,
        outcome=outcome,
        supporter="sam",
    )
    assert pg_database.run_sync(escalations.list_escalations, status="resolved")[0].id == (
        escalation_id
    )


def test_checkins_and_audit(pg_database: Database) -> None:
    pg_database.run_sync(checkin_sessions.start_checkin, conversation_id="c1", mood=4)
    assert pg_database.run_sync(
        checkin_sessions.finish_checkin, conversation_id="c1", status="completed"
    )
    [row] = pg_database.run_sync(checkin_sessions.checkin_rows, conversation_id="c1")
    assert (row["mood"], row["status"]) == (4, "completed")
    pg_database.run_sync(
        audit.record_audit, actor="sam", action="viewed", target_type="conversation",
        target_id="c1", detail={"n": 1},
    )  # fmt: skip
    [entry] = pg_database.run_sync(audit.list_audit, target_id="c1")
    assert (entry.actor, entry.detail) == ("sam", {"n": 1})
