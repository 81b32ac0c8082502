"""Time-tracker exports read as hours: Toggl Track, Clockify and Harvest CSV files.

Pure functions from bytes to rows: :func:`read_table` decodes the file (UTF-8 with or without
a byte-order mark, UTF-16, or an encoding the caller names) and splits it into cells (comma,
semicolon as European Excel writes it, or tab), :func:`detect` recognises the tool from the
header row and proposes a :class:`Mapping` of columns, and :func:`parse_timesheet` turns each
row into a :class:`TimeEntry` (date, hours as ``Decimal``, description, the tool's project and
client, a stable duplicate key) or a :class:`RowProblem` naming the line and what is wrong.

Problems carry a code and the offending value rather than a sentence, so each interface words
them in its reader's language; ``message`` gives the English wording for logs and tests.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final, Literal, TypeAlias

from scopeline.core.errors import ScopelineError

MAX_BYTES: Final = 5 * 1024 * 1024
"""Larger files are refused: a year of a busy team's entries is well under a megabyte."""
MAX_ROWS: Final = 50_000
MAX_HOURS: Final = Decimal(24)
"""One entry longer than a day is a timer left running, not work to bill."""
HOURS_QUANTUM: Final = Decimal("0.01")

Tool: TypeAlias = Literal["toggl", "clockify", "harvest", "csv"]
DateOrder: TypeAlias = Literal["auto", "ymd", "mdy", "dmy"]
TOOLS: Final[tuple[Tool, ...]] = ("toggl", "clockify", "harvest", "csv")
DATE_ORDERS: Final[tuple[DateOrder, ...]] = ("auto", "ymd", "mdy", "dmy")
ENCODINGS: Final = ("auto", "utf-8", "utf-16", "cp1252", "cp1250", "latin-1")
"""``auto`` reads the byte-order mark, else UTF-8; the others are what Excel writes on Windows
for Western (cp1252) and Central European (cp1250) languages."""

_TOOL_NAMES: Final[dict[Tool, str]] = {
    "toggl": "Toggl Track",
    "clockify": "Clockify",
    "harvest": "Harvest",
    "csv": "CSV",
}

_FILE_MESSAGES: Final[dict[str, str]] = {
    "empty": "the file is empty",
    "too_large": "the file is larger than {limit} bytes",
    "binary": "the file is not text (it contains binary data)",
    "spreadsheet": "the file is a spreadsheet workbook, not CSV; export it as CSV",
    "encoding": "line {line}: the file is not {detail} text; choose its encoding",
    "not_csv": "line {line}: the file is not CSV: {detail}",
    "no_columns": "the header row has only one column; the file is not CSV",
    "too_many_rows": "the file has more than {limit} rows",
    "mapping_required": "choose the {detail} column: the header row was not recognised",
    "unknown_column": "there is no column {detail!r} in the file",
    "unknown_option": "unknown {detail}",
}

_ROW_MESSAGES: Final[dict[str, str]] = {
    "date_missing": "the date is empty",
    "date_invalid": "the date {value!r} cannot be read",
    "duration_missing": "the duration is empty",
    "duration_invalid": "the duration {value!r} cannot be read",
    "duration_not_positive": "the duration {value!r} is not more than zero",
    "duration_too_short": "the duration {value!r} is shorter than a minute",
    "duration_too_long": "the duration {value!r} is longer than 24 hours",
    "duplicate_in_file": "the same entry is already on line {value}",
}


class TimesheetError(ScopelineError):
    """A file that cannot be read as a timesheet at all (nothing of it is imported)."""

    def __init__(
        self, code: str, *, line: int | None = None, detail: str = "", limit: int = 0
    ) -> None:
        self.code = code
        self.line = line
        self.detail = detail
        self.limit = limit
        super().__init__(
            _FILE_MESSAGES[code].format(line=line, detail=detail, limit=limit)
            if code in _FILE_MESSAGES
            else code
        )


@dataclass(frozen=True, slots=True)
class Table:
    """A decoded CSV file: its header and its rows with the line each starts on."""

    encoding: str
    delimiter: str
    columns: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class Mapping:
    """Which column holds what, by the header's names; ``None`` when the file has none."""

    date: str | None
    duration: str | None
    start: str | None = None
    description: str | None = None
    project: str | None = None
    client: str | None = None
    user: tuple[str, ...] = ()
    """Columns naming who worked (joined with a space): only part of the duplicate key."""

    def columns(self) -> dict[str, str | None]:
        return {
            "date": self.date,
            "duration": self.duration,
            "start": self.start,
            "description": self.description,
            "project": self.project,
            "client": self.client,
        }


