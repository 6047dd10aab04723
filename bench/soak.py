"""Soak: a worker fed a mix of normal and hostile articles for a long time; prints its RSS over time.

The hostile kinds are the ones that made memory grow or CPU burn (issue 23): large distinct HTML
pages (~1.4 MB each: trafilatura's caches kept whole texts), one word repeated 100,000 times, and
a story behind 300,000 characters of padding. A quarter of the messages are hostile. The worker's
RSS is sampled every ``--every`` seconds; at the end the RSS after warm-up (the first sample after
``--warm-up`` seconds) is compared with the RSS at the end. Prints figures, asserts nothing.

    python bench/soak.py [--minutes 20] [--every 30] [--warm-up 120] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flashpoint.analysis.lexicon import SAMPLES_DIR
from flashpoint.devenv.broker import TansuBroker
from flashpoint.devenv.processes import RedisServer, WorkerProcess, isolated_env, redis_answers, settings_from_env
from flashpoint.service.producer import ArticleProducer, ensure_topics

REDIS_URL = "redis://127.0.0.1:6379/0"
WORDS = ["troops", "border", "capital", "ministry", "convoy", "district", "officials", "reported", "Kharkiv",
         "Kabul", "Bamako", "ceasefire", "talks", "residents", "market", "river", "drone", "shelling"]


def rss_mb(pid: int | None) -> float:
    if pid is None:
        return 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def normal_texts(shared: Path) -> list[str]:
    try:
        from bench.corpus import build_corpus

        return build_corpus(shared, 300)
    except OSError:  # no ../shared: the bundled samples
        return [p.read_text(encoding="utf-8") for p in sorted(SAMPLES_DIR.glob("*.txt"))]


def large_html(rng: random.Random, n: int) -> str:
    """~1.4 MB of HTML whose every paragraph differs from every other page's."""
    paragraphs = "".join(f"<p>{' '.join(rng.choice(WORDS) for _ in range(110))} ({n}-{k})</p>" for k in range(1800))
    return (f"<html><head><title>Page {n}</title></head><body><article><h1>Story {n}</h1>{paragraphs}"
            "</article></body></html>")


def message(n: int, rng: random.Random, normal: list[str], story: str) -> dict[str, object]:
    kind = n % 8
    if kind == 1:
        return {"id": f"soak-{n}", "html": large_html(rng, n), "source": "soak-html"}
    if kind == 3:
        return {"id": f"soak-{n}", "text": "Ukraine " * 100_000, "source": "soak-repeat"}
    if kind == 5:
        return {"id": f"soak-{n}", "text": "\u00a0" * 150_000 + "." * 150_000 + "\n" + story, "source": "soak-padding"}
    return {"id": f"soak-{n}", "text": normal[n % len(normal)] + f" Ref {n}.", "source": "soak-normal"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--every", type=float, default=30.0, help="seconds between RSS samples")
    parser.add_argument("--warm-up", type=float, default=120.0, help="seconds before the reference sample")
    parser.add_argument("--in-flight", type=int, default=8, help="messages ahead of the worker at most")
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    args = parser.parse_args()

    rng = random.Random(23)
    normal = normal_texts(args.shared)
    story = (SAMPLES_DIR / "afghan-troops-flee-to-tajikistan.txt").read_text(encoding="utf-8")
    server = None if redis_answers(REDIS_URL) else RedisServer().start()
    with TansuBroker() as broker:
        env = isolated_env(broker.url, server.url if server else REDIS_URL, label="soak")
        settings = settings_from_env(env)
        ensure_topics(settings)
        worker = WorkerProcess(env).start()
        try:
            worker.wait_ready(180)
            print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
            print(f"{'minute':>7} {'sent':>6} {'done':>6} {'RSS MB':>7}")
            started = next_sample = time.monotonic()
            samples: list[tuple[float, float]] = []
            sent = 0
            with ArticleProducer(settings) as producer:
                while time.monotonic() - started < args.minutes * 60:
                    done = worker.articles_consumed()
                    if sent - done < args.in_flight:
                        producer.send(message(sent, rng, normal, story))
                        producer.flush()
                        sent += 1
                    else:
                        time.sleep(0.05)
                    if time.monotonic() >= next_sample:
                        elapsed = time.monotonic() - started
                        samples.append((elapsed, rss_mb(worker.pid)))
                        print(f"{elapsed / 60:7.1f} {sent:6d} {done:6.0f} {samples[-1][1]:7.0f}", flush=True)
                        next_sample += args.every
            done = worker.articles_consumed()
            final = rss_mb(worker.pid)
            warm = next((rss for t, rss in samples if t >= args.warm_up), samples[0][1])
            peak = max(rss for _, rss in [*samples, (0.0, final)])
            hostile = {name: (sent + 8 - k - 1) // 8 for name, k in (("large HTML", 1), ("repetitions", 3),
                                                                       ("paddings", 5))}
            print(f"sent {sent}, processed {done:.0f} in {args.minutes:.0f} min; hostile: "
                  + ", ".join(f"{n} {name}" for name, n in hostile.items()))
            print(f"worker RSS: after warm-up {warm:.0f} MB, at the end {final:.0f} MB "
                  f"({(final - warm) / warm:+.1%}), peak {peak:.0f} MB")
            print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        finally:
            worker.stop()
            _delete_prefix(server.url if server else REDIS_URL, env["FLASHPOINT_REDIS_KEY_PREFIX"])
            if server is not None:
                server.stop()


def _delete_prefix(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start:start + 1000])
    client.close()


if __name__ == "__main__":
    main()
