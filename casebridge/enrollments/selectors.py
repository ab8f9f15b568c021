from dataclasses import dataclass
from dataclasses import field as dc_field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from casebridge.contacts.models import Contact, ContactStatus, Note, NoteStatus
from casebridge.core import clock
from casebridge.core.errors import NotVisible
from casebridge.enrollments.models import (
    DischargePlan,
    DischargeReason,
    Enrollment,
    EnrollmentStatus,
    Transfer,
    TransferKind,
)
from casebridge.tasks.models import Task, TaskStatus


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


# --- Discharge checklist -------------------------------------------------------------------

# Reasons where nobody is left to hand a phone number to (deceased), or where the person is out
# of reach of the agency for now (jail, lost contact): a "who to call" list would be read by no
# one, so it is not required. Aftercare is still required for jail and lost contact (what the
# person can pick up on release or on return), but not for a death.
NO_WHO_TO_CALL = {
    DischargeReason.DECEASED,
    DischargeReason.INCARCERATED,
    DischargeReason.LOST_CONTACT,
}
NO_AFTERCARE = {DischargeReason.DECEASED}


@dataclass(frozen=True)
class ChecklistItem:
    field: str
    message: str


@dataclass
class DischargeChecklist:
    missing: list[ChecklistItem] = dc_field(default_factory=list)
    warnings: list[ChecklistItem] = dc_field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.missing

    def error_dict(self) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for item in self.missing:
            errors.setdefault(item.field, []).append(item.message)
        return errors


def discharge_plan_current(enrollment: Enrollment) -> DischargePlan | None:
    """The newest saved transition plan of ``enrollment`` (the enrollment came through the
    access policy, and plans follow it)."""
    return (
        DischargePlan.objects.filter(enrollment_id=enrollment.pk)
        .order_by("-created_at", "-id")
        .first()
    )


def discharge_checklist(
    enrollment: Enrollment, plan: DischargePlan | None = None, *, records_only: bool = False
) -> DischargeChecklist:
    """What still stands between ``enrollment`` and its discharge.

    ``plan`` is the transition plan to judge (the one typed in, saved or not); without it the
    newest saved plan is used. ``records_only`` skips the plan (transfers carry their own
    summary and continue care elsewhere) and checks only the record: notes signed, no
    appointment left open.

    The caller got ``enrollment`` through ``visible_to``; the counts below are deliberately not
    narrowed to what the caller may read, because a draft note the caller cannot see must still
    block the discharge. Only counts leave this function, never the rows.
    """
    checklist = DischargeChecklist()
    missing = checklist.missing.append
    if not records_only:
        plan = plan if plan is not None else discharge_plan_current(enrollment)
        reason = plan.reason if plan else ""
        if reason not in DischargeReason.values:
            missing(ChecklistItem("reason", _("Choose the reason for the discharge.")))
        if plan is None or plan.destination is None:
            missing(ChecklistItem("destination", _("Record where the person is going.")))
        if reason not in NO_AFTERCARE and not (plan and plan.aftercare.strip()):
            missing(
                ChecklistItem("aftercare", _("Write the aftercare services the person will have."))
            )
        if reason not in NO_WHO_TO_CALL and not (plan and plan.who_to_call.strip()):
            missing(
                ChecklistItem("who_to_call", _("Write who the person can call after discharge."))
            )
        if not (plan and plan.summary.strip()):
            missing(ChecklistItem("summary", _("Write the discharge summary.")))
    drafts = (
        Note.objects.filter(contact__enrollment_id=enrollment.pk)
        .exclude(status=NoteStatus.SIGNED)
        .count()
    )
    if drafts:
        missing(
            ChecklistItem(
                "notes",
                ngettext(
                    "%(count)d contact note in this enrollment is not signed.",
                    "%(count)d contact notes in this enrollment are not signed.",
                    drafts,
                )
                % {"count": drafts},
            )
        )
    scheduled = Contact.objects.filter(
        enrollment_id=enrollment.pk, status=ContactStatus.SCHEDULED
    ).count()
    if scheduled:
        missing(
            ChecklistItem(
                "appointments",
                ngettext(
                    "%(count)d appointment is still scheduled: complete or cancel it.",
                    "%(count)d appointments are still scheduled: complete or cancel them.",
                    scheduled,
                )
                % {"count": scheduled},
            )
        )
    open_tasks = Task.objects.filter(
        person_id=enrollment.person_id, agency_id=enrollment.agency_id, status=TaskStatus.OPEN
    ).count()
    if open_tasks:
        checklist.warnings.append(
            ChecklistItem(
                "tasks",
                ngettext(
                    "%(count)d task for this person is still open: close it or keep it on purpose.",
                    "%(count)d tasks for this person are still open: close them or keep them on "
                    "purpose.",
                    open_tasks,
                )
                % {"count": open_tasks},
            )
        )
    return checklist


# --- Readmission and history ---------------------------------------------------------------


def _a_year_before(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def is_readmission(*, person_id, agency_id, on=None) -> bool:
    """True when the person was discharged from ``agency_id`` in the 12 months before ``on``.

    A discharge that was only a move to another program of the same agency does not count: the
    person never left the agency. Not narrowed by the access policy on purpose: the flag must
    not depend on who records the referral or enrollment, and it discloses one bit.
    """
    if person_id is None:
        return False
    on = on or clock.today()
    return (
        Enrollment.objects.filter(
            person_id=person_id,
            agency_id=agency_id,
            status=EnrollmentStatus.DISCHARGED,
            end_date__gte=_a_year_before(on),
            end_date__lte=on,
        )
        .exclude(transfers__kind=TransferKind.PROGRAM)
        .exists()
    )


def transfer_list(*, user, enrollment: Enrollment):
    return (
        Transfer.objects.visible_to(user)
        .filter(enrollment_id=enrollment.pk)
        .select_related(
            "from_case_manager",
            "to_case_manager",
            "from_program",
            "to_program",
            "to_agency",
            "to_enrollment",
            "joint_contact",
            "created_by",
        )
        .order_by("-created_at", "-id")
    )


def discharge_plan_for(*, user, enrollment: Enrollment) -> DischargePlan | None:
    """The final plan of a discharged enrollment, else the newest draft, as ``user`` may see."""
    plans = DischargePlan.objects.visible_to(user).filter(enrollment_id=enrollment.pk)
    return plans.order_by("-is_final", "-created_at", "-id").first()
