"""The people Casebridge serves: identity, contact details, identifiers, supports, strengths."""

import unicodedata

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from casebridge.core.access import VisibleQuerySet
from casebridge.core.fields import EncryptedTextField, mask
from casebridge.core.identity import IdentityProtected, placeholder_name
from casebridge.core.models import TimeStampedModel


class DataQuality(models.IntegerChoices):
    """HMIS 3.03.2 / 3.02.2 data-quality codes."""

    FULL = 1, _("Full value reported")
    PARTIAL = 2, _("Approximate or partial value reported")
    DOESNT_KNOW = 8, _("Client doesn't know")
    PREFERS_NOT = 9, _("Client prefers not to answer")
    NOT_COLLECTED = 99, _("Data not collected")


class Sex(models.IntegerChoices):
    """HMIS FY2026 4.21 Sex."""

    FEMALE = 0, _("Female")
    MALE = 1, _("Male")
    DOESNT_KNOW = 8, _("Client doesn't know")
    PREFERS_NOT = 9, _("Client prefers not to answer")
    NOT_COLLECTED = 99, _("Data not collected")


phone_validator = RegexValidator(
    r"^\+?[0-9 ().\-]{7,20}$",
    _("Enter a phone number of 7 to 20 digits, spaces, dashes or brackets."),
)
ssn_validator = RegexValidator(
    r"^(\d{3}-?\d{2}-?\d{4}|\d{4})$", _("Enter 9 digits (123-45-6789) or the last 4 digits.")
)


def search_key(*parts: str) -> str:
    """Lower-case, accent-free text for name search ("José" matches "jose")."""
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


# How a person de-identified by the retention job (casebridge/consent/retention.py) is named.
DEIDENTIFIED_LABEL = _("De-identified record")


class PersonQuerySet(VisibleQuerySet):
    pass


# What a person's identity and whereabouts are made of: blanked for viewers outside a protected
# person's circle (see core.identity and crisis.access).
IDENTITY_FIELDS = (
    "legal_first_name",
    "legal_middle_name",
    "legal_last_name",
    "preferred_name",
    "date_of_birth",
    "phone",
    "email",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "ssn",
    "ssn_digest",
    "medicaid_id",
    "search_key",
)


class Person(IdentityProtected, TimeStampedModel):
    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="persons",
        help_text=_("The agency that recorded this person."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    legal_first_name = models.CharField(_("legal first name"), max_length=100)
    legal_middle_name = models.CharField(_("legal middle name"), max_length=100, blank=True)
    legal_last_name = models.CharField(_("legal last name"), max_length=100)
    preferred_name = models.CharField(
        _("preferred name"), max_length=100, blank=True, help_text=_("The name the person goes by.")
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    dob_data_quality = models.PositiveSmallIntegerField(
        _("date of birth quality"), choices=DataQuality.choices, default=DataQuality.FULL
    )
    sex = models.PositiveSmallIntegerField(_("sex"), choices=Sex.choices, default=Sex.NOT_COLLECTED)
    gender_identity = models.CharField(_("gender identity"), max_length=100, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=50, blank=True)
    primary_language = models.CharField(_("primary language"), max_length=60, blank=True)
    other_languages = models.CharField(_("other languages"), max_length=200, blank=True)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    email = models.EmailField(_("email"), blank=True)
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("state / region"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    ssn = EncryptedTextField(_("SSN or national id"), blank=True, validators=[ssn_validator])
    ssn_data_quality = models.PositiveSmallIntegerField(
        _("SSN quality"), choices=DataQuality.choices, default=DataQuality.NOT_COLLECTED
    )
    ssn_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    medicaid_id = EncryptedTextField(_("Medicaid id"), blank=True)
    strengths = models.TextField(
        _("strengths"),
        blank=True,
        max_length=4000,
        help_text=_("What the person is good at, cares about and can build on."),
    )
    search_key = models.CharField(max_length=500, editable=False, db_index=True)
    retention_hold = models.BooleanField(
        _("keep past the retention period"),
        default=False,
        help_text=_(
            "A legal hold or another reason to keep this record: the retention job never "
            "de-identifies it while this is set."
        ),
    )
    deidentified_at = models.DateTimeField(
        _("de-identified on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set by the retention job; the person's identity is gone from the record."),
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        indexes = [
            models.Index(
                fields=["agency", "legal_last_name", "legal_first_name"], name="person_agency_name"
            ),
            models.Index(fields=["date_of_birth"], name="person_dob"),
            models.Index(fields=["created_by"], name="person_created_by"),
        ]

    identity_person_attname = "id"

    def __str__(self):
        return self.display_name

    def identity_placeholders(self, ref: str) -> dict:
        """No name, no birth date (not even the year), no contact details, no location: the
        neutral name and short reference read as "Protected person #1a2b3c4d" everywhere."""
        blanks = {name: "" for name in IDENTITY_FIELDS}
        blanks.update(legal_first_name=placeholder_name(), legal_last_name=ref, date_of_birth=None)
        return blanks

    @property
    def display_name(self) -> str:
        if self.deidentified_at is not None:
            return str(DEIDENTIFIED_LABEL)
        first = self.preferred_name or self.legal_first_name
        return f"{first} {self.legal_last_name}".strip()

    @property
    def legal_name(self) -> str:
        if self.deidentified_at is not None:
            return str(DEIDENTIFIED_LABEL)
        return " ".join(
            p for p in [self.legal_first_name, self.legal_middle_name, self.legal_last_name] if p
        )

    @property
    def ssn_masked(self) -> str:
        return mask(self.ssn)

    @property
    def medicaid_id_masked(self) -> str:
        return mask(self.medicaid_id)

    def refresh_search_key(self) -> None:
        self.search_key = search_key(
            self.legal_first_name, self.legal_middle_name, self.legal_last_name, self.preferred_name
        )


class Relationship(IdentityProtected, TimeStampedModel):
    """Someone in the person's life: a household member, a natural support, or both."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    name = models.CharField(_("name"), max_length=200)
    relationship = models.CharField(
        _("relationship"), max_length=100, help_text=_("e.g. sister, neighbour, sponsor")
    )
    is_household_member = models.BooleanField(_("lives in the household"), default=False)
    is_natural_support = models.BooleanField(_("natural support"), default=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    notes = models.CharField(_("notes"), max_length=500, blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.relationship})"

    def identity_placeholders(self, ref: str) -> dict:
        """Who a protected person lives with, and their phone, could lead to them."""
        return {"name": str(_("Name hidden")), "phone": "", "notes": ""}
