"""The change order's PDF (WeasyPrint), read back with pypdf: the text is the client's language,
the amounts are written as the client writes them, and Chinese comes out as Chinese."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from scopeline.changeorders.documents import render_document, render_pdf
from scopeline.changeorders.models import ChangeOrder
from scopeline.core.money import format_money
from scopeline.projects.models import Project
from tests.web.conftest import World, make_project
from tests.web.test_change_orders import accept, line, sent_order


@pytest.fixture
def clinic(world: World) -> Project:
    """安心牙醫診所, a Taiwanese client writing Traditional Chinese, in the owner's workspace."""
    return make_project(world.workspace, world.owner, "anxin-clinic")


def pdf_text(data: bytes) -> str:
    """The PDF's text with all white space removed (line breaks and no-break spaces vary)."""
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text() for page in reader.pages).split())


def flat(text: str) -> str:
    return "".join(text.split())


def translated(lang: str, message: str, **values: object) -> str:
    with translation.override(lang):
        text = gettext(message)
    assert text != message, f"{message!r} has no {lang} translation"
    return text % values if values else text


def clinic_order(world: World, clinic: Project) -> tuple[ChangeOrder, str]:
    return sent_order(
        clinic,
        world.owner,
        title="線上預約系統",
        lines=[line("預約表單與簡訊提醒", "12", "1500"), line("後台預約管理", "2.5", "1500")],
        days=3,
    )


def test_the_clinics_pdf_is_in_traditional_chinese_with_taiwanese_amounts(
    world: World, clinic: Project
) -> None:
    co, _token = clinic_order(world, clinic)
    assert co.language == "zh-Hant"
    assert co.total == Decimal("21750")
    text = pdf_text(render_pdf(render_document(co)))

    assert "線上預約系統" in text  # the title
    assert "預約表單與簡訊提醒" in text
    assert "後台預約管理" in text
    assert "安心牙醫診所" in text
    assert "青山設計工作室" in text  # the provider of the agreement
    assert flat(translated("zh-hant", "Change order %(number)s", number=co.number)) in text
    assert flat(translated("zh-hant", "Total")) in text
    assert flat(translated("zh-hant", "Valid until")) in text
    # Amounts as written in Taiwan: New Taiwan dollars, no decimals, comma thousands.
    assert format_money(Decimal("21750"), "TWD", "zh-Hant") == "NT$21,750"
    assert "NT$21,750" in text
    assert "NT$18,000" in text
    assert "NT$3,750" in text
    assert "14.5" in text  # the hours
    for english in ("Changeorder", "Validuntil", "Total"):
        assert english not in text


def test_the_romanian_pdf_writes_amounts_the_romanian_way(world: World) -> None:
    bistro = make_project(world.workspace, world.owner, "bistro-dunarea")
    co, _token = sent_order(
        bistro,
        world.owner,
        title="Sistem de rezervări online",
        lines=[line("Formular de rezervare", "8.25", "150")],
    )
    text = pdf_text(render_pdf(render_document(co)))
    assert "Sistemderezervărionline" in text
    assert "1.237,50RON" in text  # 8,25 h × 150 RON
    assert "150RON" in text
    assert "8,25" in text
    assert flat(translated("ro", "Change order %(number)s", number=co.number)) in text
    assert flat(translated("ro", "The delivery date does not change.")) not in text  # 2 days
    assert "Bistro" in text


def test_the_owner_and_the_client_download_the_pdf_of_the_accepted_document(
    world: World, clinic: Project
) -> None:
    co, token = clinic_order(world, clinic)
    accept(co, token, name="林怡君")
    # A later change of the client's name does not reach the accepted document or its PDF.
    clinic.client.name = "安心牙醫聯盟"
    clinic.client.save(update_fields=["name"])

    owner = world.http(world.owner)
    response = owner.get(
        reverse("change_order_pdf", kwargs={"ws": world.workspace.slug, "pk": co.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{co.number}.pdf"'
    text = pdf_text(response.content)
    assert "線上預約系統" in text
    assert "安心牙醫診所" in text
    assert "安心牙醫聯盟" not in text
    assert "NT$21,750" in text

    portal = world.http(None).get(
        reverse("portal_pdf", kwargs={"token": token, "number": co.number})
    )
    assert portal.status_code == 200
    assert portal["Content-Type"] == "application/pdf"
    assert pdf_text(portal.content) == text
