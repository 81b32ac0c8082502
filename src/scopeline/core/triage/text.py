"""Prepare a raw client message for triage: decode it, flatten HTML, keep the newest part.

``clean_message`` takes what a mail client, a helpdesk or a user pasted — text or bytes, plain
or HTML, with the quoted history of the thread and a signature below it — and returns the part
the client wrote last, as plain, whitespace-normalised NFC text no longer than ``max_chars``.
What was done is listed in ``notes``, so that a verdict can say why its input differs from the
raw message.

It never raises, and it is linear in the size of the input: large inputs are read only as far
as the first ``max_chars`` characters of the result need (HTML is scanned with a small
tokenizer of our own, since ``html.parser`` is quadratic on some malformed input).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["NOTES", "CleanMessage", "clean_message"]

NOTES: Final[tuple[str, ...]] = (
    "empty",
    "binary",
    "decoded-latin-1",
    "decoded-utf-16",
    "html",
    "quoted-history-removed",
    "signature-removed",
    "truncated",
    "control-characters-removed",
)
"""Every note ``clean_message`` can give, in the order it lists them."""


@dataclass(frozen=True, slots=True)
class CleanMessage:
    """A client message ready for triage."""

    text: str
    """The newest part of the message, plain text, whitespace-normalised (NFC)."""
    original_length: int
    """Characters (or bytes, when bytes were given) of the raw input."""
    truncated: bool
    """True when ``text`` was cut to ``max_chars``."""
    notes: tuple[str, ...]
    """Machine-readable reasons, from ``NOTES``, in that order."""


def clean_message(raw: str | bytes, *, max_chars: int = 4000) -> CleanMessage:
    """Return the newest part of ``raw`` as plain text of at most ``max_chars`` characters."""
    limit = max(0, max_chars)
    notes: set[str] = set()
    if isinstance(raw, bytes | bytearray | memoryview):
        data = bytes(raw)
        original_length = len(data)
        decoded, note = _decode(data)
        if decoded is None:
            return CleanMessage("", original_length, False, ("binary",))
        if note:
            notes.add(note)
        text = decoded
    elif isinstance(raw, str):
        text = raw
        original_length = len(raw)
    else:  # outside the signature; treated as no message rather than an error
        text = ""
        original_length = 0

    if _looks_like_html(text):
        notes.add("html")
        text, html_notes = _html_to_text(text, budget=limit + _MARGIN)
        notes |= html_notes
    text, removed = _normalise_prefix(text, limit + _MARGIN)
    if removed:
        notes.add("control-characters-removed")
    text, history_notes = _strip_history(text, limit)
    notes |= history_notes
    text, truncated = _truncate(text, limit)
    if truncated:
        notes.add("truncated")
    if not text and not truncated:
        notes.add("empty")
    return CleanMessage(text, original_length, truncated, tuple(n for n in NOTES if n in notes))


# How much more than ``max_chars`` is read before the rest of a long input is ignored: enough
# for any marker line that starts before the limit to be seen whole.
_MARGIN: Final = 2000

# ---------------------------------------------------------------------------------------------
# Bytes

# C0 controls and DEL, without tab, line feed, vertical tab, form feed and carriage return.
_CONTROL_BYTES: Final = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_HIGH_BYTES: Final = bytes(range(0x80, 0x100))
_BINARY_SHARE: Final = 0.08  # random or compressed data has about 12 % control bytes


def _decode(data: bytes) -> tuple[str | None, str | None]:
    """Bytes to text and a note; ``None`` for text when the bytes are binary."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace"), "decoded-utf-16"
    if not data:
        return "", None
    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        return utf16, "decoded-utf-16"
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls / len(data) >= _BINARY_SHARE:
        return None, None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    # Mostly valid UTF-8 (a stray byte, a sequence cut at the end) stays UTF-8; text in a
    # single-byte encoding has nearly every non-ASCII byte invalid as UTF-8.
    lenient = data.decode("utf-8", "replace")
    bad = lenient.count("\ufffd")
    non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES))
    good = non_ascii - 3 * bad  # generous: each good character used at least two bytes
    if good > 0 and bad * 20 <= good:
        return lenient, None
    try:
        return data.decode("cp1252"), "decoded-latin-1"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "decoded-latin-1"


