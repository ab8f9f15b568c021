"""Inbound referrals: from anyone, screened against a program's criteria, waitlisted by a
transparent priority, and accepted into an Enrollment."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casebridge.core.access import VisibleQuerySet
from casebridge.core.identity import IdentityProtected, placeholder_name
from casebridge.core.models import TimeStampedModel


class ReferralStatus(models.TextChoices):
    NEW = "new", _("New")
    SCREENING = "screening", _("Screening")
    WAITLISTED = "waitlisted", _("Waitlisted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CLOSED = {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN}
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    ReferralStatus.NEW: {
        ReferralStatus.SCREENING,
        ReferralStatus.DECLINED,
        ReferralStatus.WITHDRAWN,
    },
    ReferralStatus.SCREENING: {
        ReferralStatus.WAITLISTED,
        ReferralStatus.ACCEPTED,
        ReferralStatus.DECLINED,
        ReferralStatus.WITHDRAWN,
    },
    ReferralStatus.WAITLISTED: {
        ReferralStatus.ACCEPTED,
        ReferralStatus.DECLINED,
        ReferralStatus.WITHDRAWN,
        ReferralStatus.SCREENING,
    },
    ReferralStatus.ACCEPTED: set(),
    ReferralStatus.DECLINED: set(),
    ReferralStatus.WITHDRAWN: set(),
}


class SourceType(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital or discharge planner")
    SHELTER = "shelter", _("Shelter or housing provider")
    COURT = "court", _("Court, jail or probation")
    OUTREACH = "outreach", _("Street outreach")
    AGENCY = "agency", _("Another agency")
    FAMILY = "family", _("Family member or friend")
    SELF = "self", _("The person themself")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")
    EMERGENT = "emergent", _("Emergent (risk of harm or losing housing within days)")


URGENCY_POINTS = {Urgency.ROUTINE: 0, Urgency.URGENT: 1, Urgency.EMERGENT: 2}


class Channel(models.TextChoices):
    STAFF = "staff", _("Staff entry")
    API = "api", _("API")
    SELF = "self", _("Self-referral form")


class DeclineReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", _("Not eligible for this program")
    NO_CONTACT = "no_contact", _("Could not reach the person")
    DECLINED_BY_PERSON = "declined_by_person", _("The person declined")
    BETTER_SERVED = "better_served", _("Better served elsewhere")
    DUPLICATE = "duplicate", _("Duplicate referral")
    OTHER = "other", _("Other")


def new_reference() -> str:
    """A short reference people can quote on the phone (no 0/O/1/I)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "R-" + "".join(secrets.choice(alphabet) for _ in range(8))


class Referral(IdentityProtected, TimeStampedModel):
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="referrals"
    )
    program = models.ForeignKey(
        "accounts.Program",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("program requested"),
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    enrollment = models.OneToOneField(
        "enrollments.Enrollment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referral",
    )
    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.STAFF)
    submission_key = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.NEW
    )
    # Who the referral is about, as the referrer gave it (until matched to a Person).
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # Who referred.
    source_type = models.CharField(_("referred by"), max_length=20, choices=SourceType.choices)
    referrer_name = models.CharField(_("referrer's name"), max_length=200, blank=True)
    referrer_organization = models.CharField(
        _("referrer's organisation"), max_length=200, blank=True
    )
    referrer_email = models.EmailField(_("referrer's email"), blank=True)
    referrer_phone = models.CharField(_("referrer's phone"), max_length=30, blank=True)
    # Why.
    reason = models.TextField(_("reason for referral"), max_length=4000)
    needs = models.CharField(_("needs mentioned"), max_length=500, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    consent_to_contact = models.BooleanField(_("the person agreed to be contacted"), default=False)
    facts = models.JSONField(_("screening facts"), default=dict, blank=True)
    # Workflow.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_referrals",
        verbose_name=_("assigned to"),
    )
    received_at = models.DateTimeField(_("received"))
    decided_at = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField(_("slot offered"), null=True, blank=True)
    decline_reason = models.CharField(
        _("decline reason"), max_length=30, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.CharField(_("note"), max_length=500, blank=True)
    readmission = models.BooleanField(
        _("readmission"),
        default=False,
        help_text=_("The person was discharged from this agency in the 12 months before."),
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "submission_key"],
                condition=~models.Q(submission_key=""),
                name="referral_one_per_submission",
            )
        ]
        indexes = [
            models.Index(fields=["person", "agency"], name="referral_person_agency"),
            models.Index(fields=["agency", "status", "received_at"], name="referral_inbox"),
            models.Index(fields=["program", "status"], name="referral_program_status"),
            models.Index(fields=["assigned_to", "status"], name="referral_assignee"),
        ]

    def __str__(self):
        return f"{self.reference} {self.first_name} {self.last_name}"

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def identity_placeholders(self, ref: str) -> dict:
        """Once matched to a protected person: their identity, and the referrer (whose name and
        organisation can say where the person stays)."""
        return {
            "first_name": placeholder_name(),
            "last_name": ref,
            "date_of_birth": None,
            "phone": "",
            "email": "",
            "referrer_name": "",
            "referrer_organization": "",
            "referrer_email": "",
            "referrer_phone": "",
        }

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED


def attachment_path(instance, filename) -> str:
    """Random names under the agency's folder; the original name is kept in the database only."""
    return f"referrals/{instance.referral.agency_id}/{instance.pk}"


class ReferralAttachment(TimeStampedModel):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.original_name
