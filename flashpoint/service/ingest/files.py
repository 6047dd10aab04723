"""Articles from the files, folders and stdin named on the command line: ``produce`` sends them
(:func:`send_files`), ``analyze`` reads them offline. ``ingest dir`` has its own reader for archives.

Two kinds of trouble, told apart on purpose:

- **A path that cannot be read as articles** (missing, unreadable, a folder with no article
  files, an empty file, binary data) stops the command before any article is analysed or sent,
  with one line per problem (:class:`InputError`): a typo never sends half a batch.
- **A message that cannot be an article** (a JSONL line that is not JSON, a message over
  ``FLASHPOINT_MAX_ARTICLE_BYTES``, a record without text) is a :class:`Rejected` named by file
  and line, the way the worker would reject it; the other messages go through.

Messages are validated with :func:`~flashpoint.analysis.models.parse_raw_article`, the worker's
own rule, so what ``produce`` sends the worker accepts, and ``analyze`` rejects what the worker
would dead-letter.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from flashpoint.analysis.models import RawArticle, parse_raw_article
from flashpoint.analysis.text import language_problem
from flashpoint.errors import FlashpointError, InvalidArticleError
from flashpoint.service.producer import ArticleProducer
from flashpoint.settings import Settings

# What a file holds, by suffix; a file named on the command line with another suffix is text.
KINDS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".json": "json",
         ".jsonl": "jsonl", ".ndjson": "jsonl"}
# Enough of a file to tell text from binary data without reading all of it.
HEAD_BYTES = 8192
# A whole-file JSON document is loaded into memory; past this it belongs in JSONL.
MAX_JSON_DOCUMENT_BYTES = 64_000_000
GZIP_MAGIC = b"\x1f\x8b"


class InputError(FlashpointError):
    """Paths named on the command line that cannot be read as articles, one problem a line."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class InputFile:
    """A checked source of articles: a file (read when its messages are wanted) or stdin."""

    name: str  # as named on the command line, or found in a named folder; "stdin" for '-'
    kind: str  # text | html | json | jsonl
    size: int
    path: Path | None = None
    # the path relative to the folder named on the command line (the file name for a file)
    relative: str | None = None
    data: bytes | None = None  # stdin, read once


@dataclass(frozen=True, slots=True)
class Message:
    """One valid message for ``articles.raw``: its wire bytes and the article they hold."""

    where: str  # "wire.jsonl:3", "story.txt", "list.json[2]"
    raw: bytes
    article: RawArticle
    end: int  # bytes of the file read once this message was (for progress)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A message the worker would dead-letter, with the worker's bounded reason."""

    where: str
    reason: str
    detail: str
    raw: bytes  # the message, or its first bytes when the file was too large to read
    size: int  # the message's full size in bytes
    end: int


def collect_inputs(names: Sequence[str], *, jsonl: bool, stdin: BinaryIO) -> list[InputFile]:
    """Check every path before anything is read for real; raises :class:`InputError` listing
    every problem."""
    found: list[InputFile] = []
    problems: list[str] = []
    for name in names:
        if name == "-":
            data = stdin.read()
            problem = _content_problem("stdin", data[:HEAD_BYTES], len(data), "jsonl" if jsonl else "text")
            if problem:
                problems.append(problem)
            else:
                found.append(InputFile("stdin", "jsonl" if jsonl else "text", len(data), data=data))
            continue
        path = Path(name)
        if path.is_dir():
            files = _article_files(path)
            if not files:
                problems.append(f"{name}: a folder with no article files ({', '.join(sorted(KINDS))})")
            for file in files:
                _check_file(file, str(file), "jsonl" if jsonl else KINDS[file.suffix.lower()], found, problems,
                            relative=file.relative_to(path).as_posix())
        elif not path.exists():
            problems.append(f"{name}: no such file or folder")
        elif not path.is_file():
            problems.append(f"{name}: not a regular file")
        else:
            _check_file(path, name, "jsonl" if jsonl else KINDS.get(path.suffix.lower(), "text"), found, problems,
                        relative=path.name)
    if problems:
        raise InputError(problems)
    return found


