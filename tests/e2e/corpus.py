"""Test articles for the fault, outage and chaos runs, and the bookkeeping that proves "exactly one
alert per story" afterwards.

The articles are built at run time from real sentences (AG News descriptions, read from
``../shared/datasets`` and never copied into the repo) so that every story is genuinely different
text; the planted ones add one sentence describing an escalation with a varied country and number.
Which articles must alert is *not* assumed from the sentence wording: :func:`expected_alerts` runs
the real offline analysis over the corpus, as the worker will.

Also here, because the fault test and ``bench/chaos.py`` share it: producing with per-partition
offsets, reading the consumer group's committed offsets, the kill -9 loop and the Redis audit.
"""

from __future__ import annotations

import csv
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import redis
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition

from flashpoint.analysis.analyzer import Analyzer
from flashpoint.analysis.models import parse_raw_article
from flashpoint.devenv.processes import WorkerProcess
from flashpoint.service.producer import bootstrap_servers, kafka_security_kwargs
from flashpoint.service.stories import SAME_STORY_JACCARD, story_signature
from flashpoint.settings import Settings
from tests.fixtures import datasets_dir

# Tests that build a corpus carry the datasets marker (tests/conftest.py).
AG_NEWS = datasets_dir() / "topics" / "ag_news_test.csv"
# AG News classes: 1 World, 2 Sports, 3 Business, 4 Sci/Tech. World news carries conflict
# reporting of its own; fillers come from the other three so the planted sentence is the story's
# escalation (the analysis still decides, see expected_alerts).
FILLER_CLASSES = ("2", "3", "4")
# Alerting stories must be clearly apart: the sink merges candidates at SAME_STORY_JACCARD.
DISTINCT_MARGIN = 0.2

