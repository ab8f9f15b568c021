from casebridge.core.errors import NotVisible
from casebridge.enrollments.models import Enrollment


def enrollment_get(*, user, enrollment_id) -> Enrollment:
    try:
        return (
            Enrollment.objects.visible_to(user)
            .select_related("person", "program", "primary_case_manager", "team")
            .prefetch_related("care_team")
            .get(pk=enrollment_id)
        )
    except (Enrollment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc


def enrollment_list(*, user, person_id=None, status: str | None = None, program_id=None):
    enrollments = Enrollment.objects.visible_to(user).select_related(
        "person", "program", "primary_case_manager"
    )
    if person_id:
        enrollments = enrollments.filter(person_id=person_id)
    if status:
        enrollments = enrollments.filter(status=status)
    if program_id:
        enrollments = enrollments.filter(program_id=program_id)
    return enrollments.order_by("-referral_date", "id")
