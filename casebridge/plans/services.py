"""Care-plan writes: a draft from the person's needs, goals, steps, progress, the plan's lifecycle,
new versions, reviews, the person's agreement and supervisor sign-off.

Each write runs in one transaction with exactly one audit event per changed object. A plan the
person agreed to, or a completed/revoked one, refuses content changes (LockedError, API 409); the
models refuse them too.
"""

import base64
import binascii
import io
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casebridge.accounts.models import Membership, Role
from casebridge.assessments.access import CLINICAL_ROLES
from casebridge.assessments.models import NeedStatus
from casebridge.core import audit, clock
from casebridge.core.errors import LockedError, TransitionError
from casebridge.core.models import AuditAction
from casebridge.core.services import apply_changes, require_access, transition
from casebridge.enrollments.models import Enrollment, EnrollmentStatus
from casebridge.plans.models import (
    DOMAIN_LABELS,
    GOAL_OPEN,
    GOAL_TRANSITIONS,
    PLAN_CLOSED,
    PLAN_OPEN,
    PLAN_TRANSITIONS,
    STEP_OPEN,
    STEP_TRANSITIONS,
    Achievement,
    AgreementMethod,
    CarePlan,
    Goal,
    GoalProgress,
    GoalStatus,
    Performer,
    PlanAgreement,
    PlanReview,
    PlanStatus,
    Priority,
    Step,
    StepStatus,
)
from casebridge.tasks.services import task_create

SIGNOFF_ROLES = (Role.SUPERVISOR, Role.PROGRAM_MANAGER, Role.AGENCY_ADMIN)
OPEN_ENROLLMENT = (EnrollmentStatus.PENDING, EnrollmentStatus.ACTIVE, EnrollmentStatus.ON_HOLD)
SIGNATURE_MAX_BYTES = 150_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"
GOAL_FIELDS = [
    "domain",
    "statement",
    "target_what",
    "target_measure",
    "baseline",
    "target_value",
    "due_on",
    "priority",
    "strengths",
]
STEP_FIELDS = ["action", "performer", "performer_user", "performer_name", "due_on"]


def _audit(actor, action, obj, *, data=None, reason="") -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        person=obj.person_id,
        agency_id=obj.agency_id,
        reason=reason,
        data=data or {},
    )


def _full_clean(obj, exclude, errors: dict) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, messages)


def _require_plan_access(actor, plan: CarePlan) -> None:
    require_access(actor, plan, CLINICAL_ROLES, message=_("You cannot change this care plan."))


def _require_editable(actor, plan: CarePlan) -> None:
    """Content may change only on a draft or active plan the person has not agreed to yet."""
    _require_plan_access(actor, plan)
    state = CarePlan.objects.filter(pk=plan.pk).values("status", "agreed_at").get()
    if state["status"] in PLAN_CLOSED:
        raise LockedError(_("This plan is closed: it is kept as read-only history."))
    if state["agreed_at"] is not None:
        raise LockedError(
            _("The person agreed to this plan, so it can no longer change: make a new version.")
        )


def _require_open(plan: CarePlan) -> None:
    if CarePlan.objects.filter(pk=plan.pk, status__in=PLAN_CLOSED).exists():
        raise LockedError(_("This plan is closed: it is kept as read-only history."))


def _mark_needs_in_plan(actor, needs) -> None:
    for need in needs:
        if need.status == NeedStatus.OPEN:
            need.status = NeedStatus.IN_PLAN
            need.save(update_fields=["status", "updated_at"])
            _audit(actor, AuditAction.UPDATE, need, data={"status": NeedStatus.IN_PLAN})


def _check_needs(plan: CarePlan, needs) -> list:
    needs = list(needs or [])
    for need in needs:
        if need.person_id != plan.person_id or need.agency_id != plan.agency_id:
            raise ValidationError({"needs": [_("Choose needs of this person.")]})
    return needs


# ---------------------------------------------------------------------------------------------
# Plans


