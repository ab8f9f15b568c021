"""Episodes of care: a Person enrolled in a Program, from pending to discharged."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casebridge.core.access import VisibleQuerySet
from casebridge.core.models import TimeStampedModel


class EnrollmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    DISCHARGED = "discharged", _("Discharged")


# The whole state machine: from each status, the statuses it may move to.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    EnrollmentStatus.PENDING: {EnrollmentStatus.ACTIVE, EnrollmentStatus.DISCHARGED},
    EnrollmentStatus.ACTIVE: {EnrollmentStatus.ON_HOLD, EnrollmentStatus.DISCHARGED},
    EnrollmentStatus.ON_HOLD: {EnrollmentStatus.ACTIVE, EnrollmentStatus.DISCHARGED},
    EnrollmentStatus.DISCHARGED: set(),
}


class IntensityTier(models.TextChoices):
    HIGH = "high", _("High (weekly or more)")
    MODERATE = "moderate", _("Moderate (every two weeks)")
    LOW = "low", _("Low (monthly)")


class DischargeReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Goals met")
    MOVED = "moved", _("Moved away")
    DECLINED = "declined", _("Declined services")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    INCARCERATED = "incarcerated", _("Incarcerated")
    DECEASED = "deceased", _("Deceased")
    TRANSFERRED = "transferred", _("Transferred")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    OTHER = "other", _("Other")


class Destination(models.IntegerChoices):
    """HMIS FY2026 3.12 destination (the most used codes)."""

    EMERGENCY_SHELTER = 101, _("Emergency shelter")
    PLACE_NOT_MEANT = 116, _("Place not meant for habitation")
    SAFE_HAVEN = 118, _("Safe Haven")
    PSYCHIATRIC = 204, _("Psychiatric hospital or facility")
    SUBSTANCE_TREATMENT = 205, _("Substance use treatment facility or detox")
    HOSPITAL = 206, _("Hospital or other medical facility")
    JAIL = 207, _("Jail, prison or juvenile detention")
    LONG_TERM_CARE = 225, _("Long-term care facility or nursing home")
    TRANSITIONAL = 302, _("Transitional housing for homeless persons")
    FAMILY_TEMPORARY = 312, _("Staying with family, temporary tenure")
    FRIENDS_TEMPORARY = 313, _("Staying with friends, temporary tenure")
    RENTAL_NO_SUBSIDY = 410, _("Rental by client, no ongoing housing subsidy")
    OWNED = 411, _("Owned by client, no ongoing housing subsidy")
    FAMILY_PERMANENT = 422, _("Staying with family, permanent tenure")
    FRIENDS_PERMANENT = 423, _("Staying with friends, permanent tenure")
    RENTAL_SUBSIDY = 435, _("Rental by client, with ongoing housing subsidy")
    DECEASED = 24, _("Deceased")
    OTHER = 17, _("Other")
    DOESNT_KNOW = 8, _("Client doesn't know")
    PREFERS_NOT = 9, _("Client prefers not to answer")
    NO_INTERVIEW = 30, _("No exit interview completed")
    NOT_COLLECTED = 99, _("Data not collected")


class Enrollment(TimeStampedModel):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="enrollments"
    )
    program = models.ForeignKey(
        "accounts.Program", on_delete=models.PROTECT, related_name="enrollments"
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="enrollments", editable=False
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="enrollments"
    )
    primary_case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="primary_enrollments",
        verbose_name=_("primary case manager"),
    )
    care_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="care_team_enrollments",
        verbose_name=_("care team"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EnrollmentStatus.choices,
        default=EnrollmentStatus.PENDING,
    )
    intensity_tier = models.CharField(
        _("intensity"), max_length=20, choices=IntensityTier.choices, default=IntensityTier.MODERATE
    )
    referral_date = models.DateField(_("referral date"))
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    hold_reason = models.CharField(_("reason for hold"), max_length=500, blank=True)
    hold_started_on = models.DateField(null=True, blank=True)
    discharge_reason = models.CharField(
        _("discharge reason"), max_length=20, choices=DischargeReason.choices, blank=True
    )
    destination = models.PositiveSmallIntegerField(
        _("destination"), choices=Destination.choices, null=True, blank=True
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    readmission = models.BooleanField(
        _("readmission"),
        default=False,
        help_text=_("The person was discharged from this agency in the 12 months before."),
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-referral_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "program"],
                condition=~Q(status="discharged"),
                name="enrollment_one_open_per_program",
                violation_error_message=_(
                    "This person already has an open enrollment in this program."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="enrollment_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "agency"], name="enrollment_person_agency"),
            models.Index(fields=["primary_case_manager", "status"], name="enrollment_cm_status"),
            models.Index(fields=["program", "status"], name="enrollment_program_status"),
            models.Index(fields=["team", "status"], name="enrollment_team_status"),
            models.Index(fields=["agency", "status"], name="enrollment_agency_status"),
        ]

    def __str__(self):
        return f"{self.person} in {self.program}"

    @property
    def is_open(self) -> bool:
        return self.status != EnrollmentStatus.DISCHARGED

    def allowed_next(self) -> set[str]:
        return ALLOWED_TRANSITIONS[self.status]

    def next_due(self):
        """The next thing this episode needs, as (label, date); None when discharged.

        Until tasks and contact standards arrive, this follows the enrollment cycle: activate
        within 14 days of referral, review the plan every ``plan_review_days``, review holds
        after 30 days.
        """
        if self.status == EnrollmentStatus.PENDING:
            return (_("Intake: start services"), self.referral_date + timedelta(days=14))
        if self.status == EnrollmentStatus.ON_HOLD and self.hold_started_on:
            return (_("Review hold"), self.hold_started_on + timedelta(days=30))
        if self.status == EnrollmentStatus.ACTIVE and self.start_date:
            from casebridge.core import clock

            cycle = max(self.program.plan_review_days, 1)
            elapsed = (clock.today() - self.start_date).days
            cycles = max(elapsed // cycle + 1, 1)
            return (_("Care plan review"), self.start_date + timedelta(days=cycle * cycles))
        return None


class DischargePlan(TimeStampedModel):
    """The transition plan written for a discharge. Rows are only ever added: each save of the
    plan is a new row (the newest is the current draft), and the row written at discharge is
    marked ``is_final``, so the history of what was planned stays readable."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="discharge_plans"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(
        _("discharge reason"), max_length=20, choices=DischargeReason.choices, blank=True
    )
    destination = models.PositiveSmallIntegerField(
        _("destination"), choices=Destination.choices, null=True, blank=True
    )
    aftercare = models.TextField(_("aftercare services"), max_length=5000, blank=True)
    who_to_call = models.TextField(_("who to call"), max_length=2000, blank=True)
    summary = models.TextField(_("discharge summary"), max_length=5000, blank=True)
    is_final = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["enrollment", "created_at"], name="discharge_plan_enrollment")
        ]

    def __str__(self):
        return f"Discharge plan {self.pk}"


class TransferKind(models.TextChoices):
    CASE_MANAGER = "case_manager", _("To another case manager")
    PROGRAM = "program", _("To another program of the agency")
    AGENCY = "agency", _("To another agency")


class Transfer(TimeStampedModel):
    """One transfer of an enrollment, kept as history.

    A program transfer links the new enrollment; an agency transfer keeps only the receiving
    agency and the reference of the referral it created there, never a link into that agency's
    records (the sending agency must not see them afterwards).
    """

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="transfers")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=TransferKind.choices)
    from_case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_program = models.ForeignKey(
        "accounts.Program", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_program = models.ForeignKey(
        "accounts.Program", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_enrollment = models.OneToOneField(
        Enrollment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transferred_from",
    )
    to_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referral_reference = models.CharField(max_length=12, blank=True)
    summary = models.TextField(_("transfer summary"), max_length=5000)
    joint_contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent_evidence = models.CharField(
        _("consent witnessed or recorded"), max_length=300, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["enrollment", "created_at"], name="transfer_enrollment")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"
