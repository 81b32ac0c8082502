"""The HTTP API at /api/v1/ (django-ninja): a workspace's projects, requests, ledger and change
orders for a bearer token of that workspace, with an OpenAPI 3 document at /api/v1/openapi.json.

Every operation reads the workspace from the token and looks every object up with it, so
another workspace's ids are "not found", exactly like ids that do not exist. Writes go through
the apps' services with the token's creator as the actor. Errors are problem+json
(``scopeline.api.problems``); ``guard`` checks what ninja does not before an operation runs:
the body's size, type, encoding and NUL characters.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import wraps
from typing import Any, Final, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import DataError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from ninja import NinjaAPI, Query, Status, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from scopeline.accounts.models import User, Workspace
from scopeline.api import schemas as s
from scopeline.api import serialize, services
from scopeline.api.models import ApiToken
from scopeline.api.problems import (
    CONTENT_TYPE,
    ApiError,
    FieldError,
    field_path,
    from_exception,
    problem_response,
)
from scopeline.changeorders import services as changeorders
from scopeline.changeorders.models import ChangeOrder
from scopeline.clients.models import Client
from scopeline.core import (
    Agreement,
    AgreementError,
    ProjectState,
    agreement_from_data,
    compose_reply,
    parse_agreement,
    project_state,
)
from scopeline.inbox import services as inbox
from scopeline.inbox.engine import get_engine
from scopeline.projects import services as projects
from scopeline.projects.agreements import agreement_data
from scopeline.projects.models import AgreementVersion, ClientRequest, LedgerEvent, Project
from scopeline.projects.selectors import project_facts, recent_citations

logger = logging.getLogger(__name__)

MAX_BODY_BYTES: Final = 1024 * 1024
_M = TypeVar("_M", bound=Model)

_TOKEN_ERRORS = {
    "malformed": "The token is malformed: send Authorization: Bearer sl_<prefix>_<secret>.",
    "unknown": "The token is not valid.",
    "revoked": "The token has been revoked.",
    "expired": "The token has expired.",
}


# -- request checks that come before ninja -----------------------------------------------------


def _nul_paths(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, str):
        if "\x00" in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                yield path
            yield from _nul_paths(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, f"{path}[{index}]")


def check_request(request: HttpRequest) -> None:
    """Refuse, before any work, what the operations must never see: bodies over 1 MB (413),
    bodies that are not JSON (415, 400), binary or NUL-carrying text (422)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", "The request body is larger than 1 MB.")
    nul_fields = [
        FieldError(field=f"query.{key}", message="contains a NUL character")
        for key, values in request.GET.lists()
        if "\x00" in key or any("\x00" in v for v in values)
    ]
    if nul_fields:
        raise ApiError(422, "binary", "Query parameters must be text.", errors=nul_fields)
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    body = request.body
    if not body:
        return
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", "The request body is larger than 1 MB.")
    kind = (request.content_type or "").lower()
    if kind != "application/json" and not kind.endswith("+json"):
        raise ApiError(
            415, "unsupported_media_type", "Send the body as JSON (Content-Type: application/json)."
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(
            422,
            "binary",
            "The body is not UTF-8 text.",
            errors=[FieldError(field="body", message="is binary or not UTF-8")],
        ) from None
    try:
        data = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, "malformed_json", f"The body is not valid JSON: {exc}.") from None
    nul = [
        FieldError(field=p, message="contains a NUL character") for p in _nul_paths(data, "body")
    ]
    if nul:
        raise ApiError(422, "binary", "Text must not contain NUL characters.", errors=nul)
    request._scopeline_json = data  # type: ignore[attr-defined]


