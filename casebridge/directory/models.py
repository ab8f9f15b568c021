"""Service directory shaped on Open Referral HSDS 3.0.

Reference data, not client data: organisations, their services and locations, the hours, the
languages spoken and the categories (taxonomy terms) a service is listed under. Ids are the
HSDS ids (UUIDs), so an import updates the rows it created before. Departures from HSDS: one
physical address per location (HSDS ``address`` folded into ``location``), a service's main
contact folded into the service, a ``capacity_status`` (open / waitlist / closed) that HSDS 3.0
does not have, and schedules kept as weekly opening hours (HSDS ``byday`` + opens/closes).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casebridge.core.models import TimeStampedModel


class Organization(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=4000)
    email = models.EmailField(
        _("email for referrals"),
        blank=True,
        help_text=_("Referrals to providers not on Casebridge are sent here as a secure link."),
    )
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    curated_by = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The agency whose administrators keep this entry up to date."),
    )
    is_active = models.BooleanField(_("listed"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("Physical")
    POSTAL = "postal", _("Postal")
    VIRTUAL = "virtual", _("Virtual")


class Location(TimeStampedModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="locations"
    )
    location_type = models.CharField(
        _("type"), max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    transportation = models.CharField(_("getting there"), max_length=500, blank=True)
    address_1 = models.CharField(_("address"), max_length=200, blank=True)
    address_2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state_province = models.CharField(_("state"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True, db_index=True)
    country = models.CharField(_("country"), max_length=2, default="US")
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="location_coords")]

    def __str__(self):
        return self.name

    @property
    def address(self) -> str:
        parts = [self.address_1, self.address_2, self.city, self.state_province, self.postal_code]
        return ", ".join(part for part in parts if part)


class TaxonomyTerm(TimeStampedModel):
    """A category services are listed under (bring-your-own taxonomy, e.g. Open Eligibility)."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.CharField(_("description"), max_length=1000, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    taxonomy = models.CharField(_("taxonomy"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class CapacityStatus(models.TextChoices):
    OPEN = "open", _("Taking referrals")
    WAITLIST = "waitlist", _("Waitlist")
    CLOSED = "closed", _("Not taking referrals")


class Service(TimeStampedModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=4000)
    url = models.URLField(_("web page"), blank=True)
    email = models.EmailField(
        _("email for referrals"),
        blank=True,
        help_text=_("If empty, the organisation's referral email is used."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    capacity_status = models.CharField(
        _("capacity"), max_length=10, choices=CapacityStatus.choices, default=CapacityStatus.OPEN
    )
    interpretation_services = models.CharField(_("interpretation"), max_length=500, blank=True)
    application_process = models.TextField(_("how to apply"), max_length=2000, blank=True)
    fees_description = models.CharField(_("fees"), max_length=500, blank=True)
    eligibility_description = models.TextField(_("who is eligible"), max_length=2000, blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    categories = models.ManyToManyField(
        TaxonomyTerm, blank=True, related_name="services", verbose_name=_("categories")
    )
    locations = models.ManyToManyField(
        Location, through="ServiceAtLocation", blank=True, related_name="services"
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "name"], name="service_status_name")]

    def __str__(self):
        return self.name

    @property
    def referral_email(self) -> str:
        return self.email or self.organization.email

    def age_range(self) -> str:
        if self.minimum_age is None and self.maximum_age is None:
            return ""
        return f"{self.minimum_age if self.minimum_age is not None else 0}–" + (
            str(self.maximum_age) if self.maximum_age is not None else "+"
        )


class ServiceAtLocation(TimeStampedModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    description = models.CharField(_("description"), max_length=1000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_at_location")
        ]


class ServiceLanguage(TimeStampedModel):
    """A language the service is offered in (HSDS ``language``: ISO 639 code and name)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("code"), max_length=12)
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="service_language_unique")
        ]


class Weekday(models.IntegerChoices):
    MON = 0, _("Monday")
    TUE = 1, _("Tuesday")
    WED = 2, _("Wednesday")
    THU = 3, _("Thursday")
    FRI = 4, _("Friday")
    SAT = 5, _("Saturday")
    SUN = 6, _("Sunday")


WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]  # iCalendar BYDAY, as HSDS uses


class Schedule(TimeStampedModel):
    """Regular weekly opening hours of a service (at one location, or everywhere if none).

    A closing time earlier than the opening time runs past midnight into the next day."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))
    description = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(opens_at=models.F("closes_at")), name="schedule_not_empty"
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ProviderStaff(TimeStampedModel):
    """A provider's staff member: signs in to see referrals sent to their organisation only.

    Provider users have no agency membership, so the access policy grants them nothing; their
    pages use their own selector (casebridge/referrals/selectors.py, provider_referrals)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_roles"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="staff")
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="provider_staff_unique")
        ]

    def __str__(self):
        return f"{self.user} · {self.organization}"
