"""A polite HTTP fetcher: bounded time, bounded bytes, few requests per host, an honest User-Agent.

Feeds and article pages come from servers we do not control. A page that never finishes, or one
that streams a gigabyte, must cost us a few seconds and a log line, not the ingest process; and a
publisher whose feed we read must not see us hammer it, or it will (rightly) block us.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import httpx

from flashpoint.settings import flashpoint_version

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = f"flashpoint/{flashpoint_version()} (news escalation monitor; feed reader)"

FetchFailure = Literal[
    "timeout",
    "too_large",
    "http_error",
    "connect_error",
    "not_html",
    "invalid_url",
    "too_many_redirects",
    "private_address",
    "robots_disallowed",
]

_SECRET_QUERY_WORDS = ("key", "token", "secret", "pass", "sig", "auth", "session", "sid", "code")


def redact_url(url: str) -> str:
    """The URL with user:password and secret-looking query values masked, for logs.

    Feed URLs often carry an API key in the query (``?apikey=...``) or credentials in the
    authority part; logs are shipped and kept, so they must never contain either.
    """
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = "***@" + netloc.rsplit("@", 1)[1]
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            query = urlencode(
                [(k, "***" if any(w in k.lower() for w in _SECRET_QUERY_WORDS) else v) for k, v in pairs],
                safe="*",
            )
        return urlunsplit((parts.scheme, netloc, parts.path, query, ""))
    except ValueError:
        return "<unparseable url>"


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How hard we may lean on other people's servers; defaults suit public news sites."""

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    # A trickling server defeats a per-read timeout; this bounds the whole exchange.
    total_timeout: float = 30.0
    max_page_bytes: int = 2_000_000
    max_feed_bytes: int = 10_000_000
    per_host_concurrency: int = 2
    # Seconds between the starts of two requests to the same host.
    per_host_delay: float = 1.0
    max_concurrency: int = 16
    max_redirects: int = 5
    # Item links come from third parties: a feed must not make us fetch 169.254.169.254 or an
    # intranet page and publish its text. Feed URLs are the operator's own choice and exempt.
    allow_private_pages: bool = False
    # Article pages are fetched only where the publisher's robots.txt lets our User-Agent in.
    obey_robots_txt: bool = True
    robots_ttl: float = 3600.0


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of one GET: a body, a 304, or a failure with a bounded reason and a detail."""

    url: str
    status: int | None = None
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    failure: FetchFailure | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.failure is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.failure is None and self.status == 304


@dataclass(frozen=True, slots=True)
class FetchClock:
    """The time the per-host spacing and the robots.txt cache run on: the monotonic clock, or a
    virtual one in tests, which then check the schedule rather than the machine's load."""

    monotonic: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


@dataclass
class _HostSlot:
    semaphore: asyncio.Semaphore
    lock: asyncio.Lock
    next_start: float = 0.0


