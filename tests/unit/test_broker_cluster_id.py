"""The local broker's cluster id: the storage tool must never read it as an option."""

from __future__ import annotations

import uuid

import pytest

from newsline.broker import local


def test_an_id_that_would_start_with_a_dash_is_drawn_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 0xF8 puts base64's 63rd symbol, "-", first; it made `broker start` fail 1 time in 64.
    draws = iter([uuid.UUID(bytes=b"\xf8" + bytes(15)), uuid.UUID(bytes=b"\x01" + bytes(15))])
    monkeypatch.setattr(local.uuid, "uuid4", lambda: next(draws))

    cluster_id = local.new_cluster_id()

    assert cluster_id == "AQAAAAAAAAAAAAAAAAAAAA"
    assert next(draws, None) is None


def test_ids_are_22_url_safe_characters() -> None:
    ids = {local.new_cluster_id() for _ in range(2000)}

    assert len(ids) == 2000
    assert all(len(i) == 22 and not i.startswith("-") for i in ids)
