"""Server-side SVG charts: well-formed, accessible, escaped, deterministic, inside the viewBox."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from decimal import Decimal, localcontext
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scopeline.core.charts import (
    FONT_FAMILY,
    Bar,
    Point,
    allowance_chart,
    bar_chart,
    hours_chart,
    nice_ticks,
)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & \'q\' "dq" ]]> \x00\x1b'
HOSTILE_CLEAN = '<script>alert("x")</script> & \'q\' "dq" ]]> '
START = dt.date(2025, 3, 1)
COORDINATES = {"x", "y", "cx", "cy", "x1", "x2", "y1", "y2", "width", "height", "r"}
ONE_DECIMAL = re.compile(r"-?\d+(\.\d)?")


def hours(
    points: list[Point],
    budget: Decimal | None = Decimal(40),
    label: str = "Hours",
    **kwargs: str,
) -> str:
    return hours_chart(
        points,
        budget=budget,
        title=kwargs.get("title", "Hours against the budget"),
        budget_label=kwargs.get("budget_label", "Budget"),
        hours_label=label,
        format_date=lambda day: day.isoformat(),
        format_value=str,
        empty_label=kwargs.get("empty_label", ""),
    )


def points(*values: str | int | Decimal, step: int = 3) -> list[Point]:
    return [Point(START + dt.timedelta(days=i * step), Decimal(v)) for i, v in enumerate(values)]


def allowances(bars: list[Bar], title: str = "Allowances") -> str:
    return allowance_chart(
        bars, title=title, format_value=str, used_label="Used", agreed_label="Agreed"
    )


def bars(values: list[tuple[str, Decimal]], title: str = "Requests") -> str:
    return bar_chart(values, title=title, format_value=str)


CHARTS: dict[str, Callable[[str], str]] = {
    "hours": lambda title: hours(points(4, 12, 30, 44), title=title),
    "hours-empty": lambda title: hours([], title=title, empty_label="No hours yet"),
    "allowances": lambda title: allowances(
        [Bar("Concepts", Decimal(3), Decimal(3)), Bar("Rounds", Decimal(4), None)], title
    ),
    "bars": lambda title: bars([("accept", Decimal(5)), ("decline", Decimal(0))], title),
}


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def view_box(root: ET.Element) -> tuple[Decimal, Decimal]:
    left, top, width, height = (Decimal(n) for n in root.attrib["viewBox"].split())
    assert left == top == 0
    return width, height


def path_points(d: str) -> Iterator[tuple[Decimal, Decimal]]:
    tokens = d.split()
    assert tokens[0] == "M"
    for i in range(0, len(tokens), 3):
        assert tokens[i] in {"M", "L"}
        yield Decimal(tokens[i + 1]), Decimal(tokens[i + 2])


def assert_inside(svg: str) -> ET.Element:
    """Every coordinate has at most one decimal and lies inside the viewBox."""
    root = parse(svg)
    width, height = view_box(root)
    for element in list(root.iter())[1:]:
        numbers = {k: v for k, v in element.attrib.items() if k in COORDINATES}
        for key, value in numbers.items():
            assert ONE_DECIMAL.fullmatch(value), (key, value)
        at = {k: Decimal(v) for k, v in numbers.items()}
        for key in ("x", "cx", "x1", "x2"):
            assert 0 <= at.get(key, 0) <= width, (element.tag, key, at)
        for key in ("y", "cy", "y1", "y2"):
            assert 0 <= at.get(key, 0) <= height, (element.tag, key, at)
        if element.tag == f"{SVG}rect":
            assert at["width"] > 0
            assert at["x"] + at["width"] <= width
            assert at["y"] + at["height"] <= height
        if element.tag == f"{SVG}path":
            for x, y in path_points(element.attrib["d"]):
                assert ONE_DECIMAL.fullmatch(str(x))
                assert 0 <= x <= width
                assert 0 <= y <= height
    return root


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    """The elements with the class ``name``, but not the legend's swatches, which share it."""
    classes = [(e, e.attrib.get("class", "").split()) for e in root.iter()]
    return [e for e, c in classes if name in c and "legend-swatch" not in c]


def texts(root: ET.Element, name: str | None = None) -> list[str]:
    elements = root.iter(f"{SVG}text") if name is None else with_class(root, name)
    return [e.text or "" for e in elements]


