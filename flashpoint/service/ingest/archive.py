"""Backfill and replay: articles from a directory of text, HTML, JSON and (gzip'd) JSONL files.

Archives are where history comes from (a crawl, a vendor dump, yesterday's ``articles.raw``
exported to JSONL), and replaying one is how a rule change is checked against real traffic.
Records are therefore passed through byte for byte; a record that would be rejected downstream
is counted and reported here instead, where the operator can still see file and line.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from kafka.errors import KafkaError
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from flashpoint.analysis.models import parse_raw_article
from flashpoint.errors import InvalidArticleError
from flashpoint.service.ingest.errors import IngestError
from flashpoint.service.ingest.extract import extract_main_text, html_fragment_to_text
from flashpoint.service.ingest.ratelimit import RateLimiter
from flashpoint.service.ingest.stats import IngestStats, StatsRecorder
from flashpoint.service.producer import ArticleProducer
from flashpoint.settings import Settings

log = logging.getLogger(__name__)

ID_PREFIX = "file:"
TEXT_SUFFIXES = frozenset((".txt",))
HTML_SUFFIXES = frozenset((".html", ".htm"))
JSON_SUFFIXES = frozenset((".json",))
JSONL_SUFFIXES = frozenset((".jsonl", ".ndjson"))
# A whole-file JSON document or one page is loaded into memory; beyond this it is not an article.
MAX_DOCUMENT_BYTES = 64_000_000


class RawArticleSink(Protocol):
    """Where archive records go: :class:`flashpoint.service.producer.ArticleProducer` in production."""

    def send(self, article: dict[str, Any], *, key: str | None = None) -> None: ...

    def send_raw(self, value: bytes, *, key: str | None = None) -> None: ...

    def flush(self, timeout: float = 30.0) -> None: ...


@dataclass(frozen=True, slots=True)
class ArchiveRecord:
    """One article ready to send: ``raw`` bytes passed through, or an ``article`` we built."""

    key: str
    where: str
    raw: bytes | None = None
    article: dict[str, Any] | None = None


def archive_kind(path: Path) -> tuple[str, bool] | None:
    """(``txt|html|json|jsonl``, gzipped) for a file we read, None for one we skip."""
    name = path.name.lower()
    gzipped = name.endswith(".gz")
    if gzipped:
        name = name[:-3]
    suffix = os.path.splitext(name)[1]
    for kind, suffixes in (
        ("txt", TEXT_SUFFIXES), ("html", HTML_SUFFIXES), ("json", JSON_SUFFIXES), ("jsonl", JSONL_SUFFIXES)
    ):
        if suffix in suffixes:
            return kind, gzipped
    return None


def archive_files(root: Path) -> list[Path]:
    """Files under ``root`` in a stable order (so a replay is repeatable); hidden ones skipped."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise IngestError(f"{root} is neither a file nor a directory")
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):  # does not follow symlinked directories
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(dirpath) / f for f in sorted(filenames) if not f.startswith("."))
    return found


def file_article_id(relative: str, content: bytes) -> str:
    """Same file, same id across replays; an edited file is a new article, as is a moved one."""
    digest = hashlib.sha1(relative.encode("utf-8") + b"\0" + content, usedforsecurity=False)
    return ID_PREFIX + digest.hexdigest()


