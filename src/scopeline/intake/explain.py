"""Sentences for the intake's codes (rejections, matches, mailbox errors, left-out files)."""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scopeline.intake.models import IncomingEmail
from scopeline.intake.services import limits


def rejection(code: str) -> str:
    """Why a file or a message was not taken in (or could not be triaged)."""
    if code == "too_large":
        return _("The message is larger than %(limit)s, the most the intake takes.") % {
            "limit": filesizeformat(limits()["max_bytes"])
        }
    messages = {
        "empty": _("The file is empty."),
        "binary": _("This is not an e-mail message: the file holds binary data."),
        "not_email": _("This is not an e-mail message; save the message as an .eml file."),
        "no_sender": _("The message has no sender address."),
        "no_text": _("The message has no text to read."),
        "too_long": _("The message is too long to be read; paste the part the client wrote."),
    }
    return messages.get(code, _("The message could not be read."))


def match(email: IncomingEmail) -> str:
    """How the message found its project, or why it did not."""
    note = email.match_note
    if note == "one_project" and email.project is not None:
        return _("Matched by the sender's address to %(client)s's only active project.") % {
            "client": email.project.client.name
        }
    if note == "most_recent_project":
        return ngettext(
            "%(client)s has %(count)s active project; the message went to the most recently "
            "updated one.",
            "%(client)s has %(count)s active projects; the message went to the most recently "
            "updated one.",
            email.active_projects,
        ) % {
            "client": email.client.name if email.client else "",
            "count": email.active_projects,
        }
    if note == "no_active_project":
        return _("The sender is a client (%(client)s) without an active project.") % {
            "client": email.client.name if email.client else email.from_address
        }
    if note == "unknown_sender":
        return _("No client has the address %(address)s.") % {"address": email.from_address}
    if note == "assigned":
        return _("Assigned to the project by hand.")
    return ""


def mailbox_error(text: str) -> tuple[str, str]:
    """(what went wrong, the server's or the system's own words) from ``last_error``."""
    code, _sep, detail = text.partition(": ")
    messages = {
        "connect": _("Could not reach the server."),
        "tls": _("The encrypted connection failed: check the encryption setting and the port."),
        "auth": _("The server refused the user name or the password."),
        "folder": _("The folder could not be opened."),
        "protocol": _("The server answered something unexpected."),
    }
    if code not in messages:
        return _("The server answered something unexpected."), text
    return messages[code], detail


def notes(email: IncomingEmail) -> list[str]:
    """The attachments that were left out, and why."""
    out = []
    for note in email.notes if isinstance(email.notes, list) else []:
        if not isinstance(note, dict):
            continue
        name = str(note.get("name", ""))
        if note.get("code") == "attachment_too_large":
            out.append(
                _("%(name)s (%(size)s) was left out: attachments are kept up to %(limit)s.")
                % {
                    "name": name,
                    "size": filesizeformat(note.get("size", 0)),
                    "limit": filesizeformat(limits()["max_attachment_bytes"]),
                }
            )
        elif note.get("code") == "too_many_attachments":
            out.append(
                _("%(name)s was left out: at most %(count)s attachments are kept per message.")
                % {"name": name, "count": limits()["max_attachments"]}
            )
    return out
