"""Query counts of the hot pages and API lists do not grow with the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casebridge.accounts.models import Role
from casebridge.people.models import Relationship
from tests.factories import enroll, person

# The face sheet, the heaviest page: session (read, and the idle-timeout save: 3 more with the
# database session backend the tests use; none with Redis in production), user, memberships,
# consent and emergency shares (1), person, enrollments, care team, supports, flags banner (1),
# unread notifications (1), the persons whose identity is hidden from the viewer (1, DV
# protection), and its audit event (3; plus the chain lock on PostgreSQL): 19 on PostgreSQL.
MAX_QUERIES = 19


def _count(client, url, data=None):
    """Queries of a GET of ``url``, or of a POST of ``data`` (a search) when given."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url) if data is None else client.post(url, data)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(world, n):
    north = world.north
    cm = north.case_manager
    for i in range(n):
        p = person(north.agency, legal_first_name=f"Grow{i}", created_by=cm)
        enrollment = enroll(p, north.program, case_manager=cm, team=north.team)
        enrollment.care_team.add(north.users[Role.SUPERVISOR])
        Relationship.objects.create(person=p, name=f"Support{i}", relationship="friend")


@pytest.mark.parametrize(
    "role,url",
    [
        (Role.CASE_MANAGER, "/caseload/"),
        (Role.SUPERVISOR, "/caseload/?scope=team"),
        (Role.AGENCY_ADMIN, "/people/"),
        (Role.AGENCY_ADMIN, ("/people/", {"q": "grow"})),
        (Role.AGENCY_ADMIN, ("/people/", {"q": "grow", "page": "2"})),
        (Role.CASE_MANAGER, "/api/persons"),
        (Role.CASE_MANAGER, "/api/enrollments"),
        (Role.CASE_MANAGER, "/api/programs"),
    ],
)
def test_list_pages_use_a_fixed_number_of_queries(world, client, role, url):
    client.force_login(world.north.users[role])
    url, data = url if isinstance(url, tuple) else (url, None)
    _grow(world, 3)
    few = _count(client, url, data)
    _grow(world, 27)
    many = _count(client, url, data)
    assert few == many, f"{url}: {few} queries with 4 rows, {many} with 31"
    assert many <= MAX_QUERIES


def test_face_sheet_queries_do_not_grow_with_enrollments_and_supports(world, client):
    north = world.north
    client.force_login(north.case_manager)
    p = north.client
    url = f"/people/{p.pk}/"
    few = _count(client, url)
    for i in range(10):
        Relationship.objects.create(person=p, name=f"Support{i}", relationship="friend")
        program = north.program.__class__.objects.create(
            agency=north.agency, name=f"Extra {i}", model="icm"
        )
        enrollment = enroll(p, program, case_manager=north.case_manager, team=north.team)
        enrollment.care_team.add(north.users[Role.SUPERVISOR])
    many = _count(client, url)
    assert few == many, f"face sheet: {few} queries with 1 enrollment, {many} with 11"
    assert many <= MAX_QUERIES


def test_intake_inbox_and_referral_page_queries_are_bounded(world, client):
    from django.utils import timezone

    from casebridge.intake.models import Referral

    intake = world.north.users[Role.INTAKE_WORKER]
    client.force_login(intake)

    def grow(n):
        for i in range(n):
            Referral.objects.create(
                agency=world.north.agency,
                program=world.north.program,
                first_name=f"R{i}",
                last_name="Grow",
                source_type="hospital",
                reason="x",
                received_at=timezone.now(),
                assigned_to=intake,
                status="waitlisted",
            )

    grow(3)
    urls = ["/intake/", f"/intake/waitlist/{world.north.program.pk}/", "/api/referrals"]
    few = [_count(client, url) for url in urls]
    grow(27)
    many = [_count(client, url) for url in urls]
    assert few == many
    assert max(many) <= MAX_QUERIES
    referral = Referral.objects.first()
    assert _count(client, f"/intake/{referral.pk}/") <= MAX_QUERIES


def test_care_plan_page_queries_do_not_grow_with_goals_and_steps(world, client):
    from casebridge.plans import services as plans

    north = world.north
    cm = north.case_manager
    client.force_login(cm)
    plan = plans.plan_create(actor=cm, enrollment=north.enrollment)

    def grow(n):
        for i in range(n):
            goal = plans.goal_add(
                actor=cm, plan=plan, data={"domain": "housing", "statement": f"Goal {i}"}
            )
            plans.step_add(
                actor=cm,
                plan=plan,
                data={"goal": goal, "action": f"Step {i}", "performer": "person"},
            )

    grow(1)
    url = f"/plans/{plan.pk}/"
    few = _count(client, url)
    grow(10)
    many = _count(client, url)
    assert few == many, f"care plan: {few} queries with 1 goal, {many} with 11"
    # One query each for goals, their needs, steps, progress, reviews and the version list.
    assert many <= MAX_QUERIES + 4