def guard(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wraps each of ninja's URL views: the checks above first, and ninja's plain-text
    "method not allowed" answered as problem+json like everything else."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            check_request(request)
        except ApiError as exc:
            return from_exception(exc)
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type") != CONTENT_TYPE:
            allowed = response.get("Allow", "")
            return problem_response(
                405,
                "method_not_allowed",
                f"This address answers {allowed}." if allowed else "Method not allowed.",
                headers={"Allow": allowed} if allowed else None,
            )
        return response

    return wrapper


class _CheckedJsonParser(Parser):
    """The body parsed once, by ``check_request`` (numbers with a fraction as Decimal)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = getattr(request, "_scopeline_json", None)
        if data is None:
            data = json.loads(request.body, parse_float=Decimal)
        return data  # type: ignore[no-any-return]


# -- the API object, authentication, throttling ------------------------------------------------


class ScopelineApi(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Errors are documented as application/problem+json, which is what they are."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content")
                    if int(status) >= 400 and content and "application/json" in content:
                        response["content"] = {CONTENT_TYPE: content["application/json"]}
        return schema


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sl_<prefix>_<secret>``; ``scope`` is what the operation needs."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def authenticate(self, _request: HttpRequest, token: str) -> ApiToken:
        try:
            found = services.resolve_token(token)
        except services.TokenError as exc:
            raise ApiError(
                401,
                "invalid_token",
                _TOKEN_ERRORS[str(exc)],
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            ) from None
        if self.scope not in found.scopes:
            raise ApiError(
                403,
                "insufficient_scope",
                f"This operation needs a token with the {self.scope!r} scope.",
                headers={
                    "WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{self.scope}"'
                },
            )
        return found


class TokenThrottle(BaseThrottle):
    """A fixed window per token and minute in the cache (per process with the default local
    memory cache): ``API_REQUESTS_PER_MINUTE`` requests, then 429 until the minute is over."""

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return True
        limit = int(getattr(settings, "API_REQUESTS_PER_MINUTE", 6000))
        now = timezone.now()
        self._wait = 60 - now.second
        key = f"api-rate:{token.pk}:{now:%Y%m%d%H%M}"
        cache.add(key, 0, 70)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, 70)
            count = 1
        return count <= limit

    def wait(self) -> float | None:
        return float(getattr(self, "_wait", 60))


READ = TokenAuth("read")
WRITE = TokenAuth("write")

api = ScopelineApi(
    title="Scopeline API",
    version="1",
    description=(
        "A workspace's clients, projects, agreements, ledger, client requests and change "
        "orders, and stateless triage. Authenticate with a workspace's API token: "
        "`Authorization: Bearer sl_<prefix>_<secret>` (made by an owner under Settings → API). "
        "Errors are application/problem+json (RFC 9457). Money is an exact decimal string."
    ),
    urls_namespace="api",
    docs=Swagger(),
    parser=_CheckedJsonParser(),
    throttle=[TokenThrottle()],
)

ERRORS: dict[int, Any] = dict.fromkeys(
    (400, 401, 403, 404, 409, 413, 415, 422, 429, 500), s.Problem
)


def responds(ok: dict[int, Any]) -> dict[int, Any]:
    return {**ok, **ERRORS}


# -- exception handlers ------------------------------------------------------------------------


@api.exception_handler(ApiError)
def _problem(_request: HttpRequest, exc: ApiError) -> HttpResponse:
    return from_exception(exc)


@api.exception_handler(ValidationError)
def _invalid(_request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        FieldError(field=field_path(e.get("loc", ())), message=str(e.get("msg", "is not valid")))
        for e in exc.errors
    ]
    where = ", ".join(e["field"] for e in errors[:5])
    return problem_response(
        422, "validation", f"Some fields are not valid: {where}.", errors=errors
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(_request: HttpRequest, _exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        401,
        "unauthenticated",
        "Send an API token: Authorization: Bearer sl_<prefix>_<secret>.",
        headers={"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(HttpError)
def _http_error(_request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = "too_many_requests" if exc.status_code == 429 else "http_error"
    return problem_response(exc.status_code, code, str(exc))


@api.exception_handler(Http404)
def _not_found(_request: HttpRequest, exc: Http404) -> HttpResponse:
    detail = str(exc) if str(exc) else "Not found."
    return problem_response(404, "not_found", detail)


@api.exception_handler(AgreementError)
def _bad_agreement(_request: HttpRequest, exc: AgreementError) -> HttpResponse:
    errors = []
    for p in exc.problems:
        field = "body.agreement" + (
            f".{p.path}" if p.path and not p.path.startswith("[") else p.path
        )
        message = p.message if p.line is None else f"line {p.line}: {p.message}"
        errors.append(FieldError(field=field, message=message))
    return problem_response(
        422, "invalid_agreement", "The agreement does not validate.", errors=errors
    )


@api.exception_handler(DataError)
def _too_big(_request: HttpRequest, _exc: DataError) -> HttpResponse:
    return problem_response(
        422, "out_of_range", "A number is too large to be stored; nothing was changed."
    )


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, _exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return problem_response(500, "server_error", "Something went wrong on our side.")


# -- helpers -----------------------------------------------------------------------------------


def _token(request: HttpRequest) -> ApiToken:
    token = getattr(request, "auth", None)
    assert isinstance(token, ApiToken)
    return token


def _workspace(request: HttpRequest) -> Workspace:
    return _token(request).workspace


def _actor(request: HttpRequest) -> User:
    return _token(request).created_by


def _get(qs: QuerySet[_M], pk: int, what: str) -> _M:
    row = qs.filter(pk=pk).first()
    if row is None:
        raise Http404(f"No {what} {pk} in this workspace.")
    return row


def _page(
    qs: QuerySet[_M], query: s.PageQuery, convert: Callable[[_M], dict[str, Any]]
) -> dict[str, Any]:
    rows = list(qs[query.offset : query.offset + query.limit])
    return {
        "count": qs.count(),
        "limit": query.limit,
        "offset": query.offset,
        "items": [convert(row) for row in rows],
    }


def _agreement(value: dict[str, Any] | str) -> Agreement:
    if isinstance(value, str):
        return parse_agreement(value, source="agreement")
    return agreement_from_data(value, source="agreement")


def _projects(workspace: Workspace) -> QuerySet[Project]:
    return Project.objects.filter(workspace=workspace).select_related("client", "current_version")


def _orders(workspace: Workspace) -> QuerySet[ChangeOrder]:
    return ChangeOrder.objects.filter(workspace=workspace).prefetch_related("lines")


def _conflict(code: str, detail: str, field: str | None = None) -> ApiError:
    errors = [FieldError(field=field, message=detail)] if field else []
    return ApiError(409 if field is None else 422, code, detail, errors=errors)


# -- triage ------------------------------------------------------------------------------------


@api.post("/triage", response=responds({200: s.TriageOut}), auth=READ, tags=["triage"])
def triage(request: HttpRequest, payload: s.TriageIn) -> dict[str, Any]:
    """Triage client messages without storing anything: against a project's current agreement
    and ledger (``project``), or against an agreement sent in the body (``agreement``)."""
    if (payload.project is None) == (payload.agreement is None):
        raise ApiError(
            422,
            "validation",
            "Give either a project id or an agreement, not both and not neither.",
            errors=[FieldError(field="body.project", message="give project or agreement")],
        )
    recent: list[bool] = []
    state: ProjectState
    if payload.project is not None:
        project = _get(_projects(_workspace(request)), payload.project, "project")
        facts = project_facts(project)
        agreement, state = facts.agreement, facts.state
        if payload.drafts:
            recent = recent_citations(project)
    else:
        assert payload.agreement is not None
        agreement = _agreement(payload.agreement)
        state = project_state(agreement)
    today = timezone.localdate()
    messages = [(m.id, m.text) for m in payload.messages]
    verdicts = get_engine().triage_many(agreement, messages, state=state)
    out = []
    for verdict, (_id, text) in zip(verdicts, messages, strict=True):
        data = verdict.as_dict()
        drafts = {}
        for tone in dict.fromkeys(payload.drafts):
            reply = compose_reply(
                verdict,
                agreement,
                message=text,
                state=state,
                tone=tone,
                recent_cited=recent,
                today=today,
            )
            drafts[tone] = {
                "lang": reply.lang,
                "tone": reply.tone,
                "text": reply.text,
                "cites_agreement": reply.cites_agreement,
            }
        data["drafts"] = drafts
        out.append(data)
    return {"project": payload.project, "verdicts": out}


# -- clients and projects ----------------------------------------------------------------------


@api.get("/clients", response=responds({200: s.ClientPage}), auth=READ, tags=["projects"])
def list_clients(request: HttpRequest, query: Query[s.PageQuery]) -> dict[str, Any]:
    qs = Client.objects.filter(workspace=_workspace(request)).order_by("name", "id")
    return _page(qs, query, serialize.client)


@api.get("/projects", response=responds({200: s.ProjectPage}), auth=READ, tags=["projects"])
def list_projects(request: HttpRequest, query: Query[s.ProjectFilters]) -> dict[str, Any]:
    qs = _projects(_workspace(request)).order_by("-updated_at", "-id")
    if query.status:
        qs = qs.filter(status=query.status)
    if query.client:
        qs = qs.filter(client_id=query.client)
    return _page(qs, query, serialize.project)


@api.post("/projects", response=responds({201: s.ProjectOut}), auth=WRITE, tags=["projects"])
def create_project(request: HttpRequest, payload: s.ProjectIn) -> Status[dict[str, Any]]:
    """A project for one of the workspace's clients, with an agreement (and its ledger)."""
    workspace = _workspace(request)
    client = _get(Client.objects.filter(workspace=workspace), payload.client, "client")
    agreement = _agreement(payload.agreement)
    project = projects.create_project(
        workspace=workspace,
        actor=_actor(request),
        client=client,
        agreement=agreement,
        source=AgreementVersion.Source.FILE,
        note="API",
    )
    return Status(201, serialize.project(_projects(workspace).get(pk=project.pk)))


@api.get("/projects/{pk}", response=responds({200: s.ProjectOut}), auth=READ, tags=["projects"])
def get_project(request: HttpRequest, pk: s.Id) -> dict[str, Any]:
    return serialize.project(_get(_projects(_workspace(request)), pk, "project"))


@api.get(
    "/projects/{pk}/agreement",
    response=responds({200: s.AgreementOut}),
    auth=READ,
    tags=["projects"],
)
def get_agreement(request: HttpRequest, pk: s.Id) -> dict[str, Any]:
    project = _get(_projects(_workspace(request)), pk, "project")
    if project.current_version is None:
        raise Http404(f"Project {pk} has no agreement yet.")
    return serialize.agreement(project.current_version)


@api.put(
    "/projects/{pk}/agreement",
    response=responds({200: s.AgreementOut, 201: s.AgreementOut}),
    auth=WRITE,
    tags=["projects"],
)
def put_agreement(request: HttpRequest, pk: s.Id, payload: s.AgreementIn) -> Status[dict[str, Any]]:
    """A new version of the agreement (201), or 200 with the current one when nothing changed.
    The ledger is the project's own: a ``ledger`` in the agreement is ignored here."""
    workspace = _workspace(request)
    project = _get(_projects(workspace), pk, "project")
    agreement = _agreement(payload.agreement)
    version = projects.save_agreement(
        project=project,
        actor=_actor(request),
        agreement=agreement,
        source=AgreementVersion.Source.FILE,
        note=payload.note or "API",
    )
    project = _projects(workspace).get(pk=pk)
    assert project.current_version is not None
    return Status(200 if version is None else 201, serialize.agreement(project.current_version))


@api.get("/projects/{pk}/events", response=responds({200: s.EventPage}), auth=READ, tags=["ledger"])
def list_events(request: HttpRequest, pk: s.Id, query: Query[s.EventFilters]) -> dict[str, Any]:
    project = _get(_projects(_workspace(request)), pk, "project")
    qs = LedgerEvent.objects.filter(project=project).order_by("date", "id")
    if query.type:
        qs = qs.filter(type=query.type)
    if query.since:
        qs = qs.filter(date__gte=query.since)
    if query.until:
        qs = qs.filter(date__lte=query.until)
    return _page(qs, query, serialize.event)


@api.post(
    "/projects/{pk}/events", response=responds({201: s.EventOut}), auth=WRITE, tags=["ledger"]
)
def record_event(request: HttpRequest, pk: s.Id, payload: s.EventIn) -> Status[dict[str, Any]]:
    """Record a ledger event (payment, hours, favour, ...), validated as in an agreement file."""
    project = _get(_projects(_workspace(request)), pk, "project")
    raw = getattr(request, "_scopeline_json", None)
    fields = dict(raw) if isinstance(raw, dict) else payload.model_dump(mode="json")
    fields["date"] = payload.date.isoformat()
    facts = project_facts(project)
    try:
        checked = agreement_from_data(
            {**agreement_data(facts.agreement), "ledger": [fields]}, source="event"
        )
    except AgreementError as exc:
        errors = [
            FieldError(field="body" + p.path.removeprefix("ledger[0]"), message=p.message)
            for p in exc.problems
        ]
        raise ApiError(
            422, "invalid_event", "The event does not validate.", errors=errors
        ) from None
    row = projects.record_event(project=project, actor=_actor(request), event=checked.ledger[0])
    return Status(201, serialize.event(row))


# -- client requests ---------------------------------------------------------------------------


def _requests(workspace: Workspace) -> QuerySet[ClientRequest]:
    return ClientRequest.objects.filter(workspace=workspace)


@api.get("/requests", response=responds({200: s.RequestPage}), auth=READ, tags=["requests"])
def list_requests(request: HttpRequest, query: Query[s.RequestFilters]) -> dict[str, Any]:
    qs = _requests(_workspace(request)).order_by("-received_at", "-id")
    if query.status:
        qs = qs.filter(status=query.status)
    if query.project:
        qs = qs.filter(project_id=query.project)
    if query.kind:
        qs = qs.filter(kind=query.kind)
    if query.since:
        qs = qs.filter(received_at__gte=query.since)
    return _page(qs, query, serialize.request)


_INBOX_ERRORS: dict[str, tuple[str, str | None]] = {
    "empty": ("The message has no text to read.", "body.text"),
    "too_long": ("The message is too long.", "body.text"),
    "already_decided": ("This request has already been decided.", None),
    "note_required": ("Say why in a note when you choose another action.", "body.note"),
    "unknown_action": ("Unknown action.", "body.action"),
    "unknown_tone": ("Unknown tone.", "body.tone"),
}


def _inbox_problem(exc: inbox.InboxError) -> ApiError:
    detail, field = _INBOX_ERRORS.get(str(exc), ("The request cannot be taken.", None))
    return _conflict(str(exc), detail, field)


@api.post("/requests", response=responds({201: s.RequestOut}), auth=WRITE, tags=["requests"])
def create_request(request: HttpRequest, payload: s.RequestIn) -> Status[dict[str, Any]]:
    """A client message for a project: triaged, with the reply drafted in every tone, and
    stored in the inbox (the ``request.triaged`` webhook fires)."""
    project = _get(_projects(_workspace(request)), payload.project, "project")
    try:
        row = inbox.submit_request(
            project=project,
            actor=_actor(request),
            text=payload.text,
            received_at=payload.received_at,
            channel="api",
        )
    except inbox.InboxError as exc:
        raise _inbox_problem(exc) from None
    return Status(201, serialize.request(row))


@api.get("/requests/{pk}", response=responds({200: s.RequestOut}), auth=READ, tags=["requests"])
def get_request(request: HttpRequest, pk: s.Id) -> dict[str, Any]:
    return serialize.request(_get(_requests(_workspace(request)), pk, "request"))


@api.post(
    "/requests/{pk}/decision",
    response=responds({200: s.RequestOut}),
    auth=WRITE,
    tags=["requests"],
)
def decide_request(request: HttpRequest, pk: s.Id, payload: s.DecisionIn) -> dict[str, Any]:
    """Decide once: the decision and its ledger events are written (a change order decision
    drafts the change order)."""
    row = _get(_requests(_workspace(request)), pk, "request")
    try:
        decided = inbox.decide_request(
            request=row,
            actor=_actor(request),
            action=payload.action,
            note=payload.note,
            tone=payload.tone,
            reply_text=payload.reply_text,
            advice_overridden=payload.advice_overridden,
        )
    except inbox.InboxError as exc:
        raise _inbox_problem(exc) from None
    return serialize.request(decided)


# -- change orders -----------------------------------------------------------------------------


_ORDER_ERRORS: dict[str, tuple[str, str | None]] = {
    "not_draft": ("Only a draft can be sent; this change order was sent already.", None),
    "valid_until_past": ("The change order's validity date has passed.", None),
    "no_client_email": ("The client has no e-mail address; send with email: false.", None),
    "being_sent": ("The change order's e-mail is on its way; ask again shortly.", None),
    "no_lines": ("A change order needs at least one line.", "body.lines"),
    "negative": ("Hours and rates must not be negative.", "body.lines"),
}


def _order_problem(exc: changeorders.ChangeOrderError) -> ApiError:
    detail, field = _ORDER_ERRORS.get(str(exc), ("The change order cannot be changed.", None))
    return _conflict(str(exc), detail, field)


@api.get(
    "/change-orders",
    response=responds({200: s.ChangeOrderPage}),
    auth=READ,
    tags=["change orders"],
)
def list_change_orders(request: HttpRequest, query: Query[s.ChangeOrderFilters]) -> dict[str, Any]:
    workspace = _workspace(request)
    changeorders.expire_overdue(workspace_id=workspace.pk)
    qs = _orders(workspace).order_by("-year", "-sequence")
    if query.status:
        qs = qs.filter(status=query.status)
    if query.project:
        qs = qs.filter(project_id=query.project)
    return _page(qs, query, serialize.change_order)


@api.post(
    "/change-orders",
    response=responds({201: s.ChangeOrderOut}),
    auth=WRITE,
    tags=["change orders"],
)
def create_change_order(request: HttpRequest, payload: s.ChangeOrderIn) -> Status[dict[str, Any]]:
    """A draft change order for a project, numbered CO-<year>-<n>; lines are hours × rate."""
    workspace = _workspace(request)
    project = _get(_projects(workspace), payload.project, "project")
    try:
        co = changeorders.create_change_order(
            project=project,
            actor=_actor(request),
            title=payload.title,
            lines=[changeorders.Line(x.description, x.hours, x.rate) for x in payload.lines],
            days=payload.days,
            valid_until=payload.valid_until,
            terms=payload.terms,
            concepts=payload.concepts,
            revision_rounds=payload.revision_rounds,
        )
    except changeorders.ChangeOrderError as exc:
        raise _order_problem(exc) from None
    return Status(201, serialize.change_order(_orders(workspace).get(pk=co.pk)))


@api.get(
    "/change-orders/{pk}",
    response=responds({200: s.ChangeOrderOut}),
    auth=READ,
    tags=["change orders"],
)
def get_change_order(request: HttpRequest, pk: s.Id) -> dict[str, Any]:
    workspace = _workspace(request)
    changeorders.expire_overdue(workspace_id=workspace.pk)
    return serialize.change_order(_get(_orders(workspace), pk, "change order"))


@api.post(
    "/change-orders/{pk}/send",
    response=responds({200: s.SendOut, 202: s.SendOut}),
    auth=WRITE,
    tags=["change orders"],
)
def send_change_order(request: HttpRequest, pk: s.Id, payload: s.SendIn) -> Status[dict[str, Any]]:
    """Send a draft. With ``email`` (the default) the e-mail to the client is queued (202):
    the order is locked and becomes ``sent`` once the mail server has taken the message.
    Without, it is sent at once (200): frozen, recorded in the ledger as issued, and the
    client's new portal link is returned, this once, for you to pass on."""
    workspace = _workspace(request)
    co = _get(_orders(workspace), pk, "change order")
    url: str | None = None
    try:
        if payload.email:
            changeorders.send_by_email(co=co, actor=_actor(request))
        else:
            _sent, url = changeorders.mark_sent(
                co=co, actor=_actor(request), site_url=settings.SITE_URL
            )
    except changeorders.ChangeOrderError as exc:
        raise _order_problem(exc) from None
    data = serialize.change_order(_orders(workspace).get(pk=co.pk))
    return Status(202 if payload.email else 200, {"change_order": data, "portal_url": url})
