"""Translated names for the core's codes (kinds, actions, scope verdicts, tones, event types)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

KINDS: dict[str, Promise] = {
    "defect": _("defect"),
    "revision": _("revision"),
    "addition": _("addition"),
    "extra_concept": _("extra concept"),
    "question": _("question"),
    "discount": _("discount request"),
    "refund": _("refund demand"),
    "deadline": _("earlier deadline"),
    "threat": _("threat"),
    "approval": _("approval"),
    "other": _("other"),
}

ACTIONS: dict[str, Promise] = {
    "do_it": _("Do it (in scope)"),
    "fix_now": _("Fix now, no charge"),
    "favor": _("Do it as a favour"),
    "change_order": _("Change order (priced)"),
    "decline": _("Decline, offer an alternative"),
    "hold_price": _("Hold the price"),
    "escalate": _("Escalate calmly"),
    "answer": _("Answer"),
    "acknowledge": _("Acknowledge"),
}

SCOPE: dict[str, Promise] = {
    "in_scope": _("in scope"),
    "excluded": _("excluded"),
    "out_of_scope": _("out of scope"),
    "not_applicable": _("not applicable"),
}

TONES: dict[str, Promise] = {
    "warm": _("warm"),
    "neutral": _("neutral"),
    "firm": _("firm"),
}

EVENTS: dict[str, Promise] = {
    "payment": _("payment"),
    "refund": _("refund"),
    "concepts_delivered": _("concepts delivered"),
    "revision_round": _("revision round"),
    "hours": _("hours worked"),
    "favor": _("favour"),
    "change_order_issued": _("change order sent"),
    "change_order_accepted": _("change order accepted"),
    "change_order_declined": _("change order declined"),
    "advice_overridden": _("advice overridden"),
    "request_decided": _("request decided"),
}

LANGUAGES: dict[str, str] = {
    "en": "English",
    "fi": "Suomi",
    "ro": "Română",
    "zh-Hant": "繁體中文",
    "zh-Hans": "简体中文",
    "und": "?",
}
