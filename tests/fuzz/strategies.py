"""Hypothesis strategies for hostile input: odd text, wrong types, and raw bodies.

Everything here is plain data; the tests decide where to send it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote_from_bytes

import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
MIB = 1024 * 1024

# Reproducible in CI: the same examples on every run, no example database on disk.
FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

ODD_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",  # lone high surrogate
    "x\udfffy",  # lone low surrogate
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u200e\u2066",  # bidi marks and isolates
    "\ufeff",  # byte order mark
    "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",  # emoji ZWJ family
    "\U0001f3f3\ufe0f\u200d\U0001f308",  # flag ZWJ sequence
    "\uff4b\uff49\uff4c\uff4c",  # full-width "kill"
    "e\u0301\u0301\u0301\u0301",  # stacked combining marks
    "\u0000\u0001\u001f\u007f\u0085",
    "<script>alert(1)</script>",
    "'; DROP TABLE escalations; --",
    "%s%n{0}{{7*7}}",
    "\\u0000",
    "null",
    "1e309",
]

# Characters from every Unicode category, surrogates included (they survive json.loads).
any_char = st.characters(codec=None, exclude_categories=())
odd_text = st.one_of(
    st.sampled_from(ODD_TEXT),
    st.text(any_char, max_size=40),
    st.text(max_size=80),
    st.integers(1, 5).map(lambda n: "a" * (n * 4000)),  # just over the usual limits
    st.sampled_from([16 * 1024, 64 * 1024, MIB]).map(lambda n: "\u00e9" * n),  # huge
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([0, -1, 2**31, 2**63, -(2**63) - 1, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    odd_text,
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _deep(depth: int, kind: str) -> bytes:
    if kind == "list":
        return b"[" * depth + b"]" * depth
    return b'{"text": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}"


RAW_BODIES = st.one_of(
    st.binary(max_size=64),  # mostly invalid UTF-8 / not JSON
    st.sampled_from(
        [
            b"",
            b"{",
            b'{"text": "unterminated',
            b"\xff\xfe{}",
            b'{"text": "\xc3\x28"}',  # invalid UTF-8 inside a string
            b'{"text": "\xed\xa0\x80"}',  # an encoded surrogate (invalid UTF-8)
            b"\xef\xbb\xbf{}",  # BOM
            '{"text": "hi"}'.encode("utf-16"),
            b'{"text": "a", "text": 5, "outcome": "x", "outcome": "false_alarm"}',  # dup keys
            b'{"text": NaN, "outcome": Infinity, "note": -Infinity}',
            b'{"outcome": 1e309, "active": 1e309, "role": 1e999}',
            b'{"text": "\\u0000", "username": "\\ud800", "note": "\\udfff"}',
            b"[]",
            b"null",
            b'"just a string"',
            b"123",
        ]
    ),
    st.sampled_from([100, 999, 1000, 5000, 8000]).flatmap(
        lambda depth: st.sampled_from([_deep(depth, "list"), _deep(depth, "object")])
    ),
    st.sampled_from([16 * 1024 + 1, 64 * 1024 + 1, MIB]).map(
        lambda n: b'{"text": "' + b"a" * n + b'"}'
    ),
)


def load_spec() -> dict[str, Any]:
    """Return docs/openapi.yaml as a dict."""
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))


def resolve(spec: dict[str, Any], node: Any) -> Any:
    """Follow ``$ref`` chains (one level at a time) to the schema they name."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def from_schema(spec: dict[str, Any], schema: Any) -> st.SearchStrategy[Any]:
    """Values that mostly fit ``schema``, sometimes of the wrong type (the fuzzer's mix)."""
    schema = resolve(spec, schema)
    if "enum" in schema:
        fitting: st.SearchStrategy[Any] = st.sampled_from(schema["enum"])
    elif "oneOf" in schema or "allOf" in schema:
        choices = schema.get("oneOf", schema.get("allOf"))
        fitting = st.one_of(*(from_schema(spec, s) for s in choices))
    else:
        kinds = schema.get("type", "string")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        options = []
        for kind in kinds:
            if kind == "string":
                options.append(st.text(min_size=schema.get("minLength", 0), max_size=40))
            elif kind == "integer":
                options.append(st.integers())
            elif kind == "boolean":
                options.append(st.booleans())
            elif kind == "null":
                options.append(st.none())
            elif kind == "object":
                options.append(object_bodies(spec, schema))
            else:
                options.append(json_values)
        fitting = st.one_of(*options)
    return st.one_of(fitting, fitting, json_values)


def object_bodies(spec: dict[str, Any], schema: Any) -> st.SearchStrategy[dict[str, Any]]:
    """Objects shaped by ``schema``: some fields dropped, wrong-typed or added."""
    schema = resolve(spec, schema)
    properties = schema.get("properties", {})
    fields = {name: from_schema(spec, sub) for name, sub in properties.items()}

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        body = {name: draw(value) for name, value in fields.items() if draw(st.booleans())}
        extra = draw(st.dictionaries(st.text(max_size=10), json_values, max_size=3))
        return {**extra, **body} if draw(st.booleans()) else body

    return build()


def body_bytes(spec: dict[str, Any], schema: Any | None) -> st.SearchStrategy[bytes]:
    """Request bodies: schema-shaped JSON, any JSON value, or raw hostile bytes."""
    shaped = json_values if schema is None else object_bodies(spec, schema)
    return st.one_of(
        shaped.map(_dumps),
        shaped.map(_dumps),
        json_values.map(_dumps),
        RAW_BODIES,
    )


def _dumps(value: Any) -> bytes:
    # ensure_ascii keeps lone surrogates as \\udXXX escapes, which json.loads turns back into
    # lone surrogates on the server: exactly what a hostile client can send.
    return json.dumps(value).encode("ascii")


def encode(value: str | bytes) -> str:
    """Percent-encode text (lone surrogates too) or raw bytes for a URL path or query."""
    raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    return quote_from_bytes(raw, safe="")


# URL path segments and query values: odd text, numbers that are not ids, invalid UTF-8.
url_values = st.one_of(
    st.text(any_char, min_size=1, max_size=20),
    st.sampled_from(ODD_TEXT),
    st.sampled_from(["0", "-1", "1.5", "1e3", "00001", "9" * 40, "/", "..", "\u0661", "\uff11"]),
    st.integers(1, 400).map(lambda n: "x" * n),
    st.binary(min_size=1, max_size=8),
)
