"""What a case manager or supervisor works on: their caseload."""

from django.db.models import Q

from casebridge.accounts.models import Role
from casebridge.core.access import principal_for
from casebridge.enrollments.models import Enrollment, EnrollmentStatus


def caseload_for(*, user, scope: str = "mine", status: str = ""):
    """Open enrollments the user is responsible for.

    ``scope="mine"``: where the user is primary case manager or on the care team.
    ``scope="team"``: every enrollment the access policy lets the user see (a supervisor's
    team, a program manager's program).
    """
    enrollments = Enrollment.objects.visible_to(user).exclude(status=EnrollmentStatus.DISCHARGED)
    if scope == "mine":
        # A short list of ids, not a subquery: lets the planner OR two index lookups.
        on_care_team = list(
            Enrollment.care_team.through.objects.filter(user_id=user.pk).values_list(
                "enrollment_id", flat=True
            )
        )
        enrollments = enrollments.filter(Q(primary_case_manager=user) | Q(pk__in=on_care_team))
    if status in EnrollmentStatus.values:
        enrollments = enrollments.filter(status=status)
    return enrollments.select_related("person", "program", "primary_case_manager").order_by(
        "person__legal_last_name", "person__legal_first_name", "id"
    )


def can_see_team(user) -> bool:
    return principal_for(user).has_role(Role.SUPERVISOR, Role.PROGRAM_MANAGER, Role.AGENCY_ADMIN)