def _bomless_utf16(data: bytes) -> str | None:
    """Text in UTF-16 without a byte-order mark (mostly ASCII: every other byte NUL)."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    half = len(data) // 2
    even_nul, odd_nul = even.count(0) / half, odd.count(0) / half
    if odd_nul >= 0.3 and even_nul <= 0.02:
        codec = "utf-16-le"
    elif even_nul >= 0.3 and odd_nul <= 0.02:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for c in text[:4096] if c < " " and c not in "\t\n\r\v\f")
    return text if controls <= len(text[:4096]) * 0.02 else None


# ---------------------------------------------------------------------------------------------
# HTML

_HTML_STRONG: Final = re.compile(r"<(?:!doctype\s+html|html|head|body|meta)\b", re.IGNORECASE)
_HTML_TAG: Final = re.compile(
    r"<(/?)(div|p|br|table|tr|td|th|span|font|blockquote|li|ul|ol|b|i|u|strong|em|a|img|hr"
    r"|h[1-6])\b[^<>]{0,2000}>",
    re.IGNORECASE,
)
_HTML_SNIFF: Final = 100_000


def _looks_like_html(text: str) -> bool:
    head = text[:_HTML_SNIFF]
    if "<" not in head:
        return False
    if _HTML_STRONG.search(head):
        return True
    closing = breaks = 0
    for count, match in enumerate(_HTML_TAG.finditer(head), start=1):
        if count == 1 and not head[: match.start()].strip():
            return True  # the message starts with a tag
        closing += bool(match.group(1))
        breaks += match.group(2).lower() == "br"
        if count >= 2 and (closing or breaks >= 2):
            return True
        if count >= 50:
            break
    return False


_TAG_START: Final = re.compile(r"<[a-zA-Z/!?]")
_TAG: Final = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:_-]*)([^<>]*)>")
_ATTR: Final = re.compile(
    r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"""
)
_HTML_SPACE: Final = re.compile(r"[ \t\n\r\f]+")
_RAW_TEXT: Final = {
    name: re.compile(rf"</{name}\s*>", re.IGNORECASE)
    for name in ("script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes")
}
_DROPPED: Final = frozenset({"head", "noscript", "template", "object", "svg", "math"})
_BLOCKS: Final = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "  # noqa: SIM905
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li "
    "main menu nav ol pre section summary table tbody tfoot thead tr ul".split()
)
_CELLS: Final = frozenset({"td", "th"})
_QUOTE_CLASSES: Final = (
    "gmail_quote",
    "gmail_extra_quote",
    "yahoo_quoted",
    "protonmail_quote",
    "moz-cite-prefix",
    "zmail_extra",
)
_CUT_IDS: Final = ("divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container")
_SIGNATURE_CLASSES: Final = ("gmail_signature", "moz-signature")
_MAX_TAGS: Final = 20_000  # at least; bounds the work on markup with little text


