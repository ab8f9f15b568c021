"""Consent-based sharing: what a person agreed another agency may see, and emergency access.

A ConsentDirective names the recipient (an agency, optionally one of its programs), the data
categories, the purpose and the period. The access policy reads directives directly: revoking
one, or reaching its end date, closes access on the next request.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casebridge.core.access import VisibleQuerySet
from casebridge.core.models import TimeStampedModel


class Category(models.TextChoices):
    DEMOGRAPHICS = "demographics", _("Identity and contact details")
    ENROLLMENTS = "enrollments", _("Enrollments (programs and case managers)")
    ASSESSMENTS = "assessments", _("Assessments and needs")
    PLANS = "plans", _("Care plans")
    CONTACT_NOTES = "contact_notes", _("Contacts and case notes")
    REFERRALS = "referrals", _("Referrals")
    HEALTH = "health", _("Health, safety plans and crisis events")
    SUBSTANCE_USE = "substance_use", _("Substance-use treatment records (42 CFR Part 2)")


class Purpose(models.TextChoices):
    CARE_COORDINATION = "care_coordination", _("Care coordination")
    TREATMENT = "treatment", _("Treatment")
    HOUSING = "housing", _("Housing placement")
    BENEFITS = "benefits", _("Benefits and income")
    TRANSFER = "transfer", _("Transfer of care")
    OTHER = "other", _("Other")


class Evidence(models.TextChoices):
    SIGNED_FORM = "signed_form", _("Signed consent form (uploaded)")
    VERBAL = "verbal", _("Verbal consent, witnessed")


class ConsentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")


def evidence_path(instance, filename) -> str:
    return f"consent/{instance.agency_id}/{instance.pk}"


class ConsentDirective(TimeStampedModel):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="consents")
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="consents_given"
    )
    recipient_agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("shared with"),
        on_delete=models.PROTECT,
        related_name="consents_received",
    )
    recipient_program = models.ForeignKey(
        "accounts.Program",
        verbose_name=_("only this program of theirs"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    purpose_detail = models.CharField(_("purpose, in words"), max_length=300, blank=True)
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"), null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ConsentStatus.choices, default=ConsentStatus.ACTIVE
    )
    evidence = models.CharField(_("evidence"), max_length=12, choices=Evidence.choices)
    evidence_file = models.FileField(upload_to=evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    witness = models.CharField(_("witness"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.CharField(max_length=300, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["person", "recipient_agency", "status"], name="consent_lookup")
        ]

    def __str__(self):
        return f"Consent {self.pk}"

    def state(self, today) -> str:
        if self.status == ConsentStatus.REVOKED:
            return "revoked"
        if self.valid_until and self.valid_until < today:
            return "expired"
        if self.valid_from > today:
            return "future"
        return "active"


class ConsentItem(models.Model):
    """One category a directive shares (a row each, so the policy can match it in SQL)."""

    id = models.BigAutoField(primary_key=True)
    directive = models.ForeignKey(ConsentDirective, on_delete=models.CASCADE, related_name="items")
    category = models.CharField(max_length=20, choices=Category.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["directive", "category"], name="consent_item_unique")
        ]
        indexes = [models.Index(fields=["category", "directive"], name="consent_item_category")]

    def __str__(self):
        return self.category


class BreakGlass(TimeStampedModel):
    """Emergency access to one person's record for a short time, with a mandatory reason."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "person", "expires_at"], name="breakglass_lookup")]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="breakglass_reason_required")
        ]

    def __str__(self):
        return f"Break-glass {self.pk}"
