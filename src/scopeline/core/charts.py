"""Server-side SVG charts: hours against the budget, allowances used, simple counts, a trend.

Why SVG made on the server: the same string is inlined into an HTML page and into a PDF that
WeasyPrint renders, and WeasyPrint runs no JavaScript and fetches nothing, so a chart drawn in
the browser would be missing from every PDF. Why in the core: a chart is a pure function of
values, so it is deterministic (same input, same string), testable without a browser, and free
of any framework.

Every chart keeps these rules:

- no script, no external resource, no stylesheet: colours are ``fill``/``stroke`` attributes,
  and every element carries a ``class`` so that a page may restyle it with its own CSS;
- ``role="img"``, ``aria-label`` and ``<title>`` carry the caller's accessible description;
- a ``viewBox`` with ``width="100%"``, so the chart scales with its container;
- all text is XML-escaped (characters XML forbids are dropped); coordinates have one decimal;
- no word of any language: labels come translated, and numbers and dates are formatted by the
  caller's callables, because the core does not know the UI language.

Text widths are estimated (a CJK character as one em, any other as 0.6 em), since the server
has no font metrics; the layouts leave room for that estimate.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Context, Decimal, localcontext
from functools import wraps
from itertools import pairwise
from typing import ParamSpec, TypeVar
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "Bar",
    "Group",
    "Point",
    "Series",
    "allowance_chart",
    "bar_chart",
    "grouped_bar_chart",
    "hours_chart",
    "nice_ticks",
    "sparkline",
    "stacked_column_chart",
    "trend_chart",
]

FONT_FAMILY = "system-ui, 'Noto Sans CJK SC', sans-serif"
FONT_SIZE = 12
INK, MUTED, GRID, TRACK = "#1f2937", "#6b7280", "#e5e7eb", "#e5e7eb"
MAIN, WARN = "#2563eb", "#dc2626"
PAD = 8

_TENTH = Decimal("0.1")
_MANTISSAS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_P = ParamSpec("_P")
_R = TypeVar("_R")
Attr = str | int | Decimal
Vertex = tuple[Decimal, Decimal]


@dataclass(frozen=True)
class Point:
    """The cumulative hours on a date."""

    date: dt.date
    value: Decimal


@dataclass(frozen=True)
class Bar:
    """One allowance: ``agreed`` is None when no allowance was agreed."""

    label: str
    used: Decimal
    agreed: Decimal | None


def _exact(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run in a fixed decimal context, so the caller's context cannot change the output."""

    @wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(_CONTEXT):
            return func(*args, **kwargs)

    return wrapper


def _num(value: Decimal | int) -> str:
    text = format(Decimal(value).quantize(_TENTH), "f").removesuffix(".0")
    return "0" if text == "-0" else text


def _open(tag: str, attrs: dict[str, Attr]) -> str:
    parts = "".join(
        f" {key}={quoteattr(_NOT_XML.sub('', v) if isinstance(v, str) else _num(v))}"
        for key, v in attrs.items()
    )
    return f"<{tag}{parts}>"


def _el(tag: str, attrs: dict[str, Attr], text: str | None = None) -> str:
    if text is None:
        return _open(tag, attrs)[:-1] + "/>"
    return f"{_open(tag, attrs)}{escape(_NOT_XML.sub('', text))}</{tag}>"


def _text(x: Attr, y: Attr, text: str, cls: str, anchor: str = "start", fill: str = INK) -> str:
    attrs: dict[str, Attr] = {"class": cls, "x": x, "y": y, "fill": fill}
    attrs |= {"font-family": FONT_FAMILY, "font-size": FONT_SIZE, "text-anchor": anchor}
    return _el("text", attrs, text)


def _rect(cls: str, x: Decimal, y: Decimal, width: Decimal, height: int, fill: str) -> list[str]:
    attrs: dict[str, Attr] = {"class": cls, "x": x, "y": y, "width": width, "height": height}
    return [_el("rect", attrs | {"fill": fill})] if width.quantize(_TENTH) > 0 else []


