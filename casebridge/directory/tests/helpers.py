"""Directory fixtures shared by the directory and referral tests."""

from datetime import time
from decimal import Decimal

from django.contrib.auth import get_user_model

from casebridge.directory.models import (
    Location,
    Organization,
    ProviderStaff,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    TaxonomyTerm,
)
from tests.factories import password_hash


def provider(
    name="Harbor Housing",
    *,
    agency=None,
    email="intake@harbor.example",
    lat="40.7128",
    lon="-74.0060",
    postal="10001",
    category=None,
    staff_username=None,
):
    org = Organization.objects.create(
        name=name, description=f"{name} helps people.", email=email, curated_by=agency
    )
    location = Location.objects.create(
        organization=org,
        name=f"{name} office",
        address_1="1 Main St",
        city="New York",
        state_province="NY",
        postal_code=postal,
        latitude=Decimal(lat),
        longitude=Decimal(lon),
    )
    service = Service.objects.create(
        organization=org,
        name=f"{name} service",
        description="Rapid rehousing and tenancy support.",
        eligibility_description="Adults experiencing homelessness.",
        minimum_age=18,
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    ServiceLanguage.objects.create(service=service, code="es")
    for day in range(5):
        Schedule.objects.create(
            service=service, weekday=day, opens_at=time(9, 0), closes_at=time(17, 0)
        )
    if category:
        term, _ = TaxonomyTerm.objects.get_or_create(code=category, defaults={"name": category})
        service.categories.add(term)
    user = None
    if staff_username:
        user = get_user_model().objects.create(
            username=staff_username, password=password_hash(), email=f"{staff_username}@x.example"
        )
        ProviderStaff.objects.create(user=user, organization=org)
    return {"org": org, "location": location, "service": service, "user": user}
