"""Contacts (encounters with or about a person), their notes, and the services provided.

A note is a draft until its author signs it; a signed note never changes again (the model
refuses the write, whichever edge it comes from). Corrections are dated amendments.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casebridge.core.access import VisibleQuerySet
from casebridge.core.models import TimeStampedModel


class ContactType(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("Face to face")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    TEXT = "text", _("Text message")
    COLLATERAL = "collateral", _("Collateral contact")
    ATTEMPTED = "attempted", _("Attempted contact")


class ContactLocation(models.TextChoices):
    OFFICE = "office", _("Office")
    HOME_VISIT = "home_visit", _("Home visit")
    COMMUNITY = "community", _("Community")
    STREET_OUTREACH = "street_outreach", _("Street outreach")
    HOSPITAL = "hospital", _("Hospital")
    JAIL = "jail", _("Jail")
    REMOTE = "remote", _("Remote (phone, video, text)")


class ContactStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Contact(TimeStampedModel):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="contacts")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    enrollment = models.ForeignKey(
        "enrollments.Enrollment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ContactStatus.choices, default=ContactStatus.COMPLETED
    )
    occurred_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True
    )
    contact_type = models.CharField(_("type"), max_length=20, choices=ContactType.choices)
    location = models.CharField(
        _("location"), max_length=20, choices=ContactLocation.choices, blank=True
    )
    participants = models.CharField(_("participants"), max_length=500, blank=True)
    summary = models.CharField(
        _("purpose"), max_length=200, blank=True, help_text=_("A few words, shown in lists.")
    )
    late_entry = models.BooleanField(default=False)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["person", "occurred_at"], name="contact_person_time"),
            models.Index(
                fields=["enrollment", "status", "contact_type", "occurred_at"],
                name="contact_standard",
            ),
            models.Index(fields=["staff", "status", "occurred_at"], name="contact_staff_time"),
        ]

    def __str__(self):
        return f"{self.get_contact_type_display()} {self.occurred_at:%Y-%m-%d}"


class ServiceType(models.TextChoices):
    TRANSPORT = "transport", _("Transport")
    FOOD = "food", _("Food or food voucher")
    FINANCIAL = "financial", _("Financial assistance")
    HOUSING_SEARCH = "housing_search", _("Housing search")
    BENEFITS = "benefits", _("Benefits application help")
    MEDICATION = "medication", _("Medication delivery or support")
    ADVOCACY = "advocacy", _("Advocacy")
    SKILLS = "skills", _("Daily living skills")
    OTHER = "other", _("Other")


class ServiceProvided(TimeStampedModel):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField(_("service"), max_length=20, choices=ServiceType.choices)
    units = models.DecimalField(_("units"), max_digits=7, decimal_places=2, default=1)
    amount = models.DecimalField(
        _("amount ($)"), max_digits=9, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.get_service_type_display()


class NoteFormat(models.TextChoices):
    DAP = "dap", _("DAP (data, assessment, plan)")
    SOAP = "soap", _("SOAP (subjective, objective, assessment, plan)")
    GIRP = "girp", _("GIRP (goal, intervention, response, plan)")
    FREE = "free", _("Free text")


# The sections of each note format, in order.
NOTE_SECTIONS = {
    NoteFormat.DAP: [("data", _("Data")), ("assessment", _("Assessment")), ("plan", _("Plan"))],
    NoteFormat.SOAP: [
        ("subjective", _("Subjective")),
        ("objective", _("Objective")),
        ("assessment", _("Assessment")),
        ("plan", _("Plan")),
    ],
    NoteFormat.GIRP: [
        ("goal", _("Goal")),
        ("intervention", _("Intervention")),
        ("response", _("Response")),
        ("plan", _("Plan")),
    ],
    NoteFormat.FREE: [("text", _("Note"))],
}


class NoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


class SignedNoteError(Exception):
    """A signed note, or its amendments, cannot be changed or deleted."""


class NoteQuerySet(VisibleQuerySet):
    def update(self, **kwargs):
        if self.filter(status=NoteStatus.SIGNED).exists():
            raise SignedNoteError("Signed notes cannot be changed.")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status=NoteStatus.SIGNED).exists():
            raise SignedNoteError("Signed notes cannot be deleted.")
        return super().delete()


class Note(TimeStampedModel):
    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="note")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note_format = models.CharField(
        _("note format"), max_length=10, choices=NoteFormat.choices, default=NoteFormat.DAP
    )
    sections = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    signed_at = models.DateTimeField(null=True, blank=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Note {self.pk}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._signed_in_db = instance.status == NoteStatus.SIGNED
        return instance

    def save(self, *args, **kwargs):
        if getattr(self, "_signed_in_db", False):
            raise SignedNoteError("Signed notes cannot be changed; add an amendment.")
        super().save(*args, **kwargs)
        self._signed_in_db = self.status == NoteStatus.SIGNED

    def delete(self, *args, **kwargs):
        if getattr(self, "_signed_in_db", False):
            raise SignedNoteError("Signed notes cannot be deleted.")
        return super().delete(*args, **kwargs)

    def section_rows(self):
        return [
            (key, label, self.sections.get(key, ""))
            for key, label in NOTE_SECTIONS[NoteFormat(self.note_format)]
        ]


class AmendmentQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise SignedNoteError("Amendments cannot be changed.")

    def delete(self):
        raise SignedNoteError("Amendments cannot be deleted.")


class NoteAmendment(TimeStampedModel):
    """A dated correction or addition to a signed note; itself immutable once written."""

    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("amendment"), max_length=10000)
    reason = models.CharField(_("reason for the amendment"), max_length=300)

    objects = AmendmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise SignedNoteError("Amendments cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SignedNoteError("Amendments cannot be deleted.")


class CalendarFeed(models.Model):
    """A user's secret calendar-feed address; only the SHA-256 digest of the token is kept."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Calendar feed of {self.user_id}"
