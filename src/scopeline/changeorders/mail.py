"""E-mails: the change order to the client (in the client's language, with the PDF) and the
owners' notifications (in each owner's language). Both are sent from background tasks
(``changeorders/tasks.py``); the notifications through the shared ``web.tasks.send_email``."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from scopeline.changeorders.models import ChangeOrder

log = logging.getLogger(__name__)


def _render(name: str, context: dict[str, object]) -> tuple[str, str]:
    subject = render_to_string(f"changeorders/email/{name}_subject.txt", context)
    body = render_to_string(f"changeorders/email/{name}.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def send_change_order(co: ChangeOrder, url: str, *, to: str = "") -> None:
    """The change order for the client (at ``to``, or the client's address), with its portal
    link and the PDF attached. Raises what the mail server raised."""
    from scopeline.changeorders.documents import (
        django_language,
        document_context,
        render_document,
        render_pdf,
    )

    client = co.project.client
    context = document_context(co)
    with translation.override(django_language(co.language)):
        subject, body = _render("change_order", {**context, "url": url})
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to or client.email],
        headers={"Content-Language": context["lang"]},
    )
    message.attach(f"{co.number}.pdf", render_pdf(render_document(co)), "application/pdf")
    message.send()


def notify_owners(change_order_id: int, kind: str) -> int:
    """Queue an e-mail to each owner of the workspace that the client answered, in the owner's
    language. A mail server that is down delays these (``send_email`` retries them) and never
    undoes the client's answer. Returns how many were queued."""
    from scopeline.accounts.models import Membership
    from scopeline.web.tasks import send_email

    co = (
        ChangeOrder.objects.select_related("project__client", "project__workspace")
        .filter(pk=change_order_id)
        .first()
    )
    if co is None:
        return 0
    owners = Membership.objects.filter(
        workspace_id=co.workspace_id, role=Membership.Role.OWNER
    ).select_related("user")
    link = f"{settings.SITE_URL}/w/{co.project.workspace.slug}/change-orders/{co.pk}/"
    queued = 0
    for membership in owners:
        user = membership.user
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject, body = _render(kind, {"co": co, "client": co.project.client, "url": link})
        try:
            send_email.enqueue(to=[user.email], subject=subject, body=body)
        except Exception:  # a queue that is down loses this notice, never the answer
            log.exception("could not queue the e-mail to %s about %s", user.email, co.number)
        else:
            queued += 1
    return queued
