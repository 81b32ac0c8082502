"""Clients in the web app: create, edit, list, detail; bad input; the teammate and the stranger."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.urls import reverse

from scopeline.accounts.models import AuditEntry, User
from scopeline.clients.models import Client
from tests.web.conftest import World


def page(response: Any) -> str:
    return html.unescape(response.content.decode())


def url(world: World, name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"ws": world.workspace.slug, **kwargs})


def client_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Cramele Dealu SRL",
        "language": "ro",
        "contact": "Ioana Popescu",
        "email": "ioana@bistro.example",
        "notes": "Decides with her brother.\nPays on time.",
    }
    data.update(overrides)
    return data


def snapshot() -> list[dict[str, Any]]:
    return [dict(r) for r in Client.objects.order_by("pk").values()]


@pytest.mark.parametrize("who", ["owner", "teammate"])
def test_create_a_client(world: World, who: str) -> None:
    user: User = getattr(world, who)
    http = world.http(user)
    assert http.get(url(world, "client_new")).status_code == 200
    response = http.post(url(world, "client_new"), client_data())
    client = Client.objects.get(name="Cramele Dealu SRL")
    assert client.workspace == world.workspace
    assert (client.language, client.contact, client.email) == (
        "ro",
        "Ioana Popescu",
        "ioana@bistro.example",
    )
    assert client.notes == "Decides with her brother.\nPays on time."
    entry = AuditEntry.objects.get(action="client.created", object_id=str(client.pk))
    assert (entry.workspace, entry.actor) == (world.workspace, user)

    # Next step: a new project for this client, with the client already chosen.
    assert response.status_code == 302
    assert response["Location"] == url(world, "project_new") + f"?client={client.pk}"
    new_project = http.get(response["Location"])
    assert new_project.status_code == 200
    assert new_project.context["client_form"]["client"].value() == str(client.pk)
    assert "Client added." in page(new_project)


def test_list_and_detail(world: World) -> None:
    second = Client.objects.create(
        workspace=world.workspace, name="Zeta Studio", language="en", email="z@zeta.example"
    )
    http = world.http(world.teammate)
    listing = page(http.get(url(world, "client_list")))
    assert listing.index("Acme Oy") < listing.index("Zeta Studio")  # sorted by name
    assert "Matti Virtanen" in listing
    assert "z@zeta.example" in listing
    assert url(world, "client_detail", pk=second.pk) in listing
    assert "Bistro" not in listing  # the stranger's client

    detail = page(http.get(url(world, "client_detail", pk=world.client.pk)))
    assert "Acme Oy" in detail
    assert "Matti Virtanen" in detail
    assert "Suomi" in detail or "Finnish" in detail
    # The client's projects are listed with links.
    assert world.project.name in detail
    assert url(world, "project_detail", pk=world.project.pk) in detail
    assert "No projects yet." in page(http.get(url(world, "client_detail", pk=second.pk)))


@pytest.mark.parametrize("who", ["owner", "teammate"])
def test_edit_a_client(world: World, who: str) -> None:
    user: User = getattr(world, who)
    http = world.http(user)
    edit = url(world, "client_edit", pk=world.client.pk)
    form = http.get(edit)
    assert form.status_code == 200
    assert form.context["form"]["name"].value() == "Acme Oy"
    response = http.post(
        edit,
        client_data(
            name="Acme Oy (Helsinki)",
            language="fi",
            contact="Matti Virtanen",
            email="matti@acme.example",
            notes="Approves on Fridays.",
        ),
    )
    assert response["Location"] == url(world, "client_detail", pk=world.client.pk)
    client = Client.objects.get(pk=world.client.pk)
    assert client.name == "Acme Oy (Helsinki)"
    assert client.email == "matti@acme.example"
    assert client.notes == "Approves on Fridays."
    entry = AuditEntry.objects.get(action="client.updated")
    assert entry.actor == user
    assert sorted(entry.detail["fields"]) == ["email", "name", "notes"]
    after = page(http.get(response["Location"]))
    assert "Client saved." in after
    assert "Approves on Fridays." in after


def test_saving_a_client_unchanged_writes_no_audit(world: World) -> None:
    http = world.http(world.owner)
    before = snapshot()
    data = {"name": "Acme Oy", "language": "fi", "contact": "Matti Virtanen"}
    response = http.post(url(world, "client_edit", pk=world.client.pk), data)
    assert response.status_code == 302
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="client.updated").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("name", "x" * 201, "Ensure this value has at most 200 characters"),
        ("language", "de", "Select a valid choice. de is not one of the available choices."),
        ("language", "", "This field is required."),
        ("email", "ioana-at-bistro", "Enter a valid email address."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    world: World, field: str, value: str, message: str
) -> None:
    http = world.http(world.owner)
    before = snapshot()
    audit = AuditEntry.objects.count()

    response = http.post(url(world, "client_new"), client_data(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in page(response)

    response = http.post(
        url(world, "client_edit", pk=world.client.pk), client_data(**{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in page(response)

    assert snapshot() == before
    assert AuditEntry.objects.count() == audit


def test_the_stranger_gets_404_for_our_clients(world: World) -> None:
    http = world.http(world.stranger)
    before = snapshot()
    audit = AuditEntry.objects.count()
    ours = world.client.pk
    his_ws = world.other_workspace.slug
    for ws in (world.workspace.slug, his_ws):
        for name in ("client_detail", "client_edit"):
            target = reverse(name, kwargs={"ws": ws, "pk": ours})
            assert http.get(target).status_code == 404, (ws, name)
            assert http.post(target, client_data(name="Hijacked")).status_code == 404, (ws, name)
    # Our workspace's list and form are not his either.
    assert http.get(url(world, "client_list")).status_code == 404
    assert http.get(url(world, "client_new")).status_code == 404
    assert http.post(url(world, "client_new"), client_data()).status_code == 404
    assert snapshot() == before
    assert AuditEntry.objects.count() == audit

    # His own list shows his client and not ours.
    own = page(http.get(reverse("client_list", kwargs={"ws": his_ws})))
    assert "Bistro Dunărea" in own
    assert "Acme Oy" not in own
    assert reverse("client_detail", kwargs={"ws": his_ws, "pk": ours}) not in own

    # A client he creates lands in his workspace only.
    http.post(reverse("client_new", kwargs={"ws": his_ws}), client_data(name="Charlie Client"))
    created = Client.objects.get(name="Charlie Client")
    assert created.workspace == world.other_workspace
    assert "Charlie Client" not in page(world.http(world.owner).get(url(world, "client_list")))
    assert world.http(world.owner).get(url(world, "client_detail", pk=created.pk)).status_code == (
        404
    )
