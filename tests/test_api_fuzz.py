"""Property-based fuzzing of the whole REST API (issue 9): no request may produce a server error.

Schemathesis reads ``/api/openapi.json`` from the WSGI app in-process and, for every operation,
sends generated requests (valid and invalid) as a case manager with a bearer token. Half of the
examples swap generated ids for ids of real rows the case manager can see, so the handlers get
past the "not found" answer. Each response must not be a 5xx, must use a documented status code
and must match the documented response schema.

``transactional_db`` rather than ``db``: requests then run in autocommit mode as in production,
so a write that audits outside ``transaction.atomic()`` fails here as it would live, and
``on_commit`` callbacks (notification emails) run.
"""

import datetime
import json
import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from casebridge.accounts.services import api_token_create
from casebridge.assessments.services import instruments_load_bundled
from casebridge.core import clock
from casebridge.directory.models import Organization, Service
from casebridge.plans.models import DOMAIN_LABELS
from tests.factories import World

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def _api(client, headers, method, path, body=None, status=201):
    kwargs = {"HTTP_AUTHORIZATION": headers["Authorization"]}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status, (path, response.content)
    return response.json()


class RealRows:
    """Rows the fuzzing case manager can see, made through the API itself, and their ids by the
    path parameter / body field names the API uses."""

    def __init__(self, world: World):
        north = world.north
        cm = north.case_manager
        _, secret = api_token_create(actor=cm, user=cm, name="fuzz")
        self.headers = {"Authorization": f"Bearer {secret}"}
        person_id, enrollment_id = str(north.client.pk), str(north.enrollment.pk)
        organization = Organization.objects.create(name="Harbor Housing", curated_by=north.agency)
        service = Service.objects.create(
            organization=organization, name="Rapid rehousing", description="Housing help."
        )
        now = clock.now()
        later = (now + datetime.timedelta(days=3)).isoformat()

        client = Client()

        def post(path, body, status=201):
            return _api(client, self.headers, "post", path, body, status)

        response = post("/api/assessments", {"person_id": person_id, "instrument": "phq2"})
        plan = post(f"/api/persons/{person_id}/plans", {"enrollment_id": enrollment_id})
        goal = post(
            f"/api/plans/{plan['id']}/goals",
            {"domain": next(iter(DOMAIN_LABELS)), "statement": "Keep a stable home"},
        )
        step = post(
            f"/api/plans/{plan['id']}/steps",
            {"goal_id": goal["id"], "action": "Call the landlord", "performer": "person"},
        )
        contact = post(
            "/api/contacts",
            {
                "person_id": person_id,
                "enrollment_id": enrollment_id,
                "status": "scheduled",
                "occurred_at": later,
                "contact_type": "phone",
            },
        )
        task = post("/api/tasks", {"person_id": person_id, "title": "Call back", "due_at": later})
        flag = post(
            f"/api/persons/{person_id}/flags",
            {
                "kind": "not_alone",
                "review_on": (now + datetime.timedelta(days=30)).date().isoformat(),
            },
        )
        event = post(
            f"/api/persons/{person_id}/crisis-events",
            {"kind": "ed_visit", "occurred_at": now.isoformat(), "description": "Seen in the ED."},
        )
        referral = post(
            "/api/referrals",
            {
                "first_name": "Rui",
                "last_name": "Santos",
                "source_type": "hospital",
                "reason": "Needs support after discharge.",
            },
        )
        service_referral = post(
            f"/api/persons/{person_id}/service-referrals",
            {"service_id": str(service.pk), "reason": "Housing search"},
        )
        self.ids = {
            "person_id": person_id,
            "enrollment_id": enrollment_id,
            "program_id": str(north.program.pk),
            "to_program_id": str(north.other_program.pk),
            "primary_case_manager_id": str(cm.pk),
            "to_case_manager_id": str(north.users["other_case_manager"].pk),
            "assignee_id": str(cm.pk),
            "performer_user_id": str(cm.pk),
            "to_agency_id": str(world.south.agency.pk),
            "response_id": response["id"],
            "code": "phq2",
            "instrument": "phq2",
            "plan_id": plan["id"],
            "goal_id": goal["id"],
            "step_id": step["id"],
            "contact_id": contact["id"],
            "task_id": task["id"],
            "flag_id": flag["id"],
            "event_id": event["id"],
            "referral_id": referral["id"],
            "service_id": str(service.pk),
            "service_referral_id": service_referral["id"],
        }

    def apply(self, case) -> None:
        """Point path parameters and id fields of a JSON object body at the real rows."""
        for name in case.path_parameters or {}:
            if name in self.ids:
                case.path_parameters[name] = self.ids[name]
        if isinstance(case.body, dict):
            for name in case.body:
                if name in self.ids:
                    case.body[name] = self.ids[name]


@pytest.fixture
def real_rows(transactional_db):
    instruments_load_bundled()
    return RealRows(World.build())


@schema.parametrize()
@schema.given(use_real_rows=st.booleans())
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20")),
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_operations_never_fail_with_a_server_error(case, use_real_rows, real_rows):
    if use_real_rows:
        real_rows.apply(case)
    case.call_and_validate(headers=real_rows.headers, checks=CHECKS)


def test_the_fuzzer_reaches_real_rows(real_rows, client):
    """Guard against the fixture drifting: every real id must be readable through the API."""
    ids = real_rows.ids
    for path in (
        f"/api/persons/{ids['person_id']}",
        f"/api/enrollments/{ids['enrollment_id']}",
        f"/api/assessments/{ids['response_id']}",
        f"/api/plans/{ids['plan_id']}",
        f"/api/contacts/{ids['contact_id']}",
        f"/api/crisis-events/{ids['event_id']}",
        f"/api/directory/services/{ids['service_id']}",
        f"/api/service-referrals/{ids['service_referral_id']}",
    ):
        _api(client, real_rows.headers, "get", path, status=200)


def _body_properties(operation: dict) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    body = content.get("schema", {})
    if "$ref" in body:
        body = schema.raw_schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    return sorted(body.get("properties", {}))


BODY_FIELDS = [
    (method.upper(), path, field)
    for path, operations in schema.raw_schema["paths"].items()
    for method, operation in operations.items()
    for field in _body_properties(operation)
]


@pytest.mark.parametrize("value", [None, "x\u0000", "\ud800"], ids=["null", "nul", "surrogate"])
def test_each_body_field_set_to_null_or_unstorable_text_is_a_client_error(real_rows, value):
    """What 20 random examples per operation rarely try, swept field by field on real rows:
    explicit null, a NUL character and a lone surrogate must each be a 4xx, never a 5xx."""
    client = Client(raise_request_exception=False)
    failures = []
    for method, path, field in BODY_FIELDS:
        url = path.format(**real_rows.ids)
        response = client.generic(
            method,
            url,
            json.dumps({field: value}),
            content_type="application/json",
            HTTP_AUTHORIZATION=real_rows.headers["Authorization"],
        )
        if response.status_code >= 500:
            failures.append(f"{method} {path} {field}")
    assert failures == []