COUNTRIES = (
    "Afghanistan", "Armenia", "Azerbaijan", "Belarus", "Burkina Faso", "Cameroon", "Chad",
    "Colombia", "Ethiopia", "Georgia", "Haiti", "India", "Iran", "Iraq", "Israel", "Kosovo",
    "Lebanon", "Libya", "Mali", "Mozambique", "Myanmar", "Niger", "Nigeria", "North Korea",
    "Pakistan", "Russia", "Serbia", "Somalia", "South Sudan", "Sudan", "Syria", "Tajikistan",
    "Turkey", "Ukraine", "Venezuela", "Yemen", "Kyrgyzstan", "Eritrea", "Rwanda", "Congo",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Input sentences only: nothing asserts on which rule matches them.
SIGNAL_TEMPLATES = (
    "About {n} soldiers from {a} fled across the border into {b} on {day}, officials said.",
    "Artillery units of {a} shelled villages in {b} on {day}, killing {n} civilians.",
    "The government of {a} declared a state of emergency on {day} after {n} people were killed in clashes.",
    "Warplanes from {a} struck targets inside {b} overnight on {day}, killing {n} fighters.",
    "{a} closed its border with {b} on {day} and recalled its ambassador.",
    "Army officers in {a} seized the presidential palace on {day} in an attempted coup, {n} witnesses said.",
    "{a} mobilized {n} reservists on {day} and moved tanks towards the border with {b}.",
    "Rebel fighters in {a} captured the town of Dara on {day} after a battle that left {n} dead.",
    "A car bomb exploded in the capital of {a} on {day}, killing {n} people near a market.",
    "More than {n} residents fled their homes in {a} on {day} as fighting with forces from {b} spread.",
)


@dataclass(frozen=True)
class Filler:
    title: str
    text: str


def _clean_ag(text: str) -> str:
    return (text.replace("\\", " ").replace("#39;", "'").replace("#36;", "$").replace("quot;", '"')
            .replace("&lt;", "<").replace("&gt;", ">").replace("  ", " ").strip())


def load_fillers(path: Path = AG_NEWS) -> list[Filler]:
    """Distinct AG News rows of the filler classes, in file order."""
    seen: set[str] = set()
    out: list[Filler] = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            if len(row) != 3 or row[0] not in FILLER_CLASSES:
                continue
            text = _clean_ag(row[2])
            if len(text) < 60 or text in seen:
                continue
            seen.add(text)
            out.append(Filler(_clean_ag(row[1]), text))
    return out


def signal_sentence(rng: random.Random) -> str:
    a, b = rng.sample(COUNTRIES, 2)
    n = rng.choice((rng.randint(12, 99), rng.randint(100, 999), rng.randint(1000, 9000)))
    return rng.choice(SIGNAL_TEMPLATES).format(a=a, b=b, n=f"{n:,}", day=rng.choice(WEEKDAYS))


def build_corpus(n_articles: int, n_planted: int, *, seed: int, run: str) -> list[dict[str, Any]]:
    """``n_articles`` raw articles; ``n_planted`` of them carry one escalation sentence.

    Planted articles take disjoint filler rows (three each) so no two share text; plain ones take
    two rows, without reuse while rows last (long bench runs reuse rows for plain articles).
    """
    rng = random.Random(seed)
    rows = load_fillers()
    rng.shuffle(rows)
    needed = 3 * n_planted
    if needed > len(rows):
        raise ValueError(f"{n_planted} planted articles need {needed} filler rows; {len(rows)} exist")
    planted_rows, plain_rows = rows[:needed], rows[needed:]
    planted_at = set(rng.sample(range(n_articles), n_planted))
    articles: list[dict[str, Any]] = []
    p = q = 0
    for i in range(n_articles):
        if i in planted_at:
            parts = planted_rows[p : p + 3]
            p += 3
            texts = [r.text for r in parts]
            texts.insert(rng.randint(0, 3), signal_sentence(rng))
        else:
            parts = [plain_rows[(q + k) % len(plain_rows)] for k in range(2)]
            q += 2
            texts = [r.text for r in parts]
        articles.append({
            "id": f"{run}-{i:05d}", "title": parts[0].title, "source": "chaos",
            "published_at": "2026-11-25T12:00:00Z", "text": "\n\n".join(texts),
        })
    return articles


@dataclass
class Expected:
    """What the analysis says must alert: one alert per article id here (all distinct stories)."""

    alerting: dict[str, str]  # article id -> severity
    dropped_similar: list[str] = field(default_factory=list)
    analysis_seconds: float = 0.0


def expected_alerts(
    articles: list[dict[str, Any]], analyzer: Analyzer, *, max_bytes: int = 2_000_000
) -> tuple[list[dict[str, Any]], Expected]:
    """Run the real offline analysis; keep alerting articles only if they are distinct stories.

    An alerting article whose text is near another alerting one (estimated Jaccard above
    DISTINCT_MARGIN, below the sink's SAME_STORY_JACCARD) would make the expected count depend on
    processing order, so it is removed from the corpus. Returns the corpus to produce.
    """
    now = datetime.now(UTC)
    started = time.perf_counter()
    alerting: dict[str, str] = {}
    signatures: list[np.ndarray] = []
    keep: list[dict[str, Any]] = []
    dropped: list[str] = []
    assert DISTINCT_MARGIN < SAME_STORY_JACCARD
    for article in articles:
        analysis = analyzer.analyze(parse_raw_article(article, max_bytes=max_bytes), now)
        if analysis.severity == "none":
            keep.append(article)
            continue
        signature = story_signature(analysis)
        sig = np.asarray(signature.hashvalues, dtype=np.uint64)
        if signatures and float((np.stack(signatures) == sig).mean(axis=1).max()) >= DISTINCT_MARGIN:
            dropped.append(article["id"])
            continue
        signatures.append(sig)
        alerting[article["id"]] = analysis.severity
        keep.append(article)
    return keep, Expected(alerting, dropped, time.perf_counter() - started)


# --- Kafka -------------------------------------------------------------------------------------


def kafka_producer(settings: Settings) -> KafkaProducer:
    return KafkaProducer(
        bootstrap_servers=bootstrap_servers(settings.broker_url), acks="all", linger_ms=5,
        retries=5, **kafka_security_kwargs(settings),
    )


def produce(
    settings: Settings, values: Iterable[tuple[bytes | None, bytes]], *, pace: float = 0.0
) -> dict[int, int]:
    """Send (key, value) pairs to the raw topic; returns the next offset per partition written.

    Tansu under-reports end offsets after multi-record batches, so completion is judged against
    the offsets the broker acknowledged to us, not against ListOffsets. ``pace`` sleeps between
    sends (seconds) to spread a load over time.
    """
    producer = kafka_producer(settings)
    futures = []
    try:
        for key, value in values:
            futures.append(producer.send(settings.topic_raw, key=key, value=value))
            if pace:
                time.sleep(pace)
        producer.flush(60)
        ends: dict[int, int] = {}
        for fut in futures:
            meta = fut.get(timeout=60)
            ends[meta.partition] = max(ends.get(meta.partition, 0), meta.offset + 1)
        return ends
    finally:
        producer.close(10)


def article_messages(articles: Sequence[dict[str, Any]]) -> list[tuple[bytes | None, bytes]]:
    return [(a["id"].encode(), orjson.dumps(a)) for a in articles]


class GroupOffsets:
    """The worker group's committed offsets, and the (correct, one-record-batch) end offsets of
    the topics the worker itself writes."""

    def __init__(self, settings: Settings) -> None:
        servers = bootstrap_servers(settings.broker_url)
        security = kafka_security_kwargs(settings)
        self.settings = settings
        self.admin = KafkaAdminClient(bootstrap_servers=servers, request_timeout_ms=5000, **security)
        self.consumer = KafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False, **security)

    def committed(self, topic: str) -> dict[int, int]:
        # kafka-python 3: list_group_offsets({group: [partitions]}) -> {group: {tp: meta}}.
        tps = [TopicPartition(topic, p) for p in range(self.settings.topic_partitions)]
        group = self.settings.app_id
        result = self.admin.list_group_offsets({group: tps}).get(group, {})
        return {tp.partition: (m.offset if m is not None and m.offset >= 0 else 0)
                for tp, m in result.items()}

    def end_offsets(self, topic: str) -> dict[int, int]:
        tps = [TopicPartition(topic, p) for p in range(self.settings.topic_partitions)]
        return {tp.partition: int(v) for tp, v in self.consumer.end_offsets(tps).items()}

    def drained(self, raw_ends: dict[int, int]) -> bool:
        """Every produced raw message and every analysed record is committed by the group."""
        raw = self.committed(self.settings.topic_raw)
        if any(raw.get(p, 0) < end for p, end in raw_ends.items()):
            return False
        analyzed = self.committed(self.settings.topic_analyzed)
        ends = self.end_offsets(self.settings.topic_analyzed)
        return all(analyzed.get(p, 0) >= end for p, end in ends.items())

    def analysed_ids(self) -> set[str]:
        """Article ids of every record on the analysed topic (read to its end offsets), i.e. every
        raw article the analysing agent finished, replays included once."""
        topic = self.settings.topic_analyzed
        ends = self.end_offsets(topic)
        tps = [TopicPartition(topic, p) for p in ends]
        reader = KafkaConsumer(bootstrap_servers=bootstrap_servers(self.settings.broker_url),
                               enable_auto_commit=False, **kafka_security_kwargs(self.settings))
        try:
            reader.assign(tps)
            for tp in tps:
                reader.seek(tp, 0)
            ids: set[str] = set()
            deadline = time.monotonic() + 60
            while any(reader.position(tp) < ends[tp.partition] for tp in tps):
                if time.monotonic() > deadline:
                    raise AssertionError(f"could not read {topic} to its end offsets {ends}")
                for records in reader.poll(timeout_ms=500).values():
                    ids.update(orjson.loads(r.value)["id"] for r in records)
            return ids
        finally:
            reader.close()

    def status(self, raw_ends: dict[int, int]) -> str:
        analyzed = self.settings.topic_analyzed
        return (f"raw committed {self.committed(self.settings.topic_raw)} of produced {raw_ends}; "
                f"analyzed committed {self.committed(analyzed)} of {self.end_offsets(analyzed)}")

    def close(self) -> None:
        self.consumer.close()
        self.admin.close()