class _Sink:
    """Text being written, with what the block layout needs to know about its end."""

    __slots__ = ("newlines", "nonspace", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.nonspace = 0
        self.newlines = 2  # at the start, as after a paragraph: no leading breaks

    def write(self, text: str) -> None:
        if not text.strip(" \n"):  # collapsible space (a no-break space is not)
            if text and self.newlines == 0:
                self.parts.append(" ")
            return
        self.parts.append(text)
        visible = text.strip()
        self.nonspace += len(visible) - visible.count(" ")
        self.newlines = len(text) - len(text.rstrip("\n"))

    def line(self) -> None:
        """Start a new line unless at the start of one."""
        if self.newlines == 0:
            self.parts.append("\n")
            self.newlines = 1

    def paragraph(self) -> None:
        """Leave a blank line unless there is one."""
        while self.newlines < 2:
            self.parts.append("\n")
            self.newlines += 1

    def br(self) -> None:
        self.parts.append("\n")
        self.newlines += 1

    def text(self) -> str:
        return "".join(self.parts)


def _attributes(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTR.finditer(text)
    }


_Role = Literal["quote", "cut", "signature", "drop", "none"]


def _role(name: str, rest: str) -> _Role:
    """What a start tag means for the message: quoted history, a signature, or nothing."""
    if name == "blockquote":
        return "quote"
    if name in _DROPPED:
        return "drop"
    if "=" not in rest or name not in ("div", "span", "section", "table", "hr", "p"):
        return "none"
    attrs = _attributes(rest)
    classes = attrs.get("class", "").lower().split()
    ident = attrs.get("id", "").lower()
    if ident.endswith(_CUT_IDS):
        return "cut"
    if any(c.startswith(_QUOTE_CLASSES) for c in classes):
        return "quote"
    if any(c.startswith(_SIGNATURE_CLASSES) for c in classes) or ident in (
        "signature",
        "x_signature",
    ):
        return "signature"
    return "none"


def _html_to_text(markup: str, budget: int) -> tuple[str, set[str]]:
    """HTML to text, without quoted history (and signature blocks) when something is left.

    Reads until ``budget`` non-space characters of the newest part are written.
    """
    new, everything = _Sink(), _Sink()
    skip_tag: str | None = None  # the element whose content is left out of ``new``
    skip_depth = 0
    skip_role: _Role = "none"
    cut = False  # after Outlook's reply header everything is quoted history
    quoted = signed = False
    pre = 0
    p_is_line = False
    tags = 0
    max_tags = max(_MAX_TAGS, 4 * budget)
    pos, end = 0, len(markup)

    while pos < end:
        start = _TAG_START.search(markup, pos)
        if start is None:
            chunk, pos = markup[pos:], end
        else:
            chunk, pos = markup[pos : start.start()], start.start()
        if chunk:
            if not pre:
                chunk = _HTML_SPACE.sub(" ", chunk)
            if "&" in chunk:
                chunk = html.unescape(chunk)
            if skip_role != "drop":
                everything.write(chunk)
                if skip_tag is None and not cut:
                    new.write(chunk)
                elif skip_role == "signature" and chunk.strip():
                    signed = True
            if new.nonspace > budget or (not new.nonspace and everything.nonspace > budget):
                break
        if start is None:
            break
        tags += 1
        if tags > max_tags:
            break
        if markup.startswith("<!", pos) or markup.startswith("<?", pos):
            close = "-->" if markup.startswith("<!--", pos) else ">"
            found = markup.find(close, pos + 2)
            pos = end if found < 0 else found + len(close)
            continue
        tag = _TAG.match(markup, pos)
        if tag is None:  # a "<" that starts no tag is text
            if skip_role != "drop":
                everything.write("<")
                if skip_tag is None and not cut:
                    new.write("<")
            pos += 1
            continue
        pos = tag.end()
        closing, name, rest = bool(tag.group(1)), tag.group(2).lower(), tag.group(3)

        if not closing and name in _RAW_TEXT:
            found_close = _RAW_TEXT[name].search(markup, pos)
            pos = end if found_close is None else found_close.end()
            continue

        if skip_tag is not None:
            if name == skip_tag and not rest.rstrip().endswith("/"):
                skip_depth += -1 if closing else 1
            elif skip_tag == "head" and name == "body" and not closing:
                skip_depth = 0
            if skip_depth <= 0:
                skip_tag, skip_role = None, "none"
            elif skip_role == "drop":
                continue
        elif not closing:
            role = _role(name, rest)
            if role in ("quote", "cut"):
                quoted = True
                if new.nonspace:
                    break  # the newest part ends here
            if role == "cut":
                cut = True
            elif role != "none" and not rest.rstrip().endswith("/"):
                skip_tag, skip_depth, skip_role = name, 1, role
                if role == "drop":
                    continue

        sinks = (everything,) if skip_tag is not None or cut else (everything, new)
        if name == "pre":
            pre = max(0, pre - 1) if closing else pre + 1
        if name == "br":
            for sink in sinks:
                sink.br()
        elif name == "p":
            if not closing:  # Outlook's paragraphs have no margins: they are lines
                p_is_line = "msonormal" in rest.lower()
            for sink in sinks:
                if p_is_line:
                    sink.line()
                else:
                    sink.paragraph()
        elif name in _BLOCKS:
            for sink in sinks:
                sink.line()
        elif name in _CELLS and not closing:
            for sink in sinks:
                sink.write(" ")
        elif name == "img" and not closing and "emoji" in rest.lower():
            alt = _attributes(rest).get("alt", "")
            for sink in sinks:
                sink.write(alt)

    if not new.nonspace:  # nothing but quoted history: keep it
        return everything.text(), set()
    notes = set()
    if quoted:
        notes.add("quoted-history-removed")
    if signed:
        notes.add("signature-removed")
    return new.text(), notes


# ---------------------------------------------------------------------------------------------
# Normalisation

_LINE_BREAKS: Final = {0x0B: "\n", 0x0C: "\n", 0x85: "\n", 0x2028: "\n", 0x2029: "\n\n"}
_CONTROLS: Final = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]+")
_INVISIBLE: Final = re.compile(r"[\u00ad\u200b\u2060\ufeff]+")
_SURROGATES: Final = re.compile(r"[\ud800-\udfff]")
# Runs of horizontal space that are not already a single plain space.
_SPACES: Final = re.compile(
    r"[ \t\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]{2,}"
    r"|[\t\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]"
)
_BLANK_LINES: Final = re.compile(r"\n[ \n]*\n ?")  # after _SPACES: spaces come one at a time
_LINE_EDGES: Final = re.compile(r" \n ?|\n ")


