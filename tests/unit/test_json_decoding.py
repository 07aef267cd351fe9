"""decode_json: msgspec's speed, json.loads's answers, for any text or bytes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsline.store.fold import decode_json

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


def outcome(decode: Any, value: bytes | str) -> tuple[str, str]:
    """What decoding gave: the value's repr (NaN equals itself there), or that it failed."""
    try:
        return ("value", repr(decode(value)))
    except (ValueError, TypeError, RecursionError):
        return ("refused", "")


@settings(max_examples=400, deadline=None)
@given(JSON_VALUES, st.sampled_from(["utf-8", "utf-16", "utf-8-sig", "text"]))
def test_what_json_dumps_writes_decodes_as_json_loads_does(value: Any, encoding: str) -> None:
    text = json.dumps(value, ensure_ascii=False)
    raw: bytes | str = text if encoding == "text" else text.encode(encoding, "surrogatepass")

    assert outcome(decode_json, raw) == outcome(json.loads, raw)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=64) | st.text(max_size=64))
def test_any_bytes_are_accepted_or_refused_as_json_loads_does(raw: bytes | str) -> None:
    assert outcome(decode_json, raw) == outcome(json.loads, raw)


@pytest.mark.parametrize(
    "raw",
    [b'{"a": NaN}', b'{"a": 1e400}', b'"\\ud800"', b'\xef\xbb\xbf{"a": 1}',
     '{"a": "é"}'.encode("utf-16"), b'{"a": 1, "a": 2}', b"[" * 5000 + b"]" * 5000,
     b'{"a": 1}x', b'{"a": "\xff"}', b"123456789012345678901234567890"],
)  # fmt: skip
def test_what_msgspec_refuses_or_reads_otherwise_is_json_loads_answer(raw: bytes) -> None:
    assert outcome(decode_json, raw) == outcome(json.loads, raw)
