"""The privacy invariant: no route leaks a person to staff outside their circle of care.

Routes are read from the URL conf, so a new page or API operation is covered the day it is
added; a route with a path parameter this file can't fill fails loudly until it is mapped.
"""

import datetime
import html
import json
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from casebridge.accounts.models import Role
from casebridge.accounts.services import api_token_create
from casebridge.core.models import AuditEvent
from casebridge.intake.models import Referral, ReferralAttachment
from casebridge.people.models import Relationship

PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
PUBLIC = {
    "login",
    "logout",
    "set_language",
    "openapi-json",
    "openapi-view",
    "api-root",
    "health",
    "home",
    "self_referral",  # public by design: casebridge/intake/tests/test_self_referral.py covers it
    "instrument_questionnaire",  # instrument definitions are reference data, not client data
    "calendar_feed",  # its secret token is the credential: casebridge/contacts/tests cover it
    # The service directory is reference data any signed-in user reads (no client data):
    # casebridge/directory/tests/test_directory.py covers sign-in and curation rights.
    "directory_service",
    "directory_api_service",
    # A provider's secure link (the token is the credential):
    # casebridge/referrals/tests/test_referrals.py::test_secure_link_single_use_and_expiry.
    "referral_respond",
}
METHODS = ("get", "post", "patch", "put", "delete")


def _routes():
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield "/" + prefix + str(p.pattern), p.name

    seen = set()
    for route, name in walk(get_resolver().url_patterns):
        if name in PUBLIC or route in seen:
            continue
        seen.add(route)
        yield route


ROUTES = sorted(_routes())


