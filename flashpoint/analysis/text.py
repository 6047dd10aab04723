"""Text cleaning in front of every analysis stage.

A scraped page carries more than the story: breadcrumbs, "Published on" stamps, "Read also"
teasers, share buttons and a "Latest news" sidebar about unrelated countries. If any of that
reaches the taggers, an article about Afghanistan gets tagged Belarus and an alert is routed to the
wrong desk. So everything downstream sees only :func:`clean_article`'s output, and every evidence
offset refers to it.

The cue phrases are data (``lexicons/furniture.yaml``, one rule per id) so that a new site's
furniture is a lexicon edit, not a release.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flashpoint.analysis.lexicon import lexicon_path, read_records, validate_records
from flashpoint.analysis.limits import MAX_TEXT_CHARS
from flashpoint.analysis.models import RawArticle
from flashpoint.errors import InvalidArticleError, LexiconError

FURNITURE_LEXICON = "furniture.yaml"
_ACTIONS = ("drop-line", "cut-rest")
_WHERE = ("any", "head")
# "head" rules look only at the first few non-empty lines: breadcrumbs live there, and the same
# shape deeper in the story is content.
_HEAD_LINES = 4
# A sidebar cue cuts the rest only when this much story precedes it; otherwise a page that opens
# with "Latest news" would be cut to nothing.
_MIN_STORY_BEFORE_CUT = 200
# HTML larger than this multiple of max_chars is cut before parsing: the parser's work and the
# extracted text both grow with input, and a hostile page should not cost more than a big story.
_HTML_INPUT_FACTOR = 20
_PUNCT_STRIP = " \t\u00a0.:;!?-–—|>»›*•·"


@dataclass(frozen=True, slots=True)
class FurnitureRule:
    """One furniture cue; ``id`` is reported when debugging why a line vanished."""

    id: str
    action: str
    equals: frozenset[str]
    prefixes: tuple[str, ...]
    pattern: re.Pattern[str] | None
    head_only: bool
    case_sensitive: bool

    def matches(self, line: str) -> bool:
        stripped = line.strip()
        return self.matches_stripped(stripped, stripped.casefold())

    def matches_stripped(self, stripped: str, casefolded: str) -> bool:
        """:meth:`matches` for a line already stripped and case-folded (once for every rule)."""
        folded = stripped if self.case_sensitive else casefolded
        if self.equals and folded.strip(_PUNCT_STRIP) in self.equals:
            return True
        if self.prefixes and folded.lstrip(" \t\u00a0*•·").startswith(self.prefixes):
            return True
        return bool(self.pattern and self.pattern.search(stripped))


def _string_list(value: object, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise LexiconError(f"{where}: expected a string or a list of strings")


def load_furniture_rules(path: Path | None = None) -> tuple[FurnitureRule, ...]:
    """Validate and compile the furniture lexicon; errors name file, line and reason."""
    records = validate_records(
        read_records(path or lexicon_path(FURNITURE_LEXICON)),
        required={"action": str},
        allowed_values={"action": _ACTIONS, "where": _WHERE},
    )
    rules: list[FurnitureRule] = []
    for rec in records:
        where = f"{rec.path.name}:{rec.line}"
        case_sensitive = bool(rec.data.get("case_sensitive", False))
        equals = _string_list(rec.data.get("equals"), where)
        prefixes = _string_list(rec.data.get("prefix"), where)
        regex = rec.data.get("regex")
        if not (equals or prefixes or regex):
            raise rec.fail(f"rule {rec.id!r} needs one of 'equals', 'prefix' or 'regex'")
        pattern = None
        if regex is not None:
            if not isinstance(regex, str):
                raise rec.fail(f"rule {rec.id!r}: 'regex' must be a string")
            try:
                pattern = re.compile(regex, 0 if case_sensitive else re.IGNORECASE)
            except re.error as e:
                raise rec.fail(f"rule {rec.id!r}: bad regex: {e}") from e

        def norm(s: str, cs: bool = case_sensitive) -> str:
            return s if cs else s.casefold()

        rules.append(
            FurnitureRule(
                id=rec.id,
                action=str(rec.data["action"]),
                equals=frozenset(norm(e).strip(_PUNCT_STRIP) for e in equals),
                prefixes=tuple(norm(p) for p in prefixes),
                pattern=pattern,
                head_only=rec.data.get("where", "any") == "head",
                case_sensitive=case_sensitive,
            )
        )
    return tuple(rules)


@lru_cache(maxsize=1)
def default_furniture_rules() -> tuple[FurnitureRule, ...]:
    return load_furniture_rules()


def _is_truncated_teaser(line: str, next_line: str | None) -> bool:
    """A teaser line is furniture only if the next line really repeats it (the headline)."""
    if next_line is None:
        return False
    body = re.sub(r"(\.\.\.|…)\s*$", "", line.strip()).rstrip()
    tail = body[-20:].strip()
    return len(tail) >= 8 and tail in next_line


@dataclass(frozen=True, slots=True)
class CleaningTrace:
    """Which rules removed which lines: for debugging a lost sentence, never for scoring."""

    text: str
    removed: tuple[tuple[str, str], ...]  # (rule id, line)


def strip_furniture_traced(text: str, rules: Sequence[FurnitureRule] | None = None) -> CleaningTrace:
    rules = default_furniture_rules() if rules is None else rules
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    nonempty = [i for i, ln in enumerate(lines) if ln.strip()]
    head = set(nonempty[:_HEAD_LINES])
    next_nonempty = {a: lines[b] for a, b in itertools.pairwise(nonempty)}
    kept: list[str] = []
    kept_chars = 0
    removed: list[tuple[str, str]] = []
    for i, line in enumerate(lines):
        if not line.strip():
            kept.append("")
            continue
        hit: FurnitureRule | None = None
        stripped = line.strip()
        casefolded = stripped.casefold()
        for rule in rules:
            if rule.head_only and i not in head:
                continue
            if not rule.matches_stripped(stripped, casefolded):
                continue
            if rule.id == "truncated-teaser" and not _is_truncated_teaser(line, next_nonempty.get(i)):
                continue
            hit = rule
            break
        if hit is None:
            kept.append(line.rstrip())
            kept_chars += len(line.strip())
            continue
        if hit.action == "cut-rest" and kept_chars >= _MIN_STORY_BEFORE_CUT:
            removed.append((hit.id, line))
            removed.extend((hit.id, rest) for rest in lines[i + 1 :] if rest.strip())
            break
        removed.append((hit.id, line))
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return CleaningTrace(cleaned, tuple(removed))


def strip_furniture(text: str, rules: Sequence[FurnitureRule] | None = None) -> str:
    """Plain text with page furniture lines removed and blank runs collapsed."""
    return strip_furniture_traced(text, rules).text


def html_to_text(html: str, *, max_chars: int) -> str:
    """Main text of an HTML page (trafilatura), or all visible text of a fragment it rejects."""
    html = html[: max(max_chars, 1) * _HTML_INPUT_FACTOR]
    if not html.strip():
        return ""
    extracted: str | None = None
    try:
        import trafilatura

        extracted = trafilatura.extract(
            html,
            include_comments=False,
            include_tables=False,
            include_images=False,
            favor_precision=True,
            deduplicate=True,
        )
    except (ValueError, TypeError, RecursionError, MemoryError):
        # trafilatura raises these on malformed or pathological input: fall back below.
        extracted = None
    if not extracted or not extracted.strip():
        extracted = _fragment_text(html)
    return extracted[:max_chars]


def _fragment_text(html: str) -> str:
    """Visible text of an HTML fragment, keeping block boundaries as newlines.

    The HTML parser is lxml's with ``huge_tree`` off (its default), so a pathological document
    cannot grow the tree without bound; entities are not expanded from a DTD."""
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = lxml.etree.fromstring(html, parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        return ""
    for bad in root.xpath("//script|//style|//noscript|//template|//head"):
        parent = bad.getparent()
        if parent is not None:
            parent.remove(bad)
    for el in root.xpath("//br|//p|//div|//h1|//h2|//h3|//h4|//li|//blockquote|//tr"):
        el.tail = "\n" + (el.tail or "")
    text = "".join(str(t) for t in root.itertext())
    return re.sub(r"[ \t\u00a0]+", " ", text)


def clean_article(article: RawArticle, *, max_chars: int = MAX_TEXT_CHARS) -> str:
    """The text every analysis stage sees: main story text only, furniture removed.

    Plain ``text`` wins over ``html`` when both are given: publishers' text fields are already the
    body, and trafilatura on a full page is the slower, lossier path.
    """
    if article.text and article.text.strip():
        raw = squeeze_repetition(article.text, max_chars=max_chars * 2)
    elif article.html:
        raw = squeeze_repetition(html_to_text(article.html, max_chars=max_chars * 2), max_chars=max_chars * 2)
    else:
        return ""
    return strip_furniture(raw)[:max_chars]


# Runs that carry no story, squeezed before the text is cut to its maximum length, so padding in
# front of a story cannot push the story past the cut, and a hostile repetition costs the taggers
# nothing: the same non-word character 20 or more times (dots, dashes, spaces, no-break spaces),
# and the same word four or more times in a row ("Ukraine Ukraine Ukraine ...").
# (the nineteen back-references are spelled out, and the word run is possessive: the same
# matches, found in 2/3 and 5/6 of the time; a shorter word or separator can never repeat, as
# the repeat would have to start inside the run of the other kind)
_CHAR_RUN = re.compile(r"(\W)" + r"\1" * 19 + r"\1*")
_WORDS_RUN = re.compile(r"\b(\w++\W++)\1{3,}")
_KEPT_REPEATS = 3
# Padding of any period (a phrase, a sentence, a boilerplate block repeated) is found by how well
# it compresses: a thousand characters of prose deflate to about half their size, of one phrase
# repeated to under a tenth. Only a text longer than the cut is read this way, part by part.
_PADDING_PART_CHARS = 1_000
_PADDING_MAX_RATIO = 0.1


def _drop_padding(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    parts = (text[i : i + _PADDING_PART_CHARS] for i in range(0, len(text), _PADDING_PART_CHARS))
    return "".join(
        part for part in parts
        if len(zlib.compress(raw := part.encode("utf-8", "surrogatepass"), 1)) > _PADDING_MAX_RATIO * len(raw)
    )


def squeeze_repetition(text: str, *, max_chars: int) -> str:
    """At most ``max_chars`` of ``text``, after every run of repetition was cut to three repeats
    and, in a text longer than the cut, every part that is padding was dropped (character runs
    and padding over the whole text, so padding cannot push the story out; word runs over what
    is kept, so their cost is bounded too)."""
    text = _CHAR_RUN.sub(lambda m: m.group(1) * _KEPT_REPEATS, text)
    text = _drop_padding(text, max_chars)[:max_chars]
    return _WORDS_RUN.sub(lambda m: m.group(1) * _KEPT_REPEATS, text)


TITLE_MAX_CHARS = 160


def title_from_text(text: str) -> str | None:
    """A plain-text article's headline: its first line, shortened at a word when it is a whole
    paragraph. Plain-text feeds send no title field, and subscribers would otherwise see a story
    id where a headline belongs (``flashpoint tail``, the API, the live page)."""
    for raw_line in text.splitlines():
        line = " ".join(raw_line.split())
        if not line:
            continue
        if len(line) <= TITLE_MAX_CHARS:
            return line
        return line[:TITLE_MAX_CHARS].rsplit(" ", 1)[0].rstrip(",;:-–—") + "…"
    return None

# --- text that is not language ------------------------------------------------------------------

# Looked at: the first this-many characters. Junk shows at once, and a long story should not cost
# more to check than a short one.
_LANGUAGE_SAMPLE_CHARS = 20_000
# Below this many non-space characters there is too little to judge: the empty-text rule and the
# taggers deal with short texts.
_LANGUAGE_MIN_CHARS = 40
# Binary read as text: NUL and other control characters, or U+FFFD where bytes were not UTF-8.
# Real stories have none; a few survive scraping, so a small share is allowed.
_MAX_CONTROL_SHARE = 0.02
# Letters (in any script) among the non-space characters: prose is 75-85% letters, a sports or
# markets table still over 50%; hex dumps, numbers and symbol soup fall far below.
_MIN_LETTER_SHARE = 0.4
# A "word" this long without a space is no word in a spaced script: base64, hashes, minified code.
_LONG_RUN_CHARS = 30
# ... and when such runs carry this share of the text, the text is encoded data, not prose.
_MAX_LONG_RUN_SHARE = 0.5
# Scripts written without spaces between words (CJK, Thai...): the long-run rule does not apply.
_UNSPACED_SCRIPTS = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+")
# the ASCII control characters and the ASCII letters, as bytes to delete
_ASCII_CONTROL_BYTES = bytes([*range(32), 127])
_ASCII_LETTER_BYTES = bytes(b for b in range(128) if chr(b).isalpha())


def language_problem(text: str) -> str | None:
    """Why ``text`` is not language (binary, encoded data, long runs without words), or None.

    Every place-name matcher finds "names" in junk: a binary file was once tagged Fiji from the
    byte pairs "Ra" and "Ba". So the worker dead-letters such a message (reason ``not_language``)
    and ``flashpoint analyze`` reports it, both through :func:`require_language`. The rules are
    about the shape of the characters, not about English: Arabic, Russian or Chinese prose passes.
    """
    sample = text[:_LANGUAGE_SAMPLE_CHARS]
    visible = "".join(sample.split())  # str.split() splits where str.isspace() is true
    if len(visible) < _LANGUAGE_MIN_CHARS:
        return None
    n = len(visible)
    if visible.isascii():
        # most stories: bytes.translate deletes by table in C, ten times faster than a Counter
        data = visible.encode("ascii")
        control = n - len(data.translate(None, _ASCII_CONTROL_BYTES))
        letters = n - len(data.translate(None, _ASCII_LETTER_BYTES))
    else:
        # counted per distinct character (a text has a few dozen): a test per character cost
        # more than the rest of the check
        counts = Counter(visible)
        control = sum(c for ch, c in counts.items() if ch == "\ufffd" or (ord(ch) < 32 or 127 <= ord(ch) < 160))
        letters = sum(c for ch, c in counts.items() if ch.isalpha())
    if control > _MAX_CONTROL_SHARE * n:
        return f"binary data: {control} of {n} characters are control bytes or undecodable"
    if letters < _MIN_LETTER_SHARE * n:
        return f"no words: only {letters} of {n} characters are letters"
    if not _UNSPACED_SCRIPTS.search(sample):
        runs = sum(len(tok) for tok in _URL_RE.sub(" ", sample).split() if len(tok) >= _LONG_RUN_CHARS)
        if runs > _MAX_LONG_RUN_SHARE * n:
            return f"encoded data: {runs} of {n} characters are in runs of {_LONG_RUN_CHARS}+ without a space"
    return None


def require_language(text: str) -> None:
    """Raise :class:`InvalidArticleError` (reason ``not_language``) when :func:`language_problem`
    finds one: the one rule the worker, ``flashpoint analyze`` and the CLI share."""
    problem = language_problem(text)
    if problem is not None:
        raise InvalidArticleError("not_language", problem)
