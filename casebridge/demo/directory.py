"""A small service directory for the demo, and one provider staff login (pat.provider)."""

from datetime import time
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from casebridge.accounts.models import User
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

PROVIDER_USERNAME = "pat.provider"
# (organisation, address, postal code, lat, lon, [(service, category, description,
#   eligibility, languages, minimum age, weekdays, opens, closes)])
DIRECTORY = [
    (
        "Harbor Housing Partners",
        "210 Water St",
        "10038",
        "40.7075",
        "-74.0021",
        [
            (
                "Rapid rehousing",
                "housing",
                "Help finding and keeping an apartment, with short-term rent support.",
                "Adults experiencing homelessness.",
                ["es"],
                18,
                range(5),
                time(9),
                time(17),
            ),
            (
                "Tenancy sustainment",
                "housing",
                "Visits and advocacy to prevent eviction.",
                "Tenants at risk of eviction.",
                ["es", "zh"],
                18,
                range(5),
                time(10),
                time(18),
            ),
        ],
    ),
    (
        "Eastside Community Health Center",
        "45 Avenue B",
        "10009",
        "40.7237",
        "-73.9825",
        [
            (
                "Primary care walk-in",
                "health",
                "Same-day primary care, no insurance needed.",
                "Everyone; sliding-scale fees.",
                ["es", "bn"],
                0,
                range(6),
                time(8),
                time(20),
            ),
            (
                "Outpatient substance-use treatment",
                "substance_use",
                "Counselling, medication for opioid use disorder, peer support.",
                "Adults; no referral needed.",
                ["es"],
                18,
                range(5),
                time(9),
                time(19),
            ),
        ],
    ),
    (
        "City Food Network",
        "500 Grand St",
        "10002",
        "40.7145",
        "-73.9860",
        [
            (
                "Community food pantry",
                "food",
                "Weekly groceries and hot meals on Fridays.",
                "Anyone in need.",
                ["es", "zh", "ru"],
                0,
                range(7),
                time(11),
                time(15),
            ),
        ],
    ),
    (
        "Legal Aid Society (Lower Manhattan)",
        "199 Water St",
        "10038",
        "40.7069",
        "-74.0035",
        [
            (
                "Housing court defence",
                "legal",
                "Free lawyers for tenants facing eviction.",
                "Low-income tenants.",
                ["es"],
                18,
                range(5),
                time(9),
                time(17),
            ),
        ],
    ),
]
CATEGORY_NAMES = {
    "housing": "Housing",
    "health": "Health care",
    "substance_use": "Substance-use treatment",
    "food": "Food",
    "legal": "Legal help",
}


def build_directory(agency) -> int:
    """Organisations, locations, services and one provider login; returns services created."""
    terms = {
        code: TaxonomyTerm.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in CATEGORY_NAMES.items()
    }
    created = 0
    for index, (name, street, postal, lat, lon, services) in enumerate(DIRECTORY):
        org = Organization.objects.create(
            name=name,
            description=f"{name} serves people across Lower Manhattan.",
            email=f"intake@{name.split()[0].lower()}.example.org",
            curated_by=agency,
        )
        location = Location.objects.create(
            organization=org,
            name=f"{name} — main site",
            address_1=street,
            city="New York",
            state_province="NY",
            postal_code=postal,
            latitude=Decimal(lat),
            longitude=Decimal(lon),
        )
        for (
            title,
            category,
            description,
            eligibility,
            languages,
            age,
            days,
            opens,
            closes,
        ) in services:
            service = Service.objects.create(
                organization=org,
                name=title,
                description=description,
                eligibility_description=eligibility,
                minimum_age=age or None,
            )
            ServiceAtLocation.objects.create(service=service, location=location)
            service.categories.add(terms[category])
            for code in languages:
                ServiceLanguage.objects.create(service=service, code=code)
            Schedule.objects.bulk_create(
                Schedule(service=service, weekday=day, opens_at=opens, closes_at=closes)
                for day in days
            )
            created += 1
        if index == 0:
            user = User.objects.create(
                username=PROVIDER_USERNAME,
                first_name="Pat",
                last_name="Rivera",
                email="pat.provider@harbor.example.org",
                password=make_password("casebridge-demo"),
            )
            ProviderStaff.objects.create(user=user, organization=org)
    return created


def build_referrals(case_manager_username: str = "maria.cm", count: int = 3) -> int:
    """A few referrals from the main demo case manager to the demo provider's first service,
    sent through the real services (so the provider's inbox has work)."""
    from casebridge.enrollments.models import Enrollment, EnrollmentStatus
    from casebridge.referrals.services import referral_create, referral_send

    user = User.objects.filter(username=case_manager_username).first()
    service = Service.objects.filter(organization__staff__user__username=PROVIDER_USERNAME).first()
    if user is None or service is None:
        return 0
    enrollments = Enrollment.objects.filter(
        primary_case_manager=user, status=EnrollmentStatus.ACTIVE
    ).select_related("person")[:count]
    sent = 0
    for enrollment in enrollments:
        referral = referral_create(
            actor=user,
            person=enrollment.person,
            service=service,
            reason="Needs help finding an apartment; has a housing voucher.",
            share_fields=["name", "phone"],
        )
        referral_send(actor=user, referral=referral, consent_confirmed=True)
        sent += 1
    return sent