@pytest.mark.parametrize("kind", CHARTS)
def test_well_formed_accessible_and_self_contained(kind: str) -> None:
    svg = CHARTS[kind]("Hours logged in March")
    root = assert_inside(svg)
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == "Hours logged in March"
    assert root.findtext(f"{SVG}title") == "Hours logged in March"
    assert root.attrib["width"] == "100%"
    assert "height" not in root.attrib
    for banned in ("<script", "href", "style", "url(", "<?xml", "@import"):
        assert banned not in svg
    for element in root.iter():
        if element is not root and element.tag != f"{SVG}title":
            assert element.attrib.get("class"), element.tag
        if element.tag in {f"{SVG}rect", f"{SVG}circle"}:
            assert element.attrib["fill"].startswith("#")
        if element.tag in {f"{SVG}line", f"{SVG}path"}:
            assert element.attrib["stroke"].startswith("#")
    for text in root.iter(f"{SVG}text"):
        assert (
            text.attrib["font-family"] == FONT_FAMILY == "system-ui, 'Noto Sans CJK SC', sans-serif"
        )


@pytest.mark.parametrize("kind", CHARTS)
def test_deterministic_whatever_the_decimal_context(kind: str) -> None:
    first = CHARTS[kind]("t")
    assert CHARTS[kind]("t") == first
    with localcontext() as context:
        context.prec = 3
        assert CHARTS[kind]("t") == first


def test_hostile_text_is_escaped_everywhere() -> None:
    svgs = [
        hours(points(1, 50), label=HOSTILE, title=HOSTILE, budget_label=HOSTILE),
        hours([], title=HOSTILE, empty_label=HOSTILE),
        allowances([Bar(HOSTILE, Decimal(1), Decimal(2))], HOSTILE),
        bar_chart([(HOSTILE, Decimal(1))], title=HOSTILE, format_value=lambda v: HOSTILE),
        allowance_chart(
            [Bar("a", Decimal(1), None)],
            title="t",
            format_value=lambda v: HOSTILE,
            used_label=HOSTILE,
            agreed_label=HOSTILE,
        ),
    ]
    for svg in svgs:
        assert "<script>" not in svg
        assert "\x00" not in svg
        root = parse(svg)
        assert HOSTILE_CLEAN in [*texts(root), root.findtext(f"{SVG}title")]
    root = parse(svgs[0])
    assert root.attrib["aria-label"] == HOSTILE_CLEAN
    assert root.findtext(f"{SVG}title") == HOSTILE_CLEAN


def test_chinese_labels_are_kept() -> None:
    root = assert_inside(
        hours_chart(
            points(3, 8),
            budget=Decimal(10),
            title="项目工时与预算",
            budget_label="预算",
            hours_label="已记录工时",
            format_date=lambda day: f"{day.month}月{day.day}日",
            format_value=lambda v: f"{v} 小时",
        )
    )
    assert root.attrib["aria-label"] == "项目工时与预算"
    assert {"预算", "已记录工时", "3月1日", "3月4日", "0 小时"} <= set(texts(root))
    root = parse(allowances([Bar("修改輪次", Decimal(1), Decimal(2))], "範圍"))
    assert "修改輪次" in texts(root, "row-label")


def test_empty_hours_draw_axes_and_the_caller_label() -> None:
    root = assert_inside(hours([], budget=None, empty_label="还没有工时"))
    assert len(with_class(root, "axis")) == 2
    assert texts(root, "empty") == ["还没有工时"]
    assert texts(root, "tick-label") == ["0", "0.25", "0.5", "0.75", "1"]
    assert not with_class(root, "dot")
    assert not with_class(root, "budget")
    root = assert_inside(hours([], budget=Decimal(8)))
    assert len(with_class(root, "budget")) == 1
    assert texts(root, "empty") == []


def test_empty_and_zero_bars() -> None:
    root = assert_inside(bar_chart([], title="t", format_value=str, empty_label="None yet"))
    assert texts(root, "empty") == ["None yet"]
    root = assert_inside(bars([("accept", Decimal(0)), ("decline", Decimal(0))]))
    assert not root.findall(f".//{SVG}rect")
    assert texts(root, "value") == ["0", "0"]
    root = assert_inside(allowances([]))
    assert texts(root, "legend") == ["Used", "Agreed"]
    root = assert_inside(allowances([Bar("Concepts", Decimal(0), Decimal(0))]))
    assert texts(root, "value") == ["0 / 0"]