def _article_files(folder: Path) -> list[Path]:
    """Article files under ``folder``, in a stable order; hidden files and folders skipped."""
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        files.extend(Path(dirpath) / f for f in sorted(filenames)
                     if not f.startswith(".") and Path(f).suffix.lower() in KINDS)
    return files


def _check_file(path: Path, name: str, kind: str, found: list[InputFile], problems: list[str], *,
                relative: str) -> None:
    try:
        with path.open("rb") as f:
            head = f.read(HEAD_BYTES)
            size = os.fstat(f.fileno()).st_size
    except OSError as e:
        problems.append(f"{name}: cannot read it ({e.strerror or type(e).__name__})")
        return
    problem = _content_problem(name, head, size, kind)
    if problem:
        problems.append(problem)
    else:
        found.append(InputFile(name, kind, size, path=path, relative=relative))


def _content_problem(name: str, head: bytes, size: int, kind: str) -> str | None:
    if size == 0 or (size <= len(head) and not head.strip()):
        return f"{name}: empty"
    if head.startswith(GZIP_MAGIC):
        return f"{name}: gzip-compressed (`flashpoint ingest dir` reads .jsonl.gz archives)"
    if kind == "text":  # the worker's rule; markup and JSON keys are not prose, so only for text
        problem = language_problem(head.decode("utf-8", errors="replace"))
        if problem:
            return f"{name}: {problem} (not_language)"
    if b"\x00" in head:  # no text file holds NUL; catches files too short for the rule above
        return f"{name}: binary data, not text"
    return None


def file_article_id(relative: str, content: bytes) -> str:
    """A text or HTML file's article id: its path relative to the folder named on the command
    line, without the extension, and a hash of path and content. Two ``report.txt`` in
    different folders are two articles (the file name alone made the second alert vanish as a
    replay of the first); the same file sent again is the same article."""
    digest = hashlib.sha1(relative.encode("utf-8") + b"\0" + content, usedforsecurity=False).hexdigest()
    return f"{Path(relative).with_suffix('').as_posix()}#{digest[:12]}"


def read_messages(source: InputFile, *, max_bytes: int) -> Iterator[Message | Rejected]:
    """The messages of one checked source, each validated as the worker would."""
    if source.kind == "jsonl":
        yield from _jsonl(source, max_bytes)
        return
    limit = MAX_JSON_DOCUMENT_BYTES if source.kind == "json" else max_bytes
    if source.size > limit:
        head = _read(source, HEAD_BYTES)
        what = "a JSON document" if source.kind == "json" else "the article"
        yield Rejected(source.name, "too_large", f"{what} is {source.size:,} bytes, over the limit of {limit:,}",
                       head, source.size, source.size)
        return
    content = _read(source, None)
    if source.kind == "json":
        yield from _json(source, content, max_bytes)
        return
    article_id = file_article_id(source.relative or source.name, content) if source.path is not None else "stdin"
    text = content.decode("utf-8", errors="replace")
    field = "html" if source.kind == "html" else "text"
    record: dict[str, Any] = {"id": article_id, field: text, "source": "file"}
    yield _validated(source.name, json.dumps(record, ensure_ascii=False).encode("utf-8"), max_bytes, source.size)


def _read(source: InputFile, limit: int | None) -> bytes:
    if source.data is not None:
        return source.data if limit is None else source.data[:limit]
    assert source.path is not None
    with source.path.open("rb") as f:
        return f.read() if limit is None else f.read(limit)


def _lines(source: InputFile) -> Iterator[bytes]:
    if source.data is not None:
        yield from io.BytesIO(source.data)
        return
    assert source.path is not None
    with source.path.open("rb") as f:
        yield from f


def _jsonl(source: InputFile, max_bytes: int) -> Iterator[Message | Rejected]:
    end = 0
    for number, line in enumerate(_lines(source), start=1):
        end += len(line)
        line = line.strip()
        if not line:
            continue
        where = f"{source.name}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield Rejected(where, "invalid_json", f"{e.msg} at column {e.colno}", line, len(line), end)
            continue
        except (UnicodeDecodeError, RecursionError) as e:
            yield Rejected(where, "invalid_json", str(e)[:200], line, len(line), end)
            continue
        if not isinstance(obj, dict):
            yield Rejected(where, "not_an_object", f"a JSON {type(obj).__name__}, not an object", line, len(line), end)
            continue
        yield _validated(where, line, max_bytes, end)