def plan_create(*, actor, enrollment: Enrollment, needs=(), summary: str = "") -> CarePlan:
    """A draft plan for ``enrollment``, with one proposed goal per chosen need (marked in plan)."""
    require_access(
        actor, enrollment, CLINICAL_ROLES, message=_("You cannot make a plan for this person.")
    )
    if enrollment.status not in OPEN_ENROLLMENT:
        raise ValidationError({"enrollment": [_("Plans are made for open enrollments.")]})
    summary = (summary or "").strip()
    if len(summary) > 2000:
        raise ValidationError({"summary": [_("Keep this under 2000 characters.")]})
    with transaction.atomic():
        # Lock the enrollment so two plans cannot start at once.
        Enrollment.objects.select_for_update().filter(pk=enrollment.pk).exists()
        existing = CarePlan.objects.filter(enrollment=enrollment, status__in=PLAN_OPEN)
        if existing.filter(status=PlanStatus.DRAFT).exists():
            raise TransitionError(_("There is already a draft plan for this enrollment."))
        if existing.filter(status=PlanStatus.ACTIVE).exists():
            raise TransitionError(
                _("This enrollment has an active plan: make a new version of it instead.")
            )
        last = CarePlan.objects.filter(enrollment=enrollment).order_by("-version").first()
        plan = CarePlan(
            person_id=enrollment.person_id,
            agency_id=enrollment.agency_id,
            enrollment=enrollment,
            version=(last.version + 1) if last else 1,
            previous=last,
            summary=summary,
            created_by=actor,
        )
        needs = _check_needs(plan, needs)
        plan.save(force_insert=True)
        _audit(actor, AuditAction.CREATE, plan, data={"version": plan.version})
        for position, need in enumerate(needs):
            goal = Goal(
                plan=plan,
                person_id=plan.person_id,
                agency_id=plan.agency_id,
                domain=need.domain if need.domain in DOMAIN_LABELS else "other",
                statement=need.label,
                priority=Priority.HIGH if need.severity >= 3 else Priority.MEDIUM,
                position=position,
            )
            goal.save(force_insert=True)
            goal.needs.add(need)
            _audit(actor, AuditAction.CREATE, goal, data={"need": str(need.pk)})
        _mark_needs_in_plan(actor, needs)
    return plan


def _transition_plan(actor, plan, to_status, *, reason="", **changes) -> CarePlan:
    return transition(
        actor=actor,
        obj=plan,
        allowed=PLAN_TRANSITIONS,
        statuses=PlanStatus,
        to_status=to_status,
        message=_("A %(current)s plan cannot become %(target)s."),
        reason=reason,
        **changes,
    )


def _transition_goal(actor, goal, to_status, *, reason="", **changes) -> Goal:
    return transition(
        actor=actor,
        obj=goal,
        allowed=GOAL_TRANSITIONS,
        statuses=GoalStatus,
        to_status=to_status,
        message=_("A %(current)s goal cannot become %(target)s."),
        reason=reason,
        **changes,
    )


def plan_activate(*, actor, plan: CarePlan) -> CarePlan:
    """Make the plan the enrollment's active one; the version it replaces is completed."""
    _require_plan_access(actor, plan)
    plan.refresh_from_db()
    enrollment = plan.enrollment
    if plan.status != PlanStatus.DRAFT:
        raise TransitionError(_("Only a draft plan can be activated."))
    if enrollment.status not in (EnrollmentStatus.ACTIVE, EnrollmentStatus.ON_HOLD):
        raise TransitionError(_("Start services for this enrollment before activating a plan."))
    goals = list(plan.goals.filter(status__in=GOAL_OPEN))
    if not goals:
        raise TransitionError(_("Add at least one goal before activating the plan."))
    if enrollment.program.plan_signoff_required and plan.signed_off_at is None:
        raise TransitionError(
            _("This program needs a supervisor to sign off the agreed plan before it starts.")
        )
    now = clock.now()
    with transaction.atomic():
        current = (
            CarePlan.objects.select_for_update()
            .filter(enrollment=enrollment, status=PlanStatus.ACTIVE)
            .exclude(pk=plan.pk)
            .first()
        )
        if current is not None:
            if current.version > plan.version:
                raise TransitionError(_("A newer version of this plan is already active."))
            _transition_plan(
                actor,
                current,
                PlanStatus.COMPLETED,
                reason=_("Replaced by version %(version)s.") % {"version": plan.version},
                ended_at=now,
                end_reason="replaced",
            )
        _transition_plan(
            actor,
            plan,
            PlanStatus.ACTIVE,
            activated_at=now,
            next_review_on=clock.today() + timedelta(days=enrollment.program.plan_review_days),
        )
        for goal in goals:
            if goal.status == GoalStatus.PROPOSED:
                _transition_goal(actor, goal, GoalStatus.ACTIVE)
    return plan