def test_over_budget_is_coloured_only_when_over() -> None:
    for under in (points(4, 12, 30), points(4, 40), points(), points(0, 0)):
        assert not with_class(parse(hours(under)), "over")
    assert not with_class(parse(hours(points(4, 90), budget=None)), "over")
    root = parse(hours(points(4, 12, 30, 44)))
    budget_y = Decimal(with_class(root, "budget")[0].attrib["y1"])
    over_paths = [e for e in with_class(root, "over") if e.tag == f"{SVG}path"]
    assert len(over_paths) == 1
    assert over_paths[0].attrib["stroke"] == "#dc2626"
    over_ys = [y for _, y in path_points(over_paths[0].attrib["d"])]
    assert max(over_ys) == budget_y  # starts on the budget line, where the line crosses it
    assert all(y <= budget_y for y in over_ys)
    under_path = next(e for e in with_class(root, "hours-line") if e not in over_paths)
    assert all(y >= budget_y for _, y in path_points(under_path.attrib["d"]))
    assert [e.attrib["class"] for e in with_class(root, "dot")] == ["dot"] * 3 + ["dot over"]


def test_allowance_over_is_coloured_only_when_over() -> None:
    fine = [Bar("a", Decimal(2), Decimal(3)), Bar("b", Decimal(3), Decimal(3))]
    assert not with_class(parse(allowances([*fine, Bar("c", Decimal(9), None)])), "over")
    root = assert_inside(allowances([Bar("Rounds", Decimal(4), Decimal(2))]))
    used = with_class(root, "used")[0]
    (over,) = with_class(root, "over")
    assert over.attrib["fill"] == "#dc2626"
    assert Decimal(used.attrib["width"]) == Decimal(over.attrib["width"])  # 2 agreed, 2 beyond
    assert texts(root, "value") == ["4 / 2"]


def test_allowance_without_agreement_shows_used_only() -> None:
    root = assert_inside(allowances([Bar("Meetings", Decimal(2), None)]))
    assert texts(root, "value") == ["2"]
    assert [e.attrib["class"] for e in root.iter(f"{SVG}rect")][-1] == "track none"


def test_allowance_height_grows_with_bars() -> None:
    heights = [
        view_box(parse(allowances([Bar(str(i), Decimal(i), Decimal(5)) for i in range(n)])))[1]
        for n in (1, 2, 5)
    ]
    assert heights[0] < heights[1] < heights[2]
    assert heights[2] - heights[1] == 3 * (heights[1] - heights[0])


def test_bar_lengths_are_proportional_with_value_after_each() -> None:
    root = assert_inside(bars([("a", Decimal(5)), ("b", Decimal(10)), ("c", Decimal(0))]))
    first, second = (Decimal(r.attrib["width"]) for r in root.iter(f"{SVG}rect"))
    assert abs(second - 2 * first) <= Decimal("0.1")
    assert texts(root, "value") == ["5", "10", "0"]
    assert texts(root, "row-label") == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("upper", "expected"),
    [
        ("1", ["0", "0.25", "0.5", "0.75", "1"]),
        ("44", ["0", "20", "40", "60"]),
        ("48.4", ["0", "20", "40", "60"]),
        ("11", ["0", "5", "10", "15"]),
        ("0.033", ["0", "0.01", "0.02", "0.03", "0.04"]),
        ("9", ["0", "2.5", "5", "7.5", "10"]),
        ("1100", ["0", "500", "1000", "1500"]),
        ("0", ["0", "0.25", "0.5", "0.75", "1"]),
    ],
)
def test_nice_ticks_examples(upper: str, expected: list[str]) -> None:
    assert [str(t) for t in nice_ticks(Decimal(upper))] == expected


def assert_nice(ticks: list[Decimal], upper: Decimal) -> None:
    assert ticks[0] == 0
    assert 4 <= len(ticks) <= 5
    step = ticks[1]
    assert all(b - a == step for a, b in pairwise(ticks))
    assert step.scaleb(-step.adjusted()).normalize() in {1, 2, Decimal("2.5"), 5}
    assert ticks[-2] < upper <= ticks[-1]


@given(st.decimals(min_value=Decimal("1e-12"), max_value=Decimal("1e15"), allow_nan=False))
def test_nice_ticks_are_nice(upper: Decimal) -> None:
    assert_nice(nice_ticks(upper), upper)


