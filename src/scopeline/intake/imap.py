"""A small, typed IMAP client over the standard library's ``imaplib``: log in, open a folder,
list the new messages by UID, fetch one without marking it read, then mark it read.

Every failure becomes an ``ImapError`` with a code the settings page explains (``connect``,
``tls``, ``auth``, ``folder``, ``protocol``) and the server's or the system's own words.
"""

from __future__ import annotations

import base64
import imaplib
import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Final

__all__ = ["ImapError", "ImapSettings", "MailboxSession", "imap_folder_name", "open_mailbox"]

ERROR_CODES: Final = ("connect", "tls", "auth", "folder", "protocol")
_UIDVALIDITY: Final = re.compile(rb"UIDVALIDITY (\d+)")
_SIZE: Final = re.compile(rb"RFC822\.SIZE (\d+)")


class ImapError(Exception):
    """Talking to the mailbox failed; ``code`` is one of ``ERROR_CODES``."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail[:500]


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    security: str  # "ssl", "starttls" or "none"
    username: str
    password: str
    folder: str = "INBOX"
    timeout: float = 30.0


def imap_folder_name(name: str) -> str:
    """``name`` in IMAP's modified UTF-7 (RFC 3501, 5.1.3), quoted for a command."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            data = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(data).decode("ascii").rstrip("=").replace("/", ","))
            out.append("-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    encoded = "".join(out)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


class MailboxSession:
    """A logged-in connection with one folder selected."""

    def __init__(self, connection: imaplib.IMAP4) -> None:
        self._imap = connection
        self.uid_validity: int | None = None
        self.exists = 0

    def select(self, folder: str) -> int | None:
        try:
            status, data = self._imap.select(imap_folder_name(folder))
        except imaplib.IMAP4.error as exc:
            raise ImapError("folder", str(exc)) from exc
        if status != "OK":
            raise ImapError("folder", _text(data))
        self.exists = int(data[0] or 0) if data and data[0] else 0
        _typ, validity = self._imap.response("UIDVALIDITY")
        if validity and validity[0]:
            self.uid_validity = int(validity[0])
        return self.uid_validity

    def new_uids(self, after: int, *, unseen_only: bool, limit: int) -> list[int]:
        """UIDs above ``after`` (only the unread ones if asked), oldest first, at most ``limit``."""
        criteria = f"UID {after + 1}:*"
        if unseen_only:
            criteria += " UNSEEN"
        _status, data = self._uid("SEARCH", criteria)
        words = b" ".join(d for d in data if isinstance(d, bytes)).split()
        uids = sorted({int(u) for u in words if u.isdigit()})
        # "N:*" always matches the last message, even when its UID is below N.
        return [u for u in uids if u > after][:limit]

    def size(self, uid: int) -> int:
        _status, data = self._uid("FETCH", str(uid), "(RFC822.SIZE)")
        for item in data:
            chunk = item[0] if isinstance(item, tuple) else item
            if isinstance(chunk, bytes):
                match = _SIZE.search(chunk)
                if match:
                    return int(match.group(1))
        raise ImapError("protocol", f"no size for message {uid}")

    def fetch(self, uid: int, *, header_only: bool = False) -> bytes:
        """The message's bytes (or only its header), leaving it unread."""
        part = "BODY.PEEK[HEADER]" if header_only else "BODY.PEEK[]"
        _status, data = self._uid("FETCH", str(uid), f"({part})")
        for item in data:
            if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[1], bytes):
                return item[1]
        raise ImapError("protocol", f"message {uid} is gone")

    def mark_seen(self, uid: int) -> None:
        self._uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)")

    def _uid(self, command: str, *args: str) -> tuple[str, list[bytes | tuple[bytes, bytes]]]:
        try:
            status, data = self._imap.uid(command, *args)
        except imaplib.IMAP4.error as exc:
            raise ImapError("protocol", str(exc)) from exc
        except (OSError, EOFError) as exc:
            raise ImapError("connect", _describe(exc)) from exc
        if status != "OK":
            raise ImapError("protocol", _text(data))
        return status, list(data)


@contextmanager
def open_mailbox(settings: ImapSettings) -> Iterator[MailboxSession]:
    """Connect, log in and select the folder; log out at the end, whatever happened."""
    connection = _connect(settings)
    try:
        session = MailboxSession(connection)
        try:
            _login(connection, settings)
            session.select(settings.folder)
        except (OSError, EOFError) as exc:
            raise ImapError("connect", _describe(exc)) from exc
        yield session
    finally:
        with suppress(imaplib.IMAP4.error, OSError, EOFError):  # gone already: nothing to tidy
            connection.logout()


def _connect(settings: ImapSettings) -> imaplib.IMAP4:
    context = ssl.create_default_context()
    try:
        if settings.security == "ssl":
            return imaplib.IMAP4_SSL(
                settings.host, settings.port, ssl_context=context, timeout=settings.timeout
            )
        connection = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
        if settings.security == "starttls":
            connection.starttls(ssl_context=context)
        return connection
    except ssl.SSLError as exc:
        raise ImapError("tls", _describe(exc)) from exc
    except (OSError, EOFError) as exc:
        raise ImapError("connect", _describe(exc)) from exc
    except imaplib.IMAP4.error as exc:
        raise ImapError("tls" if settings.security == "starttls" else "protocol", str(exc)) from exc


def _login(connection: imaplib.IMAP4, settings: ImapSettings) -> None:
    try:
        if (settings.username + settings.password).isascii():
            connection.login(settings.username, settings.password)
        else:  # LOGIN is ASCII only; SASL PLAIN carries UTF-8
            secret = f"\0{settings.username}\0{settings.password}".encode()
            connection.authenticate("PLAIN", lambda _challenge: secret)
    except imaplib.IMAP4.error as exc:
        raise ImapError("auth", str(exc)) from exc


def _describe(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    return str(exc) or type(exc).__name__


def _text(data: object) -> str:
    if isinstance(data, list) and data:
        first = data[0]
        if isinstance(first, bytes):
            return first.decode("utf-8", "replace")
    return str(data)