def plan_close(*, actor, plan: CarePlan, to_status: str, reason: str = "") -> CarePlan:
    """Complete an active plan, or revoke a draft or active one (with a reason)."""
    _require_plan_access(actor, plan)
    reason = (reason or "").strip()
    if to_status == PlanStatus.REVOKED and not reason:
        raise ValidationError({"reason": [_("Say why the plan is revoked.")]})
    if len(reason) > 300:
        raise ValidationError({"reason": [_("Keep the reason under 300 characters.")]})
    return _transition_plan(
        actor, plan, to_status, reason=reason, ended_at=clock.now(), end_reason=reason
    )


def plan_transition(*, actor, plan: CarePlan, to_status: str, reason: str = "") -> CarePlan:
    if to_status == PlanStatus.ACTIVE:
        return plan_activate(actor=actor, plan=plan)
    if to_status in (PlanStatus.COMPLETED, PlanStatus.REVOKED):
        return plan_close(actor=actor, plan=plan, to_status=to_status, reason=reason)
    raise TransitionError(_("Choose activate, complete or revoke."))


def plan_new_version(*, actor, plan: CarePlan) -> CarePlan:
    """A new draft version carrying forward the open goals and their open steps; the plan it
    comes from stays as it is (and becomes history once the new version is activated)."""
    _require_plan_access(actor, plan)
    with transaction.atomic():
        Enrollment.objects.select_for_update().filter(pk=plan.enrollment_id).exists()
        plan.refresh_from_db()
        if plan.status not in (PlanStatus.ACTIVE, PlanStatus.COMPLETED):
            raise TransitionError(_("Make new versions from an active or completed plan."))
        siblings = CarePlan.objects.filter(enrollment_id=plan.enrollment_id)
        if siblings.filter(status=PlanStatus.DRAFT).exists():
            raise TransitionError(_("There is already a draft version of this plan."))
        if siblings.filter(version__gt=plan.version).exclude(status=PlanStatus.REVOKED).exists():
            raise TransitionError(_("Make the new version from the latest plan."))
        last_version = siblings.order_by("-version").values_list("version", flat=True).first()
        new = CarePlan(
            person_id=plan.person_id,
            agency_id=plan.agency_id,
            enrollment_id=plan.enrollment_id,
            version=last_version + 1,
            previous=plan,
            summary=plan.summary,
            created_by=actor,
        )
        new.save(force_insert=True)
        _audit(actor, AuditAction.CREATE, new, data={"version": new.version, "from": str(plan.pk)})
        goals = plan.goals.filter(status__in=GOAL_OPEN).prefetch_related("needs", "steps")
        for goal in goals:
            copy = Goal(
                plan=new,
                person_id=goal.person_id,
                agency_id=goal.agency_id,
                status=goal.status,
                achievement=goal.achievement,
                carried_from=goal,
                position=goal.position,
                **{name: getattr(goal, name) for name in GOAL_FIELDS},
            )
            copy.save(force_insert=True)
            copy.needs.set(goal.needs.all())
            _audit(actor, AuditAction.CREATE, copy, data={"carried_from": str(goal.pk)})
            for step in goal.steps.all():
                if step.status not in STEP_OPEN:
                    continue
                step_copy = Step(
                    plan=new,
                    goal=copy,
                    person_id=step.person_id,
                    agency_id=step.agency_id,
                    status=step.status,
                    task_id=step.task_id,
                    **{name: getattr(step, name) for name in STEP_FIELDS},
                )
                step_copy.save(force_insert=True)
                _audit(actor, AuditAction.CREATE, step_copy, data={"carried_from": str(step.pk)})
    return new


