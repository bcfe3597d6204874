import json
from pathlib import Path
from typing import Any

from bot.storage.spool import Spool


def test_append_is_durable_and_replay_empties(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s" / "esc.jsonl")
    spool.append({"message_id": "a"})
    spool.append({"message_id": "b", "text": "é 😀"})
    assert spool.depth() == 2
    stored: list[dict[str, Any]] = []
    assert spool.replay(stored.append) == 2
    assert [r["message_id"] for r in stored] == ["a", "b"]
    assert not spool.path.exists()
    assert spool.replay(stored.append) == 0


def test_replay_stops_at_first_failure_and_keeps_the_rest_in_order(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "esc.jsonl")
    for name in "abc":
        spool.append({"message_id": name})

    def store(record: dict[str, Any]) -> None:
        if record["message_id"] == "b":
            raise ConnectionError("database down")

    assert spool.replay(store) == 1
    remaining = [json.loads(line)["message_id"] for line in spool.path.read_text().splitlines()]
    assert remaining == ["b", "c"]


def test_torn_last_line_is_skipped(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "esc.jsonl")
    spool.append({"message_id": "a"})
    with spool.path.open("a") as handle:
        handle.write('{"message_id": "tor')
    stored: list[dict[str, Any]] = []
    assert spool.replay(stored.append) == 1
    assert stored == [{"message_id": "a"}]


def test_a_record_with_a_lone_surrogate_is_kept(tmp_path: Path) -> None:
    # ASCII-escaped JSON: text no UTF-8 encoder accepts still reaches the disk and comes back.
    spool = Spool(tmp_path / "spool.jsonl")
    spool.append({"message_id": "s", "text": "help \ud800 me"})
    stored: list[dict[str, Any]] = []
    assert spool.replay(stored.append) == 1
    assert stored[0]["text"] == "help \ud800 me"
