"""Directory writes: curation by agency administrators, provider staff accounts, HSDS import.

Every write runs in one transaction with one audit event per changed object."""

import re
from datetime import time

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casebridge.accounts.models import Role
from casebridge.core import audit
from casebridge.core.access import principal_for
from casebridge.core.models import AuditAction
from casebridge.core.services import apply_changes
from casebridge.directory.models import (
    WEEKDAY_CODES,
    Location,
    Organization,
    ProviderStaff,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    TaxonomyTerm,
)

ORGANIZATION_FIELDS = ["name", "alternate_name", "description", "email", "website", "phone"]
LOCATION_FIELDS = [
    "name",
    "location_type",
    "description",
    "transportation",
    "address_1",
    "address_2",
    "city",
    "state_province",
    "postal_code",
    "country",
    "latitude",
    "longitude",
]
SERVICE_FIELDS = [
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "phone",
    "contact_name",
    "status",
    "capacity_status",
    "interpretation_services",
    "application_process",
    "fees_description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
]


def curator_agencies(actor) -> list:
    """Agencies in which ``actor`` curates the directory (agency administrators)."""
    return [g.agency_id for g in principal_for(actor).grants if g.role == Role.AGENCY_ADMIN]


def can_curate(actor, organization: Organization | None = None) -> bool:
    agencies = curator_agencies(actor)
    if not agencies:
        return False
    return organization is None or organization.curated_by_id in (None, *agencies)


def _require_curator(actor, organization: Organization | None = None):
    """The agency the write is recorded under; PermissionDenied for anyone else."""
    agencies = curator_agencies(actor)
    if not agencies:
        raise PermissionDenied(_("Only agency administrators curate the service directory."))
    if organization is not None and organization.curated_by_id is not None:
        if organization.curated_by_id not in agencies:
            raise PermissionDenied(_("Another agency keeps this entry up to date."))
        return organization.curated_by_id
    return agencies[0]


def _validated(instance, exclude=()):
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


def _save(actor, obj, agency_id, creating, changed, extra=None):
    obj.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        obj=obj,
        agency_id=agency_id,
        data={"fields": sorted(changed), **(extra or {})},
    )


# --- organisations and locations ---------------------------------------------------------------


def organization_save(*, actor, data: dict, organization: Organization | None = None):
    agency_id = _require_curator(actor, organization)
    creating = organization is None
    organization = organization or Organization(curated_by_id=agency_id)
    changed = apply_changes(organization, {k: data[k] for k in ORGANIZATION_FIELDS if k in data})
    if "is_active" in data:
        changed += apply_changes(organization, {"is_active": bool(data["is_active"])})
    _validated(organization, exclude=["curated_by"])
    with transaction.atomic():
        _save(actor, organization, agency_id, creating, changed)
    return organization


def location_save(
    *, actor, organization: Organization, data: dict, location: Location | None = None
):
    agency_id = _require_curator(actor, organization)
    creating = location is None
    location = location or Location(organization=organization)
    changed = apply_changes(location, {k: data[k] for k in LOCATION_FIELDS if k in data})
    errors = {}
    if (location.latitude is None) != (location.longitude is None):
        errors["latitude"] = [_("Enter both latitude and longitude, or neither.")]
    if location.latitude is not None and not -90 <= location.latitude <= 90:
        errors["latitude"] = [_("Latitude is between -90 and 90.")]
    if location.longitude is not None and not -180 <= location.longitude <= 180:
        errors["longitude"] = [_("Longitude is between -180 and 180.")]
    if errors:
        raise ValidationError(errors)
    _validated(location, exclude=["organization"])
    with transaction.atomic():
        _save(actor, location, agency_id, creating, changed)
    return location


# --- services ---------------------------------------------------------------------------------

HOURS_LINE = re.compile(
    r"^\s*(?P<day>[A-Za-z]{2,3})\w*\s+(?P<open>\d{1,2}:\d{2})\s*[-–]\s*(?P<close>\d{1,2}:\d{2})\s*$"
)


