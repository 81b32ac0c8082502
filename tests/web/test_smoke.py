"""Every page of the demo-sized world renders for its owner."""

from __future__ import annotations

from django.urls import reverse

from scopeline.inbox import services as inbox
from tests.web.conftest import World


def test_owner_sees_every_page(world: World) -> None:
    request = inbox.submit_request(
        project=world.project,
        actor=world.owner,
        text="Lisätkää sivuille jäsenrekisteröinti, tai emme maksa loppulaskua.",
    )
    http = world.http(world.owner)
    ws = world.workspace.slug
    p = world.project.pk
    for name, kwargs in [
        ("dashboard", {}),
        ("inbox", {}),
        ("request_new", {}),
        ("request_detail", {"pk": request.pk}),
        ("client_list", {}),
        ("client_new", {}),
        ("client_detail", {"pk": world.client.pk}),
        ("project_list", {}),
        ("project_new", {}),
        ("project_detail", {"pk": p}),
        ("project_edit", {"pk": p}),
        ("project_versions", {"pk": p}),
        ("project_export", {"pk": p}),
        ("members", {}),
        ("workspace_settings", {}),
    ]:
        response = http.get(reverse(name, kwargs={"ws": ws, **kwargs}))
        assert response.status_code == 200, name
