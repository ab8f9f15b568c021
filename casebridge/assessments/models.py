"""Assessments: versioned instruments (definitions are data), responses, and the needs they
identify for the care plan."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casebridge.core.access import VisibleQuerySet
from casebridge.core.models import TimeStampedModel


class Instrument(TimeStampedModel):
    """One version of an instrument. A changed definition is a new row; old rows stay so old
    responses always render with the version they were answered on."""

    code = models.SlugField(max_length=60)
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    definition = models.JSONField()
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["title", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_current=True), name="instrument_one_current"
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class AssessmentResponse(TimeStampedModel):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="assessments"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    enrollment = models.ForeignKey(
        "enrollments.Enrollment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="responses")
    status = models.CharField(
        max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    language = models.CharField(
        max_length=10, default="en", help_text=_("The language the instrument was given in.")
    )
    answers = models.JSONField(default=dict)
    scores = models.JSONField(default=dict, blank=True)
    bands = models.JSONField(default=dict, blank=True)
    flags = models.JSONField(default=list, blank=True)
    administered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            models.Index(fields=["person", "instrument", "submitted_at"], name="assessment_history")
        ]

    def __str__(self):
        return f"{self.instrument} for {self.person_id}"


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PLAN = "in_plan", _("In the care plan")
    RESOLVED = "resolved", _("Resolved")


class Need(TimeStampedModel):
    """A need in one life domain, identified by an assessment, for the care plan to address."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="needs")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    domain = models.CharField(max_length=30)
    label = models.CharField(max_length=200)
    severity = models.PositiveSmallIntegerField(default=2)
    status = models.CharField(max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    source = models.ForeignKey(AssessmentResponse, on_delete=models.PROTECT, related_name="needs")

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-severity", "domain"]

    def __str__(self):
        return self.label
