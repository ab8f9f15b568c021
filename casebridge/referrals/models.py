"""Outbound service referrals with a closed-loop state machine.

A case manager refers a person to a directory Service; the provider answers (in their inbox, or
through a secure single-use link if they are not on Casebridge). Every move is a
ServiceReferralEvent (who, when, from, to, note), which the timeline and the metrics read.
The provider only ever sees ``shared``: the snapshot of what the person agreed to share, taken
when the referral was sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casebridge.core.access import VisibleQuerySet
from casebridge.core.identity import IdentityProtected, placeholder_name
from casebridge.core.models import TimeStampedModel


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("Did not attend")
    EXPIRED = "expired", _("Expired")


S = ReferralStatus
# The one state machine: every allowed move. Terminal states allow none.
ALLOWED = {
    S.DRAFT: {S.SENT, S.CANCELLED},
    S.SENT: {S.RECEIVED, S.ACCEPTED, S.DECLINED, S.CANCELLED, S.EXPIRED},
    S.RECEIVED: {S.ACCEPTED, S.DECLINED, S.CANCELLED, S.EXPIRED},
    S.ACCEPTED: {S.IN_PROGRESS, S.COMPLETED, S.NO_SHOW, S.CANCELLED},
    S.IN_PROGRESS: {S.COMPLETED, S.NO_SHOW, S.CANCELLED},
    S.COMPLETED: set(),
    S.DECLINED: set(),
    S.CANCELLED: set(),
    S.NO_SHOW: set(),
    S.EXPIRED: set(),
}
TERMINAL = {status for status, moves in ALLOWED.items() if not moves}
OPEN = set(ALLOWED) - TERMINAL - {S.DRAFT}
# The provider's answers; the sender may also record them (e.g. told by phone).
PROVIDER_MOVES = {S.RECEIVED, S.ACCEPTED, S.DECLINED, S.IN_PROGRESS, S.COMPLETED, S.NO_SHOW}
SENDER_MOVES = {S.SENT, S.CANCELLED, S.EXPIRED} | PROVIDER_MOVES
LINK_MOVES = {S.RECEIVED, S.ACCEPTED, S.DECLINED, S.COMPLETED}
# "We know what happened": the loop is closed.
CLOSED_LOOP = {S.COMPLETED, S.DECLINED, S.NO_SHOW}
# The time each move stamps on the referral.
STAMPS = {
    S.SENT: "sent_at",
    S.RECEIVED: "received_at",
    S.ACCEPTED: "accepted_at",
    S.IN_PROGRESS: "started_at",
    S.COMPLETED: "completed_at",
}


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Within a week")
    URGENT = "urgent", _("Urgent")


# What the sender may share, each only when the person agreed to it.
SHAREABLE = {
    "name": _("Name"),
    "date_of_birth": _("Date of birth"),
    "phone": _("Phone"),
    "email": _("Email"),
    "address": _("Address"),
    "language": _("Language and interpreter need"),
}


# Snapshot keys that say who and where the person is.
IDENTITY_KEYS = {"name", "date_of_birth", "phone", "email", "address"}


def conceal_shared(shared: dict, ref: str) -> dict:
    """The snapshot without identity: the name becomes the neutral placeholder."""
    kept = {key: value for key, value in shared.items() if key not in IDENTITY_KEYS}
    if "name" in shared:
        kept["name"] = f"{placeholder_name()} {ref}"
    return kept


class ServiceReferral(IdentityProtected, TimeStampedModel):
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="service_referrals"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="referrals"
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="referrals",
        help_text=_("The receiving provider (the service's organisation when sent)."),
    )
    goal = models.ForeignKey(
        "plans.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason for the referral"), max_length=2000)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    share_fields = models.JSONField(_("information to share"), default=list, blank=True)
    shared = models.JSONField(default=dict, blank=True, editable=False)
    consent_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent_confirmed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("why declined"), max_length=500, blank=True)
    outcome = models.TextField(_("outcome"), max_length=4000, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["person", "created_at"], name="sref_person_time"),
            models.Index(fields=["organization", "status"], name="sref_org_status"),
            models.Index(fields=["status", "last_activity_at"], name="sref_status_activity"),
        ]

    def __str__(self):
        return f"{self.service} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def identity_placeholders(self, ref: str) -> dict:
        return {"shared": conceal_shared(self.shared or {}, ref)}

    def shared_rows(self):
        """(label, value) pairs of the snapshot, for the provider's pages."""
        labels = {"reason": _("Reason for the referral"), "urgency": _("Urgency"), **SHAREABLE}
        return [(labels.get(key, key), value) for key, value in self.shared.items() if value]


class ActorKind(models.TextChoices):
    SENDER = "sender", _("Referring agency")
    PROVIDER = "provider", _("Provider")
    LINK = "link", _("Provider (secure link)")
    SYSTEM = "system", _("Casebridge")


class ServiceReferralEvent(models.Model):
    """One move of a referral; append-only."""

    id = models.BigAutoField(primary_key=True)
    referral = models.ForeignKey(ServiceReferral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    from_status = models.CharField(max_length=12, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ReferralStatus.choices)
    note = models.TextField(max_length=4000, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class ReferralLink(TimeStampedModel):
    """A secure, expiring, single-use link for a provider not on Casebridge. Only the SHA-256
    digest of the token is stored; the token itself is only ever in the email."""

    referral = models.ForeignKey(ServiceReferral, on_delete=models.CASCADE, related_name="links")
    digest = models.CharField(max_length=64, unique=True)
    email = models.EmailField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
