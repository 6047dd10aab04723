"""``flashpoint tail`` as a subprocess with its output piped, against real Redis."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import pytest
import redis

from tests.e2e.api.support import synthetic_alert, write_alerts

pytestmark = pytest.mark.e2e


def _tail(redis_url: str, prefix: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FLASHPOINT_REDIS_URL": redis_url, "FLASHPOINT_REDIS_KEY_PREFIX": prefix}
    env.pop("COLUMNS", None)
    return subprocess.run(
        [sys.executable, "-m", "flashpoint.cli", "tail", "--from-start", "--timeout", "1.5", *args],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )


def test_piped_tail_prints_time_source_url_and_long_titles_on_one_line(
    rclient: redis.Redis, redis_url: str, api_prefix: str
) -> None:
    alert = synthetic_alert(1, random.Random(1))
    alert["title"] = "A headline much longer than eighty columns, so that a piped tail would have broken it " * 2
    write_alerts(rclient, api_prefix, [alert])
    result = _tail(redis_url, api_prefix)
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.rstrip().endswith(alert["title"].rstrip())
    assert alert["source"] in first
    assert alert["url"] in result.stdout.splitlines()[1]


def test_tail_format_prints_one_templated_line_per_alert(
    rclient: redis.Redis, redis_url: str, api_prefix: str
) -> None:
    rng = random.Random(2)
    alerts = [synthetic_alert(i, rng) for i in range(3)]
    write_alerts(rclient, api_prefix, alerts)
    result = _tail(redis_url, api_prefix, "--format", r"{country}\t{severity}\t{url}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"{a['primary_country']}\t{a['severity']}\t{a['url']}" for a in alerts]


def test_tail_rejects_an_unknown_template_field_before_reading(redis_url: str, api_prefix: str) -> None:
    result = _tail(redis_url, api_prefix, "--format", "{titel}")
    assert result.returncode == 1
    assert "unknown field" in result.stderr
