"""SSE fan-out of one ``flashpoint api`` process: many clients, alerts at a steady rate.

    python bench/bench_api.py [--clients 500] [--rate 50] [--seconds 20] [--client-procs 2]
    python bench/bench_api.py --index-only        # filters over 10,000 and 100,000 alerts

Alerts (about 3 kB each, the sink's stream layout) are written to Redis at ``--rate`` per second;
every client is a raw HTTP/1.1 connection to ``/v1/alerts/stream`` in ``--client-procs`` helper
processes. Delivery latency is the client's receive time minus the time just before the XADD
(same machine, same clock). Memory per client is the api's RSS with every client connected and
events flowing, minus its RSS after the same warm-up with no client, over the number of clients.
Prints figures; asserts nothing. Note the load average: the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import re
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import redis

from flashpoint.devenv.api_process import ApiProcess
from flashpoint.devenv.processes import RedisServer, redis_answers
from flashpoint.service.alerts import AlertDecision, build_alert
from flashpoint.service.records import AnalyzedArticle
from flashpoint.service.sinks.keys import RedisKeys

TOKEN = "bench-token-0123456789"  # noqa: S105 - a throwaway token for a loopback benchmark
_SEQ = re.compile(rb'"article_id": "bench-(\d+)"')


def bench_alert(seq: int, country: str = "UA") -> dict[str, Any]:
    """One alert of the shape the worker writes (schema 2 signals), built without the analysis."""
    text = "Russian forces shelled the outskirts of Kharkiv overnight, the regional governor said."
    signals = tuple(
        {"kind": k, "rule_id": f"{k}-rule", "quantity": None, "approximate": False, "fatalities": None,
         "actor": "RU", "actors": [{"name": "Russian forces", "type": "foreign_forces", "country": "RU",
                                    "role": "actor"}],
         "country": country, "subdivision": None, "target": None, "modality": "asserted", "when": "current",
         "severity": "urgent", "explanation": f"RU: {k} in {country}",
         "evidence": {"start": 0, "end": len(text), "text": text}}
        for k in ("shelling", "air_strike", "armed_clash", "offensive"))
    article = AnalyzedArticle(
        id=f"bench-{seq}", severity="urgent", severity_reason="bench", title=f"Shelling reported near Kharkiv ({seq})",
        url=f"https://news.example/{seq}", source="bench", primary_country=country, countries=(country, "RU"),
        signals=signals)
    now = datetime.now(UTC)
    return build_alert(article, AlertDecision("new", f"s-bench{seq:010d}", 1, "first article of this story"),
                       first_seen=now.isoformat(), updated_at=now, reprints=0, dashboard_url="http://grafana/d")


def cpu_seconds(pid: int | None) -> float:
    """User plus system CPU time of a process so far (Linux /proc)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def write(client: redis.Redis, keys: RedisKeys, alert: dict[str, Any]) -> None:
    fields = {"alert": json.dumps(alert), "id": alert["id"], "severity": alert["severity"],
              "country": alert["primary_country"]}
    pipe = client.pipeline(transaction=True)
    pipe.xadd(keys.alerts, fields)  # type: ignore[arg-type]
    pipe.xadd(keys.country_alerts(alert["primary_country"]), fields)  # type: ignore[arg-type]
    pipe.execute()


# --- clients (helper processes) ------------------------------------------------------------------


async def _client(port: int, received: list[tuple[int, float]], connected: asyncio.Event, counter: list[int],
                  total: int, stop: asyncio.Event) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /v1/alerts/stream HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {TOKEN}\r\n\r\n".encode())
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        raise RuntimeError(f"stream refused: {status!r}")
    counter[0] += 1
    if counter[0] == total:
        connected.set()
    try:
        while not stop.is_set():
            line = await reader.readline()
            if not line:
                print("bench client: the server ended a stream", file=sys.stderr)
                return
            if line.startswith(b"data: "):
                m = _SEQ.search(line)
                if m:
                    received.append((int(m[1]), time.time()))
    finally:
        writer.close()


