"""Who works where: users, agencies (tenants), programs, teams, role memberships, API tokens."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from casebridge.core.models import TimeStampedModel


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Agency(TimeStampedModel):
    """A tenant: an organisation whose staff share a client list."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(unique=True)
    is_active = models.BooleanField(default=True)
    privacy_officer_email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name


class ProgramModel(models.TextChoices):
    ICM = "icm", _("Intensive case management (ICM)")
    ACT = "act", _("Assertive community treatment (ACT)")
    BROKERAGE = "brokerage", _("Brokerage")
    CLINICAL = "clinical", _("Clinical case management")
    STRENGTHS = "strengths", _("Strengths-based")


def default_contact_standard() -> dict:
    return {
        "contacts_per_month": 4,
        "face_to_face_within_days": 14,
        "post_crisis_contact_hours": 72,
    }


def default_note_formats() -> list:
    """Note templates a program offers, the first being its default (see contacts.NoteFormat)."""
    return ["dap", "soap", "girp", "free"]


def default_waitlist_weights() -> dict:
    return {"urgency": 10, "vulnerability": 3, "days_waiting": 0.5, "utilisation": 4}


class Program(TimeStampedModel):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="programs")
    name = models.CharField(_("name"), max_length=200)
    model = models.CharField(_("service model"), max_length=20, choices=ProgramModel.choices)
    caseload_target = models.PositiveIntegerField(_("caseload target per case manager"), default=15)
    capacity = models.PositiveIntegerField(_("enrollment capacity"), default=100)
    contact_standard = models.JSONField(_("contact standard"), default=default_contact_standard)
    note_formats = models.JSONField(_("note templates"), default=default_note_formats)
    is_part2 = models.BooleanField(
        _("substance-use treatment program (42 CFR Part 2)"),
        default=False,
        help_text=_(
            "Its records are seen only by the program's own staff, or with the person's specific "
            "consent, and every disclosure carries the redisclosure notice."
        ),
    )
    reassessment_days = models.PositiveIntegerField(default=90)
    plan_review_days = models.PositiveIntegerField(default=90)
    plan_signoff_required = models.BooleanField(
        _("care plans need supervisor sign-off"),
        default=False,
        help_text=_("A supervisor signs off the agreed plan before it becomes active."),
    )
    eligibility_criteria = models.JSONField(
        _("eligibility criteria"),
        default=list,
        blank=True,
        help_text=_("A list of rules checked at screening; see casebridge/intake/eligibility.py."),
    )
    waitlist_weights = models.JSONField(_("waitlist weights"), default=default_waitlist_weights)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="program_unique_name")
        ]

    def __str__(self):
        return self.name


class Team(TimeStampedModel):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    INTAKE_WORKER = "intake_worker", _("Intake worker")
    CASE_MANAGER = "case_manager", _("Case manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    PROGRAM_MANAGER = "program_manager", _("Program manager")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    DATA_ANALYST = "data_analyst", _("Data analyst")


class Membership(TimeStampedModel):
    """A user's role in an agency, optionally narrowed to one program and/or team."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role", "program", "team"], name="membership_unique"
            )
        ]
        indexes = [models.Index(fields=["user", "is_active"], name="membership_user_active")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.agency}"


class ApiToken(TimeStampedModel):
    """A bearer token for integrations. Only a SHA-256 digest of the secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
