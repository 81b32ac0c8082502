from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from scopeline.accounts.access import workspace_view
from scopeline.accounts.models import Membership
from scopeline.core.charts import bar_chart
from scopeline.dashboard import selectors
from scopeline.web import i18n, labels


@workspace_view
def dashboard(request: HttpRequest, membership: Membership) -> HttpResponse:
    workspace = membership.workspace
    by_action = selectors.requests_by_action(workspace)
    chart = bar_chart(
        [(str(labels.ACTIONS.get(a, a)), Decimal(n)) for a, n in by_action],
        title=_("Client messages in the last 30 days, by suggested action"),
        format_value=lambda v: i18n.number(v),
        empty_label=_("No client messages in the last 30 days"),
    )
    return render(
        request,
        "dashboard/index.html",
        {
            "totals": selectors.totals(workspace),
            "projects": selectors.busiest_projects(workspace),
            "latest": selectors.latest_requests(workspace),
            "action_chart": chart,
            "messages_30d": sum(n for _a, n in by_action),
        },
    )