def _line(cls: str, a: Vertex, b: Vertex, stroke: str, **extra: Attr) -> str:
    attrs: dict[str, Attr] = {"class": cls, "x1": a[0], "y1": a[1], "x2": b[0], "y2": b[1]}
    return _el("line", attrs | {"stroke": stroke, "stroke-width": 1} | extra)


def _text_width(text: str) -> Decimal:
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")
    return (wide + (len(text) - wide) * Decimal("0.6")) * FONT_SIZE


def _svg(kind: str, width: int, height: Decimal | int, title: str, body: list[str]) -> str:
    attrs: dict[str, Attr] = {"xmlns": "http://www.w3.org/2000/svg"}
    attrs |= {"viewBox": f"0 0 {width} {_num(height)}", "width": "100%", "role": "img"}
    attrs |= {"aria-label": title, "class": f"chart {kind}"}
    return "".join([_open("svg", attrs), _el("title", {}, title), *body, "</svg>"])


def _finite(value: Decimal, what: str) -> Decimal:
    if not value.is_finite() or value < 0:
        raise ValueError(f"{what}: {value} is not a finite, non-negative number")
    return value


def _check_sizes(width: int, height: int, minimum: int) -> None:
    if width < 160 or height < minimum:
        raise ValueError(f"chart size {width}×{height} is too small (at least 160×{minimum})")


def _plain(value: Decimal) -> Decimal:
    value = value.normalize()
    if value == value.to_integral_value() and value.adjusted() < _CONTEXT.prec:
        return value.quantize(Decimal(1))
    return value


@_exact
def nice_ticks(upper: Decimal) -> list[Decimal]:
    """0 and then 3 or 4 equal steps of 1, 2, 2.5 or 5 × 10ⁿ, the last at or above ``upper``.

    The smallest such step that needs at most 4 intervals; as neighbouring steps differ by at
    most a factor 2, it needs at least 3. An ``upper`` that is not positive counts as 1.
    """
    if not upper.is_finite() or upper <= 0:
        upper = Decimal(1)
    exponent = upper.adjusted()
    for power in (exponent - 1, exponent, exponent + 1):
        for mantissa in _MANTISSAS:
            step = mantissa.scaleb(power)
            count = int((upper / step).to_integral_value(rounding=ROUND_CEILING))
            if count <= 4:
                return [_plain(step * i) for i in range(count + 1)]
    raise AssertionError("a step of 10^(exponent+1) always fits")  # pragma: no cover


def _legend(items: list[tuple[str, str, dict[str, Attr]]], width: int) -> tuple[list[str], int]:
    """Legend entries (label, swatch tag, swatch attributes), wrapped; and the height taken."""
    body: list[str] = []
    x, y = Decimal(PAD), 0
    for label, tag, attrs in items:
        size = 22 + _text_width(label)
        if x + size > width - PAD and x > PAD:
            x, y = Decimal(PAD), y + 18
        place: dict[str, Attr] = (
            {"x1": x, "y1": y + 13, "x2": x + 16, "y2": y + 13}
            if tag == "line"
            else {"x": x, "y": y + 8, "width": 16, "height": 10}
        )
        body.append(_el(tag, place | attrs))
        body.append(_text(x + 22, y + 17, label, "legend"))
        x += size + 16
    return body, y + 28


def _line_paths(
    vertices: list[Vertex], budget: Decimal | None, ypos: Callable[[Decimal], Decimal]
) -> list[str]:
    """The line through (x, value) vertices as paths; the part above the budget is "over"."""
    pieces: list[tuple[Vertex, Vertex]] = []
    for (xa, va), (xb, vb) in pairwise(vertices):
        if budget is not None and (va - budget) * (vb - budget) < 0:
            cross = (xa + (budget - va) / (vb - va) * (xb - xa), budget)
            pieces += [((xa, va), cross), (cross, (xb, vb))]
        else:
            pieces.append(((xa, va), (xb, vb)))
    paths: dict[bool, list[str]] = {False: [], True: []}
    last: tuple[bool, Vertex] | None = None
    for a, b in pieces:
        over = budget is not None and max(a[1], b[1]) > budget and min(a[1], b[1]) >= budget
        if last != (over, a):
            paths[over].append(f"M {_num(a[0])} {_num(ypos(a[1]))}")
        paths[over].append(f"L {_num(b[0])} {_num(ypos(b[1]))}")
        last = (over, b)
    style: dict[str, Attr] = {"fill": "none", "stroke-width": 2, "stroke-linejoin": "round"}
    return [
        _el("path", {"class": cls, "d": " ".join(paths[over]), "stroke": colour} | style)
        for over, cls, colour in ((False, "hours-line", MAIN), (True, "hours-line over", WARN))
        if paths[over]
    ]