class PoliteFetcher:
    """An ``httpx.AsyncClient`` behind per-host and global limits; use ``async with``."""

    def __init__(
        self,
        policy: FetchPolicy,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: FetchClock | None = None,
    ) -> None:
        self.policy = policy
        self.clock = clock or FetchClock()
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._hosts: dict[str, _HostSlot] = {}
        self._global = asyncio.Semaphore(policy.max_concurrency)
        self._robots: dict[str, tuple[float, RobotFileParser]] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> PoliteFetcher:
        p = self.policy
        self._client = httpx.AsyncClient(
            headers={"User-Agent": p.user_agent},
            timeout=httpx.Timeout(p.read_timeout, connect=p.connect_timeout),
            follow_redirects=False,
            transport=self._transport,
            # Nothing below the CLI reads the environment (STYLE), and ~/.netrc credentials must
            # never be offered to arbitrary feed hosts. (No proxy support yet: see the report.)
            trust_env=False,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _slot(self, host: str) -> _HostSlot:
        slot = self._hosts.get(host)
        if slot is None:
            slot = _HostSlot(asyncio.Semaphore(self.policy.per_host_concurrency), asyncio.Lock())
            self._hosts[host] = slot
        return slot

    async def _await_turn(self, slot: _HostSlot) -> None:
        async with slot.lock:
            delay = slot.next_start - self.clock.monotonic()
            if delay > 0:
                await self.clock.sleep(delay)
            slot.next_start = self.clock.monotonic() + self.policy.per_host_delay

    async def get(
        self,
        url: str,
        *,
        max_bytes: int,
        headers: Mapping[str, str] | None = None,
        html_only: bool = False,
        public_only: bool = False,
        obey_robots: bool = False,
    ) -> FetchResult:
        """GET ``url``; never raises for network or server trouble, which is reported in the result.

        With ``public_only`` (and not ``policy.allow_private_pages``) every hop, redirects
        included, must resolve to globally routable addresses only. With ``obey_robots`` (and
        ``policy.obey_robots_txt``) the host's robots.txt is consulted first (cached per origin).
        """
        assert self._client is not None, "use PoliteFetcher as an async context manager"
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return self._failed(url, "invalid_url", "only http(s) URLs with a host are fetched")
        public_only = public_only and not self.policy.allow_private_pages
        if public_only and (refusal := await _non_public_address(parts.hostname)):
            return self._failed(url, "private_address", refusal)
        if obey_robots and self.policy.obey_robots_txt and not await self._robots_allow(url, public_only):
            return self._failed(url, "robots_disallowed", "robots.txt disallows our User-Agent here")
        slot = self._slot(parts.hostname.lower())
        # Host first, then global: a request queued behind its host (or waiting out the per-host
        # delay) must not hold a global slot that a request to an idle host could use.
        async with slot.semaphore:
            await self._await_turn(slot)
            async with self._global:
                return await self._get_bounded(url, max_bytes, headers, html_only, public_only)

    async def _get_bounded(
        self,
        url: str,
        max_bytes: int,
        headers: Mapping[str, str] | None,
        html_only: bool,
        public_only: bool,
    ) -> FetchResult:
        """:meth:`_get` within the total timeout, with transport failures turned into results."""
        try:
            async with asyncio.timeout(self.policy.total_timeout):
                return await self._get(
                    url,
                    max_bytes=max_bytes,
                    headers=headers,
                    html_only=html_only,
                    public_only=public_only,
                )
        except TimeoutError:
            detail = f"no complete response within {self.policy.total_timeout:g} s"
            return self._failed(url, "timeout", detail)
        except httpx.TimeoutException as e:
            p = self.policy
            detail = f"{type(e).__name__} (connect {p.connect_timeout:g} s, read {p.read_timeout:g} s)"
            return self._failed(url, "timeout", detail)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as e:
            return self._failed(url, "invalid_url", str(e)[:200])
        except httpx.HTTPError as e:
            return self._failed(url, "connect_error", f"{type(e).__name__}: {str(e)[:200]}")

    async def _robots_allow(self, url: str, public_only: bool) -> bool:
        """Whether robots.txt lets us fetch ``url``, following RFC 9309: a missing file (4xx)
        allows everything; an unreachable one (5xx, network) disallows until re-checked."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:  # one robots.txt request per origin, however many pages wait on it
            cached = self._robots.get(origin)
            if cached is None or cached[0] <= self.clock.monotonic():
                parser, ttl = await self._load_robots(origin, public_only)
                cached = (self.clock.monotonic() + ttl, parser)
                self._robots[origin] = cached
        return cached[1].can_fetch(self.policy.user_agent, url)

    async def _load_robots(self, origin: str, public_only: bool) -> tuple[RobotFileParser, float]:
        parser = RobotFileParser()
        result = await self.get(origin + "/robots.txt", max_bytes=500_000, public_only=public_only)
        if result.ok:
            parser.parse(result.body.decode("utf-8", errors="replace").splitlines())
            return parser, self.policy.robots_ttl
        if result.status is not None and 400 <= result.status < 500:
            parser.parse([])
            return parser, self.policy.robots_ttl
        parser.parse(["User-agent: *", "Disallow: /"])
        log.warning(
            "robots.txt unavailable, not fetching pages from %s for now: reason=%s",
            redact_url(origin), result.failure or f"HTTP {result.status}",
        )
        # Re-ask soon: an outage should not shut us out of a publisher's pages for an hour.
        return parser, min(self.policy.robots_ttl, 300.0)

    async def _get(
        self,
        url: str,
        *,
        max_bytes: int,
        headers: Mapping[str, str] | None,
        html_only: bool,
        public_only: bool,
    ) -> FetchResult:
        # Redirects are followed here rather than by httpx so each hop passes the address check.
        assert self._client is not None
        current = url
        for hop in range(self.policy.max_redirects + 1):
            target = urlsplit(current)
            if target.scheme not in ("http", "https") or not target.hostname:
                detail = f"redirected to a non-http(s) URL {redact_url(current)}"
                return self._failed(url, "invalid_url", detail)
            # The first hop was checked by get(), before robots.txt.
            if hop and public_only and (refusal := await _non_public_address(target.hostname)):
                return self._failed(url, "private_address", refusal)
            async with self._client.stream("GET", current, headers=dict(headers or {})) as response:
                location = response.headers.get("location")
                if response.is_redirect and location:
                    current = str(response.url.join(location))
                    continue
                return await self._read(url, response, max_bytes=max_bytes, html_only=html_only)
        return self._failed(url, "too_many_redirects", f"more than {self.policy.max_redirects} redirects")

    async def _read(
        self, url: str, response: httpx.Response, *, max_bytes: int, html_only: bool
    ) -> FetchResult:
        status = response.status_code
        resp_headers = {k.lower(): v for k, v in response.headers.items()}
        if status == 304:
            return FetchResult(url=url, status=status, headers=resp_headers)
        if status >= 400 or status < 200:
            return self._failed(url, "http_error", f"HTTP {status}", status=status)
        content_type = resp_headers.get("content-type", "").lower()
        if html_only and content_type and not any(
            t in content_type for t in ("html", "xml", "text/plain")
        ):
            return self._failed(url, "not_html", f"content-type {content_type[:80]!r}", status=status)
        declared = resp_headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            return self._failed(
                url, "too_large", f"Content-Length {declared} > limit {max_bytes} bytes", status=status
            )
        chunks: list[bytes] = []
        received = 0
        async for chunk in response.aiter_bytes():
            received += len(chunk)
            if received > max_bytes:
                return self._failed(
                    url, "too_large", f"body exceeded limit {max_bytes} bytes; stopped reading",
                    status=status,
                )
            chunks.append(chunk)
        body = b"".join(chunks)
        return FetchResult(url=str(response.url), status=status, body=body, headers=resp_headers)

    @staticmethod
    def _failed(url: str, reason: FetchFailure, detail: str, *, status: int | None = None) -> FetchResult:
        log.warning("fetch failed: url=%s reason=%s detail=%s", redact_url(url), reason, detail)
        return FetchResult(url=url, status=status, failure=reason, detail=detail)


async def _non_public_address(host: str) -> str | None:
    """Why ``host`` must not be fetched (it is or resolves to a non-global address), else None.

    A name that does not resolve is let through: the request then fails as a connect error,
    which is the more accurate report. (A DNS answer that changes between this check and the
    connection is not covered; that needs a resolver pinned into the transport.)
    """
    try:
        addresses = {ipaddress.ip_address(host.strip("[]"))}
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except OSError:
            return None
        addresses = {ipaddress.ip_address(info[4][0]) for info in infos}
    bad = sorted(str(a) for a in addresses if not a.is_global)
    return f"host {host} resolves to non-public address {bad[0]}" if bad else None