@dataclass(frozen=True, slots=True)
class TimeEntry:
    line: int
    date: dt.date
    hours: Decimal
    """Rounded half up to hundredths, as the ledger keeps hours."""
    description: str
    project: str
    client: str
    user: str
    key: str
    """SHA-256 of the tool, date, start, exact duration, description and user: the same entry
    exported twice has the same key, so importing it twice can be refused."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    code: str
    value: str = ""

    @property
    def message(self) -> str:
        return f"line {self.line}: " + _ROW_MESSAGES[self.code].format(value=self.value)


@dataclass(frozen=True, slots=True)
class Timesheet:
    tool: Tool
    encoding: str
    delimiter: str
    columns: tuple[str, ...]
    mapping: Mapping
    date_order: DateOrder
    """The order the dates were read in (``auto`` resolved), or ``auto`` when no date needed
    one (ISO dates only)."""
    entries: tuple[TimeEntry, ...]
    problems: tuple[RowProblem, ...]
    filtered_out: int
    """Rows left out by the project or client filter."""
    projects: tuple[str, ...] = field(default=())
    """Every project (and client) named in the file, for the filter."""
    clients: tuple[str, ...] = field(default=())

    @property
    def tool_name(self) -> str:
        return _TOOL_NAMES[self.tool]

    @property
    def total_hours(self) -> Decimal:
        return sum((e.hours for e in self.entries), Decimal(0))


# -- decoding -----------------------------------------------------------------------------------


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes, encoding: str = "auto") -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read with; ``TimesheetError`` when it is
    empty, too large, binary or not in that encoding."""
    if encoding not in ENCODINGS:
        raise TimesheetError("unknown_option", detail=f"encoding {encoding!r}")
    if len(data) > MAX_BYTES:
        raise TimesheetError("too_large", limit=MAX_BYTES)
    if not data.strip():
        raise TimesheetError("empty")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # xlsx/ods (zip), legacy xls
        raise TimesheetError("spreadsheet")
    if encoding == "auto":
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            encoding = "utf-16"
        elif data.startswith(b"\xef\xbb\xbf"):
            encoding = "utf-8"
        else:
            encoding = "utf-8"
    if encoding != "utf-16" and b"\x00" in data[:65536]:
        raise TimesheetError("binary")
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise TimesheetError(
            "encoding", line=_line_of(data, exc.start), detail=encoding.upper()
        ) from None
    text = text.removeprefix("\ufeff")
    if any(c in text for c in ("\x00", "\x01", "\x02", "\x03", "\x04", "\x05", "\x06")):
        raise TimesheetError("binary")
    return text, encoding


def _delimiter(first_line: str) -> str:
    counts: dict[str, int] = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def read_table(data: bytes, *, encoding: str = "auto") -> Table:
    """Decode ``data`` and split it into a header and rows (blank rows left out)."""
    text, used = decode(data, encoding)
    first_line, _, rest = text.partition("\n")
    offset = 0
    # European Excel may write "sep=;" before the header to say which delimiter it used.
    if re.fullmatch(r"sep=(.)\r?", first_line):
        delimiter = first_line[4]
        text = rest
        offset = 1
    else:
        delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    columns: tuple[str, ...] | None = None
    rows: list[tuple[int, tuple[str, ...]]] = []
    line = 1
    try:
        for record in reader:
            start = line + offset
            line = reader.line_num + 1
            cells = tuple(c.strip() for c in record)
            if not any(cells):
                continue
            if columns is None:
                columns = tuple(c.removeprefix("\ufeff").strip() for c in cells)
                continue
            if len(rows) >= MAX_ROWS:
                raise TimesheetError("too_many_rows", limit=MAX_ROWS)
            rows.append((start, cells))
    except csv.Error as exc:
        raise TimesheetError("not_csv", line=reader.line_num + offset, detail=str(exc)) from None
    if columns is None:
        raise TimesheetError("empty")
    if len(columns) < 2:
        raise TimesheetError("no_columns")
    return Table(used, delimiter, columns, tuple(rows))


# -- detecting the tool ------------------------------------------------------------------------


def _find(columns: Sequence[str], *names: str) -> str | None:
    """The first column whose name (ignoring case and spacing) is one of ``names``."""
    wanted = [n.casefold() for n in names]
    folded = {" ".join(c.split()).casefold(): c for c in reversed(columns)}
    for name in wanted:
        if name in folded:
            return folded[name]
    return None


