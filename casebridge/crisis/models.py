"""Crisis response: flags on a person, safety plans (versioned), crisis events."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casebridge.core.access import VisibleQuerySet
from casebridge.core.identity import IdentityProtected
from casebridge.core.models import TimeStampedModel


class FlagKind(models.TextChoices):
    SUICIDE_RISK = "suicide_risk", _("Suicide risk")
    SAFETY_RISK = "safety_risk", _("Safety risk")
    VIOLENCE_RISK = "violence_risk", _("Violence risk")
    NOT_ALONE = "not_alone", _("Do not visit alone")
    MEDICAL_ALERT = "medical_alert", _("Medical alert")
    DV_PROTECTED = "dv_protected", _("Protected address (domestic violence)")


# Flags about risk to someone's life or safety: setting one alerts the care team at once.
ALERTING_FLAGS = {FlagKind.SUICIDE_RISK, FlagKind.SAFETY_RISK, FlagKind.VIOLENCE_RISK}


class FlagStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLEARED = "cleared", _("Cleared")


class PersonFlag(IdentityProtected, TimeStampedModel):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="flags")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("flag"), max_length=20, choices=FlagKind.choices)
    note = models.CharField(_("what staff need to know"), max_length=500, blank=True)
    review_on = models.DateField(_("review by"))
    status = models.CharField(max_length=10, choices=FlagStatus.choices, default=FlagStatus.ACTIVE)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "agency", "kind"],
                condition=Q(status="active"),
                name="flag_one_active_per_kind",
            )
        ]
        indexes = [models.Index(fields=["person", "status"], name="flag_person_status")]

    def __str__(self):
        return self.get_kind_display()

    def identity_placeholders(self, ref: str) -> dict:
        """A protection flag's note often says where the person is safe, or from whom."""
        return {"note": ""} if self.kind == FlagKind.DV_PROTECTED else {}


SAFETY_SECTIONS = [
    ("warning_signs", _("Warning signs that a crisis may be developing")),
    ("coping", _("Things I can do on my own to take my mind off my problems")),
    ("distraction", _("People and places that help me feel better")),
    ("help", _("People I can ask for help")),
    ("professionals", _("Professionals and crisis lines I can call")),
    ("environment", _("Making my surroundings safe")),
    ("reasons", _("My reasons for living")),
]


class SafetyPlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Current")
    SUPERSEDED = "superseded", _("Replaced by a newer version")


class FrozenRecordError(Exception):
    """A current or replaced safety plan version cannot change: write a new version."""


class SafetyPlanQuerySet(VisibleQuerySet):
    def update(self, **kwargs):
        if set(kwargs) - {"status", "updated_at"} and self.exclude(status="draft").exists():
            raise FrozenRecordError("Only draft safety plans can change.")
        return super().update(**kwargs)


class SafetyPlan(TimeStampedModel):
    """One version of a person's safety plan, written with the person, in their words."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="safety_plans"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=SafetyPlanStatus.choices, default=SafetyPlanStatus.DRAFT
    )
    sections = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    shared_how = models.CharField(max_length=200, blank=True)

    objects = SafetyPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "agency", "version"], name="safety_plan_version"
            ),
            models.UniqueConstraint(
                fields=["person", "agency"],
                condition=Q(status="active"),
                name="safety_plan_one_current",
            ),
        ]

    def __str__(self):
        return f"Safety plan v{self.version}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._sections_in_db = instance.sections
        instance._status_in_db = instance.status
        return instance

    def save(self, *args, **kwargs):
        if getattr(self, "_status_in_db", "draft") != "draft" and (
            self.sections != self._sections_in_db
        ):
            raise FrozenRecordError("Only draft safety plans can change: write a new version.")
        super().save(*args, **kwargs)
        self._sections_in_db, self._status_in_db = self.sections, self.status

    def section_rows(self):
        return [(key, label, self.sections.get(key, "")) for key, label in SAFETY_SECTIONS]


class CrisisKind(models.TextChoices):
    MENTAL_HEALTH = "mental_health", _("Mental-health crisis")
    ED_VISIT = "ed_visit", _("Emergency department visit")
    HOSPITAL = "hospital", _("Hospital admission")
    ARREST = "arrest", _("Arrest or jail")
    EVICTION = "eviction", _("Eviction")
    OVERDOSE = "overdose", _("Overdose")
    VICTIMISATION = "victimisation", _("Victim of a crime or violence")
    MISSING = "missing", _("Missing")
    DEATH = "death", _("Death")


# Crises that end with a release the person comes home from (discharge, release from jail).
WITH_RELEASE = {CrisisKind.HOSPITAL, CrisisKind.ARREST, CrisisKind.ED_VISIT}


class CrisisEvent(TimeStampedModel):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="crisis_events"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    enrollment = models.ForeignKey(
        "enrollments.Enrollment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("what happened"), max_length=20, choices=CrisisKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    released_on = models.DateField(
        _("discharge or release date"),
        null=True,
        blank=True,
        help_text=_("For a hospital stay, an ED visit or jail: when the person came out."),
    )
    description = models.TextField(_("what happened"), max_length=4000)
    response = models.TextField(_("what was done"), max_length=4000, blank=True)
    outcome = models.TextField(_("outcome"), max_length=4000, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["person", "occurred_at"], name="crisis_person_time")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"
