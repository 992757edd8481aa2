"""Schemathesis over every operation of the OpenAPI schema, as a user of each role, through the WSGI app: no
server error, every answer in a status, content type and shape the schema documents. Bounded: a few examples per
operation and role, so the file runs in a few minutes."""
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from committees.models import RoleKind
from sessions_app.models import ActivityKind, Attendance

from .factories import ActivityFactory, MemberFactory, user_with_role
from .supervision_factories import make_auditor, make_filing, make_visit

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


# Schema-conforming and schema-breaking inputs alike, a bounded number per operation, the same on every run.
CONFIG = SchemathesisConfig.from_dict({
    "generation": {"mode": "all", "max-examples": 8, "deterministic": True, "database": "none"},
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
})


def load_schema():
    """The schema /api/v1/schema/ serves (generated without a request), run against the WSGI app in-process."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(generated)), config=CONFIG)
    loaded.app = get_wsgi_application()
    return loaded


schema = load_schema()


@pytest.fixture(autouse=True)
def connection_kept_across_requests():
    """As Django's test client does: the WSGI app must not close the test's connection (and with it the test's
    transaction) at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(tree):
    """A token for a user of each role, and records with attendance for them to read, change and delete."""
    members = [MemberFactory(committee=tree.county_a) for _ in range(3)]
    for kind in (ActivityKind.COLLECTIVE, ActivityKind.OUTREACH_LECTURE, ActivityKind.READING_CLASS):
        activity = ActivityFactory(committee=tree.county_a, kind=kind)
        Attendance.objects.bulk_create(Attendance(activity=activity, member=m, status="present") for m in members)
    ActivityFactory(committee=tree.county_b)
    users = {
        "secretary": user_with_role(tree.county_a, RoleKind.SECRETARY, username="st-secretary"),
        "leader": user_with_role(tree.county_a, RoleKind.LEADER, username="st-leader"),
        "auditor": user_with_role(tree.city, RoleKind.AUDITOR, username="st-auditor"),
        "administrator": user_with_role(tree.county_a, RoleKind.ADMIN, username="st-admin"),
    }
    make_auditor(users["auditor"], home=tree.county_b, may_visit=[tree.county_a])  # the pool profile: county A
    make_visit(make_auditor(user_with_role(tree.city, RoleKind.AUDITOR), home=tree.city, may_visit=[tree.city]),
               tree.county_a, findings="记录不全", rectifications=1)
    make_filing(tree.county_a)
    return {role: Token.objects.create(user=user).key for role, user in users.items()}


def call(case, tokens, role):
    response = case.call_and_validate(headers={"Authorization": f"Token {tokens[role]}"}, checks=CHECKS)
    assert response.status_code != 401  # the token authenticates: the operation itself answered


BOUNDED = settings(
    max_examples=8, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@schema.parametrize()
@BOUNDED
def test_every_operation_answers_within_its_schema_for_a_secretary(case, tokens):
    call(case, tokens, "secretary")


@schema.parametrize()
@BOUNDED
def test_every_operation_answers_within_its_schema_for_a_leader(case, tokens):
    call(case, tokens, "leader")


@schema.parametrize()
@BOUNDED
def test_every_operation_answers_within_its_schema_for_an_auditor(case, tokens):
    call(case, tokens, "auditor")


@schema.parametrize()
@BOUNDED
def test_every_operation_answers_within_its_schema_for_an_administrator(case, tokens):
    call(case, tokens, "administrator")
