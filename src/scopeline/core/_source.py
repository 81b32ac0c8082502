"""Reading YAML and JSON documents with the line of every field, for located error messages."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal, TypeVar

import yaml

from scopeline.core.errors import Problem

T = TypeVar("T")

Format = Literal["yaml", "json"]

MAX_DOCUMENT_BYTES: Final = 5 * 1024 * 1024
_MAX_NODES: Final = 200_000

try:  # libyaml is much faster when it is there; the pure-Python loader behaves the same.
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


def load_merged(
    shipped: str,
    extra: Iterable[str | Path],
    parse: Callable[[Any, str], Iterable[T]],
    key: Callable[[T], str],
    error: Callable[[str], Exception],
) -> tuple[list[T], str]:
    """A shipped data file (``data/<shipped>``) with user files merged over it, by ``key``.

    Returns the merged entries and a short digest of every file read. Unreadable files and YAML
    errors raise ``error(message)``; ``parse`` raises its own errors for content.
    """
    raw = resources.files("scopeline.core").joinpath(f"data/{shipped}").read_bytes()
    digest = hashlib.sha256(raw)
    merged = {key(entry): entry for entry in parse(load_yaml(raw), shipped)}
    for path in extra:
        try:
            text = Path(path).read_bytes()
        except OSError as exc:
            raise error(f"{path}: cannot read: {exc.strerror}") from exc
        digest.update(text)
        try:
            data = load_yaml(text)
        except yaml.YAMLError as exc:
            raise error(f"{path}: YAML syntax error: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise error(f"{path}: not UTF-8 text") from exc
        merged.update({key(entry): entry for entry in parse(data, str(path))})
    return list(merged.values()), digest.hexdigest()[:16]


def load_yaml(raw: bytes | str) -> Any:
    """Plain safe YAML (shipped data files: cues, catalogue), with libyaml's speed."""
    return yaml.load(raw, Loader=_BaseLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """A safe loader that reads every YAML float as an exact Decimal, never a float."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | str:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return text  # ".inf", ".nan": left as text, rejected by validation as "not a number"


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return str(node.value)  # "2026-13-01": left as text, rejected by validation


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


class Document:
    """A parsed document: its data and the line each path starts on."""

    def __init__(self, data: Any, lines: dict[str, int]) -> None:
        self.data = data
        self.lines = lines

    def line_of(self, path: str) -> int | None:
        """The line of ``path``, or of its nearest enclosing path that has one."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""


def sniff_format(source: str, text: str) -> Format:
    lower = source.lower()
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    return "json" if text.lstrip().startswith("{") else "yaml"


def decode(source: str, raw: bytes) -> str:
    """Bytes of a document as text, or a Problem that says why they are not readable text."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise _problem(source, None, f"file is too large ({len(raw):,} bytes; the limit is 5 MB)")
    if b"\x00" in raw:
        raise _problem(source, None, "this is a binary file, not a YAML or JSON agreement")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _problem(
            source, line, f"not valid UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8"
        ) from None
    return text


def parse(source: str, text: str, fmt: Format) -> Document:
    """Parse ``text``; raise :class:`ParseError` with located problems when it is malformed."""
    if fmt == "json":
        return _parse_json(source, text)
    return _parse_yaml(source, text)


class ParseError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def _problem(source: str, line: int | None, message: str, path: str = "") -> ParseError:
    return ParseError([Problem(source, line, path, message)])


def _parse_yaml(source: str, text: str) -> Document:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise _problem(source, None, "the file is empty")
        problems: list[Problem] = []
        lines: dict[str, int] = {}
        _walk(node, "", lines, problems, source, [0])
        if problems:
            raise ParseError(problems)
        data = loader.construct_document(node)
        if data is None:
            raise _problem(source, None, "the file is empty")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at_end = mark is not None and mark.line >= text.count("\n")
        if at_end and exc.context_mark is not None:
            mark = exc.context_mark  # "unexpected end of stream": point at what was left open
        line = mark.line + 1 if mark else None
        what = exc.problem or exc.context or "syntax error"
        raise _problem(source, line, f"YAML syntax error: {what}") from None
    except yaml.YAMLError as exc:
        raise _problem(source, None, f"YAML syntax error: {exc}") from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise _problem(source, None, f"cannot read this YAML: {exc}") from None
    finally:
        loader.dispose()
    return Document(data, lines)


def _walk(
    node: yaml.Node,
    path: str,
    lines: dict[str, int],
    problems: list[Problem],
    source: str,
    count: list[int],
) -> None:
    count[0] += 1
    if count[0] > _MAX_NODES:
        if count[0] == _MAX_NODES + 1:
            problems.append(Problem(source, None, "", "the document is too large or too nested"))
        return
    if isinstance(node, yaml.MappingNode):
        first_line: dict[object, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            child = f"{path}.{key}" if path else str(key)
            if key in first_line:
                problems.append(
                    Problem(source, line, child, f"duplicate key (first at line {first_line[key]})")
                )
                continue
            first_line[key] = line
            lines.setdefault(child, line)
            _walk(value_node, child, lines, problems, source, count)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            child = f"{path}[{i}]"
            lines.setdefault(child, item.start_mark.line + 1)
            _walk(item, child, lines, problems, source, count)


def _parse_json(source: str, text: str) -> Document:
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                duplicates.append(key)
            out[key] = value
        return out

    try:
        data = json.loads(text, parse_float=Decimal, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        message = f"JSON syntax error: {exc.msg} (column {exc.colno})"
        raise _problem(source, exc.lineno, message) from None
    except RecursionError:
        raise _problem(source, None, "the document is too deeply nested") from None
    # JSON is (almost always) valid YAML: read it once more for the line of each field.
    try:
        located = _parse_yaml(source, text)
    except ParseError as exc:
        if any("duplicate key" in p.message for p in exc.problems):
            raise
        located = Document(None, {})
    if duplicates:
        raise _problem(source, None, f"duplicate key {duplicates[0]!r}")
    return Document(data, located.lines)
