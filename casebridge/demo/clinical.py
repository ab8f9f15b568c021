"""Clinical history for the demo: holistic assessments with their needs, and care plans.

Most people in an open episode were assessed within their program's cycle and have an active
plan built from those needs; some are due or overdue, so Today and the caseload show a
realistic mix. Rows are bulk-created like the rest of the demo (synthetic history, no audit).
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from casebridge.assessments import engine
from casebridge.assessments.models import (
    AssessmentResponse,
    Instrument,
    Need,
    NeedStatus,
    ResponseStatus,
)
from casebridge.enrollments.models import EnrollmentStatus
from casebridge.plans.models import CarePlan, Goal, GoalStatus, PlanStatus

HOLISTIC = "casebridge_holistic"
# In the person's own words, per life domain.
GOALS = {
    "housing": ["I want my own place, somewhere quiet.", "Keep my apartment this year."],
    "income": ["Get my disability benefits sorted.", "Have enough money to last the month."],
    "employment": ["Find part-time work I can keep.", "Go back to the warehouse job."],
    "food": ["Eat properly every day.", "Learn to cook a few cheap meals."],
    "health": ["See a doctor about my leg.", "Take my meds every morning."],
    "mental_health": ["Feel less anxious when I go out.", "Keep seeing my counsellor."],
    "substance_use": ["Cut down on drinking.", "Stay clean and go to my group."],
    "legal": ["Sort out my court date.", "Get my record expunged."],
    "social_support": ["See my kids every weekend.", "Make a friend outside the shelter."],
    "transportation": ["Get a bus pass and use it.", "Get my driving licence back."],
    "childcare": ["Find daycare so I can work.", "Keep custody of my daughter."],
    "education": ["Finish my GED.", "Learn to use a computer."],
    "safety": ["Feel safe where I sleep.", "Stay away from my ex."],
    "daily_living": ["Keep my place clean and pay bills on time.", "Get up at the same time."],
}


def _at(day, rng) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59))))


def build_clinical(rng, enrollments, today) -> dict:
    """Assessments, needs and plans for open episodes; returns counts."""
    instrument = Instrument.objects.filter(code=HOLISTIC, is_current=True).first()
    if instrument is None:  # `manage.py load_instruments` has not run (e.g. a bare bench build)
        return {"assessments": 0, "needs": 0, "plans": 0, "goals": 0}
    definition = instrument.definition
    domains = [item["id"] for item in definition["items"] if item.get("domain")]
    responses, needs_by_response, plans, goals = [], {}, [], []
    for enrollment in enrollments:
        if enrollment.status not in (EnrollmentStatus.ACTIVE, EnrollmentStatus.ON_HOLD):
            continue
        if not enrollment.start_date or enrollment.primary_case_manager_id is None:
            continue
        age = (today - enrollment.start_date).days
        if age < 20 and rng.random() < 0.7:
            continue  # new episodes: the first assessment is still to do
        cycle = max(enrollment.program.reassessment_days, 30)
        ago = rng.randint(3, cycle - 3) if rng.random() < 0.8 else rng.randint(cycle, cycle + 60)
        ago = min(ago, max(age - 5, 0))
        answers = {domain: rng.choices([1, 2, 3, 4, 5], [1, 3, 4, 3, 2])[0] for domain in domains}
        answers["priorities"] = rng.sample(domains, 3)
        result = engine.evaluate(definition, answers, context={})
        response = AssessmentResponse(
            person_id=enrollment.person_id,
            agency_id=enrollment.agency_id,
            enrollment=enrollment,
            instrument=instrument,
            status=ResponseStatus.SUBMITTED,
            language="en",
            answers=answers,
            scores=result.scores,
            bands=result.bands,
            flags=result.flags,
            administered_by_id=enrollment.primary_case_manager_id,
            submitted_at=_at(today - timedelta(days=ago), rng),
        )
        responses.append(response)
        needs_by_response[response.pk] = [
            Need(
                person_id=enrollment.person_id,
                agency_id=enrollment.agency_id,
                domain=need["domain"],
                label=need["label"][:200],
                severity=need["severity"],
                source=response,
                status=NeedStatus.OPEN,
            )
            for need in result.needs
        ]
        if rng.random() < 0.75 and enrollment.status == EnrollmentStatus.ACTIVE:
            activated = today - timedelta(days=max(ago - 2, 0))
            review_days = max(enrollment.program.plan_review_days, 30)
            plan = CarePlan(
                person_id=enrollment.person_id,
                agency_id=enrollment.agency_id,
                enrollment=enrollment,
                status=PlanStatus.ACTIVE,
                summary="What matters most is a stable place and my family.",
                created_by_id=enrollment.primary_case_manager_id,
                activated_at=_at(activated, rng),
                next_review_on=activated + timedelta(days=review_days),
            )
            plans.append(plan)
            chosen = [n for n in needs_by_response[response.pk] if n.domain in GOALS][:3]
            for need in chosen:
                need.status = NeedStatus.IN_PLAN
                goals.append(
                    (
                        Goal(
                            plan=plan,
                            person_id=enrollment.person_id,
                            agency_id=enrollment.agency_id,
                            domain=need.domain,
                            statement=rng.choice(GOALS[need.domain]),
                            target_what=need.label[:300],
                            due_on=activated + timedelta(days=rng.choice([60, 90, 180])),
                            status=GoalStatus.ACTIVE,
                        ),
                        need,
                    )
                )
    AssessmentResponse.objects.bulk_create(responses, batch_size=1000)
    all_needs = [need for batch in needs_by_response.values() for need in batch]
    Need.objects.bulk_create(all_needs, batch_size=1000)
    CarePlan.objects.bulk_create(plans, batch_size=1000)
    Goal.objects.bulk_create([goal for goal, _ in goals], batch_size=1000)
    Goal.needs.through.objects.bulk_create(
        [Goal.needs.through(goal_id=goal.pk, need_id=need.pk) for goal, need in goals],
        batch_size=1000,
    )
    return {
        "assessments": len(responses),
        "needs": len(all_needs),
        "plans": len(plans),
        "goals": len(goals),
    }


# (flag, note) set by the first demo case manager on the first people of her caseload.
DEMO_FLAGS = [
    (
        "dv_protected",
        "Fled a violent partner; new address known to the program team only.",
    ),
    ("not_alone", "Dog on the property; visit in pairs."),
    ("medical_alert", "Type 1 diabetes: carries glucose tablets."),
]


def build_flags(case_manager, today) -> list:
    """A few flags on the case manager's caseload through the flag service (audited), so the
    banner and a protected identity (hidden from staff outside the program) show in the demo."""
    from casebridge.crisis.services import flag_set
    from casebridge.enrollments.models import Enrollment

    enrollments = (
        Enrollment.objects.filter(primary_case_manager=case_manager, status=EnrollmentStatus.ACTIVE)
        .select_related("person")
        .order_by("person__legal_last_name", "person__legal_first_name")[: len(DEMO_FLAGS)]
    )
    return [
        flag_set(
            actor=case_manager,
            person=enrollment.person,
            kind=kind,
            note=note,
            review_on=today + timedelta(days=90),
        )
        for enrollment, (kind, note) in zip(enrollments, DEMO_FLAGS, strict=False)
    ]
