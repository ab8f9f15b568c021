"""Contact-standard math on its boundaries: month ends, the agency's time zone, DST."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from casebridge.contacts.models import Contact
from casebridge.contacts.standards import DUE_SOON, MET, OVERDUE, evaluate, standings_for

STANDARD = {"contacts_per_month": 4, "face_to_face_within_days": 14}
NEW_YORK = ZoneInfo("America/New_York")


def monthly(day: date, count: int) -> str:
    standing = evaluate(
        {"contacts_per_month": 4},
        today=day,
        month_count=count,
        last_face_to_face=None,
        start_date=None,
    )
    return standing.status


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (date(2026, 11, 1), 0, DUE_SOON),  # nothing expected yet on the 1st
        (date(2026, 11, 7), 0, DUE_SOON),  # 4 × 7/30 = 0.93: still on pace
        (date(2026, 11, 8), 0, OVERDUE),  # 4 × 8/30 = 1.07: behind
        (date(2026, 11, 8), 1, DUE_SOON),
        (date(2026, 11, 30), 3, OVERDUE),  # last day, one short
        (date(2026, 11, 30), 4, MET),
        (date(2026, 2, 28), 3, OVERDUE),  # February ends on the 28th in 2026
        (date(2026, 2, 27), 3, DUE_SOON),  # 4 × 27/28 = 3.86
        (date(2026, 12, 1), 5, MET),
    ],
)
def test_monthly_pace(day, count, expected):
    assert monthly(day, count) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 3, 11), MET),  # due 15th: 4 days ahead
        (date(2026, 3, 12), DUE_SOON),  # 3 days ahead
        (date(2026, 3, 15), DUE_SOON),  # the due day itself
        (date(2026, 3, 16), OVERDUE),
    ],
)
def test_face_to_face_window(today, expected):
    standing = evaluate(
        {"face_to_face_within_days": 14},
        today=today,
        month_count=0,
        last_face_to_face=date(2026, 3, 1),
        start_date=date(2026, 1, 1),
    )
    assert standing.status == expected
    assert standing.checks[0].due == date(2026, 3, 15)


def test_no_face_to_face_yet_counts_from_the_start():
    standing = evaluate(
        {"face_to_face_within_days": 14},
        today=date(2026, 1, 30),
        month_count=0,
        last_face_to_face=None,
        start_date=date(2026, 1, 10),
    )
    assert standing.status == OVERDUE and "No face-to-face" in str(standing.checks[0].detail)


@pytest.mark.parametrize(
    ("start", "today", "count", "expected", "target"),
    [
        (date(2026, 11, 23), date(2026, 11, 23), 0, DUE_SOON, 2),  # started today: 8 days left
        (date(2026, 11, 23), date(2026, 11, 27), 0, OVERDUE, 2),  # 2 × 5/8 = 1.25 behind
        (date(2026, 11, 23), date(2026, 11, 30), 2, MET, 2),
        (date(2026, 11, 30), date(2026, 11, 30), 0, DUE_SOON, 1),  # at least one, due by month end
        (date(2026, 10, 23), date(2026, 11, 23), 0, OVERDUE, 4),  # last month's start: full month
    ],
)
def test_an_episode_starting_mid_month_owes_its_share(start, today, count, expected, target):
    standing = evaluate(
        {"contacts_per_month": 4},
        today=today,
        month_count=count,
        last_face_to_face=None,
        start_date=start,
    )
    assert standing.status == expected
    assert f"of {target} contacts" in str(standing.checks[0].detail)


def test_worst_check_wins():
    standing = evaluate(
        STANDARD,
        today=date(2026, 11, 30),
        month_count=4,
        last_face_to_face=date(2026, 11, 1),
        start_date=date(2026, 1, 1),
    )
    assert [c.status for c in standing.checks] == [MET, OVERDUE]
    assert standing.status == OVERDUE


def _contact(world, when, contact_type="face_to_face", status="completed"):
    return Contact.objects.create(
        person=world.north.client,
        agency=world.north.agency,
        enrollment=world.north.enrollment,
        staff=world.north.case_manager,
        occurred_at=when,
        contact_type=contact_type,
        location="office",
        status=status,
    )


def test_month_boundary_is_local_time(world, settings):
    settings.TIME_ZONE = "America/New_York"
    world.north.program.contact_standard = STANDARD
    world.north.program.save()
    # 23:30 on 31 October in New York is already 1 November in UTC: it counts for October.
    _contact(world, datetime(2026, 10, 31, 23, 30, tzinfo=NEW_YORK))
    # 00:30 on 1 November in New York (04:30 UTC) counts for November.
    _contact(world, datetime(2026, 11, 1, 0, 30, tzinfo=NEW_YORK), contact_type="phone")
    standing = standings_for([world.north.enrollment], today=date(2026, 11, 5))[
        world.north.enrollment.pk
    ]
    assert standing.month_count == 1
    assert standing.last_face_to_face == date(2026, 10, 31)


def test_fourteen_days_across_the_dst_change(world, settings):
    """Clocks fall back on 1 November 2026: the window is 14 calendar days, not 336 hours."""
    settings.TIME_ZONE = "America/New_York"
    world.north.program.contact_standard = {"face_to_face_within_days": 14}
    world.north.program.save()
    _contact(world, datetime(2026, 10, 25, 23, 30, tzinfo=NEW_YORK))  # 03:30 UTC on the 26th
    due = standings_for([world.north.enrollment], today=date(2026, 11, 8))
    assert due[world.north.enrollment.pk].checks[0].due == date(2026, 11, 8)
    assert due[world.north.enrollment.pk].status == DUE_SOON
    late = standings_for([world.north.enrollment], today=date(2026, 11, 9))
    assert late[world.north.enrollment.pk].status == OVERDUE


def test_attempts_scheduled_and_cancelled_contacts_do_not_count(world):
    world.north.program.contact_standard = {"contacts_per_month": 2}
    world.north.program.save()
    when = datetime(2026, 11, 2, 10, 0, tzinfo=NEW_YORK)
    _contact(world, when, contact_type="attempted")
    _contact(world, when, status="scheduled")
    _contact(world, when, status="cancelled")
    standing = standings_for([world.north.enrollment], today=date(2026, 11, 20))
    assert standing[world.north.enrollment.pk].month_count == 0
    _contact(world, when, contact_type="phone")
    _contact(world, when, contact_type="collateral")
    standing = standings_for([world.north.enrollment], today=date(2026, 11, 20))
    assert standing[world.north.enrollment.pk].status == MET


def test_standings_for_a_caseload_take_one_query(world, django_assert_num_queries):
    from tests.factories import enroll, person

    enrollments = [world.north.enrollment]
    for i in range(5):
        p = person(world.north.agency, legal_first_name=f"P{i}")
        enrollments.append(enroll(p, world.north.program, case_manager=world.north.case_manager))
    for e in enrollments:
        e.program  # noqa: B018  (loaded, as the caseload's select_related does)
    with django_assert_num_queries(1):
        standings = standings_for(enrollments, today=date(2026, 11, 20))
    assert len(standings) == 6
