"""Time import: upload a tracker's CSV export on a project, preview it with its column mapping,
confirm; duplicates skipped, bad rows reported by line, nothing written on error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from scopeline.accounts.models import AuditEntry
from scopeline.core.timesheets import MAX_BYTES
from scopeline.projects.models import LedgerEvent, Project
from scopeline.timeimport import services
from scopeline.timeimport.models import ImportedEntry, TimeUpload
from scopeline.timeimport.selectors import ImportOptions
from tests.web.conftest import World

DATA = Path(__file__).resolve().parents[1] / "data" / "timesheets"
ACME = "Acme website"


def csv_file(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    data = (DATA / name).read_bytes() if content is None else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def upload_url(world: World) -> str:
    return reverse("time_import", kwargs={"ws": world.workspace.slug, "pk": world.project.pk})


def preview_url(world: World, upload: TimeUpload) -> str:
    return reverse("time_import_preview", kwargs={"ws": world.workspace.slug, "pk": upload.pk})


def confirm_url(world: World, upload: TimeUpload) -> str:
    return reverse("time_import_confirm", kwargs={"ws": world.workspace.slug, "pk": upload.pk})


def upload(http: HttpClient, world: World, name: str, **extra: Any) -> TimeUpload:
    response = http.post(upload_url(world), {"file": csv_file(name), **extra})
    assert response.status_code == 302, response.content.decode()[:3000]
    item = TimeUpload.objects.latest("id")
    assert response["Location"] == preview_url(world, item)
    return item


def counts() -> tuple[int, int, int]:
    return (
        LedgerEvent.objects.filter(type="hours").count(),
        ImportedEntry.objects.count(),
        AuditEntry.objects.filter(action="time.imported").count(),
    )


def mapping_post(sheet_mapping: dict[str, str], **extra: str) -> dict[str, str]:
    base = {
        "encoding": "auto",
        "date_order": "auto",
        "description": "",
        "start": "",
        "project": "",
        "client": "",
        "only_project": "",
        "only_client": "",
    }
    return base | sheet_mapping | extra


TOGGL = {
    "date": "Start date",
    "duration": "Duration",
    "start": "Start time",
    "description": "Description",
    "project": "Project",
    "client": "Client",
}


def test_the_project_page_links_to_the_import(world: World) -> None:
    page = world.http(world.owner).get(
        reverse("project_detail", kwargs={"ws": world.workspace.slug, "pk": world.project.pk})
    )
    assert upload_url(world) in page.content.decode()


def test_toggl_export_preview_then_import(world: World) -> None:
    http = world.http(world.owner)
    assert http.get(upload_url(world)).status_code == 200
    item = upload(http, world, "toggl-detailed.csv")
    assert (item.user, item.project, item.workspace) == (
        world.owner,
        world.project,
        world.workspace,
    )
    page = http.get(preview_url(world, item))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Toggl Track" in text
    assert "Etusivun asettelu" in text
    assert "Fotografii meniu" in text
    assert page.context["new_count"] == 5
    # The mapping form is pre-filled from the detection.
    form = page.context["form"]
    assert form["date"].value() == "Start date"
    assert form["duration"].value() == "Duration"

    # Only the Acme project's rows, as the filter chooses them.
    chosen = mapping_post(TOGGL, only_project=ACME)
    page = http.get(preview_url(world, item), chosen)
    assert page.context["new_count"] == 4
    assert page.context["sheet"].filtered_out == 1
    assert "Fotografii meniu" not in page.content.decode()
    assert f'<option value="{ACME}" selected>' in page.content.decode()

    hours_before = world.project.hours_worked
    response = http.post(confirm_url(world, item), chosen, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "project_detail", kwargs={"ws": world.workspace.slug, "pk": world.project.pk}
    )
    assert "4 time entries imported" in response.content.decode()
    events = LedgerEvent.objects.filter(project=world.project, type="hours").order_by("id")
    imported = list(events.filter(pk__in=ImportedEntry.objects.values("event")))
    assert [(e.date, e.data["hours"], e.data.get("note")) for e in imported] == [
        (dt.date(2026, 3, 2), "2.50", "Etusivun asettelu"),
        (dt.date(2026, 3, 2), "0.75", "Palaveri: sisältö, aikataulu"),
        (dt.date(2026, 3, 3), "1.84", "Yhteydenottolomake"),
        (dt.date(2026, 3, 4), "0.67", "Korjauskierros 1"),
    ]
    assert all(e.created_by == world.owner for e in imported)
    world.project.refresh_from_db()
    assert world.project.hours_worked == hours_before + Decimal("5.76")  # the summary, once
    entry = AuditEntry.objects.get(action="time.imported")
    assert entry.detail["entries"] == 4
    assert entry.detail["tool"] == "toggl"
    assert not TimeUpload.objects.filter(pk=item.pk).exists()  # the file is not kept


def test_importing_the_same_export_again_skips_every_entry(world: World) -> None:
    http = world.http(world.owner)
    item = upload(http, world, "toggl-detailed.csv")
    http.post(confirm_url(world, item), mapping_post(TOGGL))
    assert counts()[1] == 5
    before = counts()

    again = upload(http, world, "toggl-detailed.csv")
    page = http.get(preview_url(world, again))
    assert page.context["new_count"] == 0
    assert page.context["duplicate_count"] == 5
    assert page.content.decode().count("already imported") >= 5
    response = http.post(confirm_url(world, again), mapping_post(TOGGL), follow=True)
    assert "every entry is already in the ledger" in response.content.decode()
    assert counts() == before

    # A file with one more row imports only that row.
    longer = (DATA / "toggl-detailed.csv").read_bytes() + (
        b"Maria Demo,maria@studio.example,Acme Oy,Acme website,,Uusi rivi,Yes,"
        b"2026-03-05,09:00:00,2026-03-05,10:00:00,01:00:00,,80.00\r\n"
    )
    http.post(upload_url(world), {"file": csv_file("toggl-more.csv", longer)})
    third = TimeUpload.objects.latest("id")
    page = http.get(preview_url(world, third))
    assert (page.context["new_count"], page.context["duplicate_count"]) == (1, 5)
    http.post(confirm_url(world, third), mapping_post(TOGGL))
    assert counts() == (before[0] + 1, 6, before[2] + 1)


def test_bad_rows_are_listed_and_block_the_import_until_skipped(world: World) -> None:
    http = world.http(world.owner)
    item = upload(http, world, "toggl-bad-rows.csv")
    page = http.get(preview_url(world, item))
    text = page.content.decode()
    problems = page.context["problems"]
    assert [line for line, _message in problems] == [3, 4, 5, 6, 7, 8, 9, 12]
    assert "The duration “-01:00:00” is not more than zero." in text
    assert "The date “2026-02-30” cannot be read." in text
    assert "The duration “27:00:00” is longer than 24 hours" in text
    assert 'name="skip_problems"' in text
    before = counts()
    response = http.post(confirm_url(world, item), mapping_post(TOGGL), follow=True)
    assert "Nothing was imported" in response.content.decode()
    assert counts() == before
    assert TimeUpload.objects.filter(pk=item.pk).exists()  # still there to try again

    http.post(confirm_url(world, item), mapping_post(TOGGL, skip_problems="on"))
    assert counts() == (before[0] + 2, before[1] + 2, before[2] + 1)
    audit = AuditEntry.objects.get(action="time.imported")
    assert audit.detail["bad_rows"] == 8


def test_an_unknown_header_is_mapped_by_hand(world: World) -> None:
    http = world.http(world.owner)
    item = upload(http, world, "unknown-header.csv")
    page = http.get(preview_url(world, item))
    text = page.content.decode()
    assert "The columns were not recognised" in text
    assert "sheet" not in page.context
    assert "<details open>" in text
    chosen = {"date": "Päivä", "duration": "Tunnit", "description": "Tehty"}
    page = http.get(preview_url(world, item), mapping_post(chosen))
    assert page.context["new_count"] == 2
    assert page.context["sheet"].date_order == "dmy"
    assert "Dates are read as day/month/year." in page.content.decode()
    # A mapping naming a column the file lacks is a form error, and confirms nothing.
    page = http.get(preview_url(world, item), mapping_post(chosen, duration="Hours"))
    assert page.context["form"].errors["duration"]
    before = counts()
    http.post(confirm_url(world, item), mapping_post(chosen, duration="Hours"))
    assert counts() == before
    http.post(confirm_url(world, item), mapping_post(chosen))
    assert counts()[1] == before[1] + 2


def test_clockify_dates_can_be_read_the_other_way(world: World) -> None:
    http = world.http(world.owner)
    item = upload(http, world, "clockify-detailed-us.csv")
    page = http.get(preview_url(world, item))
    assert page.context["sheet"].tool == "clockify"
    assert "Dates are read as month/day/year." in page.content.decode()
    clockify = {
        "date": "Start Date",
        "duration": "Duration (h)",
        "description": "Description",
        "project": "Project",
        "client": "Client",
        "start": "Start Time",
    }
    page = http.get(preview_url(world, item), mapping_post(clockify, date_order="dmy"))
    assert len(page.context["problems"]) == 3
    page = http.get(preview_url(world, item), mapping_post(clockify, only_client="BrightPath Inc."))
    assert page.context["new_count"] == 3


def test_a_windows_encoded_file_needs_its_encoding(world: World) -> None:
    http = world.http(world.owner)
    response = http.post(upload_url(world), {"file": csv_file("harvest-excel-cp1252.csv")})
    assert response.status_code == 200
    assert "Line 2 cannot be read as UTF-8 text" in response.content.decode()
    assert not TimeUpload.objects.exists()
    item = upload(http, world, "harvest-excel-cp1252.csv", encoding="cp1252")
    page = http.get(preview_url(world, item))
    assert "Menü &amp; café photos" in page.content.decode()
    assert page.context["form"]["encoding"].value() == "cp1252"
    # Read as UTF-8 on the preview page, it shows the error and the encoding choice.
    page = http.get(preview_url(world, item), {"encoding": "utf-8"})
    assert "cannot be read as UTF-8" in page.content.decode()
    assert page.context["encoding_form"] is not None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"PK\x03\x04" + b"\x00" * 100, "spreadsheet workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        (b"hello world\nno columns\n", "only one column"),
        (b"Date,Hours\n" + b"2026-03-02,1\n" * (MAX_BYTES // 12 + 1), "larger than 5"),
    ],
)
def test_files_that_are_not_timesheets_are_refused(
    world: World, content: bytes, message: str
) -> None:
    http = world.http(world.owner)
    response = http.post(upload_url(world), {"file": csv_file("x.csv", content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TimeUpload.objects.exists()
    assert counts() == (LedgerEvent.objects.filter(type="hours").count(), 0, 0)


def test_uploads_are_the_uploaders_own(world: World) -> None:
    item = upload(world.http(world.owner), world, "toggl-detailed.csv")
    teammate = world.http(world.teammate)
    assert teammate.get(upload_url(world)).status_code == 200  # a member may import too
    assert teammate.get(preview_url(world, item)).status_code == 404
    before = counts()
    assert teammate.post(confirm_url(world, item), mapping_post(TOGGL)).status_code == 404
    stranger = world.http(world.stranger)
    assert stranger.get(preview_url(world, item)).status_code == 404
    his = reverse("time_import_preview", kwargs={"ws": world.other_workspace.slug, "pk": item.pk})
    assert stranger.get(his).status_code == 404
    other_project = reverse(
        "time_import", kwargs={"ws": world.workspace.slug, "pk": world.other_project.pk}
    )
    assert world.http(world.owner).get(other_project).status_code == 404
    assert counts() == before


def test_an_expired_upload_is_not_imported(world: World) -> None:
    http = world.http(world.owner)
    item = upload(http, world, "toggl-detailed.csv")
    TimeUpload.objects.filter(pk=item.pk).update(expires_at=timezone.now())
    response = http.get(preview_url(world, item), follow=True)
    assert "has expired" in response.content.decode()
    before = counts()
    http.post(confirm_url(world, item), mapping_post(TOGGL))
    assert counts() == before
    # The next upload clears expired ones away.
    upload(http, world, "harvest-time-report.csv")
    assert not TimeUpload.objects.filter(pk=item.pk).exists()


def test_each_user_keeps_only_a_few_uploads(world: World) -> None:
    http = world.http(world.owner)
    for _ in range(services.MAX_PENDING_PER_USER + 2):
        upload(http, world, "harvest-time-report.csv")
    assert TimeUpload.objects.filter(user=world.owner).count() == services.MAX_PENDING_PER_USER


def test_nothing_is_written_when_a_write_fails(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = services.store_upload(
        project=world.project,
        actor=world.owner,
        filename="toggl.csv",
        content=(DATA / "toggl-detailed.csv").read_bytes(),
    )
    hours = Project.objects.get(pk=world.project.pk).hours_worked
    before = counts()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ImportedEntry.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        services.import_time(upload=item, actor=world.owner, options=ImportOptions())
    assert counts() == before
    assert Project.objects.get(pk=world.project.pk).hours_worked == hours
    assert TimeUpload.objects.filter(pk=item.pk).exists()


def test_the_preview_does_not_query_per_row(
    world: World, django_assert_max_num_queries: Any
) -> None:
    http = world.http(world.owner)
    rows = b"".join(b"2026-03-%02d,%d.5,row %d\n" % (1 + i % 28, 1 + i % 5, i) for i in range(2000))
    http.post(upload_url(world), {"file": csv_file("big.csv", b"Date,Hours,Notes\n" + rows)})
    item = TimeUpload.objects.latest("id")
    with django_assert_max_num_queries(12):
        page = http.get(preview_url(world, item))
    assert page.context["new_count"] == 2000
    assert len(page.context["entries"]) == 500
