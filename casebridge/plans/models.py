"""Person-centred care plans: versioned plans, goals in the person's words, steps, progress.

A plan is a draft until it is activated; one plan per enrollment is active at a time and a new
version replaces it (the old one becomes read-only history). Once the person agrees to a plan
(signature on screen or witnessed verbal agreement) its content is frozen: the models refuse any
change of content whichever edge it comes from. What moves on afterwards is tracking only: the
plan's status and review dates, goal lifecycle and achievement, step status, and append-only
progress entries and reviews.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casebridge.core.access import VisibleQuerySet
from casebridge.core.models import TimeStampedModel


class FrozenPlanError(Exception):
    """The plan is agreed (signed) or closed: its content cannot change."""


# The life domains of casebridge.assessments.engine.LIFE_DOMAINS, with labels.
DOMAINS = [
    ("housing", _("Housing")),
    ("income", _("Income")),
    ("employment", _("Work")),
    ("food", _("Food")),
    ("health", _("Physical health")),
    ("mental_health", _("Mental health")),
    ("substance_use", _("Alcohol and drugs")),
    ("legal", _("Legal")),
    ("social_support", _("Family, friends and support")),
    ("transportation", _("Getting around")),
    ("childcare", _("Childcare")),
    ("education", _("Education")),
    ("safety", _("Safety")),
    ("daily_living", _("Daily living")),
    ("utilities", _("Utilities")),
    ("other", _("Other")),
]
DOMAIN_LABELS = dict(DOMAINS)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")


PLAN_TRANSITIONS: dict[str, set[str]] = {
    PlanStatus.DRAFT: {PlanStatus.ACTIVE, PlanStatus.REVOKED},
    PlanStatus.ACTIVE: {PlanStatus.COMPLETED, PlanStatus.REVOKED},
    PlanStatus.COMPLETED: set(),
    PlanStatus.REVOKED: set(),
}
PLAN_CLOSED = {PlanStatus.COMPLETED, PlanStatus.REVOKED}
PLAN_OPEN = {PlanStatus.DRAFT, PlanStatus.ACTIVE}


class GoalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    ACHIEVED = "achieved", _("Achieved")
    CANCELLED = "cancelled", _("Cancelled")


GOAL_TRANSITIONS: dict[str, set[str]] = {
    GoalStatus.PROPOSED: {GoalStatus.ACTIVE, GoalStatus.CANCELLED},
    GoalStatus.ACTIVE: {GoalStatus.ON_HOLD, GoalStatus.ACHIEVED, GoalStatus.CANCELLED},
    GoalStatus.ON_HOLD: {GoalStatus.ACTIVE, GoalStatus.CANCELLED},
    GoalStatus.ACHIEVED: set(),
    GoalStatus.CANCELLED: set(),
}
GOAL_OPEN = {GoalStatus.PROPOSED, GoalStatus.ACTIVE, GoalStatus.ON_HOLD}


class Achievement(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    IMPROVING = "improving", _("Improving")
    WORSENING = "worsening", _("Worsening")
    NO_CHANGE = "no_change", _("No change")
    ACHIEVED = "achieved", _("Achieved")


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class StepStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


STEP_TRANSITIONS: dict[str, set[str]] = {
    StepStatus.PLANNED: {StepStatus.IN_PROGRESS, StepStatus.DONE, StepStatus.CANCELLED},
    StepStatus.IN_PROGRESS: {StepStatus.DONE, StepStatus.CANCELLED},
    StepStatus.DONE: set(),
    StepStatus.CANCELLED: set(),
}
STEP_OPEN = {StepStatus.PLANNED, StepStatus.IN_PROGRESS}


class Performer(models.TextChoices):
    PERSON = "person", _("The person")
    CASE_MANAGER = "case_manager", _("Case manager")
    STAFF = "staff", _("Another staff member")
    PROVIDER = "provider", _("A provider")


class AgreementMethod(models.TextChoices):
    SIGNATURE = "signature", _("Signed on screen")
    VERBAL = "verbal", _("Verbal agreement with a witness")


# ---------------------------------------------------------------------------------------------
# Care plan


class CarePlanQuerySet(VisibleQuerySet):
    def update(self, **kwargs):
        if self.filter(status__in=PLAN_CLOSED).exists():
            raise FrozenPlanError("Completed or revoked plans cannot be changed.")
        if set(kwargs) & set(CarePlan.CONTENT_FIELDS + ["agreed_at"]) and (
            self.filter(agreed_at__isnull=False).exists()
        ):
            raise FrozenPlanError("An agreed plan cannot be changed: make a new version.")
        return super().update(**kwargs)

    def delete(self):
        if (
            self.exclude(status=PlanStatus.DRAFT).exists()
            or self.filter(agreed_at__isnull=False).exists()
        ):
            raise FrozenPlanError("Only an unsigned draft plan can be deleted.")
        return super().delete()


class CarePlan(TimeStampedModel):
    CONTENT_FIELDS = ["person_id", "agency_id", "enrollment_id", "version", "summary"]

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="care_plans")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    enrollment = models.ForeignKey(
        "enrollments.Enrollment", on_delete=models.PROTECT, related_name="care_plans"
    )
    version = models.PositiveIntegerField(default=1)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    summary = models.TextField(
        _("what matters to the person"),
        max_length=2000,
        blank=True,
        help_text=_("In the person's own words: their hopes and what they want from this plan."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    objects = CarePlanQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(status="active"),
                name="careplan_one_active_per_enrollment",
            ),
            models.UniqueConstraint(
                fields=["enrollment", "version"], name="careplan_enrollment_version"
            ),
        ]
        indexes = [models.Index(fields=["person", "status"], name="careplan_person_status")]

    def __str__(self):
        return f"Care plan v{self.version}"

    @property
    def is_agreed(self) -> bool:
        return self.agreed_at is not None

    @property
    def is_closed(self) -> bool:
        return self.status in PLAN_CLOSED

    @property
    def is_frozen(self) -> bool:
        """Content can no longer change (agreed, completed or revoked)."""
        return self.is_agreed or self.is_closed

    def save(self, *args, **kwargs):
        if not self._state.adding:
            # Compare with the stored row, not with what this instance once loaded.
            names = [*self.CONTENT_FIELDS, "status", "agreed_at"]
            state = type(self)._base_manager.filter(pk=self.pk).values(*names).first()
            if state is not None and state["status"] in PLAN_CLOSED:
                raise FrozenPlanError("Completed or revoked plans cannot be changed.")
            if state is not None and state["agreed_at"] is not None:
                for name in [*self.CONTENT_FIELDS, "agreed_at"]:
                    if getattr(self, name) != state[name]:
                        raise FrozenPlanError(
                            "An agreed plan cannot be changed: make a new version."
                        )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status != PlanStatus.DRAFT or self.agreed_at is not None:
            raise FrozenPlanError("Only an unsigned draft plan can be deleted.")
        return super().delete(*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# Goals and steps: content frozen with their plan, tracking fields move on


def _frozen_plan_ids(plan_ids, *, closed_only=False):
    plans = CarePlan.objects.filter(pk__in=plan_ids)
    if closed_only:
        return plans.filter(status__in=PLAN_CLOSED).exists()
    return plans.filter(Q(status__in=PLAN_CLOSED) | Q(agreed_at__isnull=False)).exists()


class PlanPartQuerySet(VisibleQuerySet):
    def update(self, **kwargs):
        plan_ids = self.values("plan_id")
        if _frozen_plan_ids(plan_ids, closed_only=True):
            raise FrozenPlanError("Parts of a completed or revoked plan cannot be changed.")
        content = set(self.model.CONTENT) | {
            n[:-3] for n in self.model.CONTENT if n.endswith("_id")
        }
        if set(kwargs) & content and _frozen_plan_ids(plan_ids):
            raise FrozenPlanError("Parts of an agreed plan cannot be changed.")
        return super().update(**kwargs)

    def delete(self):
        if _frozen_plan_ids(self.values("plan_id")):
            raise FrozenPlanError("Parts of an agreed or closed plan cannot be deleted.")
        return super().delete()


class PlanPart(TimeStampedModel):
    """A goal or a step: its CONTENT freezes with the plan; tracking fields stay open while the
    plan is active."""

    CONTENT: list[str] = []

    class Meta:
        abstract = True

    def _plan_state(self):
        return CarePlan.objects.filter(pk=self.plan_id).values("status", "agreed_at").first() or {}

    def save(self, *args, **kwargs):
        plan = self._plan_state()
        if plan.get("status") in PLAN_CLOSED:
            raise FrozenPlanError("Parts of a completed or revoked plan cannot be changed.")
        if plan.get("agreed_at") is not None:
            if self._state.adding:
                raise FrozenPlanError("An agreed plan cannot take new parts: make a new version.")
            state = type(self)._base_manager.filter(pk=self.pk).values(*self.CONTENT).first()
            for name in self.CONTENT:
                if state is None or getattr(self, name) != state[name]:
                    raise FrozenPlanError("Parts of an agreed plan cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        plan = self._plan_state()
        if plan.get("status") in PLAN_CLOSED or plan.get("agreed_at") is not None:
            raise FrozenPlanError("Parts of an agreed or closed plan cannot be deleted.")
        return super().delete(*args, **kwargs)


class Goal(PlanPart):
    CONTENT = [
        "plan_id",
        "domain",
        "statement",
        "target_what",
        "target_measure",
        "baseline",
        "target_value",
        "due_on",
        "priority",
        "strengths",
        "carried_from_id",
    ]

    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="goals")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(_("life area"), max_length=30, choices=DOMAINS)
    statement = models.TextField(
        _("goal in the person's own words"),
        max_length=1000,
        help_text=_('Write it the way the person says it, e.g. "I want my own place by summer".'),
    )
    target_what = models.CharField(
        _("what will change"), max_length=300, blank=True, help_text=_("e.g. Signed lease")
    )
    target_measure = models.CharField(
        _("how we will measure it"),
        max_length=300,
        blank=True,
        help_text=_("e.g. Number of apartment viewings a month"),
    )
    baseline = models.CharField(_("starting point"), max_length=100, blank=True)
    target_value = models.CharField(_("target"), max_length=100, blank=True)
    due_on = models.DateField(_("by when"), null=True, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    strengths = models.TextField(_("strengths to build on"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.PROPOSED
    )
    achievement = models.CharField(
        _("progress"), max_length=12, choices=Achievement.choices, default=Achievement.IN_PROGRESS
    )
    needs = models.ManyToManyField("assessments.Need", blank=True, related_name="goals")
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="carried_to"
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self):
        return self.statement[:80]

    @property
    def domain_label(self):
        return DOMAIN_LABELS.get(self.domain, self.domain)


class Step(PlanPart):
    CONTENT = [
        "plan_id",
        "goal_id",
        "performer",
        "performer_user_id",
        "performer_name",
        "action",
        "due_on",
    ]

    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="steps")
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="steps")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("what"), max_length=500)
    performer = models.CharField(_("who does it"), max_length=20, choices=Performer.choices)
    performer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member"),
    )
    performer_name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("e.g. the provider's name")
    )
    due_on = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=StepStatus.choices, default=StepStatus.PLANNED
    )
    task = models.ForeignKey(
        "tasks.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PlanPartQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "created_at"]

    def __str__(self):
        return self.action[:80]

    def performer_label(self) -> str:
        if self.performer_user_id and self.performer in (Performer.CASE_MANAGER, Performer.STAFF):
            return self.performer_user.display_name
        if self.performer_name:
            return f"{self.get_performer_display()}: {self.performer_name}"
        return str(self.get_performer_display())


# ---------------------------------------------------------------------------------------------
# Append-only records: progress, reviews, agreement


class AppendOnlyQuerySet(VisibleQuerySet):
    def update(self, **kwargs):
        raise FrozenPlanError("These records are append-only.")

    def delete(self):
        raise FrozenPlanError("These records are append-only.")


class AppendOnly(TimeStampedModel):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise FrozenPlanError("These records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenPlanError("These records are append-only.")


class GoalProgress(AppendOnly):
    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="progress")
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="progress")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_on = models.DateField(_("date"))
    achievement = models.CharField(_("progress"), max_length=12, choices=Achievement.choices)
    value = models.CharField(
        _("measured value"), max_length=100, blank=True, help_text=_("e.g. 2 viewings")
    )
    note = models.TextField(_("what happened"), max_length=2000, blank=True)
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from contact"),
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_on", "-created_at"]

    def __str__(self):
        return f"{self.get_achievement_display()} {self.recorded_on}"


class PlanReview(AppendOnly):
    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="reviews")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateField(_("review date"))
    notes = models.TextField(_("review notes"), max_length=5000)
    next_review_on = models.DateField(_("next review"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-reviewed_on", "-created_at"]

    def __str__(self):
        return f"Review {self.reviewed_on}"


class PlanAgreement(AppendOnly):
    plan = models.OneToOneField(CarePlan, on_delete=models.PROTECT, related_name="agreement")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(
        _("how the person agreed"), max_length=10, choices=AgreementMethod.choices
    )
    signer_name = models.CharField(_("name of the person agreeing"), max_length=200)
    signature_png = models.TextField(blank=True, help_text="Base64 of the PNG drawn on screen.")
    witness_name = models.CharField(_("witness"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    def __str__(self):
        return f"Agreement to {self.plan}"

    @property
    def signature_data_url(self) -> str:
        return f"data:image/png;base64,{self.signature_png}" if self.signature_png else ""
