"""Fuzz every /api operation in docs/openapi.yaml through the real app factory.

For each generated request (any documented operation, any caller, hostile path ids, query
strings, bodies and content types): never a 5xx, every /api answer is JSON (an ``error``
string on 4xx), and a refused request leaves every table's row count unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from yarl import URL

from bot.storage.engine import Database
from tests.fuzz import tally
from tests.fuzz.fixtures import CONVERSATIONS, Caller, row_counts
from tests.fuzz.strategies import (
    FUZZ,
    body_bytes,
    encode,
    from_schema,
    load_spec,
    odd_text,
    resolve,
    url_values,
)

SPEC = load_spec()
METHODS = ("get", "post", "patch")
OPERATIONS = [
    (method.upper(), path, item.get("parameters", []) + op.get("parameters", []), op)
    for path, item in SPEC["paths"].items()
    for method, op in item.items()
    if method in METHODS
]
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=latin-1",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    None,
]
EXAMPLES = 1500
# aiohttp refuses longer request lines with a plain-text 400 before any handler runs.
MAX_LINE = 8190


def _body_schema(op: dict[str, Any]) -> Any | None:
    content = op.get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema")


@st.composite
def requests(draw: st.DrawFn, seeded: dict[str, list[int]]) -> dict[str, Any]:
    """One request: operation, path, query, body and content type."""
    method, template, parameters, op = draw(st.sampled_from(OPERATIONS))
    path = template
    query: list[tuple[str, str]] = []
    for parameter in (resolve(SPEC, p) for p in parameters):
        if parameter["in"] == "path":
            known = seeded["victims"] + seeded["escalations"]
            if parameter["schema"].get("type") == "string":
                fitting = st.sampled_from(CONVERSATIONS)
            else:
                fitting = st.sampled_from(known).map(str)
            value = draw(st.one_of(fitting, fitting, url_values))
            path = path.replace("{" + parameter["name"] + "}", encode(value))
        elif draw(st.booleans()):
            value = draw(st.one_of(from_schema(SPEC, parameter["schema"]).map(str), url_values))
            query.append((parameter["name"], encode(value)))
    if draw(st.integers(0, 4)) == 0:
        query.append((encode(draw(odd_text.filter(lambda t: len(t) < 100))), encode("x")))
    body = draw(body_bytes(SPEC, _body_schema(op))) if method != "GET" else None
    if method == "GET" and draw(st.integers(0, 9)) == 0:
        body = b'{"unexpected": "body"}'
    return {
        "method": draw(st.sampled_from([method] * 9 + ["PUT"])),
        "url": path + ("?" + "&".join(f"{k}={v}" for k, v in query) if query else ""),
        "body": body,
        "content_type": draw(st.sampled_from(CONTENT_TYPES)),
        "caller": draw(st.integers(0, 100)),
    }


async def _send(caller: Caller, request: dict[str, Any]) -> tuple[int, str, bytes]:
    headers = dict(caller.headers)
    if request["content_type"] is not None:
        headers["Content-Type"] = request["content_type"]
    url = caller.client.make_url(URL(request["url"], encoded=True))
    async with caller.client.session.request(
        request["method"], url, data=request["body"], headers=headers
    ) as resp:
        return resp.status, resp.content_type, await resp.read()


def _check(status: int, content_type: str, raw: bytes, request: dict[str, Any]) -> None:
    where = f"{request['method']} {request['url'][:200]}"
    assert status < 500, f"{where} -> {status}: {raw[:300]!r}"
    if status == 405:  # the router's answer to PUT: no handler ran
        return
    if status == 400 and len(request["url"]) > MAX_LINE:  # refused by aiohttp's HTTP parser
        return
    assert content_type == "application/json", f"{where} -> {status} {content_type}"
    body = json.loads(raw)
    if status >= 400:
        assert isinstance(body, dict), f"{where} -> {status}: {raw[:300]!r}"
        assert isinstance(body.get("error"), str), f"{where} -> {status}: {raw[:300]!r}"


async def test_operations_are_all_fuzzed() -> None:
    documented = {(m, p) for m, p, _, _ in OPERATIONS}
    assert len(documented) >= 18, "every documented operation is a fuzz target"


@settings(FUZZ, max_examples=EXAMPLES)
@given(data=st.data())
async def test_api_never_5xx_and_refusals_write_nothing(
    data: st.DataObject,
    callers: list[Caller],
    seeded: dict[str, list[int]],
    database: Database,
) -> None:
    request = data.draw(requests(seeded))
    caller = callers[request["caller"] % len(callers)]
    before = row_counts(database)
    status, content_type, raw = await _send(caller, request)
    tally.count("api (hypothesis, openapi operations)")
    _check(status, content_type, raw, request)
    if status >= 400:
        assert row_counts(database) == before, f"partial write on {request['url'][:200]}"
