from datetime import timedelta

from bot.clock import utcnow
from bot.storage.engine import Database
from bot.storage.escalations import list_active
from bot.supporter import queue
from tests.unit.supporter.helpers import add_handoff, add_risk


def test_queue_orders_by_severity_then_age_with_handoffs_last(database: Database) -> None:
    now = utcnow()
    add_handoff(database, "handoff-old", created_at=now - timedelta(hours=2))
    add_risk(database, "low-old", "low", created_at=now - timedelta(hours=1))
    add_risk(database, "high-new", "high", created_at=now - timedelta(seconds=5))
    add_risk(database, "high-old", "high", created_at=now - timedelta(minutes=9))
    add_risk(database, "imminent", "imminent", created_at=now - timedelta(seconds=1))
    add_risk(database, "medium", "medium", created_at=now - timedelta(minutes=30))
    ordered = queue.order(database.run_sync(list_active))
    assert [e.conversation_id for e in ordered] == [
        "imminent",
        "high-old",
        "high-new",
        "medium",
        "low-old",
        "handoff-old",
    ]


def test_overdue_needs_high_severity_open_and_past_target(database: Database) -> None:
    now = utcnow()
    late_high = add_risk(database, "a", "high", created_at=now - timedelta(seconds=301))
    early_high = add_risk(database, "b", "imminent", created_at=now - timedelta(seconds=299))
    late_medium = add_risk(database, "c", "medium", created_at=now - timedelta(hours=1))
    late_handoff = add_handoff(database, "d", created_at=now - timedelta(hours=1))
    by_id = {e.id: e for e in database.run_sync(list_active)}
    assert queue.is_overdue(by_id[late_high], now, 300)
    assert not queue.is_overdue(by_id[early_high], now, 300)
    assert not queue.is_overdue(by_id[late_medium], now, 300)
    assert not queue.is_overdue(by_id[late_handoff], now, 300)
    item = queue.item_json(by_id[late_high], now, 300)
    assert item["overdue"] is True and item["targeted"] is True
    assert 300 <= item["waiting_seconds"] <= 302
    assert {"id", "conversation_id", "severity", "categories", "status", "created_at"} <= set(item)
    assert item["claimed_by"] is None and item["kind"] == "risk"
