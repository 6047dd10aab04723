"""The backbone, for real: Tansu broker -> worker process (Faust agents) -> Redis."""

from __future__ import annotations

from typing import Any

import redis

from flashpoint.devenv.processes import WorkerProcess
from flashpoint.service.producer import ArticleProducer
from flashpoint.settings import Settings
from tests.e2e.helpers import read_topic, stream_alerts, wait_for
from tests.fixtures import CANONICAL


def test_canonical_article_becomes_an_alert_and_malformed_message_a_dead_letter(
    running_worker: WorkerProcess, settings: Settings, redis_client: redis.Redis
) -> None:
    with ArticleProducer(settings) as producer:
        producer.send_raw(b'{"id": "broken", "text": ', key="broken")
        producer.send({"id": "afghan-troops", "title": "A thousand soldiers flee to Tajikistan",
                       "source": "e2e", "text": CANONICAL.read_text(encoding="utf-8")})

    alerts = wait_for(lambda: stream_alerts(redis_client, settings.redis_key_prefix),
                      timeout=60, what="an alert in the Redis stream")
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert["article_id"] == "afghan-troops"
    assert alert["primary_country"] == "AF"
    assert {"AF", "TJ"} <= set(alert["countries"])
    kinds = {s["kind"]: s for s in alert["signals"]}
    assert kinds["mobilization"]["quantity"] == 20000
    assert "desertion" in kinds

    dead = read_topic(settings, settings.topic_dead, expect=1)
    assert len(dead) == 1
    assert dead[0]["reason"] == "invalid_json"
    assert dead[0]["source"]["topic"] == settings.topic_raw
    assert dead[0]["source"]["offset"] >= 0
    assert dead[0]["raw"] == '{"id": "broken", "text": '


def test_worker_serves_metrics_counting_consumed_and_rejected_articles(
    running_worker: WorkerProcess, settings: Settings
) -> None:
    with ArticleProducer(settings) as producer:
        producer.send_raw(b"\xff\xfe not utf-8", key="bad-bytes")
        producer.send({"id": "plain", "text": "The city council approved a new budget for parks."})

    def both_counted() -> bool:
        text = running_worker.metrics_text()
        return ('flashpoint_articles_rejected_total{reason="invalid_encoding"} 1.0' in text
                and "flashpoint_article_processing_seconds_count 1.0" in text)

    wait_for(both_counted, timeout=60, what="the rejection and processing counters")
    # The lag probe asks the broker every 10 s; its gauge appears once it has answered.
    wait_for(lambda: f'flashpoint_consumer_lag_messages{{partition="0",topic="{settings.topic_raw}"}}'
             in running_worker.metrics_text(), timeout=30, what="the consumer lag gauge")
    text = running_worker.metrics_text()
    assert 'flashpoint_build_info{' in text


def test_worker_learns_a_local_papers_home_and_routes_its_alert_there(
    running_worker: WorkerProcess, settings: Settings, redis_client: redis.Redis
) -> None:
    """A local paper writes "Alexandria" and never "Louisiana": after three of its stories the
    worker reads it at home (US-LA), not as Egypt's Alexandria."""
    url = "https://www.thetowntalk.com/story/{}"
    local = [
        "Rapides Parish deputies arrested a Pineville man.\nHe was booked into jail in Louisiana.",
        "The Louisiana Legislature met in Baton Rouge.\nLawmakers from Rapides Parish spoke.",
        "Flooding closed roads across Louisiana.\nCrews in Pineville cleared debris.",
    ]
    before = running_worker.articles_consumed()
    with ArticleProducer(settings) as producer:
        for i, text in enumerate(local):
            producer.send({"id": f"towntalk-{i}", "url": url.format(i), "text": text})
    # partitions are consumed independently: the home exists once all three are read
    wait_for(lambda: running_worker.articles_consumed() >= before + 3, timeout=60, what="the three local stories")
    alert = local_alert(settings, redis_client, "towntalk-alert", url.format(9), "Alexandria")
    assert alert["primary_country"] == "US"
    assert alert["subdivisions"] == ["US-LA"]


def local_alert(settings: Settings, redis_client: redis.Redis, article_id: str, url: str, place: str) -> dict[str, Any]:
    """Send an escalation story from a local paper that names only ``place``; its alert."""
    with ArticleProducer(settings) as producer:
        producer.send({
            "id": article_id,
            "url": url,
            "text": f"Gunmen seized the police station in {place} on Tuesday.\n"
                    "The National Guard was mobilized and 300 reservists were called up, officials said.",
        })

    def alerts() -> list[dict[str, Any]]:
        return [a for a in stream_alerts(redis_client, settings.redis_key_prefix) if a["article_id"] == article_id]

    found: list[dict[str, Any]] = wait_for(alerts, timeout=60, what=f"the alert for {article_id}")
    return found[0]


def test_a_restarted_worker_keeps_the_homes_it_learned(
    e2e_env: dict[str, str], settings: Settings, redis_client: redis.Redis
) -> None:
    """Homes are pooled in Redis: a worker that restarts (or a second one) reads a local paper at
    home from its first story, without relearning it."""
    env = dict(e2e_env, FLASHPOINT_SOURCE_PROFILE_SYNC_SECONDS="0.5")
    url = "https://www.echopress.com/news/{}"
    local = [
        "Douglas County deputies arrested an Osakis man.\nHe was booked into jail in Minnesota.",
        "The Minnesota Legislature met in St. Paul.\nLawmakers from Douglas County spoke.",
        "Snow closed roads across Minnesota.\nCrews in Osakis cleared the highway.",
    ]
    first = WorkerProcess(dict(env)).start()
    try:
        first.wait_ready()
        with ArticleProducer(settings) as producer:
            for i, text in enumerate(local):
                producer.send({"id": f"echo-{i}", "url": url.format(i), "text": text})
        home = f"{settings.redis_key_prefix}publisher:echopress.com"
        wait_for(lambda: redis_client.hget(home, "articles") == "3", timeout=60, what="the shared home in Redis")
        assert redis_client.hget(home, "s:US-MN") == "3"
    finally:
        first.stop()
    second = WorkerProcess(dict(env)).start()
    try:
        second.wait_ready()
        alert = local_alert(settings, redis_client, "echo-alert", url.format(9), "Parkers Prairie")
        # a village of 1,000 people: read only inside the paper's learned home province
        assert alert["subdivisions"] == ["US-MN"]
    finally:
        second.stop()