def detect(columns: Sequence[str]) -> tuple[Tool, Mapping]:
    """The tool that wrote a header row, and the mapping of its columns. An unknown header
    gives ``csv`` with whatever columns have telling names (date, hours, description...)."""
    has = {" ".join(c.split()).casefold() for c in columns}
    if {"start date", "start time"} <= has and ({"duration (h)", "duration (decimal)"} & has):
        return "clockify", Mapping(
            date=_find(columns, "Start Date"),
            start=_find(columns, "Start Time"),
            duration=_find(columns, "Duration (h)", "Duration (decimal)"),
            description=_find(columns, "Description"),
            project=_find(columns, "Project"),
            client=_find(columns, "Client"),
            user=_user(columns, "User", "Email"),
        )
    if {"start date", "start time", "duration"} <= has:
        return "toggl", Mapping(
            date=_find(columns, "Start date"),
            start=_find(columns, "Start time"),
            duration=_find(columns, "Duration"),
            description=_find(columns, "Description"),
            project=_find(columns, "Project"),
            client=_find(columns, "Client"),
            user=_user(columns, "Email", "User"),
        )
    if {"date", "hours"} <= has and ({"notes", "task", "first name"} & has):
        first, last = _find(columns, "First Name"), _find(columns, "Last Name")
        return "harvest", Mapping(
            date=_find(columns, "Date"),
            duration=_find(columns, "Hours"),
            description=_find(columns, "Notes"),
            project=_find(columns, "Project"),
            client=_find(columns, "Client"),
            user=tuple(c for c in (first, last) if c),
        )
    return "csv", Mapping(
        date=_find(columns, "Date", "Start date", "Day"),
        duration=_find(columns, "Hours", "Duration", "Time", "Duration (h)"),
        start=_find(columns, "Start time", "Start"),
        description=_find(columns, "Description", "Notes", "Note", "Task"),
        project=_find(columns, "Project"),
        client=_find(columns, "Client", "Customer"),
        user=_user(columns, "User", "Email", "Person", "Name"),
    )


def _user(columns: Sequence[str], *names: str) -> tuple[str, ...]:
    found = _find(columns, *names)
    return (found,) if found else ()


# -- values -------------------------------------------------------------------------------------

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?")
_YMD = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
_CLOCK = re.compile(r"(-?)(\d+):([0-5]?\d)(?::([0-5]?\d))?")
_DECIMAL = re.compile(r"-?\d+(?:[.,]\d+)?|-?[.,]\d+")


def _resolve_order(values: Iterable[str], tool: Tool) -> DateOrder:
    """Day-first or month-first for dates like 03/04/2026, judged from the whole file: a
    first number above 12 means day first, a second above 12 month first. When nothing tells,
    slashes are read month first (Clockify's US default) and dots or dashes day first."""
    first_over = second_over = False
    separator = ""
    for value in values:
        m = _NUMERIC.fullmatch(value)
        if m is None:
            continue
        separator = separator or m[2]
        first_over |= int(m[1]) > 12
        second_over |= int(m[3]) > 12
    if not separator:
        return "auto"
    if first_over != second_over:
        return "dmy" if first_over else "mdy"
    return "mdy" if separator == "/" and tool in ("clockify", "csv", "toggl") else "dmy"


def parse_date(value: str, order: DateOrder) -> dt.date | None:
    """A date as the tools write it: ISO (``2026-03-02``), or numeric in ``order``."""
    try:
        if m := _ISO.fullmatch(value):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _YMD.fullmatch(value):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if (m := _NUMERIC.fullmatch(value)) and order in ("mdy", "dmy"):
            year = int(m[4]) + (2000 if len(m[4]) == 2 else 0)
            month, day = (int(m[1]), int(m[3])) if order == "mdy" else (int(m[3]), int(m[1]))
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