@_exact
def hours_chart(
    points: Sequence[Point],
    *,
    budget: Decimal | None,
    title: str,
    budget_label: str,
    hours_label: str,
    format_date: Callable[[dt.date], str],
    format_value: Callable[[Decimal], str],
    width: int = 640,
    height: int = 240,
    empty_label: str = "",
) -> str:
    """Cumulative hours (points sorted by date) as a step line with dots, against the budget.

    The y axis runs from 0 to the nice tick at or above 1.1 × max(budget, hours); the part of
    the line above the budget, and the dots there, have the class "over" and the warning colour.
    """
    _check_sizes(width, height, 120)
    values = [_finite(p.value, "points") for p in points]
    if budget is not None:
        _finite(budget, "budget")
    if any(b.date < a.date for a, b in pairwise(points)):
        raise ValueError("points must be sorted by date")
    legend: list[tuple[str, str, dict[str, Attr]]] = [
        (hours_label, "line", {"class": "legend-swatch hours", "stroke": MAIN, "stroke-width": 2})
    ]
    if budget is not None:
        dashed: dict[str, Attr] = {"stroke": MUTED, "stroke-width": 1, "stroke-dasharray": "6 4"}
        legend.append((budget_label, "line", {"class": "legend-swatch budget"} | dashed))
    body, top = _legend(legend, width)
    ticks = nice_ticks(max([*values, budget or Decimal(0)]) * Decimal("1.1"))
    x0, x1, y0, y1, ypos = _value_axis(body, ticks, format_value, width, height, top)
    if budget is not None:
        y = ypos(budget)
        body.append(_line("budget", (x0, y), (x1, y), MUTED, **{"stroke-dasharray": "6 4"}))
        body.append(_text(x0 + 6, y - 4, budget_label, "budget-label", "start", MUTED))
    if not points:
        if empty_label:
            body.append(_text((x0 + x1) / 2, (y0 + y1) / 2, empty_label, "empty", "middle", MUTED))
        return _svg("chart-hours", width, height, title, body)

    first, span = points[0].date, (points[-1].date - points[0].date).days

    def xpos(day: dt.date) -> Decimal:
        return (x0 + x1) / 2 if span == 0 else x0 + (day - first).days / Decimal(span) * (x1 - x0)

    vertices = [(xpos(first), values[0])]
    for point, previous, value in zip(points[1:], values, values[1:], strict=False):
        vertices += [(xpos(point.date), previous), (xpos(point.date), value)]
    body += _line_paths(vertices, budget, ypos)
    for point, value in zip(points, values, strict=True):
        cls, fill = ("dot over", WARN) if budget is not None and value > budget else ("dot", MAIN)
        attrs: dict[str, Attr] = {"class": cls, "cx": xpos(point.date), "cy": ypos(value), "r": 3}
        body.append(_el("circle", attrs | {"fill": fill}))
    dates = [(first, "start" if span else "middle", xpos(first))]
    if span:
        dates.append((points[-1].date, "end", x1))
        middle = first + dt.timedelta(days=span // 2)
        texts = [format_date(first), format_date(middle), format_date(points[-1].date)]
        if span >= 2 and sum(map(_text_width, texts)) + 24 <= x1 - x0:
            dates.append((middle, "middle", xpos(middle)))
    for day, anchor, x in dates:
        body.append(_text(x, y1 + 16, format_date(day), "date-label", anchor, MUTED))
    return _svg("chart-hours", width, height, title, body)


def _rows(texts: Sequence[str], width: int, bar_height: int) -> tuple[Decimal, Decimal, int]:
    """The bars' x range (a column on the right is kept for the values) and a row's height."""
    column = min(max(map(_text_width, texts)) + 8, Decimal(width) * Decimal("0.4"))
    return Decimal(PAD), Decimal(width - PAD) - column, 18 + bar_height + 10


def _scaled(x0: Decimal, x1: Decimal, value: Decimal, scale: Decimal) -> Decimal:
    return x0 + value / scale * (x1 - x0)


def _empty(kind: str, width: int, top: int, title: str, body: list[str], label: str) -> str:
    if label:
        body.append(_text(Decimal(width) / 2, top + 24, label, "empty", "middle", MUTED))
    return _svg(kind, width, top + 40, title, body)


@_exact
def allowance_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    format_value: Callable[[Decimal], str],
    used_label: str,
    agreed_label: str,
    width: int = 640,
    bar_height: int = 28,
    empty_label: str = "",
) -> str:
    """One row per allowance: the agreed track, the used part on it, "used / agreed" at the end.

    Each row has its own scale, max(used, agreed). The used part beyond the agreed one has the
    class "over" and the warning colour; a row with nothing agreed shows a thin line and the
    used value only.
    """
    _check_sizes(width, bar_height, 4)
    for bar in bars:
        for value in (bar.used, bar.agreed or Decimal(0)):
            _finite(value, bar.label)
    body, top = _legend(
        [
            (used_label, "rect", {"class": "legend-swatch used", "fill": MAIN}),
            (agreed_label, "rect", {"class": "legend-swatch track", "fill": TRACK}),
        ],
        width,
    )
    if not bars:
        return _empty("chart-allowances", width, top, title, body, empty_label)
    agreed_texts = ["" if b.agreed is None else f" / {format_value(b.agreed)}" for b in bars]
    texts = [format_value(b.used) + agreed for b, agreed in zip(bars, agreed_texts, strict=True)]
    x0, x1, row = _rows(texts, width, bar_height)
    for i, (bar, text) in enumerate(zip(bars, texts, strict=True)):
        y = Decimal(top + i * row + 18)
        body.append(_text(x0, y - 5, bar.label, "row-label"))
        body.append(_text(width - PAD, y + Decimal(bar_height) / 2 + 4, text, "value", "end"))
        if bar.agreed is None:
            body += _rect("track none", x0, y + Decimal(bar_height) / 2 - 1, x1 - x0, 2, TRACK)
            continue
        scale = max(bar.used, bar.agreed) or Decimal(1)
        agreed = _scaled(x0, x1, bar.agreed, scale)
        used = _scaled(x0, x1, bar.used, scale)
        body += _rect("track", x0, y, agreed - x0, bar_height, TRACK)
        body += _rect("used", x0, y, min(used, agreed) - x0, bar_height, MAIN)
        if bar.used > bar.agreed:
            body += _rect("used over", agreed, y, used - agreed, bar_height, WARN)
    return _svg("chart-allowances", width, top + len(bars) * row, title, body)


