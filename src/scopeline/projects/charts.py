"""The project page's charts, drawn by the core as SVG with the UI's words and number format."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from scopeline.core.charts import Bar, Point, allowance_chart, hours_chart
from scopeline.core.events import Event, Favor, Hours
from scopeline.core.ledger import ProjectState
from scopeline.web import i18n


def hours_over_time(events: Sequence[Event], state: ProjectState) -> str:
    total = Decimal(0)
    by_day: dict[dt.date, Decimal] = {}
    for event in events:
        if isinstance(event, Hours | Favor):
            total += event.hours
            by_day[event.date] = total
    points = [Point(day, value) for day, value in sorted(by_day.items())]
    return hours_chart(
        points,
        budget=state.hours_budgeted,
        title=_("Hours worked against the budget"),
        budget_label=_("Budget"),
        hours_label=_("Hours worked, favours included"),
        format_date=lambda d: i18n.date(d, fmt="d MMM"),
        format_value=lambda v: i18n.number(v),
        empty_label=_("No hours recorded yet"),
    )


def allowances(state: ProjectState) -> str:
    bars = [
        Bar(_("Design concepts"), Decimal(state.concepts.used), _agreed(state.concepts.agreed)),
        Bar(
            _("Revision rounds"),
            Decimal(state.revision_rounds.used),
            _agreed(state.revision_rounds.agreed),
        ),
        Bar(_("Goodwill hours"), state.goodwill_hours_used, state.goodwill_budget_hours),
    ]
    return allowance_chart(
        bars,
        title=_("Allowances used"),
        format_value=lambda v: i18n.number(v),
        used_label=_("Used"),
        agreed_label=_("Agreed"),
    )


def _agreed(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)
