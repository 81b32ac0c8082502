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
    trend_chart,
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


def trend(
    values: list[Point], *, threshold: Decimal | None = Decimal(50), title: str = "Score"
) -> str:
    return trend_chart(
        values,
        title=title,
        line_label="Score",
        format_date=lambda day: day.isoformat(),
        format_value=str,
        upper=Decimal(100),
        threshold=threshold,
        threshold_label="Consider ending below",
        empty_label="No readings yet",
    )


CHARTS: dict[str, Callable[[str], str]] = {
    "hours": lambda title: hours(points(4, 12, 30, 44), title=title),
    "hours-empty": lambda title: hours([], title=title, empty_label="No hours yet"),
    "allowances": lambda title: allowances(
        [Bar("Concepts", Decimal(3), Decimal(3)), Bar("Rounds", Decimal(4), None)], title
    ),
    "bars": lambda title: bars([("accept", Decimal(5)), ("decline", Decimal(0))], title),
    "trend": lambda title: trend(points(100, 80, 45, 30, step=7), title=title),
    "trend-empty": lambda title: trend([], title=title),
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


def test_trend_has_a_fixed_score_axis_and_marks_the_points_below_the_threshold() -> None:
    root = assert_inside(trend(points(100, 70, 45, 50, 20, step=7)))
    assert texts(root, "tick-label") == ["0", "25", "50", "75", "100"]
    assert [e.attrib["class"] for e in with_class(root, "dot")] == [
        "dot",
        "dot",
        "dot below",
        "dot",  # on the threshold is not below it
        "dot below",
    ]
    assert all(e.attrib["fill"] == "#dc2626" for e in with_class(root, "below"))
    (line,) = with_class(root, "trend-line")
    assert len(list(path_points(line.attrib["d"]))) == 5
    threshold_y = Decimal(with_class(root, "threshold")[0].attrib["y1"])
    below_ys = [Decimal(e.attrib["cy"]) for e in with_class(root, "below")]
    assert all(y > threshold_y for y in below_ys)  # lower on the chart than the dashed line
    assert texts(root, "legend") == ["Score", "Consider ending below"]
    assert texts(root, "date-label") == ["2025-03-01", "2025-03-29"]


def test_trend_without_threshold_or_points() -> None:
    root = assert_inside(trend(points(90, 95), threshold=None))
    assert not with_class(root, "below")
    assert not with_class(root, "threshold")
    assert texts(root, "legend") == ["Score"]
    root = assert_inside(trend([]))
    assert texts(root, "empty") == ["No readings yet"]
    assert not with_class(root, "trend-line")
    root = assert_inside(trend(points(60)))  # one reading: a dot, no line
    assert len(with_class(root, "dot")) == 1
    assert not with_class(root, "trend-line")


def test_trend_axis_grows_past_the_upper_bound_when_a_value_does() -> None:
    root = assert_inside(trend(points(120, 10)))
    assert texts(root, "tick-label") == ["0", "50", "100", "150"]


def test_trend_escapes_hostile_text_and_refuses_bad_input() -> None:
    svg = trend_chart(
        points(1, 2),
        title=HOSTILE,
        line_label=HOSTILE,
        format_date=lambda day: HOSTILE,
        format_value=lambda v: HOSTILE,
        threshold=Decimal(1),
        threshold_label=HOSTILE,
    )
    assert "<script>" not in svg
    root = parse(svg)
    assert HOSTILE_CLEAN in texts(root, "legend")
    assert root.attrib["aria-label"] == HOSTILE_CLEAN
    with pytest.raises(ValueError, match="non-negative"):
        trend(points(1, -2))
    with pytest.raises(ValueError, match="non-negative"):
        trend(points(1), threshold=Decimal("NaN"))
    with pytest.raises(ValueError, match="sorted"):
        trend(list(reversed(points(1, 2))))


@given(
    values=st.lists(st.integers(min_value=0, max_value=100), max_size=20),
    gaps=st.lists(st.integers(min_value=0, max_value=40), min_size=20, max_size=20),
    threshold=st.none() | st.integers(min_value=0, max_value=100),
)
def test_any_trend_gives_a_well_formed_chart_inside_the_view_box(
    values: list[int], gaps: list[int], threshold: int | None
) -> None:
    days = [START + dt.timedelta(days=sum(gaps[: i + 1])) for i in range(len(values))]
    limit = None if threshold is None else Decimal(threshold)
    root = assert_inside(
        trend([Point(d, Decimal(v)) for d, v in zip(days, values, strict=True)], threshold=limit)
    )
    below = threshold is not None and any(v < threshold for v in values)
    assert bool(with_class(root, "below")) == below


# -- the dashboard's charts: grouped bars, stacked columns, sparklines -------------------------

from scopeline.core.charts import (  # noqa: E402
    Group,
    Series,
    grouped_bar_chart,
    sparkline,
    stacked_column_chart,
)

TWO = [Series("Charged", "#2563eb"), Series("Favours", "#f59e0b")]
BANDS = [Series("End", "#dc2626"), Series("Watch", "#d97706"), Series("Healthy", "#16a34a")]


def grouped(groups: list[Group], title: str = "Hours", **kwargs: str) -> str:
    return grouped_bar_chart(
        groups,
        series=TWO,
        title=title,
        description=kwargs.get("description", "Charged and given away, per client"),
        format_value=str,
        empty_label=kwargs.get("empty_label", ""),
    )


def columns(groups: list[Group], title: str = "Clients by health") -> str:
    return stacked_column_chart(
        groups, series=BANDS, title=title, description="Per range", format_value=str
    )


def g(label: str, *values: str | int) -> Group:
    return Group(label, tuple(Decimal(v) for v in values))


DASHBOARD_CHARTS: dict[str, Callable[[str], str]] = {
    "grouped": lambda title: grouped([g("Acme", 10, "2.5"), g("Bistro", 0, 4)], title),
    "grouped-empty": lambda title: grouped([], title, empty_label="Nothing yet"),
    "columns": lambda title: columns([g("0–9", 1, 0, 0), g("90–100", 0, 0, 7)], title),
    "columns-empty": lambda title: columns([], title),
}


@pytest.mark.parametrize("kind", DASHBOARD_CHARTS)
def test_dashboard_charts_are_well_formed_accessible_and_self_contained(kind: str) -> None:
    svg = DASHBOARD_CHARTS[kind]("Out-of-scope hours")
    root = assert_inside(svg)
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == root.findtext(f"{SVG}title") == "Out-of-scope hours"
    assert root.findtext(f"{SVG}desc")  # the longer description, for screen readers
    assert [e.tag for e in root][:2] == [f"{SVG}title", f"{SVG}desc"]
    assert root.attrib["width"] == "100%"
    for banned in ("<script", "href", "style", "url(", "<?xml", "@import"):
        assert banned not in svg
    for element in root.iter():
        if element is not root and element.tag not in {f"{SVG}title", f"{SVG}desc"}:
            assert element.attrib.get("class"), element.tag
        if element.tag == f"{SVG}rect":
            assert element.attrib["fill"].startswith("#")
    assert DASHBOARD_CHARTS[kind]("t") == DASHBOARD_CHARTS[kind]("t")
    with localcontext() as context:
        context.prec = 3
        assert DASHBOARD_CHARTS[kind]("t") == DASHBOARD_CHARTS[kind]("t")


def test_grouped_bars_one_scale_one_colour_per_series() -> None:
    root = assert_inside(grouped([g("Acme", 10, 5), g("Bistro", 0, "2.5")]))
    assert texts(root, "legend") == ["Charged", "Favours"]
    assert texts(root, "row-label") == ["Acme", "Bistro"]
    assert texts(root, "value") == ["10", "5", "0", "2.5"]
    bars = [e for e in root.iter(f"{SVG}rect") if "bar" in e.attrib["class"].split()]
    assert [b.attrib["class"] for b in bars] == ["bar series-0", "bar series-1", "bar series-1"]
    assert [b.attrib["fill"] for b in bars] == ["#2563eb", "#f59e0b", "#f59e0b"]
    widths = [Decimal(b.attrib["width"]) for b in bars]
    assert abs(widths[0] - 2 * widths[1]) <= Decimal("0.1")
    assert abs(widths[1] - 2 * widths[2]) <= Decimal("0.1")
    # Rows grow the chart evenly.
    heights = [view_box(parse(grouped([g(str(k), 1, 1) for k in range(n)])))[1] for n in (1, 2, 3)]
    assert heights[2] - heights[1] == heights[1] - heights[0] > 0


def test_grouped_bars_empty_and_refused() -> None:
    root = assert_inside(grouped([], empty_label="Nothing charged or given yet"))
    assert texts(root, "empty") == ["Nothing charged or given yet"]
    assert texts(root, "legend") == ["Charged", "Favours"]
    with pytest.raises(ValueError, match="2 series"):
        grouped([g("Acme", 1)])
    with pytest.raises(ValueError, match="non-negative"):
        grouped([g("Acme", 1, -1)])
    with pytest.raises(ValueError, match="#rrggbb"):
        Series("x", "red")
    with pytest.raises(ValueError, match="series"):
        grouped_bar_chart([], series=[], title="t", format_value=str)


def test_stacked_columns_stack_in_series_order_with_totals() -> None:
    root = assert_inside(columns([g("0–9", 2, 0, 0), g("70–79", 0, 1, 3), g("80–89", 0, 0, 0)]))
    rects = [e for e in root.iter(f"{SVG}rect") if "column" in e.attrib["class"].split()]
    assert [(r.attrib["class"], r.attrib["fill"]) for r in rects] == [
        ("column series-0", "#dc2626"),
        ("column series-1", "#d97706"),
        ("column series-2", "#16a34a"),
    ]
    heights = [Decimal(r.attrib["height"]) for r in rects]
    assert abs(heights[2] - 3 * heights[1]) <= Decimal("0.2")
    assert abs(heights[0] - 2 * heights[1]) <= Decimal("0.2")
    # The second stack: "watch" at the bottom, "healthy" on top of it.
    watch, healthy = rects[1], rects[2]
    assert Decimal(healthy.attrib["y"]) + Decimal(healthy.attrib["height"]) == Decimal(
        watch.attrib["y"]
    )
    assert texts(root, "value") == ["2", "4"]  # totals above the non-empty columns
    assert texts(root, "column-label") == ["0–9", "70–79", "80–89"]
    assert texts(root, "legend") == ["End", "Watch", "Healthy"]
    ticks = [Decimal(t) for t in texts(root, "tick-label")]
    assert_nice(ticks, Decimal(4))


def test_hostile_text_in_dashboard_charts_is_escaped() -> None:
    svgs = [
        grouped_bar_chart(
            [Group(HOSTILE, (Decimal(1), Decimal(2)))],
            series=[Series(HOSTILE, "#2563eb"), Series("b", "#f59e0b")],
            title=HOSTILE,
            description=HOSTILE,
            format_value=lambda v: HOSTILE,
        ),
        stacked_column_chart(
            [Group(HOSTILE, (Decimal(1),))],
            series=[Series(HOSTILE, "#2563eb")],
            title=HOSTILE,
            description=HOSTILE,
            format_value=lambda v: HOSTILE,
        ),
        sparkline([Decimal(1)], title=HOSTILE),
    ]
    for svg in svgs:
        assert "<script>" not in svg
        assert "\x00" not in svg
        root = parse(svg)
        assert root.findtext(f"{SVG}title") == HOSTILE_CLEAN
    for svg in svgs[:2]:
        root = parse(svg)
        assert root.findtext(f"{SVG}desc") == HOSTILE_CLEAN
        assert HOSTILE_CLEAN in texts(root)


def test_sparkline_fixed_size_scaled_to_upper_last_dot_coloured() -> None:
    svg = sparkline(
        [Decimal(v) for v in (100, 50, 0, 150)], title="Health: 100, 50, 0, 150", colour="#dc2626"
    )
    root = parse(svg)
    assert (root.attrib["width"], root.attrib["height"]) == ("96", "24")
    assert root.attrib["viewBox"] == "0 0 96 24"
    assert root.attrib["role"] == "img"
    assert root.findtext(f"{SVG}title") == "Health: 100, 50, 0, 150"
    (path,) = root.iter(f"{SVG}path")
    ys = [y for _x, y in path_points(path.attrib["d"])]
    assert ys == [Decimal(3), Decimal(12), Decimal(21), Decimal(3)]  # 150 is drawn at 100
    (dot,) = root.iter(f"{SVG}circle")
    assert dot.attrib["fill"] == "#dc2626"
    assert (dot.attrib["cx"], dot.attrib["cy"]) == ("93", "3")
    for element in list(root.iter())[1:]:
        for key in ("cx", "x1", "x2"):
            if key in element.attrib:
                assert 0 <= Decimal(element.attrib[key]) <= 96
    one = parse(sparkline([Decimal(40)], title="t"))
    assert not list(one.iter(f"{SVG}path"))
    assert [c.attrib["cx"] for c in one.iter(f"{SVG}circle")] == ["48"]
    assert len(list(parse(sparkline([], title="t")))) == 1  # the title only
    with pytest.raises(ValueError, match="#rrggbb"):
        sparkline([Decimal(1)], title="t", colour="url(#x)")
    with pytest.raises(ValueError, match="non-negative"):
        sparkline([Decimal(-1)], title="t")


@given(values=st.lists(st.tuples(amounts, amounts, amounts), max_size=12))
def test_any_groups_give_well_formed_charts_inside_the_view_box(
    values: list[tuple[Decimal, Decimal, Decimal]],
) -> None:
    groups = [Group(f"row {i}", v) for i, v in enumerate(values)]
    assert_inside(columns(groups))
    assert_inside(grouped([Group(x.label, x.values[:2]) for x in groups]))
    assert_inside(sparkline([v[0] for v in values], title="t", upper=Decimal("1e9")))