@_exact
def bar_chart(
    values: Sequence[tuple[str, Decimal]],
    *,
    title: str,
    format_value: Callable[[Decimal], str],
    width: int = 640,
    bar_height: int = 24,
    empty_label: str = "",
) -> str:
    """Horizontal bars on one scale (from 0 to the largest value), the value after each bar."""
    _check_sizes(width, bar_height, 4)
    for label, value in values:
        _finite(value, label)
    if not values:
        return _empty("chart-bars", width, PAD, title, [], empty_label)
    texts = [format_value(value) for _, value in values]
    x0, x1, row = _rows(texts, width, bar_height)
    scale = max(value for _, value in values) or Decimal(1)
    body: list[str] = []
    for i, ((label, value), text) in enumerate(zip(values, texts, strict=True)):
        y = Decimal(PAD + i * row + 18)
        end = _scaled(x0, x1, value, scale)
        body.append(_text(x0, y - 5, label, "row-label"))
        body += _rect("bar", x0, y, end - x0, bar_height, MAIN)
        body.append(_text(end + 6, y + Decimal(bar_height) / 2 + 4, text, "value"))
    return _svg("chart-bars", width, PAD + len(values) * row, title, body)


@_exact
def trend_chart(
    points: Sequence[Point],
    *,
    title: str,
    line_label: str,
    format_date: Callable[[dt.date], str],
    format_value: Callable[[Decimal], str],
    upper: Decimal | None = None,
    threshold: Decimal | None = None,
    threshold_label: str = "",
    width: int = 640,
    height: int = 220,
    empty_label: str = "",
) -> str:
    """A value over time (points sorted by date) as a straight line with dots.

    The y axis runs from 0 to ``upper`` when given (a score out of 100), else to the nice tick
    at or above 1.1 × the largest value. A ``threshold`` is drawn as a dashed line with its
    label; the dots strictly below it have the class "below" and the warning colour.
    """
    _check_sizes(width, height, 120)
    values = [_finite(p.value, "points") for p in points]
    for bound, what in ((upper, "upper"), (threshold, "threshold")):
        if bound is not None:
            _finite(bound, what)
    if any(b.date < a.date for a, b in pairwise(points)):
        raise ValueError("points must be sorted by date")
    legend: list[tuple[str, str, dict[str, Attr]]] = [
        (line_label, "line", {"class": "legend-swatch trend", "stroke": MAIN, "stroke-width": 2})
    ]
    dashed: dict[str, Attr] = {"stroke": MUTED, "stroke-width": 1, "stroke-dasharray": "6 4"}
    if threshold is not None and threshold_label:
        legend.append((threshold_label, "line", {"class": "legend-swatch threshold"} | dashed))
    body, top = _legend(legend, width)
    highest = max([*values, threshold or Decimal(0)])
    if upper is not None and upper > 0 and highest <= upper:
        ticks = nice_ticks(upper)
    else:
        ticks = nice_ticks(highest * Decimal("1.1"))
    x0, x1, y0, y1, ypos = _value_axis(body, ticks, format_value, width, height, top)
    if threshold is not None:
        y = ypos(threshold)
        body.append(_line("threshold", (x0, y), (x1, y), MUTED, **{"stroke-dasharray": "6 4"}))
    if not points:
        if empty_label:
            body.append(_text((x0 + x1) / 2, (y0 + y1) / 2, empty_label, "empty", "middle", MUTED))
        return _svg("chart-trend", width, height, title, body)

    first, span = points[0].date, (points[-1].date - points[0].date).days

    def xpos(day: dt.date) -> Decimal:
        return (x0 + x1) / 2 if span == 0 else x0 + (day - first).days / Decimal(span) * (x1 - x0)

    if len(points) > 1:
        d = " ".join(
            f"{'M' if i == 0 else 'L'} {_num(xpos(p.date))} {_num(ypos(v))}"
            for i, (p, v) in enumerate(zip(points, values, strict=True))
        )
        style: dict[str, Attr] = {"fill": "none", "stroke-width": 2, "stroke-linejoin": "round"}
        body.append(_el("path", {"class": "trend-line", "d": d, "stroke": MAIN} | style))
    for point, value in zip(points, values, strict=True):
        below = threshold is not None and value < threshold
        cls, fill = ("dot below", WARN) if below else ("dot", MAIN)
        attrs: dict[str, Attr] = {"class": cls, "cx": xpos(point.date), "cy": ypos(value), "r": 3}
        body.append(_el("circle", attrs | {"fill": fill}))
    dates = [(first, "start" if span else "middle", xpos(first))]
    if span:
        dates.append((points[-1].date, "end", x1))
    for day, anchor, x in dates:
        body.append(_text(x, y1 + 16, format_date(day), "date-label", anchor, MUTED))
    return _svg("chart-trend", width, height, title, body)