def client_process(port: int, n: int, done: Any, ready: Any, results: Any) -> None:
    async def run() -> list[tuple[int, float]]:
        received: list[tuple[int, float]] = []
        connected, stop = asyncio.Event(), asyncio.Event()
        counter = [0]
        tasks = [asyncio.create_task(_client(port, received, connected, counter, n, stop)) for _ in range(n)]
        await asyncio.wait_for(connected.wait(), 60)
        ready.set()
        await asyncio.get_running_loop().run_in_executor(None, done.wait, 600)
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return received

    results.put(asyncio.run(run()))


# --- the benchmark -------------------------------------------------------------------------------


def fan_out(args: argparse.Namespace, redis_url: str) -> None:
    prefix = f"flashpoint-bench:{uuid.uuid4().hex[:8]}:"
    client = redis.Redis.from_url(redis_url)
    keys = RedisKeys(prefix)
    api = ApiProcess({"FLASHPOINT_REDIS_URL": redis_url, "FLASHPOINT_REDIS_KEY_PREFIX": prefix,
                      "FLASHPOINT_API_TOKENS": TOKEN, "FLASHPOINT_API_RATE_LIMIT_PER_MINUTE": "100000",
                      "FLASHPOINT_LOG_LEVEL": "WARNING"}).start()
    try:
        api.wait_ready(60)
        for seq in range(200):  # warm-up without clients: the index and the hub see traffic
            write(client, keys, bench_alert(-1 - seq))
        time.sleep(1.0)
        rss_idle = api.rss_bytes()
        per_proc = [args.clients // args.client_procs + (i < args.clients % args.client_procs)
                    for i in range(args.client_procs)]
        ctx = mp.get_context("spawn")
        results = ctx.Queue()
        readies = [ctx.Event() for _ in per_proc]
        done = ctx.Event()
        procs = [ctx.Process(target=client_process, args=(api.port, n, done, r, results))
                 for n, r in zip(per_proc, readies, strict=True)]
        for p in procs:
            p.start()
        for r in readies:
            if not r.wait(90):
                raise SystemExit("clients did not connect")
        load_before = os.getloadavg()
        cpu_before = cpu_seconds(api.pid)
        sent: dict[int, float] = {}
        interval = 1.0 / args.rate
        started = time.perf_counter()
        rss_peak = 0
        for seq in range(int(args.rate * args.seconds)):
            target = started + seq * interval
            delay = target - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            alert = bench_alert(seq)
            sent[seq] = time.time()
            write(client, keys, alert)
            if seq % args.rate == 0:
                rss_peak = max(rss_peak, api.rss_bytes())
        produced_in = time.perf_counter() - started
        api_cpu = (cpu_seconds(api.pid) - cpu_before) / produced_in
        load_after = os.getloadavg()
        time.sleep(args.grace)
        disconnects = api.metric_sum("flashpoint_api_sse_disconnects_total", contains='reason="slow"')
        still = api.metric_sum("flashpoint_api_sse_clients")
        done.set()
        received: list[tuple[int, float]] = []
        for _ in procs:
            received.extend(results.get(timeout=120))
        for p in procs:
            p.join(30)
        latencies = sorted(t - sent[s] for s, t in received if s in sent)
        expected = len(sent) * args.clients
        q = statistics.quantiles(latencies, n=1000) if len(latencies) > 10 else [float("nan")] * 999
        print(f"clients {args.clients} in {args.client_procs} processes, {len(sent)} alerts at {args.rate}/s "
              f"(written in {produced_in:.1f} s), one api process; clients stop {args.grace:.0f} s after the last")
        print(f"events delivered {len(latencies):,} of {expected:,} ({len(latencies) / expected:.2%}); "
              f"slow-client disconnects {disconnects:.0f}; "
              f"streams open at the end {still:.0f}")
        print(f"delivery latency p50 {q[499] * 1000:.1f} ms, p90 {q[899] * 1000:.1f} ms, p99 {q[989] * 1000:.1f} ms, "
              f"max {latencies[-1] * 1000:.1f} ms")
        print(f"api RSS idle {rss_idle / 2**20:.1f} MiB, with clients (peak) {rss_peak / 2**20:.1f} MiB: "
              f"{(rss_peak - rss_idle) / args.clients / 1024:.1f} KiB per client")
        print(f"api process CPU while alerts flowed: {api_cpu:.2f} core-seconds per second")
        print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min; {os.cpu_count()} cores)")
    finally:
        api.stop()
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        client.close()


