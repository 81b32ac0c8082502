"""Read one e-mail message (RFC 5322 bytes) into what the intake needs, or refuse it.

Parsing uses the standard library's ``email`` package with ``policy.default``; the body is
cleaned by the core's ``clean_message`` (HTML flattened, quoted history and signature removed),
the same cleaning every message gets before triage. Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from typing import Final

from scopeline.core.triage.text import clean_message

__all__ = [
    "EmailError",
    "ParsedAttachment",
    "ParsedEmail",
    "ParsedHeader",
    "normalise_subject",
    "parse_email",
    "read_header",
    "safe_filename",
]

REJECTIONS: Final = ("empty", "too_large", "binary", "not_email", "no_sender")
"""The codes an ``EmailError`` can carry."""

# Labels that mail programs write for what is really a wider character set.
_CHARSET_ALIASES: Final = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "big5": "cp950",
    "x-big5": "cp950",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "utf-8",  # 8-bit bytes under an ASCII label are UTF-8 far more often than not
    "ascii": "utf-8",
}
_HEADER_LINE: Final = re.compile(rb"^[!-9;-~]{1,76}:")
_MBOX_FROM: Final = re.compile(rb"^From [^\r\n]*\r?\n")
_CONTROL: Final = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_HEAD_SCAN: Final = 65_536
_REPLY_PREFIX: Final = re.compile(
    r"^\s*(?:(?:re|fwd?|vs|sv|vl|aw|tr|rv|r|回复|回覆|答复|答覆|转发|轉寄|轉發)\s*[:：]\s*)+",
    re.IGNORECASE,
)
_MAX_SUBJECT: Final = 300
_MAX_MESSAGE_ID: Final = 255


class EmailError(Exception):
    """The bytes are not a message the intake can take; ``code`` is one of ``REJECTIONS``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    sha256: str
    size: int
    from_address: str
    from_name: str
    reply_to: str
    subject: str
    sent_at: dt.datetime | None
    text: str
    """The newest part of the body, cleaned for triage (the subject when the body is empty)."""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    notes: list[dict[str, str | int]] = field(default_factory=list)
    """What was left out: attachments over the size limit or beyond the count."""


def parse_email(
    raw: bytes,
    *,
    max_bytes: int,
    max_attachment_bytes: int,
    max_attachments: int,
    max_chars: int,
    now: dt.datetime | None = None,
) -> ParsedEmail:
    """Parse ``raw``; raise ``EmailError`` when it is empty, too large, binary or not a message."""
    size = len(raw)
    if not raw.strip():
        raise EmailError("empty")
    if size > max_bytes:
        raise EmailError("too_large")
    body_bytes = _strip_envelope(raw)
    _check_head(body_bytes)
    message = BytesParser(policy=policy.default).parsebytes(body_bytes)
    if not isinstance(message, EmailMessage) or not message.keys():
        raise EmailError("not_email")

    from_name, from_address = _address(message, "From")
    if not from_address:
        raise EmailError("no_sender")
    _reply_name, reply_to = _address(message, "Reply-To")
    digest = hashlib.sha256(raw).hexdigest()
    subject = _header_text(message, "Subject")[:_MAX_SUBJECT]

    body = _body_part(message)
    text = ""
    if body is not None:
        text = clean_message(_part_text(body), max_chars=max_chars).text
    if not text.strip():
        text = normalise_subject(subject)

    attachments: list[ParsedAttachment] = []
    notes: list[dict[str, str | int]] = []
    for part in _leaves(message):
        if part is body or not _is_attachment(part):
            continue
        data = _part_bytes(part)
        if data is None:
            continue
        content_type = part.get_content_type()
        name = safe_filename(_filename(part), content_type)
        if len(data) > max_attachment_bytes:
            notes.append({"code": "attachment_too_large", "name": name, "size": len(data)})
        elif len(attachments) >= max_attachments:
            notes.append({"code": "too_many_attachments", "name": name, "size": len(data)})
        else:
            attachments.append(ParsedAttachment(name, content_type[:100], data))

    return ParsedEmail(
        message_id=_message_id(message, digest),
        sha256=digest,
        size=size,
        from_address=from_address,
        from_name=from_name[:200],
        reply_to=reply_to,
        subject=subject,
        sent_at=_sent_at(message, now or dt.datetime.now(dt.UTC)),
        text=text,
        attachments=attachments,
        notes=notes,
    )


@dataclass(frozen=True)
class ParsedHeader:
    message_id: str
    sha256: str
    from_address: str
    subject: str


def read_header(header: bytes) -> ParsedHeader:
    """Who sent a message and what it is, from its header alone (for one too large to fetch)."""
    digest = hashlib.sha256(header).hexdigest()
    message = BytesParser(policy=policy.default).parsebytes(header, headersonly=True)
    if not isinstance(message, EmailMessage):
        return ParsedHeader(f"sha256:{digest}", digest, "", "")
    return ParsedHeader(
        message_id=_message_id(message, digest),
        sha256=digest,
        from_address=_address(message, "From")[1],
        subject=_header_text(message, "Subject")[:_MAX_SUBJECT],
    )


def normalise_subject(subject: str) -> str:
    """The subject without its "Re:" / "Fwd:" / "回复：" prefixes."""
    return _REPLY_PREFIX.sub("", subject).strip()