@pytest.fixture
def north_ids(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    relationship = Relationship.objects.create(
        person=world.north.client, name="Northsupport", relationship="brother"
    )
    referral = Referral.objects.create(
        agency=world.north.agency,
        program=world.north.program,
        first_name="Northreferral",
        last_name="Secret",
        source_type="hospital",
        reason="x",
        received_at=timezone.now(),
        assigned_to=world.north.case_manager,
        person=world.north.client,
    )
    attachment = ReferralAttachment(
        referral=referral, original_name="Northdoc.pdf", content_type="application/pdf", size=9
    )
    attachment.file.save(str(attachment.pk), ContentFile(b"%PDF-1.4\nNorthclient"), save=False)
    attachment.save()
    from casebridge.assessments.services import assessment_start, instruments_load_bundled

    instruments_load_bundled()
    assessment = assessment_start(
        actor=world.north.case_manager, person=world.north.client, instrument_code="phq2"
    )
    from casebridge.tasks.services import task_create

    task = task_create(
        actor=world.north.case_manager,
        person=world.north.client,
        agency_id=world.north.agency.pk,
        assignee=world.north.case_manager,
        title="Northtask",
        due_at=timezone.now(),
    )
    from casebridge.contacts.services import contact_record

    contact = contact_record(
        actor=world.north.case_manager,
        person=world.north.client,
        data={
            "occurred_at": timezone.now(),
            "contact_type": "face_to_face",
            "location": "office",
            "summary": "Northcontact",
        },
        note={"note_format": "free", "sections": {"text": "Northnote"}},
        sign=True,
    )
    from casebridge.crisis import services as crisis

    review_on = timezone.localdate() + datetime.timedelta(days=30)
    flag = crisis.flag_set(
        actor=world.north.case_manager,
        person=world.north.client,
        kind="medical_alert",
        note="Northflag",
        review_on=review_on,
    )
    safety_plan = crisis.safety_plan_draft(
        actor=world.north.case_manager,
        person=world.north.client,
        sections={"help": "Northsafety", "professionals": "988"},
    )
    event = crisis.crisis_record(
        actor=world.north.case_manager,
        person=world.north.client,
        data={"kind": "eviction", "occurred_at": timezone.now(), "description": "Northcrisis"},
    )
    from casebridge.plans.services import goal_add, plan_create, step_add

    plan = plan_create(actor=world.north.case_manager, enrollment=world.north.enrollment)
    goal = goal_add(
        actor=world.north.case_manager,
        plan=plan,
        data={"domain": "housing", "statement": "Northgoal: my own place"},
    )
    step = step_add(
        actor=world.north.case_manager,
        plan=plan,
        data={"goal": goal, "action": "Northstep call the landlord", "performer": "person"},
    )
    from casebridge.consent.services import consent_record
    from tests.factories import AgencyFactory

    directive = consent_record(
        actor=world.north.case_manager,
        person=world.north.client,
        data={
            "recipient_agency": AgencyFactory(name="East Agency", slug="east"),
            "purpose": "care_coordination",
            "valid_until": timezone.localdate() + datetime.timedelta(days=30),
            "evidence": "verbal",
            "witness": "Northwitness",
        },
        categories=["assessments"],
    )
    return {
        "directive_id": directive.pk,
        "plan_id": plan.pk,
        "goal_id": goal.pk,
        "step_id": step.pk,
        "flag_id": flag.pk,
        "safety_plan_id": safety_plan.pk,
        "event_id": event.pk,
        "contact_id": contact.pk,
        "task_id": task.pk,
        "response_id": assessment.pk,
        "attachment_id": attachment.pk,
        "person_id": world.north.client.pk,
        "user_id": world.north.case_manager.pk,
        "enrollment_id": world.north.enrollment.pk,
        "relationship_id": relationship.pk,
        "referral_id": referral.pk,
        "program_id": world.north.program.pk,
        **_north_service_referral(world),
        "action": "screen",
    }


def _north_service_referral(world):
    from casebridge.directory.tests.helpers import provider
    from casebridge.referrals.services import referral_create, referral_send

    harbor = provider("Harbor", agency=world.north.agency, staff_username="harbor_staff")
    referral = referral_create(
        actor=world.north.case_manager,
        person=world.north.client,
        service=harbor["service"],
        reason="Northreferral to housing",
        share_fields=["name", "phone"],
    )
    referral_send(actor=world.north.case_manager, referral=referral, consent_confirmed=True)
    return {
        "service_referral_id": referral.pk,
        "service_id": harbor["service"].pk,
        "organization_id": harbor["org"].pk,
        "location_id": harbor["location"].pk,
        "provider_staff_id": harbor["user"].provider_roles.get().pk,
    }


def _fill(route, ids):
    missing = [name for name in PARAM.findall(route) if name not in ids]
    assert not missing, (
        f"{route} has path parameters {missing} that tests/test_cross_agency.py cannot fill: "
        "add them to north_ids so the new route is checked for leaks."
    )
    url = PARAM.sub(lambda m: str(ids[m.group(1)]), route)
    # Query parameters some views read ids from.
    return url + f"?person={ids['person_id']}&q=northcl&person_id={ids['person_id']}"


def _secrets(world, ids):
    return [
        "Northclient",
        "555-0100",
        "45-6789",  # the SSN, in full or masked (•••••6789)
        "•6789",
        "Northsupport",
        "Northreferral",
        "Northdoc",
        "Northtask",
        "Northcontact",
        "Northnote",
        "Northgoal",
        "Northstep",
        "Northflag",
        "Northsafety",
        "Northcrisis",
        "Northwitness",
        str(ids["person_id"]),
        str(ids["enrollment_id"]),
    ]


def _request(client, method, url, headers):
    body = json.dumps({"legal_first_name": "X", "reason": "x", "to_status": "active"})
    kwargs = {"content_type": "application/json"} if url.startswith("/api/") else {}
    if method in ("get", "delete"):
        return getattr(client, method)(url, **headers)
    if url.startswith("/api/"):
        return getattr(client, method)(url, body, **kwargs, **headers)
    # Searches are POSTs (no names in URLs): the search term goes in the body too.
    return getattr(client, method)(
        url, {"reason": "x", "name": "x", "relationship": "x", "q": "northcl"}, **headers
    )


def _outsiders(world):
    users = [(f"south {role}", user) for role, user in world.south.users.items()]
    users.append(("north data analyst", world.north.users[Role.DATA_ANALYST]))
    users.append(("north case manager of no team", world.north.users["other_case_manager"]))
    return users


def _auth_modes(client, user, url):
    if url.startswith("/api/"):
        _, secret = api_token_create(actor=user, user=user, name="matrix")
        yield "token", {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client.force_login(user)
    yield "session", {}
    client.logout()


def _assert_no_leak(response, secrets, context, url=""):
    body = response.content.decode("utf-8", "replace")
    if url:
        body = body.replace(html.escape(url), "").replace(url, "")
    for secret in secrets:
        # The URL the person typed may be echoed back; nothing else may mention the client.
        assert secret not in body, f"{context}: response contains {secret!r}"


def test_routes_were_found():
    assert any(r.startswith("/api/persons/") for r in ROUTES)
    assert any(r.startswith("/people/") for r in ROUTES)
    assert len(ROUTES) >= 15


@pytest.mark.parametrize("route", ROUTES)
def test_outsiders_never_see_north_client(world, north_ids, client, route):
    url = _fill(route, north_ids)
    secrets = _secrets(world, north_ids)
    has_id = bool(PARAM.search(route))
    before = world.north.client.__class__.objects.get(pk=world.north.client.pk).updated_at
    for label, user in _outsiders(world):
        for mode, headers in _auth_modes(client, user, url):
            for method in METHODS:
                response = _request(client, method, url, headers)
                context = f"{method.upper()} {route} as {label} ({mode})"
                assert response.status_code < 500, context
                if has_id:
                    assert response.status_code in (400, 403, 404, 405, 422), (
                        f"{context}: got {response.status_code}"
                    )
                else:
                    assert response.status_code != 302 or "/login/" not in response.get(
                        "Location", ""
                    ), context
                _assert_no_leak(response, secrets, context, url)
    client.force_login(world.north.case_manager)  # nothing about the client changed
    assert world.north.client.__class__.objects.get(pk=world.north.client.pk).updated_at == before
    assert (
        not AuditEvent.objects.filter(person_id=world.north.client.pk)
        .exclude(actor=world.north.case_manager)
        .exists()
    )


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_visitors_get_nothing(world, north_ids, client, route):
    url = _fill(route, north_ids)
    for method in METHODS:
        response = _request(client, method, url, {})
        context = f"{method.upper()} {route} anonymously"
        if route.startswith("/api/"):
            assert response.status_code in (401, 405), f"{context}: {response.status_code}"
        else:
            assert response.status_code in (302, 405), f"{context}: {response.status_code}"
            if response.status_code == 302:
                assert response["Location"].startswith("/login/"), context
        _assert_no_leak(response, _secrets(world, north_ids), context, url)


READ_ROUTES = [r for r in ROUTES if PARAM.search(r)]
# Pages some care roles may not open at all (403 by role, not by record).
ROLE_FORBIDDEN = {
    "/intake/waitlist/<uuid:program_id>/": {Role.CASE_MANAGER},
    "/consent/person/<uuid:person_id>/export.json": {Role.INTAKE_WORKER},
    "/consent/person/<uuid:person_id>/export.pdf": {Role.INTAKE_WORKER},
}
# Directory curation is for agency administrators only.
_NOT_CURATORS = {Role.CASE_MANAGER, Role.SUPERVISOR, Role.PROGRAM_MANAGER, Role.INTAKE_WORKER}
ROLE_FORBIDDEN.update(
    {
        "/directory/manage/organizations/<uuid:organization_id>/": _NOT_CURATORS,
        "/directory/manage/organizations/<uuid:organization_id>/locations/new/": _NOT_CURATORS,
        "/directory/manage/organizations/<uuid:organization_id>/services/new/": _NOT_CURATORS,
        "/directory/manage/locations/<uuid:location_id>/": _NOT_CURATORS,
        "/directory/manage/services/<uuid:service_id>/": _NOT_CURATORS,
    }
)
# Records some roles of the same agency never see (clinical content is for care roles).
ROLE_HIDDEN = {
    "/assessments/<uuid:response_id>/": {Role.INTAKE_WORKER},
    "/api/assessments/<response_id>": {Role.INTAKE_WORKER},
    "/api/assessments/<response_id>/questionnaire-response": {Role.INTAKE_WORKER},
    "/contacts/<uuid:contact_id>/": {Role.INTAKE_WORKER},
    "/api/contacts/<contact_id>": {Role.INTAKE_WORKER},
    "/tasks/<uuid:task_id>/snooze/": {Role.INTAKE_WORKER},
    "/plans/<uuid:plan_id>/": {Role.INTAKE_WORKER},
    "/plans/<uuid:plan_id>/goals/new/": {Role.INTAKE_WORKER},
    "/plans/<uuid:plan_id>/steps/new/": {Role.INTAKE_WORKER},
    "/plans/<uuid:plan_id>/review/": {Role.INTAKE_WORKER},
    "/plans/<uuid:plan_id>/agreement/": {Role.INTAKE_WORKER},
    "/plans/<uuid:plan_id>/pdf/": {Role.INTAKE_WORKER},
    "/plans/goals/<uuid:goal_id>/edit/": {Role.INTAKE_WORKER},
    "/plans/goals/<uuid:goal_id>/progress/": {Role.INTAKE_WORKER},
    "/api/plans/<plan_id>": {Role.INTAKE_WORKER},
    "/crisis/safety-plans/<uuid:safety_plan_id>/": {Role.INTAKE_WORKER},
    # The fixture's consent is verbal: no file (downloads: casebridge/consent/tests).
    "/consent/<uuid:directive_id>/evidence/": set(Role.values),
    "/crisis/<uuid:event_id>/": {Role.INTAKE_WORKER},
    "/api/crisis-events/<event_id>": {Role.INTAKE_WORKER},
    "/referrals/<uuid:service_referral_id>/": {Role.INTAKE_WORKER},
    "/api/service-referrals/<service_referral_id>": {Role.INTAKE_WORKER},
}


@pytest.mark.parametrize(
    "role",
    [
        Role.CASE_MANAGER,
        Role.SUPERVISOR,
        Role.PROGRAM_MANAGER,
        Role.AGENCY_ADMIN,
        Role.INTAKE_WORKER,
    ],
)
def test_north_staff_can_open_their_client(world, north_ids, client, role):
    """The positive control: the same requests succeed for the person's own care circle."""
    client.force_login(world.north.users[role])
    ok = 0
    for route in READ_ROUTES:
        response = client.get(_fill(route, north_ids))
        if response.status_code == 405:
            continue
        if role in ROLE_FORBIDDEN.get(route, ()):
            assert response.status_code == 403, route
            continue
        if role in ROLE_HIDDEN.get(route, ()):
            assert response.status_code == 404, route
            continue
        assert response.status_code == 200, f"GET {route} as north {role}: {response.status_code}"
        ok += 1
    assert ok >= 6
    assert b"Northclient" in client.get(f"/people/{north_ids['person_id']}/").content
    assert b"Northclient" in client.post("/people/", {"q": "northclient"}).content


def test_role_narrowing_inside_one_agency(world, client):
    """Case managers see their caseload and team; program managers their program."""
    from tests.factories import enroll, person, staff

    north = world.north
    other_team = north.team.__class__.objects.create(agency=north.agency, name="Other team")
    other_cm = staff(
        north.agency, Role.CASE_MANAGER, team=other_team, username="north_cm_other_team"
    )
    elsewhere = person(north.agency, legal_first_name="Elsewhere", created_by=other_cm)
    enroll(elsewhere, north.other_program, case_manager=other_cm, team=other_team)

    def sees(user):
        client.force_login(user)
        return client.get(f"/people/{elsewhere.pk}/").status_code == 200

    assert sees(other_cm)
    assert sees(north.users[Role.AGENCY_ADMIN])
    assert sees(north.users[Role.INTAKE_WORKER])
    assert not sees(north.case_manager), "a case manager of another team"
    assert not sees(north.users[Role.SUPERVISOR]), "a supervisor of another team"
    assert not sees(north.users[Role.PROGRAM_MANAGER]), "a program manager of another program"
    assert not sees(north.users[Role.DATA_ANALYST])

    # A care-team member of another team sees the person once added.
    from casebridge.enrollments.services import enrollment_update

    enrollment = elsewhere.enrollments.get()
    enrollment_update(actor=other_cm, enrollment=enrollment, care_team=[north.case_manager])
    assert sees(north.case_manager)