def index_figures(redis_url: str) -> None:
    """Selective filters over the whole stream: the index versus a plain scan of the stream."""
    for n in (10_000, 100_000):
        prefix = f"flashpoint-bench:{uuid.uuid4().hex[:8]}:"
        client = redis.Redis.from_url(redis_url)
        keys = RedisKeys(prefix)
        countries = ("UA", "AF", "ML", "SD", "MM")
        pipe = client.pipeline(transaction=False)
        for seq in range(n):
            alert = bench_alert(seq, countries[seq % len(countries)])
            pipe.xadd(keys.alerts, {"alert": json.dumps(alert), "id": alert["id"], "severity": "urgent",
                                    "country": alert["primary_country"]})
            if seq % 2000 == 1999:
                pipe.execute()
        pipe.execute()
        api = ApiProcess({"FLASHPOINT_REDIS_URL": redis_url, "FLASHPOINT_REDIS_KEY_PREFIX": prefix,
                          "FLASHPOINT_API_TOKENS": TOKEN, "FLASHPOINT_API_RATE_LIMIT_PER_MINUTE": "100000",
                          "FLASHPOINT_LOG_LEVEL": "WARNING"}).start()
        try:
            t0 = time.perf_counter()
            api.wait_ready(300)
            ready_s = time.perf_counter() - t0
            rss = api.rss_bytes()
            with httpx.Client(base_url=api.base_url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120) as http:
                for label, params in (("no match (q)", {"q": "zebra"}), ("country=UA, 50", {"country": "UA"}),
                                      ("kind+country+q, 500", {"country": "ML", "kind": "shelling",
                                                               "q": "kharkiv", "limit": "500"})):
                    times = []
                    for _ in range(5):
                        t = time.perf_counter()
                        http.get("/v1/alerts", params=params).raise_for_status()
                        times.append(time.perf_counter() - t)
                    print(f"{n:>7,} alerts  {label:22} median {statistics.median(times) * 1000:7.1f} ms")
            t = time.perf_counter()
            scanned, hi = 0, "+"
            while True:
                reply = client.xrevrange(keys.alerts, max=hi, min="-", count=2000)
                scanned += sum(1 for _i, f in reply if b"zebra" in f[b"alert"])
                if len(reply) < 2000:
                    break
                hi = b"(" + reply[-1][0]
            print(f"{n:>7,} alerts  plain XREVRANGE scan     {(time.perf_counter() - t) * 1000:7.1f} ms (no parsing); "
                  f"api ready in {ready_s:.1f} s, RSS {rss / 2**20:.0f} MiB")
        finally:
            api.stop()
            for key in client.scan_iter(f"{prefix}*"):
                client.delete(key)
            client.close()
    print(f"load average {os.getloadavg()[0]:.2f} (1 min; {os.cpu_count()} cores)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--rate", type=int, default=50, help="alerts per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--grace", type=float, default=5.0, help="seconds clients read after the last alert")
    parser.add_argument("--index-only", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("FLASHPOINT_REDIS_URL", "redis://127.0.0.1:6379/0")
    server = None
    if not redis_answers(url):
        server = RedisServer().start()
        url = server.url
    try:
        if args.index_only:
            index_figures(url)
        else:
            fan_out(args, url)
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()
