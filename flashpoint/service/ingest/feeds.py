"""Which feeds to read: a YAML file an operator edits, or bare URLs on the command line.

Validation happens once, at start-up, with the file and entry named in the error: a typo in a
feed list should stop the command before it runs, not surface as a silent gap in coverage days
later.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from flashpoint.service.ingest.errors import FeedConfigError
from flashpoint.service.ingest.fetch import FetchPolicy

DEFAULT_POLL_INTERVAL = 300.0
MIN_POLL_INTERVAL = 1.0
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$")
_DURATION_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}
_FEED_KEYS = {"name", "url", "poll_interval", "language", "source"}
_DEFAULT_KEYS = {"poll_interval", "language"}
_TOP_KEYS = {"feeds", "defaults", "fetch"}


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """One feed to poll; ``source`` is what downstream sees as the article's ``source``."""

    name: str
    url: str
    poll_interval: float = DEFAULT_POLL_INTERVAL
    language: str | None = None
    source: str | None = None

    @property
    def source_label(self) -> str:
        return self.source or self.name


@dataclass(frozen=True, slots=True)
class FeedSet:
    """The feeds of one run and the fetch policy they share."""

    feeds: tuple[FeedConfig, ...]
    fetch: FetchPolicy = field(default_factory=FetchPolicy)