def _time(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    return time(hours, minutes)


def parse_hours(text: str) -> list[dict]:
    """``Mon 09:00-17:00`` lines (one window per line) → schedule rows; ValidationError names
    the first bad line."""
    rows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = HOURS_LINE.match(line)
        day = match and match["day"][:2].upper()
        if not match or day not in WEEKDAY_CODES:
            raise ValidationError(
                {"hours": [_("Line %(n)s: write it like “Mon 09:00-17:00”.") % {"n": number}]}
            )
        try:
            opens, closes = _time(match["open"]), _time(match["close"])
        except ValueError as exc:
            raise ValidationError(
                {"hours": [_("Line %(n)s: that is not a time of day.") % {"n": number}]}
            ) from exc
        if opens == closes:
            raise ValidationError(
                {
                    "hours": [
                        _("Line %(n)s: opening and closing times are the same.") % {"n": number}
                    ]
                }
            )
        rows.append({"weekday": WEEKDAY_CODES.index(day), "opens_at": opens, "closes_at": closes})
    return rows


def format_hours(schedules) -> str:
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    return "\n".join(f"{days[s.weekday]} {s.opens_at:%H:%M}-{s.closes_at:%H:%M}" for s in schedules)


def parse_languages(text) -> list[str]:
    items = text if isinstance(text, list | tuple) else re.split(r"[,\s]+", text or "")
    codes = []
    for item in items:
        code = str(item).strip().lower()
        if not code:
            continue
        if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", code):
            raise ValidationError(
                {
                    "languages": [
                        _("“%(code)s” is not a language code like en or es.") % {"code": code}
                    ]
                }
            )
        if code not in codes:
            codes.append(code)
    return codes


def service_save(
    *,
    actor,
    organization: Organization,
    data: dict,
    service: Service | None = None,
    categories=None,
    languages=None,
    hours=None,
    locations=None,
):
    """Create or update a service with its categories, languages, weekly hours and locations."""
    agency_id = _require_curator(actor, organization)
    creating = service is None
    service = service or Service(organization=organization)
    changed = apply_changes(service, {k: data[k] for k in SERVICE_FIELDS if k in data})
    errors = {}
    if (
        service.minimum_age is not None
        and service.maximum_age is not None
        and service.minimum_age > service.maximum_age
    ):
        errors["maximum_age"] = [_("The maximum age is below the minimum age.")]
    if locations is not None and any(loc.organization_id != organization.pk for loc in locations):
        errors["locations"] = [_("Choose locations of this organisation.")]
    if errors:
        raise ValidationError(errors)
    _validated(service, exclude=["organization"])
    with transaction.atomic():
        service.save()
        if categories is not None:
            before = set(service.categories.values_list("pk", flat=True))
            service.categories.set(categories)
            if before != {c.pk for c in categories}:
                changed.append("categories")
        if languages is not None:
            codes = parse_languages(languages)
            if sorted(codes) != sorted(service.languages.values_list("code", flat=True)):
                service.languages.all().delete()
                ServiceLanguage.objects.bulk_create(
                    ServiceLanguage(service=service, code=code) for code in codes
                )
                changed.append("languages")
        if hours is not None:
            rows = parse_hours(hours) if isinstance(hours, str) else hours
            current = [(s.weekday, s.opens_at, s.closes_at) for s in service.schedules.all()]
            wanted = [(r["weekday"], r["opens_at"], r["closes_at"]) for r in rows]
            if sorted(current) != sorted(wanted):
                service.schedules.all().delete()
                Schedule.objects.bulk_create(Schedule(service=service, **row) for row in rows)
                changed.append("hours")
        if locations is not None:
            wanted = {loc.pk for loc in locations}
            current = set(service.at_locations.values_list("location_id", flat=True))
            if wanted != current:
                service.at_locations.exclude(location_id__in=wanted).delete()
                ServiceAtLocation.objects.bulk_create(
                    ServiceAtLocation(service=service, location_id=pk) for pk in wanted - current
                )
                changed.append("locations")
        audit.record(
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            obj=service,
            agency_id=agency_id,
            data={"fields": sorted(changed)},
        )
    return service


def term_save(*, actor, data: dict, term: TaxonomyTerm | None = None) -> TaxonomyTerm:
    agency_id = _require_curator(actor)
    creating = term is None
    term = term or TaxonomyTerm()
    changed = apply_changes(
        term, {k: data[k] for k in ("code", "name", "description", "parent") if k in data}
    )
    try:
        term.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    with transaction.atomic():
        _save(actor, term, agency_id, creating, changed)
    return term


# --- provider staff ------------------------------------------------------------------------------


def provider_staff_add(*, actor, organization: Organization, data: dict) -> ProviderStaff:
    """Create a sign-in for a provider's staff member (no agency membership: they only ever see
    referrals sent to their organisation)."""
    agency_id = _require_curator(actor, organization)
    User = get_user_model()
    username = (data.get("username") or "").strip()
    errors = {}
    if not username:
        errors["username"] = [_("Enter a username.")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This username is taken.")]
    user = User(
        username=username,
        email=(data.get("email") or "").strip(),
        first_name=(data.get("first_name") or "").strip()[:150],
        last_name=(data.get("last_name") or "").strip()[:150],
    )
    try:
        validate_password(data.get("password") or "", user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(data["password"])
    with transaction.atomic():
        user.save()
        staff = ProviderStaff.objects.create(user=user, organization=organization)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=staff,
            agency_id=agency_id,
            data={"user": str(user.pk), "organization": str(organization.pk)},
        )
    return staff


def provider_staff_set_active(*, actor, staff: ProviderStaff, active: bool) -> ProviderStaff:
    agency_id = _require_curator(actor, staff.organization)
    if staff.is_active == active:
        return staff
    with transaction.atomic():
        staff.is_active = active
        staff.save(update_fields=["is_active", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=staff,
            agency_id=agency_id,
            data={"fields": ["is_active"], "is_active": active},
        )
    return staff


# --- import --------------------------------------------------------------------------------------


def directory_import(*, actor, tables: dict, agency_id=None, from_csv: bool = True):
    """Validate every row of an HSDS dataset, then write all of it or nothing.

    Returns an :class:`casebridge.directory.hsds.ImportResult`; with errors nothing is written.
    ``actor`` None (management command) needs ``agency_id``."""
    from casebridge.directory import hsds

    if actor is not None:
        agency_id = _require_curator(actor)
    return hsds.import_tables(actor=actor, tables=tables, agency_id=agency_id, from_csv=from_csv)