class ArchiveReader:
    """Yields :class:`ArchiveRecord` from one file at a time, counting what it cannot send."""

    def __init__(
        self, root: Path, recorder: StatsRecorder, *, settings: Settings, source: str | None
    ) -> None:
        self.root = root
        self.recorder = recorder
        self.max_article_bytes = settings.max_article_bytes
        self.max_text_chars = settings.max_text_chars
        self.source = source
        # Bytes of the current file consumed (compressed bytes for .gz), for the progress bar.
        self.position = 0

    def relative(self, path: Path) -> str:
        if self.root.is_file():
            return path.name
        return path.relative_to(self.root).as_posix()

    def read(self, path: Path) -> Iterator[ArchiveRecord]:
        kind = archive_kind(path)
        rel = self.relative(path)
        self.position = 0
        if kind is None:
            self.recorder.add("files_skipped")
            log.debug("skipped, not an archive format: %s", rel)
            return
        name, gzipped = kind
        try:
            with path.open("rb") as raw_file:
                stream: IO[bytes] = (
                    gzip.GzipFile(fileobj=raw_file) if gzipped else raw_file  # type: ignore[assignment]
                )
                if name == "jsonl":
                    yield from self._jsonl(stream, raw_file, rel)
                else:
                    content = stream.read(MAX_DOCUMENT_BYTES + 1)
                    self.position = raw_file.tell()
                    if len(content) > MAX_DOCUMENT_BYTES:
                        self._reject(rel, "too_large", f"file larger than {MAX_DOCUMENT_BYTES} bytes")
                    elif name == "json":
                        yield from self._json(content, rel)
                    else:
                        record = self._document(name, content, rel)
                        if record is not None:
                            yield record
        except (OSError, EOFError, zlib.error) as e:
            self.recorder.add("files_failed")
            self.recorder.problem("file_unreadable")
            log.error("file unreadable, rest skipped: file=%s detail=%s: %s", rel, type(e).__name__, e)
            return
        self.recorder.add("files_read")

    def _jsonl(self, stream: IO[bytes], raw_file: IO[bytes], rel: str) -> Iterator[ArchiveRecord]:
        for number, line in enumerate(stream, start=1):
            self.position = raw_file.tell()
            line = line.strip()
            if not line:
                continue
            where = f"{rel}:{number}"
            try:
                article = parse_raw_article(line, max_bytes=self.max_article_bytes)
            except InvalidArticleError as e:
                self._reject(where, e.reason, e.detail)
                continue
            yield ArchiveRecord(key=article.id, where=where, raw=line)

    def _json(self, content: bytes, rel: str) -> Iterator[ArchiveRecord]:
        try:
            data = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
            self._reject(rel, "invalid_json", str(e)[:200])
            return
        records = data if isinstance(data, list) else [data]
        for index, record in enumerate(records, start=1):
            where = f"{rel}[{index}]" if isinstance(data, list) else rel
            if not isinstance(record, dict):
                self._reject(where, "not_an_object", f"expected a JSON object, got {type(record).__name__}")
                continue
            encoded = json.dumps(record, ensure_ascii=False).encode("utf-8")
            try:
                article = parse_raw_article(encoded, max_bytes=self.max_article_bytes)
            except InvalidArticleError as e:
                self._reject(where, e.reason, e.detail)
                continue
            yield ArchiveRecord(key=article.id, where=where, raw=encoded)

    def _document(self, kind: str, content: bytes, rel: str) -> ArchiveRecord | None:
        title: str | None = None
        if kind == "html":
            extracted = extract_main_text(content)
            if extracted is None:
                # No article structure (a fragment, a list page): all its text beats none.
                self.recorder.problem("html_no_main_text")
                text = html_fragment_to_text(_decode(content, rel, self.recorder))
            else:
                text, title = extracted.text, extracted.title
        else:
            text = _decode(content, rel, self.recorder).strip()
        if not text:
            self._reject(rel, "empty_text", "no text in file")
            return None
        if len(text) > self.max_text_chars:
            self.recorder.problem("text_truncated")
            log.warning("text truncated to %d characters: file=%s", self.max_text_chars, rel)
            text = text[: self.max_text_chars]
        article: dict[str, Any] = {"id": file_article_id(rel, content), "text": text}
        if title:
            article["title"] = title
        if self.source:
            article["source"] = self.source
        try:
            parse_raw_article(article, max_bytes=self.max_article_bytes)
        except InvalidArticleError as e:
            self._reject(rel, e.reason, e.detail)
            return None
        return ArchiveRecord(key=article["id"], where=rel, article=article)

    def _reject(self, where: str, reason: str, detail: str) -> None:
        self.recorder.add("rejected")
        self.recorder.problem(f"record_{reason}")
        log.warning("record not sent: at=%s reason=%s detail=%s", where, reason, detail)


def _decode(content: bytes, rel: str, recorder: StatsRecorder) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        recorder.problem("file_not_utf8")
        log.warning("not UTF-8, undecodable bytes replaced: file=%s", rel)
        return content.decode("utf-8", errors="replace")


def ingest_dir(
    path: Path,
    *,
    sink: RawArticleSink,
    settings: Settings,
    rate: float | None = None,
    progress: bool = False,
    source: str | None = None,
    console: Console | None = None,
) -> IngestStats:
    """Send every article under ``path`` to ``sink``; see :func:`run_dir`."""
    recorder = StatsRecorder()
    files = archive_files(path)
    limiter = RateLimiter(rate) if rate else None
    reader = ArchiveReader(path, recorder, settings=settings, source=source)
    total = sum(f.stat().st_size for f in files)
    bar = Progress(
        TextColumn("[bold]ingest[/]"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[sent]} sent, {task.fields[rejected]} rejected"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        disable=not progress,
        # stderr by default: stdout stays free for whatever the command prints for pipes.
        console=console or Console(stderr=True),
    )
    sent = 0
    with bar:
        task = bar.add_task("ingest", total=total, sent=0, rejected=0)
        done = 0
        for file in files:
            for record in reader.read(file):
                if limiter is not None:
                    limiter.wait()
                if record.raw is not None:
                    sink.send_raw(record.raw, key=record.key)
                else:
                    assert record.article is not None
                    sink.send(record.article, key=record.key)
                sent += 1
                bar.update(task, completed=done + reader.position, sent=sent,
                           rejected=recorder.counts["rejected"])
            done += file.stat().st_size
            bar.update(task, completed=done, sent=sent, rejected=recorder.counts["rejected"])
        try:
            sink.flush()
        except KafkaError as e:
            raise IngestError(f"broker did not take the last articles: {type(e).__name__}: {e}") from e
    recorder.add("sent", sent)
    stats = recorder.freeze()
    log.info("dir ingest done: %s", stats.as_dict())
    return stats


def run_dir(
    settings: Settings,
    path: Path,
    *,
    rate: float | None = None,
    progress: bool = False,
    source: str | None = None,
    sink: RawArticleSink | None = None,
    console: Console | None = None,
) -> IngestStats:
    """``flashpoint ingest dir PATH``: backfill ``articles.raw`` from a file or directory tree.

    ``rate`` is articles per second (see :func:`flashpoint.service.ingest.ratelimit.parse_rate`), None
    for as fast as the broker takes them. No seen-id store: replaying the same archive twice is
    intended to send it twice (ids are stable, so downstream dedup still applies).
    """
    own_sink = sink is None
    target: RawArticleSink = ArticleProducer(settings) if sink is None else sink
    try:
        return ingest_dir(
            path, sink=target, settings=settings, rate=rate, progress=progress, source=source, console=console
        )
    finally:
        if own_sink:
            assert isinstance(target, ArticleProducer)
            target.close()