def plan_review(
    *, actor, plan: CarePlan, notes: str, reviewed_on=None, next_review_on=None
) -> PlanReview:
    """Record a review of the active plan with the person; sets the next review date."""
    _require_plan_access(actor, plan)
    plan.refresh_from_db()
    if plan.status != PlanStatus.ACTIVE:
        raise TransitionError(_("Only an active plan is reviewed."))
    today = clock.today()
    reviewed_on = reviewed_on or today
    if next_review_on is None:
        next_review_on = reviewed_on + timedelta(days=plan.enrollment.program.plan_review_days)
    review = PlanReview(
        plan=plan,
        person_id=plan.person_id,
        agency_id=plan.agency_id,
        reviewer=actor,
        reviewed_on=reviewed_on,
        notes=(notes or "").strip(),
        next_review_on=next_review_on,
    )
    errors = {}
    if not review.notes:
        errors["notes"] = [_("Write what you and the person talked about.")]
    if reviewed_on > today:
        errors["reviewed_on"] = [_("The review date cannot be in the future.")]
    if next_review_on <= reviewed_on:
        errors["next_review_on"] = [_("The next review must come after this one.")]
    _full_clean(review, ["plan", "person", "agency", "reviewer"], errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review.save(force_insert=True)
        _audit(actor, AuditAction.CREATE, review, data={"next_review_on": str(next_review_on)})
        plan.next_review_on = next_review_on
        plan.save(update_fields=["next_review_on", "updated_at"])
        _audit(actor, AuditAction.UPDATE, plan, data={"fields": ["next_review_on"]})
    return review


def _decode_signature(data_url: str) -> str:
    """Check a canvas PNG data URL; return its base64 payload."""
    error = ValidationError({"signature": [_("Ask the person to sign in the box.")]})
    data_url = (data_url or "").strip()
    if not data_url.startswith(DATA_URL_PREFIX):
        raise error
    payload = data_url[len(DATA_URL_PREFIX) :]
    if len(payload) > SIGNATURE_MAX_BYTES * 4 // 3 + 4:
        raise ValidationError({"signature": [_("The signature image is too large.")]})
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise error from exc
    if len(raw) > SIGNATURE_MAX_BYTES:
        raise ValidationError({"signature": [_("The signature image is too large.")]})
    if not raw.startswith(PNG_MAGIC):
        raise error
    try:
        from PIL import Image

        with Image.open(io.BytesIO(raw)) as image:
            if image.format != "PNG" or image.width > 2000 or image.height > 1000:
                raise error
            if image.convert("RGBA").getchannel("A").getbbox() is None:
                raise error  # nothing was drawn
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoding problem means a bad image
        raise error from exc
    return base64.b64encode(raw).decode("ascii")


def plan_agree(
    *,
    actor,
    plan: CarePlan,
    method: str,
    signer_name: str,
    signature: str = "",
    witness_name: str = "",
) -> PlanAgreement:
    """Record the person's agreement (signature on screen, or verbal with a witness). From then
    on the plan's content is frozen."""
    _require_editable(actor, plan)
    plan.refresh_from_db()
    errors = {}
    signer_name = (signer_name or "").strip()
    witness_name = (witness_name or "").strip()
    if method not in AgreementMethod.values:
        errors["method"] = [_("Choose how the person agreed.")]
    if not signer_name:
        errors["signer_name"] = [_("Enter the name of the person agreeing.")]
    png = ""
    if method == AgreementMethod.SIGNATURE:
        try:
            png = _decode_signature(signature)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if method == AgreementMethod.VERBAL and not witness_name:
        errors["witness_name"] = [_("A verbal agreement needs the name of a witness.")]
    if not plan.goals.exists():
        errors["__all__"] = [_("Add at least one goal before the person agrees to the plan.")]
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    agreement = PlanAgreement(
        plan=plan,
        person_id=plan.person_id,
        agency_id=plan.agency_id,
        method=method,
        signer_name=signer_name[:200],
        signature_png=png,
        witness_name=witness_name[:200],
        recorded_by=actor,
        agreed_at=now,
    )
    with transaction.atomic():
        agreement.save(force_insert=True)
        _audit(actor, AuditAction.CREATE, agreement, data={"method": method})
        plan.agreed_at = now
        plan.save(update_fields=["agreed_at", "updated_at"])
        _audit(actor, AuditAction.UPDATE, plan, data={"fields": ["agreed_at"], "frozen": True})
    return agreement


def plan_sign_off(*, actor, plan: CarePlan) -> CarePlan:
    """A supervisor signs off the version the person agreed to."""
    require_access(
        actor, plan, SIGNOFF_ROLES, message=_("Only a supervisor can sign off care plans.")
    )
    plan.refresh_from_db()
    if plan.status in PLAN_CLOSED:
        raise LockedError(_("This plan is closed: it is kept as read-only history."))
    if plan.agreed_at is None:
        raise TransitionError(_("Sign off the plan once the person has agreed to it."))
    if plan.signed_off_at is not None:
        raise TransitionError(_("This plan is already signed off."))
    with transaction.atomic():
        plan.signed_off_by, plan.signed_off_at = actor, clock.now()
        plan.save(update_fields=["signed_off_by", "signed_off_at", "updated_at"])
        _audit(actor, AuditAction.UPDATE, plan, data={"fields": ["signed_off_at"]})
    return plan


# ---------------------------------------------------------------------------------------------
# Goals


def _clean_goal(goal: Goal, *, check_due: bool = True) -> None:
    errors = {}
    goal.statement = (goal.statement or "").strip()
    if not goal.statement:
        errors["statement"] = [_("Write the goal the way the person says it.")]
    if goal.domain not in DOMAIN_LABELS:
        errors["domain"] = [_("Choose a life area from the list.")]
    if check_due and goal.due_on is not None and goal.due_on < clock.today():
        errors["due_on"] = [_("Choose a date to come.")]
    for name in ("target_what", "target_measure", "baseline", "target_value", "strengths"):
        setattr(goal, name, (getattr(goal, name) or "").strip())
    _full_clean(
        goal,
        ["plan", "person", "agency", "carried_from", "needs", "statement", "domain", "due_on"],
        errors,
    )
    if errors:
        raise ValidationError(errors)


def goal_add(*, actor, plan: CarePlan, data: dict, needs=()) -> Goal:
    _require_editable(actor, plan)
    goal = Goal(
        plan=plan,
        person_id=plan.person_id,
        agency_id=plan.agency_id,
        position=plan.goals.count(),
        **{name: data[name] for name in GOAL_FIELDS if data.get(name) is not None},
    )
    _clean_goal(goal)
    needs = _check_needs(plan, needs)
    with transaction.atomic():
        goal.save(force_insert=True)
        goal.needs.set(needs)
        _audit(actor, AuditAction.CREATE, goal, data={"needs": len(needs)})
        _mark_needs_in_plan(actor, needs)
    return goal


def goal_update(*, actor, goal: Goal, changes: dict, needs=None) -> Goal:
    _require_editable(actor, goal.plan)
    changed = apply_changes(goal, {k: v for k, v in changes.items() if k in GOAL_FIELDS})
    _clean_goal(goal, check_due="due_on" in changed)
    needs_changed = False
    if needs is not None:
        needs = _check_needs(goal.plan, needs)
        needs_changed = {n.pk for n in needs} != set(goal.needs.values_list("pk", flat=True))
    if not changed and not needs_changed:
        return goal
    with transaction.atomic():
        if changed:
            goal.save()
        if needs_changed:
            goal.needs.set(needs)
            changed.append("needs")
        _audit(actor, AuditAction.UPDATE, goal, data={"fields": sorted(changed)})
        if needs_changed:
            _mark_needs_in_plan(actor, needs)
    return goal


def goal_transition(*, actor, goal: Goal, to_status: str, reason: str = "") -> Goal:
    """Move the goal along its lifecycle (allowed while the plan is open, agreed or not)."""
    _require_plan_access(actor, goal.plan)
    _require_open(goal.plan)
    changes = {"achievement": Achievement.ACHIEVED} if to_status == GoalStatus.ACHIEVED else {}
    return _transition_goal(actor, goal, to_status, reason=(reason or "")[:300], **changes)


def progress_record(*, actor, goal: Goal, data: dict, contact=None) -> GoalProgress:
    """A progress entry on a goal of the active plan; the goal's achievement follows it."""
    plan = goal.plan
    _require_plan_access(actor, plan)
    _require_open(plan)
    goal.refresh_from_db()
    errors = {}
    if plan.status != PlanStatus.ACTIVE:
        errors["__all__"] = [_("Record progress on goals of the active plan.")]
    elif goal.status not in (GoalStatus.ACTIVE, GoalStatus.ON_HOLD):
        errors["__all__"] = [_("Record progress on active goals.")]
    if contact is not None and contact.person_id != goal.person_id:
        errors["contact"] = [_("Choose a contact with this person.")]
    entry = GoalProgress(
        plan=plan,
        goal=goal,
        person_id=goal.person_id,
        agency_id=goal.agency_id,
        recorded_by=actor,
        recorded_on=data.get("recorded_on") or clock.today(),
        achievement=data.get("achievement") or "",
        value=(data.get("value") or "").strip(),
        note=(data.get("note") or "").strip(),
        contact=contact,
    )
    if entry.recorded_on > clock.today():
        errors["recorded_on"] = [_("The date cannot be in the future.")]
    _full_clean(entry, ["plan", "goal", "person", "agency", "recorded_by", "contact"], errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry.save(force_insert=True)
        _audit(actor, AuditAction.CREATE, entry, data={"achievement": entry.achievement})
        if entry.achievement == Achievement.ACHIEVED and goal.status == GoalStatus.ACTIVE:
            _transition_goal(actor, goal, GoalStatus.ACHIEVED, achievement=Achievement.ACHIEVED)
        elif goal.achievement != entry.achievement:
            goal.achievement = entry.achievement
            goal.save(update_fields=["achievement", "updated_at"])
            _audit(actor, AuditAction.UPDATE, goal, data={"fields": ["achievement"]})
    return entry


# ---------------------------------------------------------------------------------------------
# Steps


def _due_at(due_on):
    return timezone.make_aware(datetime.combine(due_on, time(9, 0)))


def step_add(*, actor, plan: CarePlan, data: dict, create_task: bool = False) -> Step:
    """A step (who does what by when) towards a goal; optionally a task for the staff member."""
    _require_editable(actor, plan)
    goal = data.get("goal")
    errors = {}
    if goal is None or goal.plan_id != plan.pk:
        errors["goal"] = [_("Choose a goal of this plan.")]
    performer = data.get("performer") or ""
    user = data.get("performer_user")
    if performer == Performer.CASE_MANAGER and user is None:
        user = plan.enrollment.primary_case_manager or actor
    if performer in (Performer.CASE_MANAGER, Performer.STAFF):
        if user is None:
            errors["performer_user"] = [_("Choose the staff member who does it.")]
        elif not Membership.objects.filter(
            user=user, agency_id=plan.agency_id, is_active=True, role__in=CLINICAL_ROLES
        ).exists():
            errors["performer_user"] = [_("Choose someone on your agency's care staff.")]
    else:
        user = None
    performer_name = (data.get("performer_name") or "").strip()
    if performer == Performer.PROVIDER and not performer_name:
        errors["performer_name"] = [_("Enter the provider's name.")]
    step = Step(
        plan=plan,
        goal=goal if "goal" not in errors else None,
        person_id=plan.person_id,
        agency_id=plan.agency_id,
        action=(data.get("action") or "").strip(),
        performer=performer,
        performer_user=user,
        performer_name=performer_name,
        due_on=data.get("due_on"),
    )
    if not step.action:
        errors["action"] = [_("Say what will be done.")]
    if step.due_on is not None and step.due_on < clock.today():
        errors["due_on"] = [_("Choose a date to come.")]
    if create_task and step.due_on is None:
        errors["due_on"] = [_("A task needs a date: say by when.")]
    _full_clean(step, ["plan", "goal", "person", "agency", "performer_user", "task"], errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if create_task:
            step.task = task_create(
                actor=actor,
                person=plan.person,
                agency_id=plan.agency_id,
                assignee=user or actor,
                title=_("Care plan step: %(action)s") % {"action": step.action},
                due_at=_due_at(step.due_on),
                source="plan_step",
                details=goal.statement,
            )
        step.save(force_insert=True)
        _audit(actor, AuditAction.CREATE, step, data={"task": bool(step.task_id)})
    return step


def step_transition(*, actor, step: Step, to_status: str) -> Step:
    _require_plan_access(actor, step.plan)
    _require_open(step.plan)
    return transition(
        actor=actor,
        obj=step,
        allowed=STEP_TRANSITIONS,
        statuses=StepStatus,
        to_status=to_status,
        message=_("A %(current)s step cannot become %(target)s."),
    )
