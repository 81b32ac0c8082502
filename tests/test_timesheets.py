"""Time-tracker CSV exports read into hours: the three tools, encodings, delimiters, dates,
durations, duplicate keys and the per-line problems (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from scopeline.core.timesheets import (
    MAX_BYTES,
    MAX_ROWS,
    Mapping,
    TimesheetError,
    detect,
    parse_date,
    parse_duration,
    parse_timesheet,
    read_table,
    read_timesheet,
)

DATA = Path(__file__).resolve().parent / "data" / "timesheets"
D = Decimal


def load(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_toggl_detailed_export() -> None:
    raw = load("toggl-detailed.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    sheet = read_timesheet(raw)
    assert sheet.tool == "toggl"
    assert sheet.tool_name == "Toggl Track"
    assert sheet.delimiter == ","
    assert sheet.columns[0] == "User"  # no BOM left on the first column
    assert sheet.problems == ()
    assert [e.line for e in sheet.entries] == [2, 3, 4, 5, 6]
    first, second, third = sheet.entries[:3]
    assert (first.date, first.hours, first.description) == (
        dt.date(2026, 3, 2),
        D("2.50"),
        "Etusivun asettelu",
    )
    assert second.description == "Palaveri: sisältö, aikataulu"
    assert (second.project, second.client, second.user) == (
        "Acme website",
        "Acme Oy",
        "maria@studio.example",
    )
    assert third.hours == D("1.84")  # 1:50:30 = 1.8416... rounded half up
    assert sheet.projects == ("Acme website", "Meniu online")
    assert sheet.clients == ("Acme Oy", "Bistro Dunărea")
    assert sheet.total_hours == D("2.50") + D("0.75") + D("1.84") + D("1.00") + D("0.67")


def test_the_project_and_client_filters_leave_rows_out() -> None:
    raw = load("toggl-detailed.csv")
    sheet = read_timesheet(raw, only_project="Acme website")
    assert len(sheet.entries) == 4
    assert sheet.filtered_out == 1
    assert {e.project for e in sheet.entries} == {"Acme website"}
    sheet = read_timesheet(raw, only_client="Bistro Dunărea")
    assert [e.description for e in sheet.entries] == ["Fotografii meniu"]
    assert sheet.filtered_out == 4
    # The filter lists still show every project, so the user can switch.
    assert sheet.projects == ("Acme website", "Meniu online")
    assert read_timesheet(raw, only_project="Nope").entries == ()


def test_clockify_us_export_reads_month_first() -> None:
    sheet = read_timesheet(load("clockify-detailed-us.csv"))
    assert sheet.tool == "clockify"
    assert sheet.mapping.duration == "Duration (h)"
    assert sheet.date_order == "mdy"  # 03/13/2026 can only be month first
    assert [e.date for e in sheet.entries] == [
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 13),
        dt.date(2026, 3, 13),
        dt.date(2026, 3, 14),
    ]
    assert [e.hours for e in sheet.entries] == [D("3.00"), D("1.75"), D("0.33"), D("0.50")]
    assert sheet.entries[2].description == "API review, notes"


def test_clockify_european_excel_export() -> None:
    raw = load("clockify-detailed-eu.csv")
    assert b";" in raw.splitlines()[0]
    sheet = read_timesheet(raw)
    assert (sheet.tool, sheet.delimiter, sheet.date_order) == ("clockify", ";", "dmy")
    assert [e.date for e in sheet.entries] == [
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 17),
        dt.date(2026, 3, 18),
    ]
    assert [e.hours for e in sheet.entries] == [D("1.50"), D("2.25"), D("0.50")]
    assert sheet.entries[2].description == "Traduceri „meniul zilei”"
    # The decimal column with a decimal comma reads the same.
    decimal = Mapping(date="Start Date", duration="Duration (decimal)")
    other = read_timesheet(raw, mapping=decimal)
    assert [e.hours for e in other.entries] == [D("1.50"), D("2.25"), D("0.50")]


def test_the_date_order_can_be_chosen_and_is_checked() -> None:
    raw = load("clockify-detailed-us.csv")
    sheet = read_timesheet(raw, date_order="dmy")
    # 03/13/2026 is no date day first: those lines are reported, the others read as March 2...
    assert [(p.line, p.code, p.value) for p in sheet.problems] == [
        (3, "date_invalid", "03/13/2026"),
        (4, "date_invalid", "03/13/2026"),
        (5, "date_invalid", "03/14/2026"),
    ]
    assert [e.date for e in sheet.entries] == [dt.date(2026, 2, 3)]


def test_harvest_time_report() -> None:
    sheet = read_timesheet(load("harvest-time-report.csv"))
    assert sheet.tool == "harvest"
    assert sheet.mapping.user == ("First Name", "Last Name")
    assert [(e.date, e.hours, e.description, e.user) for e in sheet.entries] == [
        (dt.date(2026, 3, 2), D("2.50"), "Booking page concepts", "Maria Demo"),
        (dt.date(2026, 3, 3), D("4.00"), "Doctor profiles, Chinese fonts", "Ana Teammate"),
        (dt.date(2026, 3, 4), D("0.25"), "", "Maria Demo"),
        (dt.date(2026, 3, 4), D("1.00"), "Product page", "Maria Demo"),
    ]


def test_windows_encoding_is_refused_with_its_line_then_read_when_named() -> None:
    raw = load("harvest-excel-cp1252.csv")
    with pytest.raises(TimesheetError) as caught:
        read_timesheet(raw)
    assert caught.value.code == "encoding"
    assert caught.value.line == 2
    assert "line 2" in str(caught.value)
    sheet = read_timesheet(raw, encoding="cp1252")
    assert sheet.tool == "harvest"
    assert sheet.delimiter == ";"
    assert [(e.hours, e.description, e.user) for e in sheet.entries] == [
        (D("1.50"), "Menü & café photos", "José Müller"),
        (D("3.25"), "Réservations", "José Müller"),
    ]


def test_utf16_with_a_byte_order_mark() -> None:
    text = load("harvest-time-report.csv").decode("utf-8").replace(",", "\t")
    sheet = read_timesheet(text.encode("utf-16"))
    assert (sheet.tool, sheet.encoding, sheet.delimiter) == ("harvest", "utf-16", "\t")
    assert len(sheet.entries) == 4


def test_excel_sep_line_names_the_delimiter() -> None:
    raw = b"sep=;\r\nDate;Hours;Notes\r\n2026-03-02;1,5;x\r\n"
    sheet = read_timesheet(raw)
    assert sheet.delimiter == ";"
    assert [(e.line, e.hours) for e in sheet.entries] == [(3, D("1.50"))]


def test_every_bad_row_is_reported_by_its_line() -> None:
    sheet = read_timesheet(load("toggl-bad-rows.csv"))
    assert [(p.line, p.code) for p in sheet.problems] == [
        (3, "duration_not_positive"),
        (4, "duration_not_positive"),
        (5, "date_invalid"),
        (6, "date_missing"),
        (7, "duration_invalid"),
        (8, "duration_too_long"),
        (9, "duplicate_in_file"),
        (12, "duration_too_short"),  # the note over two lines took lines 10 and 11
    ]
    assert sheet.problems[6].value == "2"
    assert sheet.problems[0].message == "line 3: the duration '-01:00:00' is not more than zero"
    assert [(e.line, e.description) for e in sheet.entries] == [
        (2, "Good row"),
        (10, "A note over two lines"),
    ]


def test_an_unknown_header_needs_a_mapping() -> None:
    raw = load("unknown-header.csv")
    table = read_table(raw)
    assert table.columns == ("Päivä", "Tehty", "Tunnit")
    tool, mapping = detect(table.columns)
    assert tool == "csv"
    assert mapping.date is None
    assert mapping.duration is None
    with pytest.raises(TimesheetError) as caught:
        read_timesheet(raw)
    assert caught.value.code == "mapping_required"
    chosen = Mapping(date="Päivä", duration="Tunnit", description="Tehty")
    sheet = parse_timesheet(table, tool=tool, mapping=chosen)
    assert sheet.date_order == "dmy"  # dots: day first
    assert [(e.date, e.hours, e.description) for e in sheet.entries] == [
        (dt.date(2026, 3, 2), D("2.50"), "Etusivu"),
        (dt.date(2026, 3, 3), D("1.25"), "Lomake"),
    ]
    with pytest.raises(TimesheetError) as caught:
        parse_timesheet(table, tool=tool, mapping=Mapping(date="Päivä", duration="Hours"))
    assert caught.value.code == "unknown_column"
    assert caught.value.detail == "Hours"


def test_keys_are_stable_and_tell_entries_apart() -> None:
    raw = load("toggl-detailed.csv")
    first = read_timesheet(raw)
    again = read_timesheet(raw.replace(b"\r\n", b"\n").removeprefix(b"\xef\xbb\xbf"))
    assert [e.key for e in first.entries] == [e.key for e in again.entries]
    assert len({e.key for e in first.entries}) == len(first.entries)
    assert all(len(e.key) == 64 for e in first.entries)
    # Another user, or another start time, is another entry.
    other = read_timesheet(raw.replace(b"maria@studio.example", b"mia@studio.example", 1))
    assert other.entries[0].key != first.entries[0].key
    assert other.entries[1].key == first.entries[1].key


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"   \r\n\r\n", "empty"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 50, "spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"Date,Hours\n2026-03-02,1\x00\x01\x02", "binary"),
        (b"just one column\nand another line\n", "no_columns"),
        (b"Date,Hours\n2026-03-02,\xff\xfe1\n", "encoding"),
    ],
)
def test_files_that_are_not_timesheets(data: bytes, code: str) -> None:
    with pytest.raises(TimesheetError) as caught:
        read_timesheet(data)
    assert caught.value.code == code
    assert str(caught.value)


def test_size_and_row_limits() -> None:
    with pytest.raises(TimesheetError) as caught:
        read_table(b"Date,Hours\n" + b"2026-03-02,1\n" * (MAX_BYTES // 12 + 1))
    assert caught.value.code == "too_large"
    with pytest.raises(TimesheetError) as caught:
        read_table(b"Date,Hours\n" + b"2026-03-02,1\n" * (MAX_ROWS + 1))
    assert caught.value.code == "too_many_rows"
    table = read_table(b"Date,Hours\n" + b"2026-03-02,1\n" * MAX_ROWS)
    assert len(table.rows) == MAX_ROWS


def test_a_huge_field_is_not_csv() -> None:
    with pytest.raises(TimesheetError) as caught:
        read_table(b'Date,Hours\n"' + b"x" * 200_000 + b'",1\n')
    assert caught.value.code == "not_csv"
    assert caught.value.line == 2


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("1:30:00", D("1.5")),
        ("01:30", D("1.5")),
        ("0:00:36", D("0.01")),
        ("100:00:00", D(100)),
        ("1.25", D("1.25")),
        ("1,25", D("1.25")),
        (",5", D("0.5")),
        ("-2", D(-2)),
        ("-0:30:00", D("-0.5")),
        ("1:75:00", None),
        ("1.2.3", None),
        ("1h30", None),
        ("", None),
    ],
)
def test_durations(text: str, hours: Decimal | None) -> None:
    assert parse_duration(text) == hours


@pytest.mark.parametrize(
    ("text", "order", "date"),
    [
        ("2026-03-02", "auto", dt.date(2026, 3, 2)),
        ("2026-03-02 09:15", "auto", dt.date(2026, 3, 2)),
        ("2026/03/02", "auto", dt.date(2026, 3, 2)),
        ("03/02/2026", "mdy", dt.date(2026, 3, 2)),
        ("03/02/2026", "dmy", dt.date(2026, 2, 3)),
        ("03/02/2026", "auto", None),  # a numeric date needs an order
        ("2.3.26", "dmy", dt.date(2026, 3, 2)),
        ("2026-02-29", "auto", None),
        ("yesterday", "dmy", None),
    ],
)
def test_dates(text: str, order: str, date: dt.date | None) -> None:
    assert parse_date(text, order) == date  # type: ignore[arg-type]


def test_bad_options_are_refused() -> None:
    with pytest.raises(TimesheetError):
        read_timesheet(load("toggl-detailed.csv"), encoding="ebcdic")
    with pytest.raises(TimesheetError):
        read_timesheet(load("toggl-detailed.csv"), date_order="ydm")  # type: ignore[arg-type]