# -- the dashboard's charts: grouped bars, stacked columns, sparklines ---------------------------

GOOD, CAUTION = "#16a34a", "#d97706"
"""With WARN: the colours of the health bands (healthy, watch, consider ending)."""
SECOND = "#f59e0b"
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class Series:
    """One kind of value in a chart with several: its legend label and its colour (#rrggbb)."""

    label: str
    colour: str

    def __post_init__(self) -> None:
        if not _COLOUR.fullmatch(self.colour):
            raise ValueError(f"colour {self.colour!r} is not #rrggbb")


@dataclass(frozen=True)
class Group:
    """A row of grouped bars (or a stacked column): one value per series, in series order."""

    label: str
    values: tuple[Decimal, ...]


def _described(svg: str, description: str) -> str:
    """The chart with a ``<desc>`` after its ``<title>`` (for screen readers)."""
    if not description:
        return svg
    return svg.replace("</title>", "</title>" + _el("desc", {}, description), 1)


def _checked_groups(groups: Sequence[Group], series: Sequence[Series]) -> None:
    if not series:
        raise ValueError("at least one series is needed")
    for group in groups:
        if len(group.values) != len(series):
            raise ValueError(f"{group.label}: {len(group.values)} values for {len(series)} series")
        for value in group.values:
            _finite(value, group.label)