def _json(source: InputFile, content: bytes, max_bytes: int) -> Iterator[Message | Rejected]:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except json.JSONDecodeError as e:
        yield Rejected(source.name, "invalid_json", f"{e.msg} at line {e.lineno} column {e.colno}",
                       content, len(content), source.size)
        return
    except (UnicodeDecodeError, RecursionError) as e:
        yield Rejected(source.name, "invalid_json", str(e)[:200], content, len(content), source.size)
        return
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items, start=1):
        where = f"{source.name}[{index}]" if isinstance(data, list) else source.name
        raw = json.dumps(item, ensure_ascii=False).encode("utf-8")
        yield _validated(where, raw, max_bytes, source.size)


def _validated(where: str, raw: bytes, max_bytes: int, end: int) -> Message | Rejected:
    try:
        return Message(where, raw, parse_raw_article(raw, max_bytes=max_bytes), end)
    except InvalidArticleError as e:
        return Rejected(where, e.reason, e.detail, raw, len(raw), end)


# --- sending -----------------------------------------------------------------------------------


def send_files(
    producer: ArticleProducer,
    settings: Settings,
    sources: Sequence[InputFile],
    *,
    loop: int = 1,
    advance: Callable[[float], None] = lambda n: None,
    on_rejected: Callable[[Rejected], None] = lambda r: None,
) -> tuple[int, int]:
    """Send every valid message of ``sources`` ``loop`` times, and dead-letter every rejected one
    once; returns (sent, rejected). Raises :class:`FlashpointError` when the broker did not take
    them all. ``advance`` hears the bytes read (a progress bar), ``on_rejected`` each rejection."""
    failed: list[Exception] = []
    sent = rejected = 0
    for round_ in range(loop):
        for source in sources:
            done = 0
            for item in read_messages(source, max_bytes=settings.max_article_bytes):
                advance(item.end - done)
                done = item.end
                if isinstance(item, Message):
                    producer.send_raw(item.raw, key=item.article.id).add_errback(failed.append)
                    sent += 1
                elif round_ == 0:
                    rejected += 1
                    letter = dead_letter(item, settings.dead_letter_max_bytes, datetime.now(UTC))
                    producer.send_raw(letter, key=item.where, topic=settings.topic_dead).add_errback(failed.append)
                    on_rejected(item)
            advance(source.size - done)
    producer.flush()
    if failed:
        raise FlashpointError(delivery_failure(failed, sent + rejected, settings.max_article_bytes))
    return sent, rejected


def dead_letter(item: Rejected, max_bytes: int, now: datetime) -> bytes:
    """A dead letter shaped like the worker's (:class:`flashpoint.service.pipeline.DeadLetter`),
    whose source is the file and line rather than a topic offset."""
    raw = item.raw[:max_bytes]
    try:
        raw_text: str | None = raw.decode("utf-8")
        raw_b64: str | None = None
    except UnicodeDecodeError:
        raw_text, raw_b64 = None, base64.b64encode(raw).decode("ascii")
    letter = {
        "reason": item.reason,
        "detail": item.detail,
        "source": {"file": item.where, "producer": "flashpoint produce"},
        "rejected_at": now.isoformat(),
        "raw_size": item.size,
        "raw_truncated": item.size > len(raw),
        "raw": raw_text,
        "raw_base64": raw_b64,
    }
    return json.dumps(letter, ensure_ascii=False).encode("utf-8")


def delivery_failure(failed: Sequence[Exception], total: int, max_article_bytes: int) -> str:
    """One line for messages the broker did not take; a size refusal says which limit to raise."""
    first = failed[0]
    if "TooLarge" in type(first).__name__:  # kafka-python's MessageSizeTooLargeError, the broker's too
        return (f"the broker refused {len(failed)} of {total} message(s) as too large: its limit "
                f"(Kafka's message.max.bytes) is under FLASHPOINT_MAX_ARTICLE_BYTES ({max_article_bytes:,}); "
                "raise it, or lower FLASHPOINT_MAX_ARTICLE_BYTES")
    return f"the broker did not take {len(failed)} of {total} message(s): {type(first).__name__}: {first}"
