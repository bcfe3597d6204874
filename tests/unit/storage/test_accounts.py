from datetime import timedelta

import pytest

from bot.clock import utcnow
from bot.storage import accounts
from bot.storage.engine import Database


def test_create_find_and_count(database: Database) -> None:
    assert database.run_sync(accounts.count_accounts) == 0
    created = database.run_sync(
        accounts.create_account, username="sam", role="supporter", password_hash="h"
    )
    found = database.run_sync(accounts.find_account, username="sam")
    assert found == created
    assert database.run_sync(accounts.count_accounts) == 1
    assert database.run_sync(accounts.find_account, username="nobody") is None


def test_duplicate_and_bad_role_are_refused(database: Database) -> None:
    database.run_sync(accounts.create_account, username="sam", role="admin", password_hash="h")
    with pytest.raises(accounts.DuplicateAccountError):
        database.run_sync(accounts.create_account, username="sam", role="admin", password_hash="h")
    with pytest.raises(ValueError, match="unknown role"):
        database.run_sync(accounts.create_account, username="x", role="root", password_hash="h")


def test_idle_session_expires(database: Database) -> None:
    account = database.run_sync(
        accounts.create_account, username="sam", role="supporter", password_hash="h"
    )
    database.run_sync(
        accounts.create_session, token_hash="t", account_id=account.id, csrf_token="c"
    )
    live = database.run_sync(
        accounts.touch_session, token_hash="t", idle_after=utcnow() - timedelta(minutes=30)
    )
    assert live is not None and live.account.username == "sam" and live.csrf_token == "c"
    expired = database.run_sync(
        accounts.touch_session, token_hash="t", idle_after=utcnow() + timedelta(seconds=1)
    )
    assert expired is None
    again = database.run_sync(
        accounts.touch_session, token_hash="t", idle_after=utcnow() - timedelta(days=1)
    )
    assert again is None, "an expired session is deleted, not just refused"