def _series_legend(series: Sequence[Series], width: int) -> tuple[list[str], int]:
    return _legend(
        [
            (s.label, "rect", {"class": f"legend-swatch series-{i}", "fill": s.colour})
            for i, s in enumerate(series)
        ],
        width,
    )


@_exact
def grouped_bar_chart(
    groups: Sequence[Group],
    *,
    series: Sequence[Series],
    title: str,
    format_value: Callable[[Decimal], str],
    description: str = "",
    width: int = 640,
    bar_height: int = 12,
    empty_label: str = "",
) -> str:
    """Per group, its label and one horizontal bar per series (the series' colour), all on one
    scale from 0 to the largest value, each value written after its bar. For comparing a few
    amounts of one unit side by side, such as hours charged and hours given away per client.
    """
    _check_sizes(width, bar_height, 4)
    _checked_groups(groups, series)
    body, top = _series_legend(series, width)
    if not groups:
        empty = _empty("chart-grouped", width, top, title, body, empty_label)
        return _described(empty, description)
    texts = [[format_value(v) for v in group.values] for group in groups]
    x0, x1, _row = _rows([t for row in texts for t in row], width, bar_height)
    scale = max(v for group in groups for v in group.values) or Decimal(1)
    step = bar_height + 3
    row = 18 + len(series) * step + 8
    for i, (group, row_texts) in enumerate(zip(groups, texts, strict=True)):
        y = Decimal(top + i * row + 18)
        body.append(_text(x0, y - 5, group.label, "row-label"))
        for k, (value, text, s) in enumerate(zip(group.values, row_texts, series, strict=True)):
            yk = y + k * step
            end = _scaled(x0, x1, value, scale)
            body += _rect(f"bar series-{k}", x0, yk, end - x0, bar_height, s.colour)
            body.append(_text(end + 6, yk + Decimal(bar_height) / 2 + 4, text, "value"))
    svg = _svg("chart-grouped", width, top + len(groups) * row, title, body)
    return _described(svg, description)


@_exact
def stacked_column_chart(
    columns: Sequence[Group],
    *,
    series: Sequence[Series],
    title: str,
    format_value: Callable[[Decimal], str],
    description: str = "",
    width: int = 640,
    height: int = 220,
    empty_label: str = "",
) -> str:
    """Vertical columns of equal width, each the stack of its series' values (first series at
    the bottom, in its colour), the total above and the label below each column; the y axis
    from 0 to the nice tick at or above the largest total. For a distribution, such as the
    clients per health score range coloured by band.
    """
    _check_sizes(width, height, 120)
    _checked_groups(columns, series)
    body, top = _series_legend(series, width)
    totals = [sum(c.values, Decimal(0)) for c in columns]
    ticks = nice_ticks(max(totals, default=Decimal(0)))
    x0, x1, y0, y1, ypos = _value_axis(body, ticks, format_value, width, height, top + 12)
    if not columns:
        if empty_label:
            body.append(_text((x0 + x1) / 2, (y0 + y1) / 2, empty_label, "empty", "middle", MUTED))
        return _described(_svg("chart-columns", width, height, title, body), description)
    slot = (x1 - x0) / len(columns)
    gap = min(slot / 5, Decimal(8))
    for i, (column, total) in enumerate(zip(columns, totals, strict=True)):
        left = x0 + slot * i + gap / 2
        centre = x0 + slot * i + slot / 2
        base = Decimal(0)
        for k, (value, s) in enumerate(zip(column.values, series, strict=True)):
            if value > 0:
                y_top, y_bottom = ypos(base + value), ypos(base)
                attrs: dict[str, Attr] = {
                    "class": f"column series-{k}",
                    "x": left,
                    "y": y_top,
                    "width": slot - gap,
                    "height": y_bottom - y_top,
                    "fill": s.colour,
                }
                if (y_bottom - y_top).quantize(_TENTH) > 0 and (slot - gap).quantize(_TENTH) > 0:
                    body.append(_el("rect", attrs))
            base += value
        if total > 0:
            body.append(_text(centre, ypos(total) - 4, format_value(total), "value", "middle"))
        body.append(_text(centre, y1 + 16, column.label, "column-label", "middle", MUTED))
    return _described(_svg("chart-columns", width, height, title, body), description)


