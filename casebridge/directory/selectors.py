"""Directory reads: search (text, category, language, open now, distance, age), service detail.

The directory is reference data: any signed-in user may read it, so these selectors take no
``user`` (views still require sign-in)."""

import math
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Avg, Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone

from casebridge.core import clock
from casebridge.core.errors import NotVisible
from casebridge.directory.models import (
    Location,
    Organization,
    ProviderStaff,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)

EARTH_KM = 6371.0088
MAX_DISTANCE_CANDIDATES = 500


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    lat1, lon1, lat2, lon2 = (math.radians(float(v)) for v in (lat1, lon1, lat2, lon2))
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) containing every point within ``km`` of the origin."""
    dlat = math.degrees(km / EARTH_KM)
    cos_lat = max(math.cos(math.radians(lat)), 0.01)
    dlon = min(math.degrees(km / (EARTH_KM * cos_lat)), 180.0)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def _local(when: datetime | None = None) -> datetime:
    """``when`` in the agency time zone (settings.TIME_ZONE: one zone per deployment)."""
    return timezone.localtime(when or clock.now())


def open_now_q(when: datetime | None = None) -> Q:
    """Services with an opening window around ``when`` (SQL, works on SQLite and PostgreSQL)."""
    local = _local(when)
    day, now = local.weekday(), local.time().replace(microsecond=0)
    yesterday = (day - 1) % 7
    overnight = Q(closes_at__lt=F("opens_at"))
    windows = Schedule.objects.filter(service_id=OuterRef("pk")).filter(
        Q(weekday=day, opens_at__lte=now) & (Q(closes_at__gt=now) | overnight)
        | Q(weekday=yesterday, closes_at__gt=now) & overnight
    )
    return Q(Exists(windows))


def is_open(schedules, when: datetime | None = None) -> bool:
    """The same rule as :func:`open_now_q`, over already-loaded schedules (detail pages)."""
    local = _local(when)
    day, now = local.weekday(), local.time()
    for s in schedules:
        overnight = s.closes_at < s.opens_at
        if s.weekday == day and s.opens_at <= now and (now < s.closes_at or overnight):
            return True
        if s.weekday == (day - 1) % 7 and overnight and now < s.closes_at:
            return True
    return False


@dataclass
class SearchQuery:
    text: str = ""
    category: str = ""  # taxonomy term code; its child terms count too
    language: str = ""  # ISO 639 code
    open_now: bool = False
    latitude: float | None = None
    longitude: float | None = None
    within_km: float | None = None
    age: int | None = None
    include_closed: bool = False


@dataclass
class Hit:
    service: Service
    distance_km: float | None = None
    hints: list = field(default_factory=list)


def _base():
    return Service.objects.select_related("organization").prefetch_related(
        "categories",
        "languages",
        "schedules",
        Prefetch("locations", queryset=Location.objects.order_by("name")),
    )


def service_search(query: SearchQuery, *, when: datetime | None = None, limit: int = 200):
    """Matching services as :class:`Hit` s, nearest first when an origin is given."""
    services = _base().filter(organization__is_active=True)
    if not query.include_closed:
        services = services.filter(status=ServiceStatus.ACTIVE)
    text = (query.text or "").strip()
    if text:
        for word in text.split()[:6]:
            services = services.filter(
                Q(name__icontains=word)
                | Q(alternate_name__icontains=word)
                | Q(description__icontains=word)
                | Q(organization__name__icontains=word)
            )
    if query.category:
        codes = [
            query.category,
            *TaxonomyTerm.objects.filter(parent__code=query.category).values_list(
                "code", flat=True
            ),
        ]
        services = services.filter(
            Exists(
                Service.categories.through.objects.filter(
                    service_id=OuterRef("pk"), taxonomyterm__code__in=codes
                )
            )
        )
    if query.language:
        services = services.filter(languages__code__iexact=query.language.strip())
    if query.open_now:
        services = services.filter(open_now_q(when))
    if query.age is not None:
        services = services.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=query.age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=query.age),
        )
    origin = query.latitude is not None and query.longitude is not None
    if origin and query.within_km:
        min_lat, max_lat, min_lon, max_lon = bounding_box(
            query.latitude, query.longitude, query.within_km
        )
        services = services.filter(
            Exists(
                ServiceAtLocation.objects.filter(
                    service_id=OuterRef("pk"),
                    location__latitude__range=(Decimal(str(min_lat)), Decimal(str(max_lat))),
                    location__longitude__range=(Decimal(str(min_lon)), Decimal(str(max_lon))),
                )
            )
        )
    services = services.distinct().order_by("name")
    if not origin:
        return [Hit(service) for service in services[:limit]]
    hits = []
    for service in services[:MAX_DISTANCE_CANDIDATES]:
        distances = [
            haversine_km(query.latitude, query.longitude, loc.latitude, loc.longitude)
            for loc in service.locations.all()
            if loc.latitude is not None and loc.longitude is not None
        ]
        nearest = min(distances) if distances else None
        if query.within_km and (nearest is None or nearest > query.within_km):
            continue
        hits.append(Hit(service, nearest))
    hits.sort(key=lambda h: (h.distance_km is None, h.distance_km or 0, h.service.name))
    return hits[:limit]


def origin_for_person(person) -> tuple[float, float] | None:
    """Coordinates for the person's address without a geocoder: the centre of the directory's
    locations in the same postal code (demo data has coordinates on every location)."""
    code = (getattr(person, "postal_code", "") or "").strip()
    if not code:
        return None
    centre = Location.objects.filter(
        postal_code=code, latitude__isnull=False, longitude__isnull=False
    ).aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    if centre["lat"] is None:
        return None
    return float(centre["lat"]), float(centre["lon"])


def age_on(date_of_birth, today=None) -> int | None:
    if date_of_birth is None:
        return None
    today = today or clock.today()
    return (
        today.year
        - date_of_birth.year
        - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
    )


def eligibility_hints(service: Service, *, age: int | None = None, language: str = "") -> list:
    """Short notes for the person's case manager: age range, language, capacity."""
    from django.utils.translation import gettext as _

    hints = []
    if age is not None and (
        (service.minimum_age is not None and age < service.minimum_age)
        or (service.maximum_age is not None and age > service.maximum_age)
    ):
        hints.append(_("Outside the age range (%(range)s)") % {"range": service.age_range()})
    elif age is not None and service.age_range():
        hints.append(_("Age fits (%(range)s)") % {"range": service.age_range()})
    codes = {lang.code.lower() for lang in service.languages.all()}
    if language and codes and language.lower()[:2] not in {c[:2] for c in codes}:
        hints.append(_("Does not list the person's language"))
    if service.capacity_status != "open":
        hints.append(service.get_capacity_status_display())
    return hints


def service_get(*, service_id) -> Service:
    try:
        return _base().prefetch_related("at_locations__location").get(pk=service_id)
    except (Service.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc


def categories():
    return TaxonomyTerm.objects.order_by("name")


def organizations_for_curation(*, agency_ids):
    return (
        Organization.objects.filter(Q(curated_by_id__in=agency_ids) | Q(curated_by__isnull=True))
        .prefetch_related("services", "locations")
        .order_by("name")
    )


def organization_get(*, organization_id) -> Organization:
    try:
        return Organization.objects.get(pk=organization_id)
    except (Organization.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc


def provider_organization_ids(user) -> list:
    """Organisations whose referral inbox ``user`` works (empty for agency staff)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_casebridge_provider_orgs", None)
    if cached is None:
        cached = list(
            ProviderStaff.objects.filter(
                user=user, is_active=True, organization__is_active=True
            ).values_list("organization_id", flat=True)
        )
        user._casebridge_provider_orgs = cached
    return cached
