"""The person timeline: one chronological, paginated view of everything that happened, read
through the access policy from each app's own tables (one UNION query per page, no copies).

Each source gives rows of (occurred_at, kind, ref, label, status); a kind the user may not see
simply contributes no rows. Later capabilities add a source here.
"""

import json
import uuid

from django.core.paginator import Paginator
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from casebridge.assessments.models import AssessmentResponse, ResponseStatus
from casebridge.contacts.models import Contact, ContactStatus, ContactType
from casebridge.core.models import AuditAction, AuditEvent
from casebridge.crisis.models import CrisisEvent, CrisisKind
from casebridge.enrollments.models import Enrollment, EnrollmentStatus
from casebridge.intake.models import Referral
from casebridge.tasks.models import Task

KINDS = {
    "contact": _("Contacts"),
    "assessment": _("Assessments"),
    "enrollment": _("Enrollment changes"),
    "referral": _("Referrals"),
    "task": _("Tasks"),
    "crisis": _("Crisis events"),
}


def _text(value: str):
    return Value(value, output_field=CharField())


def _contacts(user, person):
    return (
        Contact.objects.visible_to(user)
        .filter(person=person)
        .exclude(status=ContactStatus.CANCELLED)
        .annotate(
            at=F("occurred_at"),
            kind=_text("contact"),
            ref=Cast("id", CharField()),
            label=F("contact_type"),
            state=F("status"),
        )
        .values_list("at", "kind", "ref", "label", "state")
    )


def _assessments(user, person):
    return (
        AssessmentResponse.objects.visible_to(user)
        .filter(person=person)
        .annotate(
            at=Coalesce("submitted_at", "created_at"),
            kind=_text("assessment"),
            ref=Cast("id", CharField()),
            label=F("instrument__title"),
            state=F("status"),
        )
        .values_list("at", "kind", "ref", "label", "state")
    )


def _enrollment_changes(user, person):
    visible = [
        str(pk)
        for pk in Enrollment.objects.visible_to(user)
        .filter(person=person)
        .values_list("pk", flat=True)[:100]
    ]
    return (
        AuditEvent.objects.filter(
            object_type="enrollments.enrollment",
            object_id__in=visible,
            action__in=[AuditAction.CREATE, AuditAction.TRANSITION],
        )
        .annotate(
            at=F("occurred_at"),
            kind=_text("enrollment"),
            ref=F("object_id"),
            label=F("action"),
            state=Cast("data", CharField()),
        )
        .values_list("at", "kind", "ref", "label", "state")
    )


def _referrals(user, person):
    return (
        Referral.objects.visible_to(user)
        .filter(person=person)
        .annotate(
            at=F("received_at"),
            kind=_text("referral"),
            ref=Cast("id", CharField()),
            label=F("reference"),
            state=F("status"),
        )
        .values_list("at", "kind", "ref", "label", "state")
    )


def _tasks(user, person):
    return (
        Task.objects.visible_to(user)
        .filter(person=person)
        .annotate(
            at=F("created_at"),
            kind=_text("task"),
            ref=Cast("id", CharField()),
            label=F("title"),
            state=F("status"),
        )
        .values_list("at", "kind", "ref", "label", "state")
    )


def _crises(user, person):
    return (
        CrisisEvent.objects.visible_to(user)
        .filter(person=person)
        .annotate(
            at=F("occurred_at"),
            kind_=_text("crisis"),
            ref=Cast("id", CharField()),
            label=F("kind"),
            state=Cast("released_on", CharField()),
        )
        .values_list("at", "kind_", "ref", "label", "state")
    )


SOURCES = {
    "contact": _contacts,
    "assessment": _assessments,
    "enrollment": _enrollment_changes,
    "referral": _referrals,
    "task": _tasks,
    "crisis": _crises,
}


def timeline(*, user, person, kinds=None):
    """A queryset of timeline rows, newest first (paginate it)."""
    chosen = [k for k in (kinds or SOURCES) if k in SOURCES] or list(SOURCES)
    parts = [SOURCES[kind](user, person).order_by() for kind in chosen]
    query = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True)
    return query.order_by("-at", "ref")


def _describe(kind: str, label: str, status: str) -> tuple[str, str]:
    if kind == "contact":
        what = ContactType(label).label if label in ContactType.values else label
        state = ContactStatus(status).label if status in ContactStatus.values else status
        return what, state
    if kind == "assessment":
        state = ResponseStatus(status).label if status in ResponseStatus.values else status
        return label, state
    if kind == "enrollment":
        try:
            data = json.loads(status)
        except (TypeError, ValueError):
            data = {}
        target = data.get("to") or data.get("status") or ""
        state = EnrollmentStatus(target).label if target in EnrollmentStatus.values else target
        what = _("Enrolled") if label == AuditAction.CREATE else _("Enrollment status changed")
        return str(what), state
    if kind == "crisis":
        what = CrisisKind(label).label if label in CrisisKind.values else label
        return what, (_("released %(date)s") % {"date": status}) if status else ""
    if kind == "referral":
        return _("Referral %(reference)s received") % {"reference": label}, status
    return label, status


URLS = {
    "contact": "/contacts/{}/",
    "assessment": "/assessments/{}/",
    "enrollment": "/enrollments/{}/",
    "referral": "/intake/{}/",
    "task": "/tasks/",
    "crisis": "/crisis/{}/",
}


def page_of(*, user, person, kinds=None, page_number=1, per_page=25):
    """One page of the timeline as display rows."""
    paginator = Paginator(timeline(user=user, person=person, kinds=kinds), per_page)
    page = paginator.get_page(page_number)
    page.rows = []
    for occurred_at, kind, ref, label, status in page.object_list:
        title, state = _describe(kind, label, status)
        page.rows.append(
            {
                "occurred_at": occurred_at,
                "kind": kind,
                "kind_label": KINDS[kind],
                "title": title,
                "state": state,
                "url": URLS[kind].format(uuid.UUID(str(ref))),
            }
        )
    return page