def parse_duration(value: object, *, where: str) -> float:
    """Seconds from ``300``, ``"300"``, ``"90s"``, ``"5m"`` or ``"1h"``."""
    if isinstance(value, bool):
        raise FeedConfigError(f"{where}: expected a duration like 300, '5m' or '1h', got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (m := _DURATION_RE.match(value)):
        seconds = float(m.group(1)) * _DURATION_UNITS[m.group(2) or "s"]
    else:
        raise FeedConfigError(f"{where}: expected a duration like 300, '5m' or '1h', got {value!r}")
    if seconds < MIN_POLL_INTERVAL:
        raise FeedConfigError(
            f"{where}: poll interval must be at least {MIN_POLL_INTERVAL:g} s, got {value!r}"
        )
    return seconds


def _check_url(url: object, *, where: str) -> str:
    # Only http(s): feedparser and friends would happily read file:// or a local path, which a
    # feeds file shared between people must not be able to do.
    if not isinstance(url, str) or not url.strip():
        raise FeedConfigError(f"{where}: 'url' must be a non-empty string")
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FeedConfigError(f"{where}: 'url' must be an http(s) URL with a host, got {url[:200]!r}")
    return url


def _optional_str(entry: Mapping[str, Any], key: str, *, where: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise FeedConfigError(f"{where}: {key!r} must be a non-empty string")
    return value.strip()


def feed_from_url(url: str) -> FeedConfig:
    """A feed given as a bare URL on the command line: named and sourced after its host."""
    url = _check_url(url, where=f"feed {url[:200]!r}")
    host = urlsplit(url).hostname or url
    return FeedConfig(name=host, url=url, source=host)


def _fetch_policy(raw: object, *, where: str) -> FetchPolicy:
    if raw is None:
        return FetchPolicy()
    if not isinstance(raw, dict):
        raise FeedConfigError(f"{where}: 'fetch' must be a mapping")
    known = {f.name: f for f in fields(FetchPolicy)}
    unknown = set(raw) - set(known)
    if unknown:
        raise FeedConfigError(f"{where}: unknown 'fetch' keys {sorted(unknown)}; known: {sorted(known)}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        default = getattr(FetchPolicy(), key)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise FeedConfigError(f"{where}: fetch.{key} must be true or false, got {value!r}")
            values[key] = value
            continue
        if isinstance(default, str):
            if not isinstance(value, str) or not value.strip():
                raise FeedConfigError(f"{where}: fetch.{key} must be a non-empty string")
            values[key] = value.strip()
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise FeedConfigError(f"{where}: fetch.{key} must be a non-negative number, got {value!r}")
        if isinstance(default, int):
            if int(value) != value or value < 1:
                raise FeedConfigError(f"{where}: fetch.{key} must be a positive integer, got {value!r}")
            values[key] = int(value)
        elif value == 0 and key != "per_host_delay":
            raise FeedConfigError(f"{where}: fetch.{key} must be greater than zero")
        else:
            values[key] = float(value)
    return FetchPolicy(**values)


def load_feeds_file(path: Path) -> FeedSet:
    """Read and validate a feeds YAML file (see ``flashpoint/service/ingest/feeds.example.yaml``)."""
    where = str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise FeedConfigError(f"{where}: cannot read: {e.strerror or e}") from e
    except yaml.YAMLError as e:
        raise FeedConfigError(f"{where}: not valid YAML: {e}") from e
    if not isinstance(raw, dict) or not isinstance(raw.get("feeds"), list):
        raise FeedConfigError(f"{where}: expected a mapping with a 'feeds' list")
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise FeedConfigError(
            f"{where}: unknown top-level keys {sorted(unknown)}; known: {sorted(_TOP_KEYS)}"
        )
    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, dict) or set(defaults) - _DEFAULT_KEYS:
        raise FeedConfigError(f"{where}: 'defaults' may only set {sorted(_DEFAULT_KEYS)}")
    default_interval = (
        parse_duration(defaults["poll_interval"], where=f"{where}: defaults.poll_interval")
        if "poll_interval" in defaults
        else DEFAULT_POLL_INTERVAL
    )
    default_language = _optional_str(defaults, "language", where=f"{where}: defaults")

    feeds: list[FeedConfig] = []
    for index, entry in enumerate(raw["feeds"], start=1):
        here = f"{where}: feeds[{index}]"
        if not isinstance(entry, dict):
            raise FeedConfigError(f"{here}: expected a mapping with at least 'name' and 'url'")
        unknown = set(entry) - _FEED_KEYS
        if unknown:
            raise FeedConfigError(f"{here}: unknown keys {sorted(unknown)}; known: {sorted(_FEED_KEYS)}")
        name = _optional_str(entry, "name", where=here)
        if name is None:
            raise FeedConfigError(f"{here}: 'name' is required")
        here = f"{where}: feed {name!r}"
        feeds.append(
            FeedConfig(
                name=name,
                url=_check_url(entry.get("url"), where=here),
                poll_interval=(
                    parse_duration(entry["poll_interval"], where=f"{here}: poll_interval")
                    if "poll_interval" in entry
                    else default_interval
                ),
                language=_optional_str(entry, "language", where=here) or default_language,
                source=_optional_str(entry, "source", where=here),
            )
        )
    if not feeds:
        raise FeedConfigError(f"{where}: the 'feeds' list is empty")
    return FeedSet(feeds=_unique(feeds, where=where), fetch=_fetch_policy(raw.get("fetch"), where=where))


def _unique(feeds: Iterable[FeedConfig], *, where: str) -> tuple[FeedConfig, ...]:
    by_name: dict[str, FeedConfig] = {}
    urls: set[str] = set()
    for feed in feeds:
        if feed.name in by_name:
            raise FeedConfigError(f"{where}: feed name {feed.name!r} appears twice")
        if feed.url in urls:
            raise FeedConfigError(f"{where}: feed URL of {feed.name!r} is listed twice")
        by_name[feed.name] = feed
        urls.add(feed.url)
    return tuple(by_name.values())


def resolve_feeds(feeds_or_urls: Iterable[str | Path | FeedConfig]) -> FeedSet:
    """What the CLI passes (URLs, YAML paths, or ready configs) as one validated :class:`FeedSet`.

    The fetch policy of the first YAML file wins; bare URLs use the defaults. Feeds listed twice
    (e.g. a URL that is also in the file) are polled once.
    """
    collected: list[FeedConfig] = []
    policy: FetchPolicy | None = None
    for item in feeds_or_urls:
        if isinstance(item, FeedConfig):
            collected.append(item)
        elif isinstance(item, str) and urlsplit(item).scheme in ("http", "https"):
            collected.append(feed_from_url(item))
        else:
            path = Path(item)
            if not path.is_file():
                raise FeedConfigError(f"{str(item)[:200]!r} is neither an http(s) URL nor a feeds YAML file")
            loaded = load_feeds_file(path)
            policy = policy or loaded.fetch
            collected.extend(loaded.feeds)
    if not collected:
        raise FeedConfigError("no feeds given: pass feed URLs or a feeds YAML file")
    seen_urls: set[str] = set()
    names: dict[str, int] = {}
    result: list[FeedConfig] = []
    for feed in collected:
        if feed.url in seen_urls:
            continue
        seen_urls.add(feed.url)
        count = names.get(feed.name, 0)
        names[feed.name] = count + 1
        if count:
            # Two bare URLs on one host: keep both, named apart, so logs and stats can tell them apart.
            feed = dataclasses.replace(feed, name=f"{feed.name}#{count + 1}")
        result.append(feed)
    return FeedSet(feeds=tuple(result), fetch=policy or FetchPolicy())
