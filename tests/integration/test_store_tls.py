"""libpq's TLS parameters in NEWSLINE_DATABASE_URL reach the server connection.

The test PostgreSQL has no TLS, so ``sslmode=require`` must fail, in one line that
says why, while ``sslmode=disable`` on the same URL answers: the parameter travelled
from the URL through SQLAlchemy and psycopg to libpq.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from newsline.errors import StoreUnavailable
from newsline.store.engine import make_engine

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def postgres_url() -> str:
    url = os.environ.get("NEWSLINE_TEST_POSTGRES_URL", "").strip()
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true and NEWSLINE_TEST_POSTGRES_URL is unset", pytrace=False)
        pytest.skip("PostgreSQL: set NEWSLINE_TEST_POSTGRES_URL (see .ci/run)")
    return url


def _with_sslmode(url: str, mode: str) -> str:
    return make_url(url).update_query_dict({"sslmode": mode}).render_as_string(False)


def test_sslmode_require_against_a_server_without_tls_fails_clearly(postgres_url: str) -> None:
    make_engine(_with_sslmode(postgres_url, "disable")).dispose()  # the server answers

    with pytest.raises(StoreUnavailable) as raised:
        make_engine(_with_sslmode(postgres_url, "require"))

    message = str(raised.value)
    assert "sslmode=require does not answer: " in message
    assert "server does not support SSL, but SSL was required" in message
    assert "\n" not in message


def test_verify_full_with_a_missing_root_certificate_names_the_file(
    postgres_url: str, tmp_path: Path
) -> None:
    url = make_url(postgres_url).update_query_dict(
        {"sslmode": "verify-full", "sslrootcert": str(tmp_path / "missing-ca.pem")}
    )

    with pytest.raises(StoreUnavailable) as raised:
        make_engine(url.render_as_string(False))

    assert "missing-ca.pem" in str(raised.value)


def test_the_cli_reports_the_refused_tls_in_one_line(postgres_url: str, tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("KAFKA_", "NEWSLINE_"))},
        "NEWSLINE_HOME": str(tmp_path),
        "NEWSLINE_DATABASE_URL": _with_sslmode(postgres_url, "require"),
    }

    result = subprocess.run(
        [sys.executable, "-m", "newsline", "timeline", "IRN"],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    assert result.returncode == 1
    assert result.stderr.startswith("error [NL301]: database postgresql+psycopg://")
    assert "server does not support SSL, but SSL was required" in result.stderr
    assert result.stderr.count("\n") == 1
