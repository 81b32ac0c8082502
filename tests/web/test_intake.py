"""E-mail intake through .eml files: parsing the fixtures in five languages, matching the sender
to a client's project, triage into the inbox, attachments, de-duplication, bad files, the
unmatched list, the mailbox settings page and a poll that cannot connect.

The real IMAP server is in ``test_imap.py``."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from scopeline.accounts.models import AuditEntry
from scopeline.clients.models import Client
from scopeline.intake import services
from scopeline.intake.models import EmailAttachment, IncomingEmail, IntakeMailbox
from scopeline.intake.parsing import EmailError, ParsedEmail, parse_email, safe_filename
from scopeline.projects import services as project_services
from scopeline.projects.models import ClientRequest, Project
from tests.web.conftest import World, make_project

EML = Path(__file__).resolve().parents[1] / "data" / "eml"


def parse(
    data: bytes,
    *,
    max_bytes: int = 1_000_000,
    max_attachment_bytes: int = 100_000,
    max_attachments: int = 20,
) -> ParsedEmail:
    return parse_email(
        data,
        max_bytes=max_bytes,
        max_attachment_bytes=max_attachment_bytes,
        max_attachments=max_attachments,
        max_chars=20_000,
    )


def eml(name: str) -> bytes:
    return (EML / name).read_bytes()


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, eml(name) if data is None else data, "message/rfc822")


def set_email(project: Project, address: str) -> None:
    Client.objects.filter(pk=project.client_id).update(email=address)


@dataclass
class Studio:
    world: World
    acme: Project
    bistro: Project
    brightpath: Project
    huamei: Project
    anxin: Project

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"ws": self.world.workspace.slug, **kwargs})


@pytest.fixture
def studio(world: World) -> Studio:
    """Our workspace with one project per client language, each client with its address."""
    ws, owner = world.workspace, world.owner
    studio = Studio(
        world=world,
        acme=world.project,
        bistro=make_project(ws, owner, "bistro-dunarea"),
        brightpath=make_project(ws, owner, "brightpath-mvp"),
        huamei=make_project(ws, owner, "huamei-shop"),
        anxin=make_project(ws, owner, "anxin-clinic"),
    )
    set_email(studio.acme, "matti.virtanen@acme.example")
    set_email(studio.bistro, "ioana@bistrodunarea.example")
    set_email(studio.brightpath, "sam@brightpath.example")
    set_email(studio.huamei, "wanglei@huamei.example")
    set_email(studio.anxin, "lin@anxin-dental.example")
    # The stranger's client has the same address as ours: his workspace must not matter.
    set_email(world.other_project, "matti.virtanen@acme.example")
    return studio


def counts() -> tuple[int, int, int, int]:
    return (
        IncomingEmail.objects.count(),
        EmailAttachment.objects.count(),
        ClientRequest.objects.count(),
        AuditEntry.objects.count(),
    )


def receive(studio: Studio, name: str) -> services.Receipt:
    return services.receive_email(
        workspace=studio.world.workspace, raw=eml(name), source="upload", actor=None
    )


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


# -- parsing the fixtures ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sender", "kept", "dropped"),
    [
        (
            "fi-plain-quoted.eml",
            "matti.virtanen@acme.example",
            "lisätkää etusivulle puhelinnumeromme ja aukioloajat",
            ["kirjoitti", "etusivun taitto on nyt valmis", "Markkinointipäällikkö"],
        ),
        (
            "ro-html-only.eml",
            "ioana@bistrodunarea.example",
            "un sistem de rezervări online",
            ["a scris", "meniul digital este gata", "tel. 0721", "<div"],
        ),
        (
            "en-alternative-attachments.eml",
            "sam@brightpath.example",  # written "Sam@BrightPath.example"
            "Could you add a blog section to the site?",
            ["wrote:", "sign-up flow is deployed", "Sent from my iPhone"],
        ),
        (
            "en-outlook-unknown-sender.eml",
            "jordan.lee@newprospect.example",
            "Could the landing page also have a contact form?",
            ["Original Message", "please find the quote attached"],
        ),
        (
            "zh-hans-gb2312.eml",
            "wanglei@huamei.example",
            "能不能在小程序里再加一个会员积分功能？",
            ["写道", "商品详情页已经上线"],
        ),
        (
            "zh-hant-big5.eml",
            "lin@anxin-dental.example",
            "我們想把網站的首頁再改一次",
            ["寫道", "第二輪修改已完成"],
        ),
        (
            "fi-latin1-no-message-id.eml",
            "matti.virtanen@acme.example",
            "Se näkyy nyt liian pienenä puhelimella.",
            ["Lähetetty iPhonesta"],
        ),
        (
            "ro-reply-to-form.eml",
            "noreply@forms.example",
            "ne puteți trimite factura pentru a doua tranșă?",
            [],
        ),
        (
            "en-broken-multipart.eml",
            "sam@brightpath.example",
            "Please make the logo bigger on the home page.",
            [],
        ),
    ],
)
def test_the_fixtures_parse_to_their_newest_part(
    name: str, sender: str, kept: str, dropped: list[str]
) -> None:
    parsed = parse(eml(name))
    assert parsed.from_address == sender
    assert kept in parsed.text
    for text in dropped:
        assert text not in parsed.text, text
    assert parsed.sent_at is not None
    assert parsed.sent_at.tzinfo is not None
    assert parsed.sha256 == hashlib.sha256(eml(name)).hexdigest()


def test_headers_attachments_and_charsets() -> None:
    english = parse(eml("en-alternative-attachments.eml"))
    assert english.message_id == "<7C1A2B3D-EN-ALT-0003@brightpath.example>"
    assert english.subject == "Re: Sign-up flow on staging"
    assert english.from_name == "Sam Carter"
    assert [(a.filename, a.content_type) for a in english.attachments] == [
        ("Blog brief.pdf", "application/pdf"),
        ("sketch.png", "image/png"),
    ]
    assert english.attachments[0].data.startswith(b"%PDF-1.4")

    big5 = parse(eml("zh-hant-big5.eml"))
    assert big5.subject == "回覆：第二輪修改"
    assert big5.from_name == "林怡君"
    # "../../etc/報價單 2026.pdf": the folders are gone, the name is kept.
    assert [a.filename for a in big5.attachments] == ["報價單 2026.pdf"]

    gb = parse(eml("zh-hans-gb2312.eml"))
    assert gb.subject == "回复：商品详情页已上线"
    assert gb.from_name == "王磊"

    latin = parse(eml("fi-latin1-no-message-id.eml"))
    assert latin.message_id == f"sha256:{latin.sha256}"  # no Message-ID: the bytes identify it
    assert latin.subject == "Yhteystietosivun kartta"

    form = parse(eml("ro-reply-to-form.eml"))
    assert form.reply_to == "ioana@bistrodunarea.example"

    broken = parse(eml("en-broken-multipart.eml"))
    assert [a.filename for a in broken.attachments] == ["logo.png"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"  \r\n\r\n", "empty"),
        (eml("malformed.eml"), "not_email"),
        (eml("no-sender.eml"), "no_sender"),
        (eml("not-an-email.png"), "binary"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "not_email"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4, "binary"),
        (b"From: a@b.example\r\nSubject: x\r\n\r\n" + b"x" * 1_000_001, "too_large"),
    ],
)
def test_what_is_not_a_message_is_refused(data: bytes, code: str) -> None:
    with pytest.raises(EmailError) as refused:
        parse(data)
    assert refused.value.code == code


def test_file_names_are_made_safe() -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\x\\offer.pdf") == "offer.pdf"
    assert safe_filename("..hidden") == "hidden"
    assert safe_filename("a\x00b\u202ec.exe") == "a_b_c.exe"
    assert safe_filename("", "application/pdf") == "attachment.pdf"
    assert safe_filename("/", "image/png") == "attachment.png"
    assert safe_filename("報價單 2026.pdf") == "報價單 2026.pdf"
    long = safe_filename("x" * 300 + ".docx")
    assert len(long) == 100
    assert long.endswith(".docx")


def test_attachments_over_the_limits_are_left_out_and_said() -> None:
    parsed = parse(eml("en-alternative-attachments.eml"), max_attachment_bytes=100)
    assert [a.filename for a in parsed.attachments] == ["sketch.png"]  # 73 bytes
    assert parsed.notes == [{"code": "attachment_too_large", "name": "Blog brief.pdf", "size": 125}]
    parsed = parse(eml("en-alternative-attachments.eml"), max_attachments=1)
    assert [a.filename for a in parsed.attachments] == ["Blog brief.pdf"]
    assert parsed.notes[0]["code"] == "too_many_attachments"


# -- uploading ---------------------------------------------------------------------------------

LANGUAGES = {
    "fi-plain-quoted.eml": ("acme", "fi"),
    "ro-html-only.eml": ("bistro", "ro"),
    "en-alternative-attachments.eml": ("brightpath", "en"),
    "zh-hans-gb2312.eml": ("huamei", "zh-Hans"),
    "zh-hant-big5.eml": ("anxin", "zh-Hant"),
}


def test_uploaded_messages_land_in_the_inbox_triaged(studio: Studio) -> None:
    http = studio.world.http(studio.world.teammate)  # any member may upload
    files = [upload(name) for name in LANGUAGES] + [upload("en-outlook-unknown-sender.eml")]
    response = http.post(studio.url("intake_upload"), {"emls": files})
    assert response.status_code == 200
    page = response.content.decode()

    for name, (attr, lang) in LANGUAGES.items():
        project: Project = getattr(studio, attr)
        parsed = parse(eml(name))
        email = IncomingEmail.objects.get(message_id=parsed.message_id)
        assert email.workspace == studio.world.workspace
        assert email.status == IncomingEmail.Status.MATCHED
        assert email.match_note == "one_project"
        assert email.project == project
        request = email.request
        assert request is not None, name
        assert request.project == project
        assert request.channel == "email"
        assert request.created_by is None
        assert request.text == parsed.text  # the cleaned newest part
        assert request.received_at == parsed.sent_at  # the Date header
        assert request.lang == lang, name
        assert request.drafts["neutral"]  # triaged, with the replies drafted
        assert request.status == ClientRequest.Status.NEW
        assert reverse("request_detail", args=[studio.world.workspace.slug, request.pk]) in page
        # The raw message is kept, compressed, byte for byte.
        with email.raw.open("rb") as stored:
            assert gzip.decompress(stored.read()) == eml(name)

    unknown = IncomingEmail.objects.get(from_address="jordan.lee@newprospect.example")
    assert unknown.status == IncomingEmail.Status.UNMATCHED
    assert unknown.match_note == "unknown_sender"
    assert unknown.request is None
    assert "Waiting for a project: choose one." in page
    assert not ClientRequest.objects.filter(workspace=studio.world.other_workspace).exclude(
        created_by__isnull=False
    )

    # Attachments: stored under their safe names, with their hash, readable back.
    files_of = {a.filename: a for a in EmailAttachment.objects.all()}
    assert set(files_of) == {"Blog brief.pdf", "sketch.png", "報價單 2026.pdf"}
    brief = files_of["Blog brief.pdf"]
    with brief.file.open("rb") as stored:
        data = stored.read()
    assert data.startswith(b"%PDF-1.4")
    assert brief.sha256 == hashlib.sha256(data).hexdigest()
    assert brief.size == len(data)
    assert brief.workspace == studio.world.workspace
    assert AuditEntry.objects.filter(action="email.received").count() == 6
    assert AuditEntry.objects.filter(action="email.triaged").count() == 5


def test_the_same_message_twice_is_taken_in_once(studio: Studio) -> None:
    http = studio.world.http(studio.world.owner)
    names = ["fi-plain-quoted.eml", "fi-latin1-no-message-id.eml", "en-outlook-unknown-sender.eml"]
    http.post(studio.url("intake_upload"), {"emls": [upload(n) for n in names]})
    before, files = counts(), stored_files()
    assert before[0] == 3
    assert before[2] == 2
    response = http.post(studio.url("intake_upload"), {"emls": [upload(n) for n in names]})
    assert response.content.decode().count("Already taken in earlier.") == 3
    # Directly too, and with the same bytes under another Message-ID-less name.
    receipt = services.receive_email(
        workspace=studio.world.workspace,
        raw=eml("fi-latin1-no-message-id.eml"),
        source="upload",
        actor=None,
    )
    assert receipt.duplicate
    assert counts() == before
    assert stored_files() == files


def test_bad_files_get_a_clear_error_and_change_nothing(studio: Studio, settings: Settings) -> None:
    settings.INTAKE_MAX_EMAIL_BYTES = 200_000
    huge = (
        b"From: Sam Carter <sam@brightpath.example>\r\nSubject: Photos\r\n"
        b"Message-ID: <huge@brightpath.example>\r\nContent-Type: text/plain\r\n\r\n"
        + b"All the photos, inline.\r\n"
        * 10_000
    )
    http = studio.world.http(studio.world.owner)
    before, files = counts(), stored_files()
    response = http.post(
        studio.url("intake_upload"),
        {
            "emls": [
                upload("malformed.eml"),
                upload("no-sender.eml"),
                upload("not-an-email.png"),
                upload("empty.eml", b""),
                upload("huge.eml", huge),
            ]
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This is not an e-mail message; save the message as an .eml file." in page
    assert "The message has no sender address." in page
    assert "This is not an e-mail message: the file holds binary data." in page
    assert "The file is empty." in page
    assert "The message is larger than 195.3\xa0KB, the most the intake takes." in page
    assert counts() == before
    assert stored_files() == files


def test_the_upload_form_needs_a_file(studio: Studio) -> None:
    http = studio.world.http(studio.world.owner)
    assert http.get(studio.url("intake_upload")).status_code == 200
    response = http.post(studio.url("intake_upload"), {})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    too_many = [upload("fi-plain-quoted.eml") for _ in range(21)]
    response = http.post(studio.url("intake_upload"), {"emls": too_many})
    assert "Up to 20 files at once, please." in response.content.decode()
    assert IncomingEmail.objects.count() == 0


# -- matching ------------------------------------------------------------------------------------


def test_reply_to_matches_when_from_does_not(studio: Studio) -> None:
    receipt = services.receive_email(
        workspace=studio.world.workspace,
        raw=eml("ro-reply-to-form.eml"),
        source="upload",
        actor=None,
    )
    assert receipt.email is not None
    assert receipt.email.project == studio.bistro
    assert receipt.email.request is not None


def test_several_active_projects_go_to_the_most_recently_updated(studio: Studio) -> None:
    newer = make_project(studio.world.workspace, studio.world.owner, "acme-website")
    newer.client = studio.acme.client
    newer.save(update_fields=["client", "updated_at"])
    Project.objects.filter(pk=studio.acme.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=3)
    )
    receipt = services.receive_email(
        workspace=studio.world.workspace,
        raw=eml("fi-plain-quoted.eml"),
        source="upload",
        actor=None,
    )
    email = receipt.email
    assert email is not None
    assert email.project == newer
    assert email.match_note == "most_recent_project"
    assert email.active_projects == 2
    http = studio.world.http(studio.world.owner)
    page = http.get(studio.url("intake_email", pk=email.pk)).content.decode()
    assert "has 2 active projects; the message went to the most recently updated one." in page


def test_a_client_without_an_active_project_waits_for_one(studio: Studio) -> None:
    project_services.set_status(
        project=studio.acme, actor=studio.world.owner, status=Project.Status.COMPLETED
    )
    receipt = services.receive_email(
        workspace=studio.world.workspace,
        raw=eml("fi-plain-quoted.eml"),
        source="upload",
        actor=None,
    )
    email = receipt.email
    assert email is not None
    assert email.status == IncomingEmail.Status.UNMATCHED
    assert email.client == studio.acme.client
    assert email.match_note == "no_active_project"
    assert ClientRequest.objects.count() == 0


# -- the unmatched list ---------------------------------------------------------------------------


def test_an_unmatched_message_is_assigned_and_then_triaged(studio: Studio) -> None:
    receipt = services.receive_email(
        workspace=studio.world.workspace,
        raw=eml("en-outlook-unknown-sender.eml"),
        source="upload",
        actor=None,
    )
    email = receipt.email
    assert email is not None
    http = studio.world.http(studio.world.teammate)
    listing = http.get(studio.url("intake")).content.decode()
    assert "RE: Quote for a landing page" in listing
    assert "No client has the address jordan.lee@newprospect.example." in listing
    detail = http.get(studio.url("intake_email", pk=email.pk)).content.decode()
    assert "Could the landing page also have a contact form?" in detail

    # Another workspace's project is not a choice.
    response = http.post(
        studio.url("intake_email", pk=email.pk),
        {"action": "assign", "project": studio.world.other_project.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert ClientRequest.objects.count() == 0

    response = http.post(
        studio.url("intake_email", pk=email.pk),
        {"action": "assign", "project": studio.brightpath.pk},
    )
    email.refresh_from_db()
    assert email.status == IncomingEmail.Status.MATCHED
    assert email.match_note == "assigned"
    assert email.assigned_by == studio.world.teammate
    request = email.request
    assert request is not None
    assert request.project == studio.brightpath
    assert response["Location"] == studio.url("request_detail", pk=request.pk)
    # Twice: nothing more happens.
    response = http.post(
        studio.url("intake_email", pk=email.pk),
        {"action": "assign", "project": studio.acme.pk},
        follow=True,
    )
    assert "This message has been dealt with already." in response.content.decode()
    assert ClientRequest.objects.count() == 1
    assert http.get(studio.url("intake")).content.decode().count("jordan.lee@") == 0


def test_an_unmatched_message_can_be_put_aside(studio: Studio) -> None:
    email = services.receive_email(
        workspace=studio.world.workspace,
        raw=eml("en-outlook-unknown-sender.eml"),
        source="upload",
        actor=None,
    ).email
    assert email is not None
    http = studio.world.http(studio.world.owner)
    response = http.post(studio.url("intake_email", pk=email.pk), {"action": "dismiss"})
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == IncomingEmail.Status.DISMISSED
    assert ClientRequest.objects.count() == 0
    page = http.get(studio.url("intake") + "?show=all").content.decode()
    assert "Dismissed" in page


def test_a_message_with_nothing_to_read_is_rejected_at_triage(studio: Studio) -> None:
    raw = (
        b"From: sam@brightpath.example\r\nSubject: \r\nMessage-ID: <blank@x.example>\r\n"
        b"Content-Type: text/plain\r\n\r\n\r\n-- \r\nSam\r\n"
    )
    email = services.receive_email(
        workspace=studio.world.workspace, raw=raw, source="upload", actor=None
    ).email
    assert email is not None
    # Only a signature: clean_message keeps it (it never returns nothing for a signature),
    # so this one is triaged; a body of spaces is not.
    raw = raw.replace(b"<blank@", b"<blank2@").replace(b"\r\n-- \r\nSam\r\n", b"   \r\n")
    email = services.receive_email(
        workspace=studio.world.workspace, raw=raw, source="upload", actor=None
    ).email
    assert email is not None
    assert email.status == IncomingEmail.Status.REJECTED
    assert email.error == "no_text"
    page = studio.world.http(studio.world.owner).get(studio.url("intake") + "?show=rejected")
    assert "The message has no text to read." in page.content.decode()


# -- attachments and downloads ------------------------------------------------------------------


def test_attachments_show_on_the_request_and_download_only_in_the_workspace(
    studio: Studio,
) -> None:
    email = services.receive_email(
        workspace=studio.world.workspace,
        raw=eml("zh-hant-big5.eml"),
        source="upload",
        actor=None,
    ).email
    assert email is not None
    assert email.request is not None
    attachment = email.attachments.get()
    owner = studio.world.http(studio.world.owner)
    page = owner.get(studio.url("request_detail", pk=email.request.pk)).content.decode()
    assert "報價單 2026.pdf" in page
    assert studio.url("intake_attachment", pk=attachment.pk) in page
    assert "lin@anxin-dental.example" in page

    response = owner.get(studio.url("intake_attachment", pk=attachment.pk))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-1.4")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]

    raw = owner.get(studio.url("intake_email_raw", pk=email.pk))
    assert raw.status_code == 200
    assert raw.content == eml("zh-hant-big5.eml")
    assert raw["Content-Disposition"] == f'attachment; filename="message-{email.pk}.eml"'

    stranger = studio.world.http(studio.world.stranger)
    his = studio.world.other_workspace.slug
    for name, pk in (("intake_attachment", attachment.pk), ("intake_email_raw", email.pk)):
        assert stranger.get(studio.url(name, pk=pk)).status_code == 404
        assert stranger.get(reverse(name, kwargs={"ws": his, "pk": pk})).status_code == 404


def test_an_active_file_type_is_downloaded_not_shown(studio: Studio) -> None:
    raw = (
        b"From: sam@brightpath.example\r\nSubject: page\r\nMessage-ID: <html-att@x.example>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nThe new page is attached.\r\n"
        b'--b\r\nContent-Type: text/html\r\nContent-Disposition: attachment; filename="x.html"\r\n'
        b"\r\n<script>alert(1)</script>\r\n--b--\r\n"
    )
    email = services.receive_email(
        workspace=studio.world.workspace, raw=raw, source="upload", actor=None
    ).email
    assert email is not None
    attachment = email.attachments.get()
    assert attachment.content_type == "text/html"
    response = studio.world.http(studio.world.owner).get(
        studio.url("intake_attachment", pk=attachment.pk)
    )
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


# -- the mailbox settings -------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def mailbox_post(**changes: str) -> dict[str, str]:
    return {
        "action": "save",
        "host": "127.0.0.1",
        "port": str(closed_port()),
        "security": "none",
        "username": "intake",
        "password": "s3cret-mailbox-password",
        "folder": "INBOX",
        "enabled": "on",
    } | changes


def test_the_mailbox_page_is_the_owners_and_never_shows_the_password(studio: Studio) -> None:
    url = studio.url("intake_mailbox")
    assert studio.world.http(studio.world.teammate).get(url).status_code == 403
    assert studio.world.http(studio.world.teammate).post(url, mailbox_post()).status_code == 403
    assert not IntakeMailbox.objects.exists()

    owner = studio.world.http(studio.world.owner)
    assert owner.get(url).status_code == 200
    response = owner.post(url, mailbox_post(password=""))
    assert "Give the mailbox&#x27;s password." in response.content.decode()
    response = owner.post(url, mailbox_post(), follow=True)
    assert "Mailbox settings saved." in response.content.decode()
    mailbox = IntakeMailbox.objects.get(workspace=studio.world.workspace)
    assert mailbox.password == "s3cret-mailbox-password"
    assert "s3cret-mailbox-password" not in response.content.decode()

    # An empty password keeps the saved one; another folder starts afresh.
    IntakeMailbox.objects.filter(pk=mailbox.pk).update(uid_validity=7, last_uid=42)
    owner.post(url, mailbox_post(password="", folder="Clients"))
    mailbox.refresh_from_db()
    assert mailbox.password == "s3cret-mailbox-password"
    assert (mailbox.folder, mailbox.uid_validity, mailbox.last_uid) == ("Clients", None, 0)
    assert "s3cret-mailbox-password" not in owner.get(url).content.decode()


def test_test_connection_says_what_went_wrong_and_saves_nothing(studio: Studio) -> None:
    owner = studio.world.http(studio.world.owner)
    response = owner.post(studio.url("intake_mailbox"), mailbox_post(action="test"))
    assert response.status_code == 200
    assert "Could not reach the server." in response.content.decode()
    assert not IntakeMailbox.objects.exists()
    response = owner.post(studio.url("intake_mailbox"), mailbox_post(host="imap example"))
    assert "Give the server&#x27;s name only, like imap.example.com." in response.content.decode()


@pytest.fixture
def unreachable(studio: Studio) -> IntakeMailbox:
    studio.world.http(studio.world.owner).post(studio.url("intake_mailbox"), mailbox_post())
    return IntakeMailbox.objects.get(workspace=studio.world.workspace)


def test_a_poll_that_cannot_connect_is_recorded_not_raised(
    studio: Studio, unreachable: IntakeMailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("poll_intake")
    out = capsys.readouterr()
    assert f"{studio.world.workspace.slug}: connect:" in out.err
    unreachable.refresh_from_db()
    assert unreachable.last_error.startswith("connect: ")
    assert unreachable.last_polled_at is not None
    assert unreachable.polling_since is None
    owner = studio.world.http(studio.world.owner)
    page = owner.get(studio.url("intake_mailbox")).content.decode()
    assert "Could not reach the server." in page
    listing = owner.get(studio.url("intake")).content.decode()
    assert "The mailbox could not be checked last time." in listing
    # The button does the same.
    response = owner.post(studio.url("intake_mailbox"), {"action": "poll"}, follow=True)
    assert "The mailbox could not be checked; see the error below." in response.content.decode()


def test_a_mailbox_being_polled_is_not_polled_twice(
    studio: Studio, unreachable: IntakeMailbox
) -> None:
    IntakeMailbox.objects.filter(pk=unreachable.pk).update(polling_since=timezone.now())
    result = services.poll_mailbox(workspace_id=studio.world.workspace.pk)
    assert result.skipped
    unreachable.refresh_from_db()
    assert unreachable.last_polled_at is None
    # A lease from a crashed worker runs out.
    IntakeMailbox.objects.filter(pk=unreachable.pk).update(
        polling_since=timezone.now() - services.POLL_LEASE * 2
    )
    result = services.poll_mailbox(workspace_id=studio.world.workspace.pk)
    assert not result.skipped
    assert result.error.startswith("connect: ")


def test_the_intake_list_queries_do_not_grow_with_the_rows(studio: Studio) -> None:
    def received(n: int) -> None:
        for i in range(n):
            raw = eml("en-alternative-attachments.eml").replace(
                b"<7C1A2B3D-EN-ALT-0003@", f"<copy-{i}-{IncomingEmail.objects.count()}@".encode()
            )
            services.receive_email(
                workspace=studio.world.workspace, raw=raw, source="upload", actor=None
            )

    Client.objects.filter(pk=studio.brightpath.client_id).update(email="")  # all unmatched
    http = studio.world.http(studio.world.owner)
    received(1)
    url = studio.url("intake") + "?show=all"
    with CaptureQueriesContext(connection) as small:
        assert http.get(url).status_code == 200
    received(6)
    with CaptureQueriesContext(connection) as large:
        page = http.get(url).content.decode()
    assert page.count('<tr class="unmatched">') == 7
    assert len(large) == len(small) <= 12
