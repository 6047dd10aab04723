"""``GET /v1/alerts/stream`` against a running ``flashpoint api`` and real Redis: resume after a
disconnect with Last-Event-ID, filters, heartbeats, and slow clients dropped."""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
import redis

from flashpoint.devenv.api_process import ApiProcess
from tests.e2e.api.conftest import TOKEN
from tests.e2e.api.support import synthetic_alert, write_alerts
from tests.e2e.helpers import wait_for

pytestmark = pytest.mark.e2e
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def read_events(response: httpx.Response) -> Iterator[tuple[str, str]]:
    """(id, data) of each ``alert`` event of an open SSE response; comments are skipped."""
    event_id, data = "", ""
    for line in response.iter_lines():
        if line.startswith("id: "):
            event_id = line[4:]
        elif line.startswith("data: "):
            data = line[6:]
        elif line == "" and data:
            yield event_id, data
            event_id, data = "", ""


class Writer(threading.Thread):
    """Writes alerts one by one at a steady pace, recording the stream ids."""

    def __init__(self, client: redis.Redis, prefix: str, count: int, interval: float, start_at: int = 0) -> None:
        super().__init__(daemon=True)
        self.client, self.prefix, self.count, self.interval, self.start_at = client, prefix, count, interval, start_at
        self.ids: list[tuple[str, set[str]]] = []  # (stream id, countries named)
        self.rng = random.Random(start_at)

    def run(self) -> None:
        for i in range(self.start_at, self.start_at + self.count):
            alert = synthetic_alert(i, self.rng)
            (entry_id,) = write_alerts(self.client, self.prefix, [alert])
            self.ids.append((entry_id, {alert["primary_country"], *alert["countries"]}))
            time.sleep(self.interval)


def test_a_client_that_reconnects_with_last_event_id_gets_exactly_the_missed_alerts_in_order(
    start_api: Callable[..., ApiProcess], rclient: redis.Redis, api_prefix: str
) -> None:
    api = start_api()
    writer = Writer(rclient, api_prefix, count=60, interval=0.02)
    received: list[str] = []
    with httpx.Client(base_url=api.base_url, headers=AUTH, timeout=30) as http:
        with http.stream("GET", "/v1/alerts/stream") as response:
            assert response.status_code == 200
            writer.start()
            for event_id, _data in read_events(response):
                received.append(event_id)
                if len(received) == 15:
                    break  # disconnect mid-stream while the writer goes on
        time.sleep(0.3)  # alerts keep arriving while we are away
        with http.stream("GET", "/v1/alerts/stream", headers={"Last-Event-ID": received[-1]}) as response:
            for event_id, _data in read_events(response):
                received.append(event_id)
                if len(received) == 60:
                    break
    writer.join(10)
    assert received == [i for i, _ in writer.ids]


def test_a_filtered_stream_resumes_with_only_the_missed_matching_alerts(
    start_api: Callable[..., ApiProcess], rclient: redis.Redis, api_prefix: str
) -> None:
    api = start_api()
    before = Writer(rclient, api_prefix, count=40, interval=0.0)
    before.run()
    matching = [i for i, named in before.ids if "UA" in named]
    resume_from = matching[2]
    with httpx.Client(base_url=api.base_url, headers=AUTH, timeout=30) as http, http.stream(
        "GET", "/v1/alerts/stream", params={"country": "UA"}, headers={"Last-Event-ID": resume_from}
    ) as response:
        after = Writer(rclient, api_prefix, count=40, interval=0.01, start_at=1000)
        after.start()
        after.join(10)
        expected = matching[3:] + [i for i, named in after.ids if "UA" in named]
        got = []
        for event_id, data in read_events(response):
            assert '"UA"' in data
            got.append(event_id)
            if len(got) == len(expected):
                break
    assert got == expected


def test_an_idle_stream_sends_heartbeats(start_api: Callable[..., ApiProcess]) -> None:
    api = start_api(api_sse_heartbeat_seconds="0.3")
    with httpx.Client(base_url=api.base_url, headers=AUTH, timeout=10) as http, \
            http.stream("GET", "/v1/alerts/stream") as response:
        lines = []
        for line in response.iter_lines():
            lines.append(line)
            if line.startswith(": heartbeat"):
                break
    assert ": heartbeat" in lines


def test_a_client_that_stops_reading_is_disconnected_and_its_buffer_freed(
    start_api: Callable[..., ApiProcess], rclient: redis.Redis, api_prefix: str
) -> None:
    api = start_api(api_sse_queue_max="20", api_sse_send_timeout_seconds="1")
    stalled = socket.create_connection(("127.0.0.1", api.port))
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.sendall(f"GET /v1/alerts/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\r\n".encode())
    wait_for(lambda: api.metric_sum("flashpoint_api_sse_clients") == 1, timeout=10, what="the SSE client")
    rng = random.Random(3)
    big = []
    for i in range(300):
        alert = synthetic_alert(i, rng)
        alert["severity_reason"] = "x" * 20_000  # 20 kB an event: 6 MB in all, more than socket buffers hold
        big.append(alert)
    for chunk in range(0, 300, 20):
        write_alerts(rclient, api_prefix, big[chunk:chunk + 20])
        time.sleep(0.05)
    wait_for(lambda: api.metric_sum("flashpoint_api_sse_disconnects_total", contains='reason="slow"') >= 1,
             timeout=20, what="the slow client dropped")
    wait_for(lambda: api.metric_sum("flashpoint_api_sse_clients") == 0, timeout=10, what="no client left")
    stalled.close()