# --- the worker under kill -9 ---------------------------------------------------------------------


def processed_count(worker: WorkerProcess) -> int:
    """Articles this worker process analysed or rejected (its own metrics, reset per process)."""
    return int(worker.metric_sum("flashpoint_article_processing_seconds_count")
               + worker.metric_sum("flashpoint_articles_rejected_total"))


@dataclass
class KillLog:
    kills: int = 0
    restarts_seconds: list[float] = field(default_factory=list)
    processed_at_kill: list[int] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)


def run_with_kills(
    env: dict[str, str],
    *,
    kills: int,
    total_messages: int,
    rng: random.Random,
    done: Callable[[], bool],
    timeout: float,
    on_start: Callable[[], None] | None = None,
    status: Callable[[], str] = lambda: "",
) -> KillLog:
    """Start a worker, kill -9 it at random points of the load ``kills`` times (a fresh
    WorkerProcess with the same env after each), then let the last one finish until ``done()``.

    A kill point is a random number of articles processed by the current process (so kills land
    while it works, not only while it starts), spread so that all kills fit in the load.
    """
    log = KillLog()
    share = max(total_messages // (kills + 1), 2)
    deadline = time.monotonic() + timeout
    worker = WorkerProcess(dict(env)).start()
    try:
        log.restarts_seconds.append(worker.wait_ready())
        if on_start is not None:
            threading.Thread(target=on_start, daemon=True).start()
        while log.kills < kills:
            target = rng.randint(1, share)
            while processed_count(worker) < target and not done():
                if time.monotonic() > deadline:
                    raise AssertionError(f"chaos run timed out: {status()}; log: {worker.tail_log()}")
                if not worker.alive():
                    raise AssertionError(f"worker died by itself; log: {worker.tail_log()}")
                time.sleep(0.05)
            log.processed_at_kill.append(processed_count(worker))
            worker.kill()
            log.kills += 1
            if worker.log_path is not None:
                log.logs.append(worker.log_path)
            worker = WorkerProcess(dict(env)).start()
            log.restarts_seconds.append(worker.wait_ready())
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError(f"chaos run did not finish: {status()}; log: {worker.tail_log()}")
            if not worker.alive():
                raise AssertionError(f"worker died by itself; log: {worker.tail_log()}")
            time.sleep(0.5)
        return log
    finally:
        if worker.log_path is not None:
            log.logs.append(worker.log_path)
        worker.stop()


# --- Redis audit ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertAudit:
    expected: int
    found: int
    duplicated: int
    lost: list[str]
    unexpected: list[str]
    surge_alerts: int
    stream_entries: int

    def summary(self) -> str:
        return (f"alerts expected={self.expected} found={self.found} duplicated={self.duplicated} "
                f"lost={len(self.lost)} unexpected={len(self.unexpected)} "
                f"(surge alerts={self.surge_alerts}, stream entries={self.stream_entries})")


def story_alerts(client: redis.Redis, prefix: str) -> list[dict[str, Any]]:
    entries: Any = client.xrange(f"{prefix}alerts")  # decode_responses: str fields
    return [orjson.loads(fields["alert"]) for _id, fields in entries]


def audit_alerts(client: redis.Redis, prefix: str, expected: Expected) -> AlertAudit:
    """Compare the Redis alert stream with the expected alerting articles (one alert each)."""
    alerts = story_alerts(client, prefix)
    stories = [a for a in alerts if a.get("type") != "surge"]
    per_article = Counter(str(a["article_id"]) for a in stories)
    # Every expected article is its own story, so any second entry of a story is a duplicate
    # (a replayed write or an update alert: either breaks "one alert per story").
    per_story = Counter(str(a["story_id"]) for a in stories)
    duplicated = sum(n - 1 for n in per_story.values())
    found = sum(1 for a in expected.alerting if a in per_article)
    return AlertAudit(
        expected=len(expected.alerting),
        found=found,
        duplicated=duplicated,
        lost=sorted(a for a in expected.alerting if a not in per_article),
        unexpected=sorted(a for a in per_article if a not in expected.alerting),
        surge_alerts=len(alerts) - len(stories),
        stream_entries=len(alerts),
    )


def delete_prefix(client: redis.Redis, prefix: str) -> None:
    keys = list(client.scan_iter(f"{prefix}*", count=1000))
    for i in range(0, len(keys), 500):
        client.delete(*keys[i : i + 500])
