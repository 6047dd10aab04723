"""Loading rules and gazetteer additions kept as data in ``flashpoint/lexicons/``.

Every record has a stable kebab-case ``id``. Files are validated once at start-up; any defect is
a :class:`LexiconError` naming the file, the line and the reason, so a bad rule edit fails the
deploy instead of silently matching nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from flashpoint.errors import LexiconError

_PACKAGE_DIR = Path(str(resources.files("flashpoint")))
LEXICON_DIR = _PACKAGE_DIR / "lexicons"
# built tables (gazetteer, topic model) and the bundled sample stories
DATA_DIR = _PACKAGE_DIR / "data"
SAMPLES_DIR = _PACKAGE_DIR / "samples"
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class LexiconRecord:
    """One record with where it came from, for error messages."""

    data: Mapping[str, Any]
    path: Path
    line: int

    @property
    def id(self) -> str:
        return str(self.data["id"])

    def fail(self, reason: str) -> LexiconError:
        return LexiconError(f"{self.path.name}:{self.line}: {reason}")


# libyaml's parser (in PyYAML's wheels) reads the lexicons about six times faster than the pure
# Python one: the worker, the CLI and every test that loads the analysis start seconds sooner.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[valid-type,misc]  # either loader, chosen above
    """A SafeLoader that remembers the line of every mapping as ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_records(path: Path) -> list[LexiconRecord]:
    """Read a ``.jsonl`` file (one object a line) or a ``.yaml`` file (a list of mappings,
    or a mapping with a ``rules``/``entries`` list)."""
    if not path.exists():
        raise LexiconError(f"{path}: lexicon file not found")
    records: list[LexiconRecord] = []
    if path.suffix == ".jsonl":
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise LexiconError(f"{path.name}:{number}: invalid JSON: {e.msg}") from e
            if not isinstance(obj, dict):
                raise LexiconError(f"{path.name}:{number}: expected a JSON object")
            records.append(LexiconRecord(obj, path, number))
    elif path.suffix in (".yaml", ".yml"):
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
        except yaml.YAMLError as e:
            raise LexiconError(f"{path.name}: invalid YAML: {e}") from e
        items: Any = doc
        if isinstance(doc, dict):
            items = doc.get("rules", doc.get("entries"))
        if not isinstance(items, list):
            raise LexiconError(f"{path.name}: expected a list of records (or a 'rules' list)")
        for item in items:
            if not isinstance(item, dict):
                raise LexiconError(f"{path.name}: every record must be a mapping, got {item!r:.60}")
            line_no = int(item.pop("__line__", 0))
            records.append(LexiconRecord(item, path, line_no))
    else:
        raise LexiconError(f"{path}: unsupported lexicon format (use .jsonl or .yaml)")
    return records


def validate_records(
    records: Iterable[LexiconRecord],
    *,
    required: Mapping[str, type | tuple[type, ...]],
    allowed_values: Mapping[str, Iterable[Any]] | None = None,
) -> list[LexiconRecord]:
    """Check ids (present, kebab-case, unique across ``records``), required keys and their types,
    and closed vocabularies. Returns the records as a list."""
    seen: dict[str, LexiconRecord] = {}
    out: list[LexiconRecord] = []
    allowed = {k: set(v) for k, v in (allowed_values or {}).items()}
    for rec in records:
        rid = rec.data.get("id")
        if not isinstance(rid, str) or not _ID_RE.match(rid):
            raise rec.fail(f"'id' must be kebab-case, got {rid!r}")
        if rid in seen:
            other = seen[rid]
            raise rec.fail(f"duplicate id {rid!r} (first at {other.path.name}:{other.line})")
        seen[rid] = rec
        for key, typ in required.items():
            if key not in rec.data:
                raise rec.fail(f"rule {rid!r} lacks required key {key!r}")
            if not isinstance(rec.data[key], typ):
                raise rec.fail(f"rule {rid!r}: {key!r} has type {type(rec.data[key]).__name__}")
        for key, values in allowed.items():
            if key in rec.data and rec.data[key] is not None:
                value = rec.data[key]
                for v in value if isinstance(value, list) else [value]:
                    if v not in values:
                        raise rec.fail(f"rule {rid!r}: unknown {key} {v!r}")
        out.append(rec)
    return out


def lexicon_path(name: str) -> Path:
    return LEXICON_DIR / name


def strip_lines(value: Any) -> Any:
    """Remove the ``__line__`` keys the lexicon loader adds to every nested mapping."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value
