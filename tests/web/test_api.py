"""The HTTP API (/api/v1/): tokens, scopes, every operation, problem+json errors, and that a
token of one workspace reaches nothing of another."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client as HttpClient
from django.utils import timezone

from scopeline.accounts.models import Membership
from scopeline.api import services
from scopeline.api.models import ApiToken
from scopeline.changeorders import services as changeorders
from scopeline.changeorders.models import ChangeOrder
from scopeline.core.triage.verdict import Verdict
from scopeline.inbox import services as inbox
from scopeline.projects.models import ClientRequest, LedgerEvent
from tests.web.conftest import EXAMPLES, World

PHONE = "Lisätkää etusivulle puhelinnumeromme."
REGISTRATION = "Lisätkää sivuille jäsenrekisteröinti, tai emme maksa loppulaskua."
PROBLEM = "application/problem+json"


@dataclass
class Api:
    world: World
    write: str
    read: str
    stranger: str

    def http(self, token: str | None) -> HttpClient:
        if token is None:
            return HttpClient()
        return HttpClient(HTTP_AUTHORIZATION=f"Bearer {token}")

    def call(
        self, method: str, path: str, body: Any = None, *, token: str | None = None, **extra: Any
    ) -> Any:
        http = self.http(self.write if token is None else token)
        data = "" if body is None else json.dumps(body)
        return getattr(http, method.lower())(
            f"/api/v1{path}", data, content_type="application/json", **extra
        )


@pytest.fixture
def api(world: World) -> Api:
    _t, write = services.create_token(
        workspace=world.workspace, actor=world.owner, name="sync", scopes=["read", "write"]
    )
    _t, read = services.create_token(
        workspace=world.workspace, actor=world.owner, name="report", scopes=["read"]
    )
    _t, stranger = services.create_token(
        workspace=world.other_workspace, actor=world.stranger, name="his", scopes=["write"]
    )
    return Api(world, write, read, stranger)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the sessions and the tokens' "last used"."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for model in apps.get_models():
        if model._meta.label == "sessions.Session" or not model._meta.managed:
            continue
        qs = model._default_manager.order_by("pk")
        if model is ApiToken:
            qs = qs.defer("last_used_at")
            out[model._meta.label] = list(qs.values_list("pk", "revoked_at"))
            continue
        out[model._meta.label] = list(qs.values_list())
    return out


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = json.loads(response.content)
    assert body["status"] == status
    assert body["type"].startswith("https://")
    assert body["title"]
    assert body["detail"]
    return body


def fields(body: dict[str, Any]) -> set[str]:
    return {e["field"] for e in body.get("errors", [])}


# -- the document ------------------------------------------------------------------------------


def test_the_openapi_document_lists_every_operation_and_problem_responses(api: Api) -> None:
    response = HttpClient().get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = json.loads(response.content)
    assert doc["openapi"].startswith("3.")
    operations = {
        f"{method.upper()} {path}" for path, methods in doc["paths"].items() for method in methods
    }
    assert operations == {
        "POST /api/v1/triage",
        "GET /api/v1/clients",
        "GET /api/v1/projects",
        "POST /api/v1/projects",
        "GET /api/v1/projects/{pk}",
        "GET /api/v1/projects/{pk}/agreement",
        "PUT /api/v1/projects/{pk}/agreement",
        "GET /api/v1/projects/{pk}/events",
        "POST /api/v1/projects/{pk}/events",
        "GET /api/v1/requests",
        "POST /api/v1/requests",
        "GET /api/v1/requests/{pk}",
        "POST /api/v1/requests/{pk}/decision",
        "GET /api/v1/change-orders",
        "POST /api/v1/change-orders",
        "GET /api/v1/change-orders/{pk}",
        "POST /api/v1/change-orders/{pk}/send",
    }
    for methods in doc["paths"].values():
        for operation in methods.values():
            assert operation["security"] == [{"TokenAuth": []}]
            for code in ("401", "403", "404", "413", "415", "422", "500"):
                assert list(operation["responses"][code]["content"]) == [PROBLEM]
    assert doc["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    docs = HttpClient().get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"/static/ninja/swagger-ui" in docs.content  # served by the app, not a CDN
    assert b"cdn" not in docs.content.lower()


# -- tokens ------------------------------------------------------------------------------------


def test_requests_without_a_valid_token_get_401(api: Api) -> None:
    world = api.world
    prefix = api.write.split("_")[1]
    cases = {
        None: "unauthenticated",
        "sl_nothing": "invalid_token",
        f"sl_{prefix}_" + "x" * 43: "invalid_token",  # the right prefix, a forged secret
        api.write + "x": "invalid_token",
        "Basic " + api.write: "unauthenticated",
    }
    for token, code in cases.items():
        http = HttpClient() if token is None else HttpClient(HTTP_AUTHORIZATION=f"Bearer {token}")
        if token and token.startswith("Basic "):
            http = HttpClient(HTTP_AUTHORIZATION=token)
        body = problem(http.get("/api/v1/projects"), 401)
        assert body["type"].endswith(code), token
    response = HttpClient().get("/api/v1/projects")
    assert response["WWW-Authenticate"] == "Bearer"

    row = ApiToken.objects.get(prefix=prefix)
    services.revoke_token(token=row, actor=world.owner)
    body = problem(api.call("GET", "/projects"), 401)
    assert "revoked" in body["detail"]


def test_expired_tokens_and_tokens_of_removed_members_stop_working(api: Api) -> None:
    world = api.world
    _t, soon = services.create_token(
        workspace=world.workspace,
        actor=world.teammate,
        name="short",
        scopes=["read"],
        expires_at=timezone.now() + dt.timedelta(minutes=5),
    )
    assert api.call("GET", "/projects", token=soon).status_code == 200
    ApiToken.objects.filter(name="short").update(expires_at=timezone.now())
    assert "expired" in problem(api.call("GET", "/projects", token=soon), 401)["detail"]
    ApiToken.objects.filter(name="short").update(expires_at=None)
    assert api.call("GET", "/projects", token=soon).status_code == 200
    Membership.objects.filter(workspace=world.workspace, user=world.teammate).delete()
    problem(api.call("GET", "/projects", token=soon), 401)


def test_a_read_token_cannot_write(api: Api) -> None:
    world = api.world
    before = snapshot()
    body = problem(
        api.call("POST", "/requests", {"project": world.project.pk, "text": PHONE}, token=api.read),
        403,
    )
    assert "write" in body["detail"]
    assert snapshot() == before
    # Reading and the stateless triage are allowed.
    assert api.call("GET", "/requests", token=api.read).status_code == 200
    response = api.call(
        "POST",
        "/triage",
        {"project": world.project.pk, "messages": [{"text": PHONE}]},
        token=api.read,
    )
    assert response.status_code == 200


def test_tokens_are_stored_hashed_and_never_dumped(api: Api) -> None:
    assert api.call("GET", "/projects").status_code == 200
    out = StringIO()
    # django_rq's queue dashboard is an unmanaged model without a table, when it is installed.
    skip = ["django_rq"] if apps.is_installed("django_rq") else []
    call_command("dumpdata", "--all", exclude=skip, stdout=out)
    dump = out.getvalue()
    for token in (api.write, api.read, api.stranger):
        secret = token.split("_", 2)[2]
        assert token not in dump
        assert secret not in dump
    row = ApiToken.objects.get(prefix=api.write.split("_")[1])
    assert len(row.secret_sha256) == 64
    assert row.last_used_at is not None


def test_the_rate_limit_answers_429(api: Api, settings: Any) -> None:
    settings.API_REQUESTS_PER_MINUTE = 2
    assert api.call("GET", "/clients").status_code == 200
    assert api.call("GET", "/clients").status_code == 200
    response = api.call("GET", "/clients")
    problem(response, 429)
    assert int(response["Retry-After"]) >= 1
    # Per token: another token is not held back.
    assert api.call("GET", "/clients", token=api.read).status_code == 200


# -- triage ------------------------------------------------------------------------------------


def test_triage_against_a_project_returns_the_cli_contract_and_stores_nothing(api: Api) -> None:
    world = api.world
    api.call("GET", "/clients")  # "last used" is written once
    before = snapshot()
    response = api.call(
        "POST",
        "/triage",
        {
            "project": world.project.pk,
            "messages": [{"id": "m1", "text": REGISTRATION}, {"text": PHONE}],
            "drafts": ["warm", "firm"],
        },
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["project"] == world.project.pk
    first, second = data["verdicts"]
    contract = set(Verdict.__dataclass_fields__) - {"kind_scores"} | {"kind_scores"}
    assert set(first) - {"drafts"} == contract
    assert first["id"] == "m1"
    assert second["id"] is None
    assert first["lang"] == "fi"
    assert first["action"] == "change_order"
    assert "threat" in first["kinds"]
    assert isinstance(first["price"]["amount"], str)
    Decimal(first["price"]["amount"])
    assert set(first["drafts"]) == {"warm", "firm"}
    assert first["drafts"]["warm"]["lang"] == "fi"
    assert first["drafts"]["warm"]["text"] != first["drafts"]["firm"]["text"]
    assert second["drafts"].keys() == {"warm", "firm"}
    assert snapshot() == before


def test_triage_against_an_agreement_in_the_body(api: Api) -> None:
    text = (EXAMPLES / "acme-website.yaml").read_text(encoding="utf-8")
    message = {"messages": [{"text": REGISTRATION}]}
    as_yaml = api.call("POST", "/triage", {"agreement": text, **message})
    assert as_yaml.status_code == 200, as_yaml.content
    assert as_yaml.json()["verdicts"][0]["action"] == "change_order"
    stored = api.call("GET", f"/projects/{api.world.project.pk}/agreement").json()["agreement"]
    as_json = api.call("POST", "/triage", {"agreement": stored, **message})
    assert as_json.status_code == 200, as_json.content
    assert as_json.json()["verdicts"][0]["kind"] == as_yaml.json()["verdicts"][0]["kind"]


def test_triage_refuses_bad_input_with_the_field_and_why(api: Api) -> None:
    project = api.world.project.pk
    one = [{"text": PHONE}]
    body = problem(api.call("POST", "/triage", {"messages": one}), 422)
    assert "project id or an agreement" in body["detail"]
    problem(
        api.call("POST", "/triage", {"project": project, "agreement": "x", "messages": one}), 422
    )
    body = problem(api.call("POST", "/triage", {"project": project, "messages": []}), 422)
    assert fields(body) == {"body.messages"}
    many = [{"text": PHONE}] * 101
    assert fields(
        problem(api.call("POST", "/triage", {"project": project, "messages": many}), 422)
    ) == {"body.messages"}
    body = problem(
        api.call("POST", "/triage", {"project": project, "messages": [{"text": ""}]}), 422
    )
    assert fields(body) == {"body.messages[0].text"}
    bad = "version: 1\nproject: X\ndedline: 2026-01-01\n"
    body = problem(api.call("POST", "/triage", {"agreement": bad, "messages": one}), 422)
    assert body["type"].endswith("invalid_agreement")
    assert any("dedline" in e["field"] for e in body["errors"])
    assert any(e["message"].startswith("line ") for e in body["errors"])
    body = problem(api.call("POST", "/triage", {"agreement": {"version": 1}, "messages": one}), 422)
    assert all(e["field"].startswith("body.agreement") for e in body["errors"])
    problem(api.call("POST", "/triage", {"project": 10**30, "messages": one}), 422)


# -- errors before any operation -----------------------------------------------------------------


def test_malformed_bodies_get_clear_problems(api: Api) -> None:
    http = api.http(api.write)
    url = "/api/v1/requests"
    before = snapshot()
    big = json.dumps({"project": api.world.project.pk, "text": "x" * (1024 * 1024)})
    assert (
        "larger than 1 MB"
        in problem(http.post(url, big, content_type="application/json"), 413)["detail"]
    )
    problem(http.post(url, "project=1&text=hi", content_type="text/plain"), 415)
    problem(http.post(url, {"project": "1", "text": "hi"}), 415)  # a form post
    body = problem(http.post(url, "{not json", content_type="application/json"), 400)
    assert "not valid JSON" in body["detail"]
    body = problem(http.post(url, b"\xff\xfe\x00binary", content_type="application/json"), 422)
    assert fields(body) == {"body"}
    nul = json.dumps({"project": api.world.project.pk, "text": "a\u0000b"})
    body = problem(http.post(url, nul, content_type="application/json"), 422)
    assert fields(body) == {"body.text"}
    body = problem(http.get("/api/v1/requests?kind=a%00b"), 422)
    assert fields(body) == {"query.kind"}
    body = problem(http.get("/api/v1/requests?limit=0&since=yesterday"), 422)
    assert fields(body) == {"query.limit", "query.since"}
    problem(http.get("/api/v1/no/such/thing"), 404)
    response = http.delete(f"/api/v1/projects/{api.world.project.pk}")
    problem(response, 405)
    assert response["Allow"] == "GET"
    assert snapshot() == before


# -- requests ----------------------------------------------------------------------------------


def test_requests_create_list_filter_get_and_decide(api: Api) -> None:
    world = api.world
    response = api.call("POST", "/requests", {"project": world.project.pk, "text": REGISTRATION})
    assert response.status_code == 201, response.content
    made = response.json()
    row = ClientRequest.objects.get(pk=made["id"])
    assert row.channel == "api"
    assert row.created_by == world.owner
    assert made["suggested_action"] == "change_order"
    assert made["received_at"].endswith(("Z", "+00:00"))
    assert set(made["drafts"]) == {"warm", "neutral", "firm"}
    old = api.call(
        "POST",
        "/requests",
        {"project": world.project.pk, "text": PHONE, "received_at": "2026-01-05T09:00:00+02:00"},
    ).json()
    assert old["received_at"] == "2026-01-05T07:00:00Z"

    listed = api.call("GET", "/requests?limit=1").json()
    assert listed["count"] == 2
    assert len(listed["items"]) == 1
    assert listed["items"][0]["id"] == made["id"]  # newest first
    assert api.call("GET", "/requests?limit=1&offset=1").json()["items"][0]["id"] == old["id"]
    since = api.call("GET", "/requests?since=2026-06-01T00:00:00Z").json()
    assert [r["id"] for r in since["items"]] == [made["id"]]
    assert api.call("GET", f"/requests?kind={made['kind']}").json()["count"] >= 1
    assert api.call("GET", "/requests?status=decided").json()["count"] == 0
    assert api.call("GET", f"/requests?project={world.project.pk}").json()["count"] == 2
    assert api.call("GET", f"/requests/{made['id']}").json()["text"] == REGISTRATION

    body = problem(api.call("POST", f"/requests/{made['id']}/decision", {"action": "favor"}), 422)
    assert fields(body) == {"body.note"}
    body = problem(api.call("POST", f"/requests/{made['id']}/decision", {"action": "dance"}), 422)
    assert fields(body) == {"body.action"}
    decided = api.call(
        "POST", f"/requests/{made['id']}/decision", {"action": "change_order", "tone": "warm"}
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "decided"
    assert LedgerEvent.objects.filter(request_id=made["id"], type="request_decided").exists()
    assert ChangeOrder.objects.filter(request_id=made["id"]).exists()  # drafted by the decision
    again = api.call("POST", f"/requests/{made['id']}/decision", {"action": "change_order"})
    assert problem(again, 409)["type"].endswith("already_decided")


# -- projects, agreements, ledger ----------------------------------------------------------------


def test_projects_agreements_and_the_ledger(api: Api) -> None:
    world = api.world
    listed = api.call("GET", "/projects").json()
    assert [p["id"] for p in listed["items"]] == [world.project.pk]
    project = api.call("GET", f"/projects/{world.project.pk}").json()
    assert project["fees"] == "4800.000"
    assert project["outstanding"] == "2400.000"
    assert api.call("GET", "/projects?status=completed").json()["count"] == 0

    text = (EXAMPLES / "brightpath-mvp.yaml").read_text(encoding="utf-8")
    made = api.call("POST", "/projects", {"client": world.client.pk, "agreement": text})
    assert made.status_code == 201, made.content
    assert made.json()["version"] == 1
    assert made.json()["client"] == world.client.pk
    problem(api.call("POST", "/projects", {"client": world.client.pk, "agreement": "a: ["}), 422)

    current = api.call("GET", f"/projects/{world.project.pk}/agreement").json()
    assert current["version"] == 1
    same = api.call("PUT", f"/projects/{world.project.pk}/agreement", current)
    assert same.status_code == 200
    assert same.json()["version"] == 1
    changed = dict(current["agreement"], project="Acme website, phase 2")
    new = api.call("PUT", f"/projects/{world.project.pk}/agreement", {"agreement": changed})
    assert new.status_code == 201, new.content
    assert new.json()["version"] == 2
    assert (
        api.call("GET", f"/projects/{world.project.pk}").json()["name"] == "Acme website, phase 2"
    )

    events = api.call("GET", f"/projects/{world.project.pk}/events").json()
    assert events["count"] == LedgerEvent.objects.filter(project=world.project).count()
    payments = api.call("GET", f"/projects/{world.project.pk}/events?type=payment").json()
    assert {e["type"] for e in payments["items"]} == {"payment"}
    assert (
        api.call("GET", f"/projects/{world.project.pk}/events?since=2999-01-01").json()["count"]
        == 0
    )
    paid = api.call(
        "POST",
        f"/projects/{world.project.pk}/events",
        {"type": "payment", "date": "2026-11-02", "amount": 1200.50},
    )
    assert paid.status_code == 201, paid.content
    assert paid.json()["data"]["amount"] == "1200.5"  # the number as sent, never a float
    assert api.call("GET", f"/projects/{world.project.pk}").json()["paid"] == "3600.500"
    body = problem(
        api.call(
            "POST",
            f"/projects/{world.project.pk}/events",
            {"type": "hours", "date": "2026-11-02", "hours": -2},
        ),
        422,
    )
    assert fields(body) == {"body.hours"}
    body = problem(
        api.call(
            "POST", f"/projects/{world.project.pk}/events", {"type": "tea", "date": "2026-11-02"}
        ),
        422,
    )
    assert fields(body) == {"body.type"}


# -- change orders -----------------------------------------------------------------------------


def test_change_orders_create_list_get_and_send(api: Api) -> None:
    world = api.world
    order = {
        "project": world.project.pk,
        "title": "Member registration",
        "lines": [{"description": "Registration form", "hours": "12.5", "rate": 80}],
    }
    made = api.call("POST", "/change-orders", order)
    assert made.status_code == 201, made.content
    co = made.json()
    assert co["number"].startswith("CO-")
    assert co["status"] == "draft"
    assert co["total"] == "1000.000"
    assert co["lines"][0]["amount"] == "1000.000"
    bad = dict(order, lines=[{"description": "x", "hours": "1.234", "rate": 80}])
    assert fields(problem(api.call("POST", "/change-orders", bad), 422)) == {"body.lines[0].hours"}
    assert api.call("GET", "/change-orders?status=draft").json()["count"] == 1
    assert api.call("GET", f"/change-orders/{co['id']}").json()["number"] == co["number"]

    # Without e-mail: sent at once, with the portal link, once.
    sent = api.call("POST", f"/change-orders/{co['id']}/send", {"email": False})
    assert sent.status_code == 200, sent.content
    assert sent.json()["change_order"]["status"] == "sent"
    assert "/p/" in sent.json()["portal_url"]
    problem(api.call("POST", f"/change-orders/{co['id']}/send", {"email": False}), 409)
    # With e-mail, for a client without an address: a clear conflict, nothing queued.
    second = api.call("POST", "/change-orders", order).json()
    body = problem(api.call("POST", f"/change-orders/{second['id']}/send", {}), 409)
    assert "e-mail" in body["detail"]


# -- another workspace's ids -----------------------------------------------------------------------


def every_operation(api: Api, ids: dict[str, int]) -> list[tuple[str, str, Any]]:
    """Each operation with ``ids`` in its path or body, and a body it would otherwise accept."""
    acme = (EXAMPLES / "acme-website.yaml").read_text(encoding="utf-8")
    line = {"description": "Work", "hours": "1", "rate": "80"}
    return [
        ("POST", "/triage", {"project": ids["project"], "messages": [{"text": PHONE}]}),
        ("GET", f"/projects/{ids['project']}", None),
        ("POST", "/projects", {"client": ids["client"], "agreement": acme}),
        ("GET", f"/projects/{ids['project']}/agreement", None),
        ("PUT", f"/projects/{ids['project']}/agreement", {"agreement": acme}),
        ("GET", f"/projects/{ids['project']}/events", None),
        (
            "POST",
            f"/projects/{ids['project']}/events",
            {"type": "hours", "date": "2026-11-02", "hours": 1},
        ),
        ("POST", "/requests", {"project": ids["project"], "text": PHONE}),
        ("GET", f"/requests/{ids['request']}", None),
        (
            "POST",
            f"/requests/{ids['request']}/decision",
            {"action": "favor", "note": "as a favour"},
        ),
        (
            "POST",
            "/change-orders",
            {"project": ids["project"], "title": "Work", "lines": [line]},
        ),
        ("GET", f"/change-orders/{ids['change_order']}", None),
        ("POST", f"/change-orders/{ids['change_order']}/send", {"email": False}),
    ]


def test_a_token_of_one_workspace_reaches_nothing_of_another(api: Api) -> None:
    world = api.world
    ours = {
        "project": world.project.pk,
        "client": world.client.pk,
        "request": inbox.submit_request(project=world.project, actor=world.owner, text=PHONE).pk,
        "change_order": changeorders.create_change_order(
            project=world.project,
            actor=world.owner,
            title="Work",
            lines=[changeorders.Line("Work", Decimal(1), Decimal(80))],
        ).pk,
    }
    api.call("GET", "/clients", token=api.stranger)
    before = snapshot()
    for method, path, body in every_operation(api, ours):
        response = api.call(method, path, body, token=api.stranger)
        assert problem(response, 404)["type"].endswith("not_found"), (method, path)
        assert snapshot() == before, (method, path)
    # His lists do not show our rows either.
    for path in ("/projects", "/clients", "/requests", "/change-orders"):
        items = api.call("GET", path, token=api.stranger).json()["items"]
        assert {i["id"] for i in items}.isdisjoint({ours["project"], ours["request"]}) or (
            path in ("/clients",) and all(i["name"] != world.client.name for i in items)
        ), path
    assert (
        api.call("GET", f"/requests?project={world.project.pk}", token=api.stranger).json()["count"]
        == 0
    )
    # The same operations with our own token do work (so the 404s were the workspace check).
    for method, path, body in every_operation(api, ours):
        response = api.call(method, path, body)
        assert response.status_code < 300, (method, path, response.content[:300])
