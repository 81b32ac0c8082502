"""Schemathesis against the API's own OpenAPI document: every operation, 200 generated cases
each (derandomized, so CI sees the same cases), with a valid write token. No 5xx, and every
response conforms to the document: status code, content type and body schema.

The triage operation embeds every message (~20 ms each on this machine), so in this test the
document allows at most three messages per request; the API itself takes up to 100.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from scopeline.api import services
from scopeline.api.api import api
from tests.web.conftest import World


def _document() -> dict[str, Any]:
    raw: dict[str, Any] = copy.deepcopy(api.get_openapi_schema(path_prefix="/api/v1/"))
    triage = raw["components"]["schemas"]["TriageIn"]["properties"]["messages"]
    triage["maxItems"] = 3
    return raw


schema = schemathesis.openapi.from_dict(_document())
schema.app = get_wsgi_application()

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def token(world: World, settings: Any) -> Iterator[str]:
    """A write token; and, as Django's test client does, the requests leave the database
    connection alone (the real handler would close it, and the test's transaction with it)."""
    settings.API_REQUESTS_PER_MINUTE = 1_000_000
    _t, raw = services.create_token(
        workspace=world.workspace, actor=world.owner, name="fuzz", scopes=["read", "write"]
    )
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield raw
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_operation_conforms_and_never_fails_on_our_side(case: Any, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