def _normalise(text: str) -> tuple[str, bool]:
    """Plain text in NFC, without control characters, with collapsed whitespace.

    Returns the text and whether control characters were removed.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_LINE_BREAKS)
    text, removed = _CONTROLS.subn("", text)
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
        text = _SURROGATES.sub("\ufffd", text)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n\n", text)
    text = _LINE_EDGES.sub("\n", text)
    return text.strip(), removed > 0


def _normalise_prefix(text: str, need: int) -> tuple[str, bool]:
    """``_normalise`` applied only to as much of ``text`` as gives ``need`` characters and more.

    Normalising only shrinks text, so a prefix of the input gives a prefix of the result; only
    its last few characters can differ (a run of spaces cut in two), and those lie beyond what
    the rest of the pipeline reads (it stops ``_MARGIN`` characters before the end).
    """
    size = max(4 * need, 1 << 16)
    while size < len(text):
        part, removed = _normalise(text[:size])
        if len(part) > need + 64:
            return part, removed
        size *= 4
    return _normalise(text)


# ---------------------------------------------------------------------------------------------
# Quoted history and signatures

_LONGEST_MARKER: Final = 400  # attribution and header lines are shorter than this

_QUOTE_VERB: Final = re.compile(
    r"(?:\bwrote|\bkirjoitti|\ba scris|[写寫]道|\bschrieb|\ba écrit|\bescribió|\bskrev)"
    r" ?[:：]$",
    re.IGNORECASE,
)
# The verb before the date: "Sam Smith <sam@x.fi> kirjoitti 3.11.2026 kello 10.12:" (Apple
# Mail in Finnish), "Am 03.11.2026 um 10:12 schrieb Sam <sam@x.de>:".
_QUOTE_VERB_INSIDE: Final = re.compile(r"\b(?:kirjoitti|schrieb)\b.{1,80}[:：]$", re.IGNORECASE)
_OPENER: Final = re.compile(r"(?:on|pe|în|am|le|el|den|op|il|em)\b", re.IGNORECASE)
_WHEN: Final = re.compile(r"\d{1,2}[:.]\d{2}|\d{4} ?年|\d{1,2} ?月 ?\d{1,2} ?[日号號]")
_SENTENCE_END: Final = tuple(".!?。！？")
_SEPARATOR: Final = re.compile(
    r"-{2,} ?(?:original message|alkuperäinen viesti|mesaj(?:ul)? original|原始[邮郵信]件"
    r"|ursprüngliche nachricht|message d'origine|mensaje original) ?-{2,}$",
    re.IGNORECASE,
)
_FROM: Final = re.compile(
    r"\*{0,2}(from|de|von|lähettäjä|de la|发件人|發件人|寄件者|寄件人)\*{0,2} ?[:：]",
    re.IGNORECASE,
)
_STRONG_FROM: Final = frozenset({"lähettäjä", "de la", "发件人", "發件人", "寄件者", "寄件人"})
# The header that follows "From:" in a quoted message: when it was sent.
_SENT: Final = (
    r"\*{0,2}(?:sent|date|lähetetty|päivämäärä|trimis|data|发送时间|發送時間|时间|時間|日期|寄件日期"
    r"|gesendet|datum|envoyé|enviado|fecha)\*{0,2} ?[:：]"
)
_SENT_HEADER: Final = re.compile(_SENT, re.IGNORECASE)
_INLINE_SENT: Final = re.compile(r"(?<!\w)" + _SENT, re.IGNORECASE)
_UNDERSCORES: Final = re.compile(r"_{10,}$")
# What mail apps add below a message ("Sent from my iPhone"): a device or an app must be named,
# so that "Sent via DHL" or "发自内心感谢" stay in the message.
_DEVICE: Final = (
    r"(?:iphone|ipad|android|samsung|galaxy|huawei|xiaomi|pixel|blackberry|mobile|outlook|yahoo"
    r"|gmail|proton ?mail|aol|icloud|mail|spark|windows|ios|mobiili|puhelim|laittee|sovellukse"
    r"|telefon|dispozitiv|手机|手機|邮箱|郵箱|平板)"
)
_FOOTER: Final = re.compile(
    r"(?:sent (?:from|with|via) (?:my |the )?\S{0,20}?" + _DEVICE + r"[\w .'’&-]{0,40}"
    r"|get outlook for \w+"
    r"|lähetetty (?:minun )?\S{0,20}?" + _DEVICE + r"[\w .:’-]{0,40}"
    r"|hanki outlook for \w+"
    r"|trimis de pe [\w .'’-]{1,40}"
    r"|trimis (?:din|cu) \S{0,20}?" + _DEVICE + r"[\w .'’-]{0,40}"
    r"|obține(?:ți)? outlook pentru \w+"
    r"|(?:从|從)我的.{1,25}(?:发送|傳送|發送)"
    r"|(?:发自|發自|来自|來自)(?:我的)? ?\S{0,20}?" + _DEVICE + r"[\w ]{0,20}"
    r")[.!。]?$",
    re.IGNORECASE,
)

_Kind = Literal["prefix", "attribution", "header"]


def _is_attribution(line: str) -> bool:
    """Is this "On Mon, 3 Nov 2026 at 10:12, Sam <sam@x> wrote:" or its kin in other languages?"""
    if not line.endswith((":", "：")) or not (
        _QUOTE_VERB.search(line) or _QUOTE_VERB_INSIDE.search(line)
    ):
        return False
    if "@" in line or _WHEN.search(line):
        return True
    return bool(_OPENER.match(line)) and any(c.isdigit() for c in line)


def _quote_start(lines: list[str], i: int) -> tuple[int, _Kind | None]:
    """Whether line ``i`` starts quoted history: how many lines the marker spans, and its kind."""
    line = lines[i]
    if line.startswith(">"):
        return 1, "prefix"
    if len(line) > _LONGEST_MARKER:
        return 0, None
    if _is_attribution(line):
        return 1, "attribution"
    if _SEPARATOR.match(line):
        return 1, "header"
    sender = _FROM.match(line)
    if sender and (
        sender.group(1).lower() in _STRONG_FROM
        or _INLINE_SENT.search(line, sender.end())
        or any(_SENT_HEADER.match(f) for f in _following(lines, i, 3))
    ):
        return 1, "header"
    if _UNDERSCORES.match(line) and any(_FROM.match(f) for f in _following(lines, i, 2)):
        return 1, "header"
    # An attribution wrapped over two lines.
    if i + 1 < len(lines) and not line.endswith(_SENTENCE_END):
        nxt = lines[i + 1]
        if len(nxt) <= _LONGEST_MARKER and nxt.endswith((":", "：")):
            joined = f"{line} {nxt}"
            if _is_attribution(joined) and (
                (_OPENER.match(line) and any(c.isdigit() for c in line))
                or line.rfind("<") > line.rfind(">")
                or ("@" in line and "@" not in nxt)
                or not _is_attribution(nxt)
            ):
                return 2, "attribution"
    return 0, None


def _following(lines: list[str], i: int, count: int) -> list[str]:
    """The next ``count`` non-blank lines after line ``i`` (looking at most one blank further)."""
    return [line for line in lines[i + 1 : i + 2 + count] if line][:count]


def _is_signature(line: str) -> bool:
    if line in ("--", "-- "):
        return True
    return len(line) <= 80 and bool(_FOOTER.match(line))


def _strip_history(text: str, limit: int, depth: int = 0) -> tuple[str, set[str]]:
    """Keep the text above the first quoted-history or signature line."""
    span = limit + _MARGIN
    window = text[:span] if len(text) > span else text
    lines = window.split("\n")
    if len(window) < len(text) and len(lines) > 1:
        lines.pop()  # the last line was cut by the window

    quote_at: int | None = None
    quote_span = 0
    quote_kind: _Kind | None = None
    signature_at: int | None = None
    for i, line in enumerate(lines):
        if not line:
            continue
        if signature_at is None and _is_signature(line):
            signature_at = i
        size, kind = _quote_start(lines, i)
        if kind is not None:
            quote_at, quote_span, quote_kind = i, size, kind
            break

    cuts = [at for at in (quote_at, signature_at) if at is not None]
    if not cuts:
        return text, set()
    at = min(cuts)
    head = "\n".join(lines[:at]).strip()
    if head:
        notes = set()
        if quote_at is not None:
            notes.add("quoted-history-removed")
        if signature_at is not None and signature_at == at:
            notes.add("signature-removed")
        return head, notes

    # Nothing above the marker. Bottom-posting: the reply follows a leading "> " block.
    if at == quote_at and quote_kind in ("prefix", "attribution") and depth < 2:
        j = at + quote_span
        prefixed = quote_kind == "prefix"
        while j < len(lines) and (not lines[j] or lines[j].startswith(">")):
            prefixed = prefixed or bool(lines[j])
            j += 1
        if prefixed and j < len(lines):
            rest = text.split("\n", j)[-1].strip()
            newer, notes = _strip_history(rest, limit, depth + 1)
            if newer:
                return newer, notes | {"quoted-history-removed"}
    return text, set()  # the message is only a quote (or only a signature): keep it


# ---------------------------------------------------------------------------------------------
# Truncation

_FULL_STOPS: Final = frozenset("。！？")
_STOPS: Final = frozenset(".!?…")
_SOFT_BREAKS: Final = frozenset("，、；：,;:")


def _truncate(text: str, limit: int) -> tuple[str, bool]:
    """Cut ``text`` to ``limit`` characters, at a sentence or word boundary near the limit."""
    if len(text) <= limit:
        return text, False
    if limit == 0:
        return "", True
    head = text[: limit + 1]  # the character at ``limit`` tells whether ``limit`` is a boundary
    sentence_floor = limit - max(1, min(limit // 10, 300))
    word_floor = limit - max(1, min(limit // 5, 100))

    cut = 0
    for i in range(limit - 1, max(sentence_floor, 0) - 1, -1):
        c = head[i]
        if c in _FULL_STOPS or (c in _STOPS and head[i + 1].isspace()):
            cut = i + 1
            break
    if not cut:
        for i in range(limit, max(word_floor, 1) - 1, -1):
            if head[i].isspace():
                cut = i
                break
            if head[i - 1] in _SOFT_BREAKS:
                cut = i
                break
    if not cut:
        cut = _grapheme_boundary(text, limit)
    return text[:cut].rstrip(), True


def _grapheme_boundary(text: str, i: int) -> int:
    """``i``, or a little less so as not to split a character from its marks or emoji parts."""
    start = i
    while i > 0 and start - i < 32:
        c, before = text[i], text[i - 1]
        extends = (
            unicodedata.category(c) in ("Mn", "Me", "Mc")
            or c in "\u200d\ufe0e\ufe0f"
            or "\U0001f3fb" <= c <= "\U0001f3ff"
            or "\U000e0020" <= c <= "\U000e007f"
            or before == "\u200d"
        )
        if not extends and "\U0001f1e6" <= c <= "\U0001f1ff":
            # Regional indicators pair up into flags: do not split a pair.
            run = 0
            while i - run - 1 >= 0 and "\U0001f1e6" <= text[i - run - 1] <= "\U0001f1ff":
                run += 1
            extends = run % 2 == 1
        if not extends:
            return i
        i -= 1
    return i if i > 0 else start
