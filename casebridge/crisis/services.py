"""Crisis writes: flags, safety plan versions, crisis events with their alerts and follow-ups."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.assessments.access import CLINICAL_ROLES
from casebridge.core import audit, clock
from casebridge.core.access import policy, principal_for
from casebridge.core.errors import LockedError
from casebridge.core.models import AuditAction
from casebridge.core.services import apply_changes, require_access
from casebridge.crisis.models import (
    ALERTING_FLAGS,
    SAFETY_SECTIONS,
    WITH_RELEASE,
    CrisisEvent,
    CrisisKind,
    FlagKind,
    FlagStatus,
    PersonFlag,
    SafetyPlan,
    SafetyPlanStatus,
)
from casebridge.enrollments.models import Enrollment, EnrollmentStatus
from casebridge.people.models import Person
from casebridge.tasks.models import TaskPriority
from casebridge.tasks.services import care_circle, notify, task_create

SECTION_MAX = 4000
DEFAULT_FOLLOW_UP_HOURS = 72


def _agency_for(actor, person: Person):
    principal = principal_for(actor)
    agencies = [g.agency_id for g in principal.grants if g.role in CLINICAL_ROLES]
    if not agencies:
        raise PermissionDenied(_("Your role does not allow this."))
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You cannot work with this person's record."))
    return person.agency_id if person.agency_id in agencies else agencies[0]


def _alert(*, actor, person, agency_id, kind: str, title: str, link: str) -> None:
    """In-app notice and email (after commit) to the case managers and team supervisors."""
    case_managers, supervisors = care_circle(person, agency_id)
    people = [u for u in [*case_managers, *supervisors] if u.pk != getattr(actor, "pk", None)]
    notify(users=people, kind=kind, title=title, link=link, urgent=True)
    recipients = sorted({u.email for u in people if u.email})
    if recipients:
        body = _("Open it in Casebridge: %(link)s") % {"link": f"{settings.SITE_URL}{link}"}
        transaction.on_commit(lambda: send_mail(title, body, None, recipients, fail_silently=True))


# --- flags --------------------------------------------------------------------------------


def _protection(kind: str) -> dict:
    """Audit detail of a DV-protection flag: it hides or reveals the person's identity, and
    the accounting of disclosures should say so."""
    return {"identity_protection": True} if kind == FlagKind.DV_PROTECTED else {}


def flag_set(*, actor, person: Person, kind: str, note: str = "", review_on=None) -> PersonFlag:
    agency_id = _agency_for(actor, person)
    errors = {}
    if kind not in FlagKind.values:
        errors["kind"] = [_("Choose a flag from the list.")]
    today = clock.today()
    if review_on is None:
        errors["review_on"] = [_("Choose when the flag should be reviewed.")]
    elif not today <= review_on <= today + timedelta(days=366):
        errors["review_on"] = [_("Review within the next 12 months.")]
    if len(note or "") > 500:
        errors["note"] = [_("Keep the note under 500 characters.")]
    if errors:
        raise ValidationError(errors)
    if kind == FlagKind.DV_PROTECTED and person.pk in policy.hidden_person_ids(actor):
        # Setting one more protection would put the actor in its circle, revealing the person.
        raise PermissionDenied(_("This person's identity is already protected."))
    flag = PersonFlag(
        person=person,
        agency_id=agency_id,
        kind=kind,
        note=(note or "").strip(),
        review_on=review_on,
        set_by=actor,
    )
    try:
        with transaction.atomic():
            flag.save(force_insert=True)
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=flag,
                person=person,
                agency_id=agency_id,
                data={"kind": kind, **_protection(kind)},
            )
            if kind in ALERTING_FLAGS:
                _alert(
                    actor=actor,
                    person=person,
                    agency_id=agency_id,
                    kind="flag",
                    title=_("A risk flag was set on someone you work with"),
                    link=f"/people/{person.pk}/",
                )
    except IntegrityError as exc:
        raise ValidationError({"kind": [_("This flag is already active for the person.")]}) from exc
    policy.forget_hidden_persons(actor)
    return flag


def flag_clear(*, actor, flag: PersonFlag, reason: str) -> PersonFlag:
    require_access(actor, flag, CLINICAL_ROLES, message=_("You cannot change this flag."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the flag is no longer needed.")]})
    if flag.status != FlagStatus.ACTIVE:
        raise ValidationError(_("This flag is already cleared."))
    if flag.kind == FlagKind.DV_PROTECTED and flag.person_id in policy.hidden_person_ids(actor):
        # Lifting the protection would show the person to the one clearing it.
        raise PermissionDenied(_("Only the person's program team can lift this protection."))
    with transaction.atomic():
        flag.status, flag.cleared_by, flag.cleared_at = FlagStatus.CLEARED, actor, clock.now()
        flag.clear_reason = reason[:300]
        flag.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=flag,
            person=flag.person_id,
            agency_id=flag.agency_id,
            reason=reason,
            data={"fields": ["status"], **_protection(flag.kind)},
        )
    policy.forget_hidden_persons(actor)
    return flag


# --- safety plans -------------------------------------------------------------------------


def _clean_sections(sections: dict) -> dict:
    keys = [key for key, _label in SAFETY_SECTIONS]
    unknown = set(sections) - set(keys)
    if unknown:
        raise ValidationError(
            {f"sections.{key}": [_("Not a part of the safety plan.")] for key in sorted(unknown)}
        )
    cleaned = {}
    for key in keys:
        value = sections.get(key, "")
        if not isinstance(value, str):
            raise ValidationError({f"sections.{key}": [_("Enter text.")]})
        if len(value) > SECTION_MAX:
            raise ValidationError(
                {
                    f"sections.{key}": [
                        _("Keep each part under %(n)s characters.") % {"n": SECTION_MAX}
                    ]
                }
            )
        cleaned[key] = value.strip()
    return cleaned


def safety_plan_draft(*, actor, person: Person, sections: dict) -> SafetyPlan:
    """Save the person's draft safety plan (a new version, starting from the current one)."""
    agency_id = _agency_for(actor, person)
    sections = _clean_sections(sections)
    plans = SafetyPlan.objects.filter(person=person, agency_id=agency_id)
    with transaction.atomic():
        draft = plans.select_for_update().filter(status=SafetyPlanStatus.DRAFT).first()
        creating = draft is None
        if creating:
            version = (plans.aggregate(n=Max("version"))["n"] or 0) + 1
            draft = SafetyPlan(
                person=person, agency_id=agency_id, version=version, created_by=actor
            )
        draft.sections = sections
        draft.save()
        audit.record(
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            obj=draft,
            person=person,
            agency_id=agency_id,
            data={"version": draft.version},
        )
    return draft


