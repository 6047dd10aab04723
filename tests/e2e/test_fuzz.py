"""Hostile input through the real worker: hypothesis writes 2,000 malformed and hostile messages
(invalid UTF-8 and JSON, wrong types, missing fields, fields over the size limit, deep nesting,
zero-width and control characters, very long lines, HTML bombs, non-English text); the worker
survives all of them, puts every rejected one on the dead-letter topic with its reason and source
topic/partition/offset, and passes every other one on to ``articles.analyzed``.

The messages are generated up front (an inner ``@given`` collects them), produced in one go, then
checked message by message against :func:`flashpoint.analysis.models.parse_raw_article`, the validator the
worker runs.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import redis
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from flashpoint.analysis.models import REJECTION_REASONS, parse_raw_article
from flashpoint.analysis.text import clean_article, language_problem
from flashpoint.devenv.processes import WorkerProcess
from flashpoint.errors import InvalidArticleError
from flashpoint.service.producer import ArticleProducer
from flashpoint.settings import Settings
from tests.e2e.corpus import GroupOffsets, produce
from tests.e2e.helpers import read_topic, stream_alerts, wait_for
from tests.fixtures import CANONICAL

pytestmark = pytest.mark.slow

MESSAGES = 2_000
MAX_ARTICLE_BYTES = 65_536  # the worker's limit in this test, so "too large" stays cheap to send

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u202e\u00ad\x00\x07\x1b\x7f\x9f"
FOREIGN = st.sampled_from([
    "Войска отступили к границе с Таджикистаном.", "军队在边境集结，局势紧张。", "القوات تنسحب من المدينة",
    "Οι δυνάμεις υποχώρησαν.", "सेना सीमा पर तैनात है।", "Die Armee hat die Grenze geschlossen.", "🚀💥🔥" * 20,
    "ทหารถอนกำลังออกจากเมือง", "Wojsko wycofało się z miasta.", "군대가 국경에 집결했다.",
])


def hostile_text(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["plain", "invisible", "long_line", "foreign", "unicode", "empty_ish"]))
    if kind == "plain":
        return draw(st.text(min_size=1, max_size=300))
    if kind == "invisible":
        base = draw(st.text(alphabet=st.sampled_from(list(INVISIBLE) + list("ab .\n")), min_size=1, max_size=200))
        return base
    if kind == "long_line":
        return draw(st.sampled_from(["word ", "x", "Troops fled. ", "\u200b"])) * draw(st.integers(10_000, 60_000))
    if kind == "foreign":
        return " ".join(draw(st.lists(FOREIGN, min_size=1, max_size=8)))
    if kind == "unicode":
        return draw(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=500))
    return draw(st.sampled_from([" ", "\n\n", "\u200b", "\t \u2060"]))


def html_bomb(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["nested", "entities", "attributes", "comments", "laughs", "script"]))
    n = draw(st.integers(100, 6_000))
    if kind == "nested":
        return "<div>" * n + "Troops fled to Tajikistan." + "</div>" * n
    if kind == "entities":
        return "<p>" + "&amp;&#x202e;&nbsp;&#0;" * n + "</p>"
    if kind == "attributes":
        return f"<p {'a=' + chr(34) * 3 * n}>" + "x" * n
    if kind == "comments":
        return "<!--" * n + "<p>story</p>" + "-->" * (n // 2)
    if kind == "laughs":
        lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(9))
        return f"<?xml version='1.0'?><!DOCTYPE lolz [{lol}]><html><body><p>&l8;</p></body></html>"
    return "<html><body>" + "<script>" + "while(1){}" * n + "</script><p>Story text here.</p></body></html>"


def deep(draw: st.DrawFn) -> Any:
    depth = draw(st.sampled_from([10, 100, 900, 3_000, 20_000]))
    return json.loads("[" * min(depth, 900) + "]" * min(depth, 900)) if depth <= 900 else depth


PLACEHOLDER_ID = "fz-??????"  # replaced by fz-<6-digit index>, same length, after drawing


@st.composite
def message(draw: st.DrawFn) -> bytes:
    """One hostile message; every article-shaped one carries PLACEHOLDER_ID (plus junk that the
    validator strips), replaced by a unique id so its analysed record can be found again."""
    article_id = PLACEHOLDER_ID
    kind = draw(st.sampled_from([
        "bytes", "bad_json", "not_object", "wrong_type", "missing", "too_large", "deep", "hostile_text",
        "html_bomb", "good", "bad_date", "invisible_id",
    ]))
    if kind == "bytes":
        return draw(st.binary(min_size=0, max_size=400))
    if kind == "bad_json":
        good = json.dumps({"id": article_id, "text": draw(st.text(max_size=100))})
        return good[: draw(st.integers(0, max(len(good) - 1, 0)))].encode()
    if kind == "not_object":
        value = draw(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                               st.text(max_size=50), st.lists(st.integers(), max_size=5)))
        return json.dumps(value).encode()
    if kind == "wrong_type":
        field = draw(st.sampled_from(["id", "text", "html", "title", "url", "source", "language"]))
        bad = draw(st.one_of(st.floats(allow_nan=False), st.booleans(), st.lists(st.integers(), max_size=3),
                             st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)))
        return json.dumps({"id": article_id, "text": "Some text.", field: bad}).encode()
    if kind == "missing":
        return json.dumps(draw(st.sampled_from([{"text": "no id"}, {"id": article_id}, {"id": "", "text": "x"},
                                                {"id": None, "text": "x"}]))).encode()
    if kind == "too_large":
        size = draw(st.integers(MAX_ARTICLE_BYTES + 1, MAX_ARTICLE_BYTES * 3))
        return json.dumps({"id": article_id, "text": "x" * size}).encode()
    if kind == "deep":
        nested = deep(draw)
        if isinstance(nested, int):  # past the JSON recursion limit: build the bytes directly
            return (f'{{"id": "{article_id}", "text": "x", "extra": ' + "[" * nested + "]" * nested + "}").encode()
        return json.dumps({"id": article_id, "text": "Nested.", "extra": nested}).encode()
    if kind == "hostile_text":
        return json.dumps({"id": article_id, "text": hostile_text(draw), "title": hostile_text(draw)[:500]},
                          ensure_ascii=draw(st.booleans())).encode()
    if kind == "html_bomb":
        return json.dumps({"id": article_id, "html": html_bomb(draw)}).encode()
    if kind == "bad_date":
        return json.dumps({"id": article_id, "text": "x", "published_at": draw(st.text(max_size=30))}).encode()
    if kind == "invisible_id":
        junk = draw(st.text(alphabet=st.sampled_from(list(INVISIBLE)), max_size=5))
        return json.dumps({"id": junk + article_id + junk, "text": "Plain story text."}).encode()
    return json.dumps({"id": article_id, "text": CANONICAL.read_text(encoding="utf-8")[:2000]}).encode()


def generate_messages(count: int) -> list[bytes]:
    """``count`` messages from hypothesis, collected by running an inner property ``count`` times."""
    collected: list[bytes] = []

    @seed(20261125)
    @settings(max_examples=count, database=None, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def collect(data: st.DataObject) -> None:
        if len(collected) < count:
            unique_id = f"fz-{len(collected):06d}".encode()
            collected.append(data.draw(message()).replace(PLACEHOLDER_ID.encode(), unique_id))

    collect()
    while len(collected) < count:  # hypothesis may stop early on a tiny search space; it does not here
        collect()
    return collected


@dataclass(frozen=True)
class Verdict:
    reason: str | None  # None: the validator accepts it
    article_id: str | None


def verdict(raw: bytes) -> Verdict:
    try:
        article = parse_raw_article(raw, max_bytes=MAX_ARTICLE_BYTES)
    except InvalidArticleError as e:
        return Verdict(e.reason, None)
    if language_problem(clean_article(article)):  # the worker's own rule, after cleaning
        return Verdict("not_language", None)
    return Verdict(None, article.id)


@pytest.fixture
def fuzz_worker(e2e_env: dict[str, str], settings: Settings) -> Iterator[WorkerProcess]:
    worker = WorkerProcess({**e2e_env, "FLASHPOINT_MAX_ARTICLE_BYTES": str(MAX_ARTICLE_BYTES)}).start()
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


def test_thousands_of_hostile_messages_are_dead_lettered_or_analysed_and_never_crash_the_worker(
    fuzz_worker: WorkerProcess, settings: Settings, redis_client: redis.Redis
) -> None:
    messages = generate_messages(MESSAGES)
    verdicts = [verdict(m) for m in messages]
    keys = [f"k{i}".encode() for i in range(len(messages))]
    offsets = GroupOffsets(settings)
    try:
        raw_ends = produce(settings, list(zip(keys, messages, strict=True)))
        wait_for(lambda: offsets.drained(raw_ends) or not fuzz_worker.alive(), timeout=300,
                 what="the worker to commit every fuzz message")
    finally:
        offsets.close()
    assert fuzz_worker.alive(), fuzz_worker.tail_log()

    expected_rejected = {f"k{i}": v.reason for i, v in enumerate(verdicts) if v.reason}
    accepted_ids = {v.article_id for v in verdicts if v.article_id}
    dead = read_topic(settings, settings.topic_dead, expect=len(expected_rejected), timeout=60)
    dead_by_key = {d["source"]["key"]: d for d in dead}
    analysis_failed = {k: d for k, d in dead_by_key.items() if d["reason"] == "analysis_failed"}
    analyzed = read_topic(settings, settings.topic_analyzed,
                          expect=len(accepted_ids) - len(analysis_failed), timeout=60)
    analyzed_ids = {a["id"] for a in analyzed}

    counts = Counter(v.reason or "accepted" for v in verdicts)
    print(f"\nfuzz: messages={len(messages)} rejected={len(expected_rejected)} accepted={len(accepted_ids)} "
          f"dead letters={len(dead)} analysed={len(analyzed_ids)} analysis_failed={len(analysis_failed)} "
          f"by reason={dict(sorted(counts.items()))}")

    for key, reason in expected_rejected.items():
        record = dead_by_key.get(key)
        assert record is not None, f"message {key} ({reason}) is not in the dead-letter topic"
        assert record["reason"] == reason
        assert record["reason"] in REJECTION_REASONS and record["detail"]
        i = int(key[1:])
        assert record["source"]["topic"] == settings.topic_raw
        assert record["source"]["partition"] in range(settings.topic_partitions)
        assert record["source"]["offset"] >= 0
        assert (record["raw"] is not None) or (record["raw_base64"] is not None) or not messages[i]
    assert len(dead_by_key) == len(dead), "a message was dead-lettered twice"
    # An accepted message either reaches articles.analyzed or, if the analysis itself raised, is
    # dead-lettered as analysis_failed: never neither.
    failed_ids = {verdicts[int(k[1:])].article_id for k in analysis_failed}
    assert accepted_ids - analyzed_ids == failed_ids
    metrics = fuzz_worker.metrics_text()
    for reason in REJECTION_REASONS:
        count = sum(1 for d in dead if d["reason"] == reason)
        assert f'flashpoint_articles_rejected_total{{reason="{reason}"}} {float(count)}' in metrics


def test_the_worker_still_alerts_on_a_good_article_after_the_fuzz_load(
    fuzz_worker: WorkerProcess, settings: Settings, redis_client: redis.Redis
) -> None:
    raw_ends = produce(settings, [(f"k{i}".encode(), m) for i, m in enumerate(generate_messages(300))])
    with ArticleProducer(settings) as producer:
        producer.send({"id": "after-fuzz", "text": CANONICAL.read_text(encoding="utf-8")})
    alerts = wait_for(lambda: [a for a in stream_alerts(redis_client, settings.redis_key_prefix)
                               if a["article_id"] == "after-fuzz"], timeout=180, what="the good article's alert")
    assert len(alerts) == 1
    assert fuzz_worker.alive()
    assert raw_ends