@_exact
def sparkline(
    values: Sequence[Decimal],
    *,
    title: str,
    upper: Decimal = Decimal(100),
    colour: str = MAIN,
    width: int = 96,
    height: int = 24,
) -> str:
    """A small line of ``values`` (oldest first) on a fixed scale from 0 to ``upper``, with
    the last value as a dot in ``colour``; no axes, no text: the title says what it shows.
    Values above ``upper`` are drawn at ``upper``."""
    if width < 24 or height < 8:
        raise ValueError(f"sparkline size {width}×{height} is too small (at least 24×8)")
    if not _COLOUR.fullmatch(colour):
        raise ValueError(f"colour {colour!r} is not #rrggbb")
    _finite(upper, "upper")
    top = upper or Decimal(1)
    points = [min(_finite(v, "values"), top) for v in values]
    x0, x1 = Decimal(3), Decimal(width - 3)
    y0, y1 = Decimal(3), Decimal(height - 3)

    def xpos(i: int) -> Decimal:
        return (x0 + x1) / 2 if len(points) == 1 else x0 + (x1 - x0) * i / (len(points) - 1)

    def ypos(value: Decimal) -> Decimal:
        return y1 - value / top * (y1 - y0)

    body: list[str] = []
    if len(points) > 1:
        d = " ".join(
            f"{'M' if i == 0 else 'L'} {_num(xpos(i))} {_num(ypos(v))}"
            for i, v in enumerate(points)
        )
        style: dict[str, Attr] = {"fill": "none", "stroke-width": "1.5", "stroke-linejoin": "round"}
        body.append(_el("path", {"class": "spark-line", "d": d, "stroke": MUTED} | style))
    if points:
        last: dict[str, Attr] = {"class": "spark-dot", "cx": xpos(len(points) - 1)}
        last |= {"cy": ypos(points[-1]), "r": 2, "fill": colour}
        body.append(_el("circle", last))
    # A fixed size, unlike the other charts: it sits in a table cell, beside a number.
    svg = _svg("sparkline", width, height, title, body)
    return svg.replace(' width="100%"', f' width="{width}" height="{height}"', 1)


def _value_axis(
    body: list[str],
    ticks: Sequence[Decimal],
    format_value: Callable[[Decimal], str],
    width: int,
    height: int,
    top: int,
) -> tuple[Decimal, Decimal, Decimal, Decimal, Callable[[Decimal], Decimal]]:
    """The plot area under a legend ``top`` high, its grid lines with their labels and the two
    axes, appended to ``body``: (x0, x1, y0, y1, the y of a value)."""
    labels = [format_value(t) for t in ticks]
    x0 = min(max(max(map(_text_width, labels)) + 12, Decimal(32)), Decimal(width) * Decimal("0.4"))
    x1, y0, y1 = Decimal(width - 2 * PAD), Decimal(top + 6), Decimal(height - 24)
    if y1 - y0 < 40:
        raise ValueError(f"height {height} leaves no room for the plot under the legend")

    def ypos(value: Decimal) -> Decimal:
        return y1 - value / ticks[-1] * (y1 - y0)

    for tick, label in zip(ticks, labels, strict=True):
        body.append(_line("grid", (x0, ypos(tick)), (x1, ypos(tick)), GRID))
        body.append(_text(x0 - 6, ypos(tick) + 4, label, "tick-label", "end", MUTED))
    body.append(_line("axis", (x0, y0), (x0, y1), MUTED))
    body.append(_line("axis", (x0, y1), (x1, y1), MUTED))
    return x0, x1, y0, y1, ypos