def safety_plan_activate(*, actor, plan: SafetyPlan) -> SafetyPlan:
    """Make a draft the current plan; the previous current version is kept, read-only."""
    require_access(actor, plan, CLINICAL_ROLES, message=_("You cannot change this plan."))
    if plan.status != SafetyPlanStatus.DRAFT:
        raise LockedError(_("Only a draft can become the current safety plan."))
    filled = [key for key, value in plan.sections.items() if value]
    missing = [
        str(label)
        for key, label in SAFETY_SECTIONS
        if key in ("help", "professionals") and key not in filled
    ]
    if missing:
        raise ValidationError(
            _("Fill in before making the plan current: %(parts)s.") % {"parts": "; ".join(missing)}
        )
    with transaction.atomic():
        for old in SafetyPlan.objects.select_for_update().filter(
            person_id=plan.person_id, agency_id=plan.agency_id, status=SafetyPlanStatus.ACTIVE
        ):
            old.status = SafetyPlanStatus.SUPERSEDED
            old.save(update_fields=["status", "updated_at"])
            audit.record(
                actor=actor,
                action=AuditAction.TRANSITION,
                obj=old,
                person=plan.person_id,
                agency_id=plan.agency_id,
                data={"from": "active", "to": "superseded"},
            )
        plan.status, plan.activated_at = SafetyPlanStatus.ACTIVE, clock.now()
        plan.save(update_fields=["status", "activated_at", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=plan,
            person=plan.person_id,
            agency_id=plan.agency_id,
            data={"from": "draft", "to": "active"},
        )
    return plan


def safety_plan_shared(*, actor, plan: SafetyPlan, how: str) -> SafetyPlan:
    """Record that the person has their copy (printed, handed over, read together...)."""
    require_access(actor, plan, CLINICAL_ROLES, message=_("You cannot change this plan."))
    how = (how or "").strip()
    if not how:
        raise ValidationError({"how": [_("Say how the person got their copy.")]})
    with transaction.atomic():
        plan.shared_at, plan.shared_how = clock.now(), how[:200]
        plan.save(update_fields=["shared_at", "shared_how", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=plan,
            person=plan.person_id,
            agency_id=plan.agency_id,
            data={"fields": ["shared_at", "shared_how"]},
        )
    return plan


# --- crisis events ------------------------------------------------------------------------

EVENT_FIELDS = ["kind", "occurred_at", "released_on", "description", "response", "outcome"]


def _clean_event(event: CrisisEvent) -> None:
    errors = {}
    now = clock.now()
    if event.kind not in CrisisKind.values:
        errors["kind"] = [_("Choose what happened from the list.")]
    if event.occurred_at is None:
        errors["occurred_at"] = [_("Enter when it happened.")]
    elif event.occurred_at > now + timedelta(minutes=5):
        errors["occurred_at"] = [_("A crisis event cannot be in the future.")]
    if event.released_on is not None:
        if event.kind not in WITH_RELEASE:
            errors["released_on"] = [_("Only hospital stays, ED visits and jail have a release.")]
        elif event.occurred_at and event.released_on < timezone.localdate(event.occurred_at):
            errors["released_on"] = [_("The release cannot be before the event.")]
        elif event.released_on > clock.today() + timedelta(days=60):
            errors["released_on"] = [_("Enter a planned release at most 60 days ahead.")]
    if not (event.description or "").strip():
        errors["description"] = [_("Describe what happened.")]
    for name in ("description", "response", "outcome"):
        if len(getattr(event, name) or "") > 4000:
            errors[name] = [_("Keep this under 4000 characters.")]
    if errors:
        raise ValidationError(errors)


def _follow_up(*, actor, event: CrisisEvent) -> None:
    """The follow-up contact the program's standard requires (once per event and release)."""
    enrollment = event.enrollment
    if enrollment is None or enrollment.primary_case_manager is None:
        return
    if event.kind == CrisisKind.DEATH:
        task_create(
            actor=actor,
            person=event.person,
            agency_id=event.agency_id,
            assignee=enrollment.primary_case_manager,
            title=_("Support the care team and record the discharge (deceased)"),
            due_at=clock.now() + timedelta(days=2),
            priority=TaskPriority.HIGH,
            source="post_crisis",
            dedupe_key=f"post_crisis:{event.pk}",
        )
        return
    hours = int(
        (enrollment.program.contact_standard or {}).get(
            "post_crisis_contact_hours", DEFAULT_FOLLOW_UP_HOURS
        )
    )
    if event.kind in WITH_RELEASE:
        if event.released_on is None:
            task_create(
                actor=actor,
                person=event.person,
                agency_id=event.agency_id,
                assignee=enrollment.primary_case_manager,
                title=_("Visit or call while the person is in; record the release date"),
                due_at=clock.now() + timedelta(hours=24),
                priority=TaskPriority.URGENT,
                source="post_crisis",
                dedupe_key=f"post_crisis:{event.pk}",
            )
            return
        start = timezone.make_aware(datetime.combine(event.released_on, time(12, 0)))
        key = f"post_release:{event.pk}:{event.released_on}"
        title = _("Contact within %(hours)s hours of the release") % {"hours": hours}
    else:
        start = event.occurred_at
        key = f"post_crisis:{event.pk}"
        title = _("Contact within %(hours)s hours of the crisis") % {"hours": hours}
    task_create(
        actor=actor,
        person=event.person,
        agency_id=event.agency_id,
        assignee=enrollment.primary_case_manager,
        title=title,
        due_at=max(start, clock.now()) + timedelta(hours=hours),
        priority=TaskPriority.URGENT,
        source="post_crisis",
        dedupe_key=key,
    )


def crisis_record(*, actor, person: Person, data: dict) -> CrisisEvent:
    """Record a crisis: alerts the care team and supervisors at once and sets the follow-up."""
    agency_id = _agency_for(actor, person)
    enrollment = (
        Enrollment.objects.filter(
            person=person,
            agency_id=agency_id,
            status__in=[
                EnrollmentStatus.ACTIVE,
                EnrollmentStatus.ON_HOLD,
                EnrollmentStatus.PENDING,
            ],
        )
        .select_related("program", "primary_case_manager")
        .order_by("-start_date")
        .first()
    )
    event = CrisisEvent(
        person=person,
        agency_id=agency_id,
        enrollment=enrollment,
        reported_by=actor,
        **{key: data.get(key) for key in EVENT_FIELDS if key in data},
    )
    for name in ("description", "response", "outcome"):
        setattr(event, name, (getattr(event, name) or "").strip())
    _clean_event(event)
    with transaction.atomic():
        event.save(force_insert=True)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=event,
            person=person,
            agency_id=agency_id,
            data={"kind": event.kind},
        )
        _alert(
            actor=actor,
            person=person,
            agency_id=agency_id,
            kind="crisis",
            title=_("Crisis reported: %(kind)s") % {"kind": event.get_kind_display()},
            link=f"/crisis/{event.pk}/",
        )
        _follow_up(actor=actor, event=event)
    return event


def crisis_update(*, actor, event: CrisisEvent, changes: dict) -> CrisisEvent:
    """Add what was done, the outcome or the release date (which sets the release follow-up)."""
    require_access(actor, event, CLINICAL_ROLES, message=_("You cannot change this event."))
    changes = {k: v for k, v in changes.items() if k in EVENT_FIELDS and k != "kind"}
    for name in ("description", "response", "outcome"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    changed = apply_changes(event, changes)
    if not changed:
        return event
    _clean_event(event)
    with transaction.atomic():
        event.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=event,
            person=event.person_id,
            agency_id=event.agency_id,
            data={"fields": sorted(changed)},
        )
        if "released_on" in changed and event.released_on:
            _follow_up(actor=actor, event=event)
    return event