def safe_filename(name: str, content_type: str = "application/octet-stream") -> str:
    """A file name that is safe to show and to offer for download: no folders, no control
    characters, no leading dots, at most 100 characters (the extension kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        c if (c.isalnum() or c in " ._-()[]+,") and unicodedata.category(c)[0] != "C" else "_"
        for c in name
    )
    name = re.sub(r"\s+", " ", name).strip(" .")
    name = re.sub(r"_{2,}", "_", name)
    if not name.strip("_"):
        extension = mimetypes.guess_extension(content_type, strict=False) or ".bin"
        name = f"attachment{extension}"
    if len(name) > 100:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = f"{stem[: 99 - len(extension)]}.{extension}"
        else:
            name = name[:100]
    return name


# ---------------------------------------------------------------------------------------------


def _strip_envelope(raw: bytes) -> bytes:
    """Without a UTF-8 byte-order mark and an mbox "From " line, which some programs save."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    raw = raw.lstrip(b"\r\n")
    match = _MBOX_FROM.match(raw)
    return raw[match.end() :] if match else raw


def _check_head(raw: bytes) -> None:
    """The header block must be text made of header lines; else the file is not a message."""
    head = raw[:_HEAD_SCAN]
    end = re.search(rb"\r?\n\r?\n", head)
    block = head[: end.start()] if end else head
    if b"\x00" in block or len(block) - len(block.translate(None, _CONTROL)) > len(block) // 100:
        raise EmailError("binary")
    if not _HEADER_LINE.match(block):
        raise EmailError("not_email")
    lines = [line for line in re.split(rb"\r?\n", block) if line]
    headers = sum(1 for line in lines if _HEADER_LINE.match(line) or line[:1] in (b" ", b"\t"))
    if headers < len(lines) * 0.9:
        raise EmailError("not_email")


def _raw_header(message: Message, name: str) -> str:
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            try:
                return str(make_header(decode_header(str(value))))
            except (LookupError, UnicodeError, ValueError):
                return str(value)
    return ""


def _header_text(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
        text = "" if value is None else str(value)
    except Exception:  # a malformed header: the policy's parser may raise almost anything
        text = _raw_header(message, name)
    return " ".join(text.split())


def _address(message: EmailMessage, name: str) -> tuple[str, str]:
    """(display name, lower-cased address) of the first address in header ``name``."""
    pairs: list[tuple[str, str]] = []
    try:
        header = message.get(name)
        if header is not None:
            addresses = getattr(header, "addresses", ())
            pairs = [(a.display_name, a.addr_spec) for a in addresses]
    except Exception:  # a malformed header: read it the old way
        pairs = []
    if not pairs:
        raw = _raw_header(message, name)
        pairs = [p for p in getaddresses([raw]) if p[1]] if raw else []
        if not pairs and raw:
            pairs = [parseaddr(raw)]
    for display, address in pairs:
        address = address.strip().strip("<>").lower()
        if "@" in address and " " not in address and len(address) <= 320:
            return display.strip(), address
    return "", ""


def _message_id(message: EmailMessage, digest: str) -> str:
    value = _header_text(message, "Message-ID").strip()
    match = re.search(r"<[^<>\s]+>", value)
    if match:
        value = match.group(0)
    if not value or len(value) > _MAX_MESSAGE_ID or " " in value:
        return f"sha256:{digest}"
    return value


def _sent_at(message: EmailMessage, now: dt.datetime) -> dt.datetime | None:
    try:
        header = message.get("Date")
        when = getattr(header, "datetime", None) if header is not None else None
    except Exception:  # an unreadable date is no date
        when = None
    if not isinstance(when, dt.datetime):
        return None
    if when.tzinfo is None:  # "-0000": the sender did not say; RFC 5322 means UTC
        when = when.replace(tzinfo=dt.UTC)
    if when > now + dt.timedelta(days=1) or when.year < 1990:
        return None  # a clock that is far off says nothing about when it was sent
    return when


def _body_part(message: EmailMessage) -> EmailMessage | None:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:  # a broken structure: no body rather than no message
        return None
    return part if isinstance(part, EmailMessage) else None


def _leaves(part: EmailMessage) -> list[EmailMessage]:
    """The parts that hold content, depth first; a forwarded message stays one part."""
    if part.get_content_maintype() == "multipart" and part.is_multipart():
        leaves: list[EmailMessage] = []
        for sub in part.iter_parts():
            if isinstance(sub, EmailMessage):
                leaves.extend(_leaves(sub))
        return leaves
    return [part]


def _is_attachment(part: EmailMessage) -> bool:
    """Files (images, documents, forwarded messages, named text files), not another rendering
    of the body."""
    if part.is_attachment():
        return True
    return part.get_content_maintype() not in ("text", "multipart") or bool(_filename(part))


def _filename(part: EmailMessage) -> str:
    try:
        return part.get_filename() or ""
    except Exception:  # an undecodable name: the content type names it
        return ""


def _part_bytes(part: EmailMessage) -> bytes | None:
    if part.get_content_maintype() == "message":
        try:
            inner = part.get_payload(0)
        except (IndexError, TypeError):
            return None
        return inner.as_bytes() if isinstance(inner, Message) else None
    try:
        data = part.get_payload(decode=True)
    except Exception:  # a broken transfer encoding
        return None
    return data if isinstance(data, bytes) else None


def _part_text(part: EmailMessage) -> str | bytes:
    """The part's text, decoded by its declared character set when that works; else its bytes,
    which ``clean_message`` decodes itself (UTF-8, UTF-16, or Latin-1)."""
    data = _part_bytes(part)
    if data is None:
        return ""
    charset = (part.get_content_charset() or "utf-8").lower()
    charset = _CHARSET_ALIASES.get(charset, charset)
    try:
        return data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return data
