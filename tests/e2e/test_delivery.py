"""Alert delivery through the real worker: one alert per story, updates, surges (issue 7)."""

from __future__ import annotations

import pytest
import redis

from flashpoint.devenv.processes import WorkerProcess
from flashpoint.service.producer import ArticleProducer
from flashpoint.settings import Settings
from tests.e2e.helpers import stream_alerts, wait_for
from tests.fixtures import CANONICAL


def reworded(text: str) -> str:
    """The same wire story as another outlet runs it: the first paragraphs reordered and
    reworded, some words changed throughout, a paragraph cut, a new last line."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    head = [
        "Around a thousand Afghan troops sought refuge in neighbouring Tajikistan during the night "
        "from Sunday to Monday, following battles with the Taliban in the northeast of the country.",
        *paragraphs[4:6],
        paragraphs[3],
    ]
    rest = [p for p in paragraphs[6:] if not p.startswith("No air support")]
    body = "\n\n".join(head + rest)
    body = body.replace("Monday", "Monday morning").replace("said", "stated").replace("offensive", "push")
    return body + "\n\nThe situation remained tense on Tuesday, according to local officials."


def story_article(article_id: str, text: str) -> dict[str, str]:
    return {"id": article_id, "title": "Afghan soldiers flee to Tajikistan", "source": "e2e", "text": text}


def test_five_copies_and_a_reworded_reprint_give_one_alert(
    running_worker: WorkerProcess, settings: Settings, redis_client: redis.Redis
) -> None:
    text = CANONICAL.read_text(encoding="utf-8")
    with ArticleProducer(settings) as producer:
        for n in range(5):
            producer.send(story_article(f"copy-{n}", text))
        producer.send(story_article("reworded", reworded(text)))

    prefix = settings.redis_key_prefix

    def all_six_handled() -> bool:
        return sum(1 for _ in redis_client.scan_iter(f"{prefix}article:*")) == 6

    wait_for(all_six_handled, timeout=90, what="six articles handled")
    alerts = stream_alerts(redis_client, prefix)
    assert len(alerts) == 1, [a["article_id"] for a in alerts]
    story = redis_client.hgetall(f"{prefix}story:{alerts[0]['story_id']}")
    assert int(story["reprints"]) == 5


def test_an_article_adding_a_signal_kind_to_a_known_story_is_an_update(
    running_worker: WorkerProcess, settings: Settings, redis_client: redis.Redis
) -> None:
    text = CANONICAL.read_text(encoding="utf-8")
    # The first version of the story, before the coup attempt was reported.
    addition = ("Late on Monday, a group of officers in Kabul attempted a coup against the "
                "government, seizing the state broadcaster before loyal troops regained control.\n\n")
    with ArticleProducer(settings) as producer:
        producer.send(story_article("first", text))
    wait_for(lambda: stream_alerts(redis_client, settings.redis_key_prefix), timeout=60, what="first alert")
    with ArticleProducer(settings) as producer:
        # The story's own body ends at "With AFP"; what follows is page furniture.
        producer.send(story_article("second", text.replace("With AFP", addition + "With AFP")))

    alerts = wait_for(
        lambda: len(stream_alerts(redis_client, settings.redis_key_prefix)) >= 2,
        timeout=60, what="the update alert",
    ) and stream_alerts(redis_client, settings.redis_key_prefix)
    assert [a["type"] for a in alerts] == ["new", "update"]
    assert alerts[0]["story_id"] == alerts[1]["story_id"]
    assert "coup" in alerts[1]["signal_kinds"]


@pytest.fixture
def surge_env(e2e_env: dict[str, str]) -> dict[str, str]:
    return {**e2e_env, "FLASHPOINT_SURGE_MIN_COUNT": "10", "FLASHPOINT_SURGE_FACTOR": "3",
            "FLASHPOINT_SURGE_WINDOW_SECONDS": "3600"}


COUNTRIES_TEXT = [
    ("Several hundred", "Kharkiv"), ("Dozens of", "Donetsk"), ("About 300", "Luhansk"),
    ("More than 200", "Zaporizhzhia"), ("Around 150", "Kherson"), ("Nearly 400", "Sumy"),
]


def desertion_article(n: int) -> dict[str, str]:
    """Thirty different stories about Ukrainian units deserting: different places, numbers, days."""
    words = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    qty, city = COUNTRIES_TEXT[n % len(COUNTRIES_TEXT)]
    return {
        "id": f"desert-{n}",
        "source": "e2e",
        "title": f"Soldiers desert near {city}",
        "text": (f"{qty} Ukrainian soldiers deserted their positions near {city} on {words[n % 7]}, "
                 f"report number {n} from the region said. Officials in Kyiv, Ukraine, confirmed that "
                 f"{100 + n} troops had fled across the front line overnight in sector {n}."),
    }


def test_thirty_desertion_articles_in_one_country_fire_one_surge_alert(
    surge_env: dict[str, str], settings: Settings, redis_client: redis.Redis
) -> None:
    with WorkerProcess(surge_env) as worker:
        worker.wait_ready()
        with ArticleProducer(settings) as producer:
            for n in range(30):
                producer.send(desertion_article(n))
        prefix = settings.redis_key_prefix

        def surges() -> list[dict[str, object]]:
            return [a for a in stream_alerts(redis_client, prefix) if a["type"] == "surge"]

        wait_for(surges, timeout=90, what="a surge alert")
        # Let the rest of the thirty pass through; still exactly one surge for the window.
        wait_for(lambda: worker.articles_consumed() >= 30, timeout=90, what="all thirty consumed")
        wait_for(lambda: worker.metric_sum("flashpoint_alerts_published_total", contains='type="surge"') >= 1,
                 timeout=30, what="surge metric")
    found = surges()
    assert len(found) == 1
    assert found[0]["primary_country"] == "UA"
    assert found[0]["kind"] == "desertion"
    assert found[0]["count"] >= 10