def parse_duration(value: str) -> Decimal | None:
    """Exact hours from ``1:30:00``, ``1:30``, ``1.5`` or ``1,5``; None when unreadable."""
    if m := _CLOCK.fullmatch(value):
        seconds = int(m[2]) * 3600 + int(m[3]) * 60 + int(m[4] or 0)
        hours = Decimal(seconds) / Decimal(3600)
        return -hours if m[1] else hours
    if _DECIMAL.fullmatch(value):
        try:
            return Decimal(value.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            return None
    return None


def _key(tool: Tool, *parts: str) -> str:
    return hashlib.sha256("\x1f".join((tool, *parts)).encode("utf-8")).hexdigest()


# -- the timesheet ------------------------------------------------------------------------------


def parse_timesheet(
    table: Table,
    *,
    tool: Tool,
    mapping: Mapping,
    date_order: DateOrder = "auto",
    only_project: str | None = None,
    only_client: str | None = None,
) -> Timesheet:
    """Every row of ``table`` as an entry or a problem. Rows whose project (client) is not
    ``only_project`` (``only_client``) are left out, problems and all."""
    if tool not in TOOLS:
        raise TimesheetError("unknown_option", detail=f"tool {tool!r}")
    if date_order not in DATE_ORDERS:
        raise TimesheetError("unknown_option", detail=f"date order {date_order!r}")
    for what in ("date", "duration"):
        if not mapping.columns()[what]:
            raise TimesheetError("mapping_required", detail=what)
    index: dict[str, int] = {}
    for i, name in enumerate(table.columns):
        index.setdefault(name, i)
    for wanted in (*mapping.columns().values(), *mapping.user):
        if wanted and wanted not in index:
            raise TimesheetError("unknown_column", detail=wanted)

    def cell(cells: tuple[str, ...], name: str | None) -> str:
        if not name:
            return ""
        i = index[name]
        return cells[i] if i < len(cells) else ""

    projects = sorted({p for _, c in table.rows if (p := cell(c, mapping.project))})
    clients = sorted({p for _, c in table.rows if (p := cell(c, mapping.client))})
    kept = [
        (line, cells)
        for line, cells in table.rows
        if (only_project is None or cell(cells, mapping.project) == only_project)
        and (only_client is None or cell(cells, mapping.client) == only_client)
    ]
    if date_order == "auto":
        date_order = _resolve_order((cell(c, mapping.date) for _, c in kept), tool)

    entries: list[TimeEntry] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for line, cells in kept:
        raw_date = cell(cells, mapping.date)
        raw_duration = cell(cells, mapping.duration)
        date = parse_date(raw_date, date_order) if raw_date else None
        exact = parse_duration(raw_duration) if raw_duration else None
        row_problems = []
        if not raw_date:
            row_problems.append(RowProblem(line, "date_missing"))
        elif date is None:
            row_problems.append(RowProblem(line, "date_invalid", raw_date))
        if not raw_duration:
            row_problems.append(RowProblem(line, "duration_missing"))
        elif exact is None:
            row_problems.append(RowProblem(line, "duration_invalid", raw_duration))
        elif exact <= 0:
            row_problems.append(RowProblem(line, "duration_not_positive", raw_duration))
        elif exact > MAX_HOURS:
            row_problems.append(RowProblem(line, "duration_too_long", raw_duration))
        elif exact.quantize(HOURS_QUANTUM, rounding=ROUND_HALF_UP) == 0:
            row_problems.append(RowProblem(line, "duration_too_short", raw_duration))
        if row_problems or date is None or exact is None:
            problems.extend(row_problems)
            continue
        description = " ".join(cell(cells, mapping.description).split())
        user = " ".join(cell(cells, c) for c in mapping.user).strip()
        start = cell(cells, mapping.start)
        key = _key(tool, date.isoformat(), start, format(exact.normalize(), "f"), description, user)
        if key in seen:
            problems.append(RowProblem(line, "duplicate_in_file", str(seen[key])))
            continue
        seen[key] = line
        entries.append(
            TimeEntry(
                line=line,
                date=date,
                hours=exact.quantize(HOURS_QUANTUM, rounding=ROUND_HALF_UP),
                description=description,
                project=cell(cells, mapping.project),
                client=cell(cells, mapping.client),
                user=user,
                key=key,
            )
        )
    return Timesheet(
        tool=tool,
        encoding=table.encoding,
        delimiter=table.delimiter,
        columns=table.columns,
        mapping=mapping,
        date_order=date_order,
        entries=tuple(entries),
        problems=tuple(problems),
        filtered_out=len(table.rows) - len(kept),
        projects=tuple(projects),
        clients=tuple(clients),
    )


def read_timesheet(
    data: bytes,
    *,
    encoding: str = "auto",
    mapping: Mapping | None = None,
    date_order: DateOrder = "auto",
    only_project: str | None = None,
    only_client: str | None = None,
) -> Timesheet:
    """:func:`read_table`, :func:`detect` and :func:`parse_timesheet` in one: the detected
    mapping unless ``mapping`` is given (the tool stays the detected one, for the keys)."""
    table = read_table(data, encoding=encoding)
    tool, detected = detect(table.columns)
    return parse_timesheet(
        table,
        tool=tool,
        mapping=mapping or detected,
        date_order=date_order,
        only_project=only_project,
        only_client=only_client,
    )


__all__ = [
    "DATE_ORDERS",
    "ENCODINGS",
    "MAX_BYTES",
    "MAX_ROWS",
    "TOOLS",
    "Mapping",
    "RowProblem",
    "Table",
    "TimeEntry",
    "Timesheet",
    "TimesheetError",
    "decode",
    "detect",
    "parse_date",
    "parse_duration",
    "parse_timesheet",
    "read_table",
    "read_timesheet",
]