def test_axis_ticks_are_nice_and_cover_a_tenth_more_than_the_data() -> None:
    for values, budget in (((4, 12, 30, 44), Decimal(40)), ((1, 2), Decimal(250)), ((7,), None)):
        root = assert_inside(hours(points(*values), budget=budget))
        ticks = [Decimal(t) for t in texts(root, "tick-label")]
        assert_nice(
            ticks, max([Decimal(v) for v in values] + [budget or Decimal(0)]) * Decimal("1.1")
        )


def test_date_labels_first_middle_last() -> None:
    root = parse(hours(points(1, 2, 3, step=10)))
    assert texts(root, "date-label") == ["2025-03-01", "2025-03-21", "2025-03-11"]
    anchors = [e.attrib["text-anchor"] for e in with_class(root, "date-label")]
    assert anchors == ["start", "end", "middle"]
    root = parse(hours(points(1, 2, step=0)))
    assert texts(root, "date-label") == ["2025-03-01"]


def test_legend_and_dashed_budget_line() -> None:
    root = parse(hours(points(1, 5), label="Hours logged", budget_label="Budget 40 h"))
    assert texts(root, "legend") == ["Hours logged", "Budget 40 h"]
    assert texts(root, "budget-label") == ["Budget 40 h"]
    assert with_class(root, "budget")[0].attrib["stroke-dasharray"] == "6 4"
    assert texts(parse(hours(points(1), budget=None)), "legend") == ["Hours"]


def test_long_legend_wraps_inside_the_chart() -> None:
    root = assert_inside(hours(points(1, 5), label="工" * 40, budget_label="预" * 30))
    first, second = with_class(root, "legend")
    assert Decimal(second.attrib["y"]) > Decimal(first.attrib["y"])


def test_decimals_with_many_digits() -> None:
    many = Decimal("12.3456789012345678901234567890123456789")
    assert_inside(hours(points(many, many * 3), budget=Decimal("29.99999999999999999999999")))
    assert_inside(hours(points("0.000000000000000000001", "1e-20"), budget=None))
    assert_inside(bars([("a", many), ("b", Decimal("1e-25"))]))
    assert_inside(allowances([Bar("a", many, Decimal("3.333333333333333333333333"))]))


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        hours(points(1, -2))
    with pytest.raises(ValueError, match="non-negative"):
        hours(points(1), budget=Decimal("NaN"))
    with pytest.raises(ValueError, match="non-negative"):
        bars([("a", Decimal("Infinity"))])
    with pytest.raises(ValueError, match="non-negative"):
        allowances([Bar("a", Decimal(1), Decimal(-1))])
    with pytest.raises(ValueError, match="sorted"):
        hours(list(reversed(points(1, 2))))
    with pytest.raises(ValueError, match="too small"):
        bar_chart([], title="t", format_value=str, width=100)


amounts = st.decimals(min_value=0, max_value=Decimal("1e9"), allow_nan=False, allow_infinity=False)


@given(
    values=st.lists(amounts, max_size=30),
    gaps=st.lists(st.integers(min_value=0, max_value=400), min_size=30, max_size=30),
    budget=st.none() | amounts,
)
def test_any_hours_give_a_well_formed_chart_inside_the_view_box(
    values: list[Decimal], gaps: list[int], budget: Decimal | None
) -> None:
    days = [START + dt.timedelta(days=sum(gaps[: i + 1])) for i in range(len(values))]
    svg = hours([Point(d, v) for d, v in zip(days, values, strict=True)], budget=budget)
    root = assert_inside(svg)
    over = budget is not None and any(v > budget for v in values)
    assert bool(with_class(root, "over")) == over


@given(
    values=st.lists(amounts, max_size=12),
    agreed=st.lists(st.none() | amounts, min_size=12, max_size=12),
)
def test_any_bars_give_a_well_formed_chart_inside_the_view_box(
    values: list[Decimal], agreed: list[Decimal | None]
) -> None:
    assert_inside(bars([(f"row {i}", v) for i, v in enumerate(values)]))
    rows = [Bar(f"row {i}", v, a) for i, (v, a) in enumerate(zip(values, agreed, strict=False))]
    root = assert_inside(allowances(rows))
    over = any(r.agreed is not None and r.used > r.agreed for r in rows)
    assert bool(with_class(root, "over")) == over
