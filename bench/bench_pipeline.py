"""End to end through the real broker (Tansu), worker processes and Redis.

Prints, never asserts:
- start-up time to ready (process spawn to /readyz answering ready);
- sustained throughput with one worker and with two (4 partitions), articles/s;
- end-to-end latency p50/p95/p99 at fixed offered loads (publish -> alert written in Redis), for
  the articles that produce an alert;
- peak RSS of each worker (VmHWM);
- the pipeline overhead: worker CPU per article minus the analysis' own CPU (broker client,
  Faust, JSON, story signature, Redis, metrics). The analysis CPU is read from the worker
  (``flashpoint_analysis_cpu_seconds_total``, the analysis thread's CPU on these articles); the
  same texts analysed in this process are printed beside it for comparison.

    python bench/bench_pipeline.py [--shared ../shared] [--articles 1500] [--workers 1,2]
                                   [--rates 10,50,100] [--seconds 20]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import build_corpus
from flashpoint.devenv.broker import TansuBroker
from flashpoint.devenv.processes import WorkerProcess, isolated_env, settings_from_env
from flashpoint.service.producer import ArticleProducer, ensure_topics
from flashpoint.settings import Settings

REDIS_URL = "redis://127.0.0.1:6379/0"


def environment(broker: TansuBroker) -> dict[str, str]:
    return isolated_env(broker.url, REDIS_URL, label="bench")


def settings_for(env: dict[str, str]) -> Settings:
    return settings_from_env(env)


def consumed(workers: list[WorkerProcess]) -> float:
    return sum(worker.articles_consumed() for worker in workers)


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process so far (from /proc)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def redis_cpu_seconds() -> float:
    info = redis.Redis.from_url(REDIS_URL).info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def peak_rss_mb(pid: int | None) -> float:
    if pid is None:
        return 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cleanup(env: dict[str, str]) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{env['FLASHPOINT_REDIS_KEY_PREFIX']}*"))
    if keys:
        client.delete(*keys)
    client.close()


def start_workers(env: dict[str, str], count: int) -> tuple[list[WorkerProcess], list[float]]:
    workers = [WorkerProcess({**env, "FLASHPOINT_WORKER_ID": f"w{i}"}) for i in range(count)]
    t0 = time.monotonic()
    for worker in workers:
        worker.start()
    ready = []
    for worker in workers:
        worker.wait_ready(120)
        ready.append(time.monotonic() - t0)
    return workers, ready


def warm_up(settings: Settings, workers: list[WorkerProcess]) -> float:
    """Send one article and wait until it is processed: the first fetch after a worker reports
    ready takes about 2 s on Tansu (docs/benchmarks.md), which is start-up, not steady state."""
    t0 = time.monotonic()
    with ArticleProducer(settings) as producer:
        producer.send({"id": "warm-up", "text": "The council met on Monday.", "source": "bench"})
    while consumed(workers) < 1 and time.monotonic() - t0 < 60:
        time.sleep(0.02)
    return time.monotonic() - t0


def wait_until_consumed(workers: list[WorkerProcess], target: int, t0: float, timeout: float = 600) -> None:
    """Poll the workers' /metrics until ``target`` articles are consumed, as seldom as the
    accuracy allows: every scrape costs a worker ~3 ms of CPU, which this benchmark would count
    as pipeline overhead. Polling five, then two times a second added ~0.4, then ~0.1-0.2 ms to
    every article; this sleeps half the time the rate so far says is left (0.1-2 s), so a run
    costs ~15 scrapes and its end is still seen within ~0.1 s."""
    while (done := consumed(workers)) < target and time.monotonic() - t0 < timeout:
        elapsed = time.monotonic() - t0
        left = (target - done) * elapsed / done if done > 0 else 2.0
        time.sleep(min(max(left / 2, 0.1), 2.0))


def idle_cpu_ms_per_second(workers: list[WorkerProcess], seconds: float = 5.0) -> float:
    """The workers' CPU while no article arrives: the fetch loop, timers and heartbeats. It is
    counted in the overhead per article at the rate the articles flow (at 50 articles/s, 15 ms
    a second is 0.3 ms an article)."""
    cpu0, t0 = sum(cpu_seconds(w.pid) for w in workers), time.monotonic()
    time.sleep(seconds)
    return (sum(cpu_seconds(w.pid) for w in workers) - cpu0) / (time.monotonic() - t0) * 1000


def analysis_cpu_ms(texts: list[str]) -> float:
    """CPU milliseconds per article of the analysis alone (no broker, no Redis), on these texts."""
    from flashpoint.analysis.analyzer import Analyzer
    from flashpoint.analysis.models import RawArticle

    analyzer = Analyzer.load()
    now = datetime.now(UTC)
    for n, text in enumerate(texts[:5]):  # lazy pipes and caches, as the worker's warm-up does
        analyzer.analyze(RawArticle(id=f"w{n}", text=text, source="bench"), now)
    cpu0 = time.process_time()
    for n, text in enumerate(texts):
        analyzer.analyze(RawArticle(id=f"t{n}", text=text, source="bench"), now)
    return (time.process_time() - cpu0) / len(texts) * 1000


def throughput(broker: TansuBroker, texts: list[str], workers_count: int, analysis_ms: float | None) -> None:
    env = environment(broker)
    settings = settings_for(env)
    ensure_topics(settings)
    workers, ready = start_workers(env, workers_count)
    try:
        first = warm_up(settings, workers)
        idle_ms = idle_cpu_ms_per_second(workers)
        analysis0 = sum(w.metric_sum("flashpoint_analysis_cpu_seconds_total") for w in workers)
        cpu0 = {"workers": sum(cpu_seconds(w.pid) for w in workers), "broker": cpu_seconds(broker.pid),
                "redis": redis_cpu_seconds(), "producer": time.process_time()}
        t0 = time.monotonic()
        with ArticleProducer(settings) as producer:
            for n, text in enumerate(texts):
                producer.send({"id": f"t{n}", "text": text, "source": "bench"})
        wait_until_consumed(workers, len(texts) + 1, t0)
        elapsed = time.monotonic() - t0
        total = consumed(workers) - 1
        cpu = {"workers": sum(cpu_seconds(w.pid) for w in workers) - cpu0["workers"],
               "broker": cpu_seconds(broker.pid) - cpu0["broker"],
               "redis": redis_cpu_seconds() - cpu0["redis"],
               "producer": time.process_time() - cpu0["producer"]}
        in_worker_ms = (sum(w.metric_sum("flashpoint_analysis_cpu_seconds_total") for w in workers)
                        - analysis0) / total * 1000
        rss = ", ".join(f"{peak_rss_mb(w.pid):.0f}" for w in workers)
        print(f"{workers_count} worker(s): ready after {', '.join(f'{r:.1f}' for r in ready)} s, "
              f"first article processed {first:.1f} s after ready; "
              f"{total:.0f} articles in {elapsed:.1f} s = {total / elapsed:.1f} articles/s; "
              f"peak RSS {rss} MB")
        per_article = ", ".join(f"{name} {seconds / total * 1000:.1f}" for name, seconds in cpu.items())
        print(f"   CPU ms per article: {per_article}")
        worker_ms = cpu["workers"] / total * 1000
        print(f"   pipeline overhead: worker {worker_ms:.2f} - analysis in the worker {in_worker_ms:.2f} = "
              f"{worker_ms - in_worker_ms:.2f} ms per article")
        print(f"   (of which the idle worker's {idle_ms:.1f} ms CPU a second, at {total / elapsed:.0f} articles/s: "
              f"{idle_ms / (total / elapsed):.2f} ms per article)")
        if analysis_ms is not None:
            print(f"   (with the analysis as measured alone in this process, {analysis_ms:.2f} ms: "
                  f"{worker_ms - analysis_ms:.2f} ms per article)")
    finally:
        for worker in workers:
            worker.stop()
        cleanup(env)


def latency(broker: TansuBroker, texts: list[str], rate: float, seconds: float) -> None:
    env = environment(broker)
    settings = settings_for(env)
    ensure_topics(settings)
    workers, _ = start_workers(env, 1)
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    sent_at: dict[str, float] = {}
    try:
        warm_up(settings, workers)
        count = int(rate * seconds)
        with ArticleProducer(settings, linger_ms=0) as producer:
            t0 = time.monotonic()
            for n in range(count):
                target = t0 + n / rate
                delay = target - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                article_id = f"l{n}-{uuid.uuid4().hex[:6]}"
                sent_at[article_id] = time.time()
                producer.send({"id": article_id, "text": texts[n % len(texts)] + f" Ref {n}.",
                               "source": "bench"})
                if n % 10 == 0:
                    producer.flush()
        deadline = time.monotonic() + 120
        while consumed(workers) < count + 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)
        latencies = []
        for _id, fields in client.xrange(f"{env['FLASHPOINT_REDIS_KEY_PREFIX']}alerts"):
            alert = json.loads(fields["alert"])
            if alert.get("type") in ("new", "update") and alert["article_id"] in sent_at:
                written = datetime.fromisoformat(alert["updated_at"]).timestamp()
                latencies.append(written - sent_at[alert["article_id"]])
        if len(latencies) >= 3:
            q = statistics.quantiles(latencies, n=100, method="inclusive")  # never beyond the max
            print(f"offered {rate:.0f} articles/s for {seconds:.0f} s: {len(latencies)} alerts; "
                  f"latency p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, "
                  f"p99 {q[98] * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms; "
                  f"worker peak RSS {peak_rss_mb(workers[0].pid):.0f} MB")
        else:
            print(f"offered {rate:.0f} articles/s: too few alerts ({len(latencies)}) to measure")
    finally:
        client.close()
        for worker in workers:
            worker.stop()
        cleanup(env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--workers", default="1,2", help="throughput runs with this many workers")
    parser.add_argument("--rates", default="10,50,100")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    texts = build_corpus(args.shared, args.articles)
    # Latency runs want every article to be a distinct story with signals half the time.
    latency_texts = build_corpus(args.shared, 400, conflict_every=2)
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    analysis_ms = None
    if not args.skip_throughput:
        analysis_ms = analysis_cpu_ms(texts)
        print(f"analysis alone, in this process: {analysis_ms:.2f} CPU ms per article")
    with TansuBroker() as broker:
        if not args.skip_throughput:
            for count in (int(w) for w in args.workers.split(",") if w):
                throughput(broker, texts, count, analysis_ms)
        for rate in (float(r) for r in args.rates.split(",") if r):
            latency(broker, latency_texts, rate, args.seconds)
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
