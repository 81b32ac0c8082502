"""The intake mailbox against a real IMAP server: Debian's dovecot, started by the test with its
own configuration in a temporary folder (127.0.0.1, a free port, plaintext login allowed, a
passwd-file user, maildir under the folder), fed with the .eml fixtures through IMAP APPEND.

``make test`` installs dovecot (``scripts/system-deps.sh imap``)."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from scopeline.clients.models import Client
from scopeline.intake import services
from scopeline.intake.models import IncomingEmail, IntakeMailbox
from scopeline.projects.models import ClientRequest
from tests.web.conftest import World, make_project

EML = Path(__file__).resolve().parents[1] / "data" / "eml"
USER, PASSWORD = "intake", "dovecot-test-password"


@dataclass
class Dovecot:
    port: int
    log: Path

    def connect(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=5)
        imap.login(USER, PASSWORD)
        return imap

    def append(self, *names: str, seen: bool = False) -> None:
        imap = self.connect()
        try:
            for name in names:
                flags = r"(\Seen)" if seen else None
                status, _data = imap.append("INBOX", flags, None, (EML / name).read_bytes())
                assert status == "OK", name
        finally:
            imap.logout()

    def unseen(self) -> int:
        imap = self.connect()
        try:
            imap.select("INBOX")
            _status, data = imap.search(None, "UNSEEN")
            return len(data[0].split())
        finally:
            imap.logout()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def dovecot_conf(root: Path, port: int) -> str:
    """Running as root, dovecot keeps its usual service users and the mail belongs to
    ``nobody`` (it refuses UID 0 for mail); as anyone else, everything runs as that user."""
    if os.getuid() == 0:
        nobody = pwd.getpwnam("nobody")
        uid, gid = nobody.pw_uid, nobody.pw_gid
        users = ""
    else:
        uid, gid = os.getuid(), os.getgid()
        name = pwd.getpwuid(uid).pw_name
        users = (
            f"default_internal_user = {name}\ndefault_login_user = {name}\n"
            f"default_internal_group = {name}\n"
        )
    home = root / "mail" / USER
    home.mkdir(parents=True)
    os.chown(home, uid, gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{home}\n")
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = scopeline-test-{port}
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 1
first_valid_gid = 1
{users}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    binary = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    if binary is None:
        pytest.fail(
            "dovecot is missing: the IMAP test needs Debian's dovecot-imapd "
            "(`make test-deps` or `scripts/system-deps.sh imap` installs it).",
            pytrace=False,
        )
    # Not under pytest's tmp_path: that is private to us (0700), and dovecot's own service
    # users must read the configuration and the mail user reach its maildir.
    with tempfile.TemporaryDirectory(prefix="scopeline-dovecot-") as folder:
        root = Path(folder)
        root.chmod(0o755)
        for name in ("run", "state"):
            (root / name).mkdir()
        port = free_port()
        conf = root / "dovecot.conf"
        conf.write_text(dovecot_conf(root, port))
        log = root / "dovecot.log"
        with (root / "stdout.log").open("wb") as output:
            process = subprocess.Popen(
                [binary, "-F", "-c", str(conf)], stdout=output, stderr=subprocess.STDOUT
            )
            try:
                server = Dovecot(port, log)
                _wait_for(server, process, root)
                yield server
            finally:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _wait_for(server: Dovecot, process: subprocess.Popen[bytes], root: Path) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            server.connect().logout()
            return
        except (OSError, imaplib.IMAP4.error):
            if process.poll() is not None or time.monotonic() > deadline:
                logs = [p.read_text(errors="replace") for p in root.glob("*.log")]
                pytest.fail("dovecot did not start:\n" + "\n".join(logs), pytrace=False)
            time.sleep(0.1)


def connect_mailbox(world: World, dovecot: Dovecot) -> None:
    """The owner saves the settings and tests the connection, as on the page."""
    http = world.http(world.owner)
    url = reverse("intake_mailbox", kwargs={"ws": world.workspace.slug})
    data = {
        "host": "127.0.0.1",
        "port": str(dovecot.port),
        "security": "none",
        "username": USER,
        "password": PASSWORD,
        "folder": "INBOX",
        "enabled": "on",
    }
    page = http.post(url, data | {"action": "test"}).content.decode()
    assert "Connected: the folder holds" in page, page
    assert http.post(url, data | {"action": "save"}).status_code == 302


def test_polling_a_real_mailbox(
    world: World, dovecot: Dovecot, capsys: pytest.CaptureFixture[str]
) -> None:
    bistro = make_project(world.workspace, world.owner, "bistro-dunarea")
    Client.objects.filter(pk=world.client.pk).update(email="matti.virtanen@acme.example")
    Client.objects.filter(pk=bistro.client_id).update(email="ioana@bistrodunarea.example")
    # Read before the mailbox was connected: history, not taken in the first time.
    dovecot.append("en-broken-multipart.eml", seen=True)
    dovecot.append(
        "fi-plain-quoted.eml",
        "ro-html-only.eml",
        "fi-latin1-no-message-id.eml",
        "en-outlook-unknown-sender.eml",
        "no-sender.eml",
    )
    assert dovecot.unseen() == 5
    connect_mailbox(world, dovecot)

    call_command("poll_intake")
    assert f"{world.workspace.slug}: 4 new, 0 already known, 1 rejected" in capsys.readouterr().out
    emails = {e.subject: e for e in IncomingEmail.objects.filter(workspace=world.workspace)}
    assert set(emails) == {
        "Re: Etusivun taitto valmis",
        "Re: Meniul digital este gata",
        "Yhteystietosivun kartta",
        "RE: Quote for a landing page",
        "",  # no-sender.eml: rejected, listed
    }
    for subject, project in (
        ("Re: Etusivun taitto valmis", world.project),
        ("Re: Meniul digital este gata", bistro),
        ("Yhteystietosivun kartta", world.project),
    ):
        email = emails[subject]
        assert email.source == IncomingEmail.Source.IMAP
        assert email.imap_uid is not None
        request = email.request
        assert request is not None, subject
        assert request.project == project
        assert request.channel == "email"
        assert request.status == ClientRequest.Status.NEW
    assert "lisätkää etusivulle puhelinnumeromme" in emails["Re: Etusivun taitto valmis"].text
    assert emails["RE: Quote for a landing page"].status == IncomingEmail.Status.UNMATCHED
    rejected = emails[""]
    assert (rejected.status, rejected.error) == (IncomingEmail.Status.REJECTED, "no_sender")
    assert dovecot.unseen() == 0  # every message taken is marked as read

    mailbox = IntakeMailbox.objects.get(workspace=world.workspace)
    assert mailbox.last_error == ""
    assert mailbox.last_polled_at is not None
    assert mailbox.uid_validity is not None
    assert mailbox.last_uid == 6  # the read message was UID 1

    # A second poll finds nothing new and adds nothing.
    before = (IncomingEmail.objects.count(), ClientRequest.objects.count())
    result = services.poll_mailbox(workspace_id=world.workspace.pk)
    assert (result.stored, result.duplicates, result.rejected, result.error) == (0, 0, 0, "")
    assert (IncomingEmail.objects.count(), ClientRequest.objects.count()) == before

    # New mail after that: taken by its UID, even if someone read it first; a message that
    # was uploaded by hand before is recognised by its Message-ID.
    services.receive_email(
        workspace=world.workspace,
        raw=(EML / "zh-hans-gb2312.eml").read_bytes(),
        source="upload",
        actor=world.owner,
    )
    dovecot.append("en-alternative-attachments.eml", seen=True)
    dovecot.append("zh-hans-gb2312.eml")
    result = services.poll_mailbox(workspace_id=world.workspace.pk)
    assert (result.stored, result.duplicates, result.error) == (1, 1, "")
    attachments = IncomingEmail.objects.get(subject="Re: Sign-up flow on staging").attachments
    assert sorted(a.filename for a in attachments.all()) == ["Blog brief.pdf", "sketch.png"]
    assert dovecot.unseen() == 0


def test_a_wrong_password_is_recorded_on_the_mailbox(world: World, dovecot: Dovecot) -> None:
    connect_mailbox(world, dovecot)
    IntakeMailbox.objects.filter(workspace=world.workspace).update(password="wrong")
    result = services.poll_mailbox(workspace_id=world.workspace.pk)
    assert result.error.startswith("auth: ")
    mailbox = IntakeMailbox.objects.get(workspace=world.workspace)
    assert mailbox.last_error.startswith("auth: ")
    page = world.http(world.owner).get(reverse("intake_mailbox", args=[world.workspace.slug]))
    assert "The server refused the user name or the password." in page.content.decode()
    # A folder that does not exist.
    IntakeMailbox.objects.filter(workspace=world.workspace).update(
        password=PASSWORD, folder="Asiakkaat/Ei ole"
    )
    result = services.poll_mailbox(workspace_id=world.workspace.pk)
    assert result.error.startswith("folder: ")
