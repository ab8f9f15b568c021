"""Referral reads. The sending agency's through the access policy; the provider's through
``provider_referrals``, scoped to the organisations the user is staff of."""

import statistics
from collections import defaultdict

from django.db.models import Prefetch

from casebridge.accounts.models import Role
from casebridge.core import audit
from casebridge.core.access import principal_for
from casebridge.core.errors import NotVisible
from casebridge.directory.models import TaxonomyTerm
from casebridge.directory.selectors import provider_organization_ids
from casebridge.referrals.models import (
    CLOSED_LOOP,
    ReferralStatus,
    ServiceReferral,
    ServiceReferralEvent,
)

S = ReferralStatus
# Roles that see their agency's referral numbers (aggregates only, no client data).
METRICS_ROLES = {Role.AGENCY_ADMIN, Role.PROGRAM_MANAGER, Role.DATA_ANALYST, Role.SUPERVISOR}


def _events():
    return Prefetch(
        "events", queryset=ServiceReferralEvent.objects.select_related("actor").order_by("at", "id")
    )


def person_referrals(*, user, person):
    return (
        ServiceReferral.objects.visible_to(user)
        .filter(person=person)
        .select_related("service", "organization")
        .order_by("-created_at")
    )


def referral_get(*, user, referral_id, record_view: bool = True) -> ServiceReferral:
    try:
        referral = (
            ServiceReferral.objects.visible_to(user)
            .select_related("person", "service", "organization", "goal", "created_by")
            .prefetch_related(_events(), "links")
            .get(pk=referral_id)
        )
    except (ServiceReferral.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc
    if record_view:
        audit.record_view(
            actor=user, obj=referral, person=referral.person_id, agency_id=referral.agency_id
        )
    return referral


# --- provider side -----------------------------------------------------------------------------

# What a provider's page may read: never the person, only the shared snapshot.
PROVIDER_FIELDS = [
    "id",
    "person",  # never shown to the provider; tells whether the person's identity is protected
    "status",
    "urgency",
    "shared",
    "sent_at",
    "received_at",
    "accepted_at",
    "started_at",
    "completed_at",
    "closed_at",
    "decline_reason",
    "outcome",
    "created_at",
    "updated_at",
    "organization_id",
    "service__id",
    "service__name",
    "agency__id",
    "agency__name",
]


def provider_referrals(*, user, status: str = ""):
    """Referrals sent (not drafts) to the organisations ``user`` is active staff of."""
    orgs = provider_organization_ids(user)
    if not orgs:
        return ServiceReferral.objects.none()
    rows = (
        ServiceReferral.objects.filter(organization_id__in=orgs)
        .exclude(status=S.DRAFT)
        .select_related("service", "agency")
        .only(*PROVIDER_FIELDS)
        .order_by("-sent_at")
    )
    if status:
        rows = rows.filter(status=status)
    return rows


def provider_referral_get(*, user, referral_id) -> ServiceReferral:
    try:
        return (
            provider_referrals(user=user)
            .prefetch_related(
                Prefetch(
                    "events",
                    queryset=ServiceReferralEvent.objects.only(
                        "id", "referral_id", "at", "actor_kind", "from_status", "to_status", "note"
                    ).order_by("at", "id"),
                )
            )
            .get(pk=referral_id)
        )
    except (ServiceReferral.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc


def is_provider(user) -> bool:
    return bool(provider_organization_ids(user))


# --- metrics -----------------------------------------------------------------------------------


def _metric_rows(user):
    principal = principal_for(user)
    agencies = {g.agency_id for g in principal.grants if g.role in METRICS_ROLES}
    visible = ServiceReferral.objects.visible_to(user)
    if agencies:
        visible = visible | ServiceReferral.objects.filter(agency_id__in=agencies)
    return visible.exclude(status=S.DRAFT)


def _days(start, end):
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 86400


def _summary(rows) -> dict:
    counts = defaultdict(int)
    to_accept, to_complete = [], []
    closed = denominator = 0
    for row in rows:
        counts[row["status"]] += 1
        if row["status"] != S.CANCELLED:
            denominator += 1
            closed += row["status"] in CLOSED_LOOP
        days = _days(row["sent_at"], row["accepted_at"])
        if days is not None:
            to_accept.append(days)
        days = _days(row["sent_at"], row["completed_at"])
        if days is not None:
            to_complete.append(days)
    return {
        "total": sum(counts.values()),
        "by_status": [
            (status, label, counts.get(status, 0))
            for status, label in S.choices
            if status != S.DRAFT
        ],
        "median_days_to_acceptance": round(statistics.median(to_accept), 1) if to_accept else None,
        "median_days_to_completion": (
            round(statistics.median(to_complete), 1) if to_complete else None
        ),
        "loop_closure_rate": round(closed / denominator, 3) if denominator else None,
    }


def referral_metrics(*, user) -> dict:
    """Referrals by status, median days from sending to acceptance and to completion, and the
    share whose loop closed (completed, declined or did not attend; cancelled ones left out),
    overall, by provider and by service category."""
    rows = list(
        _metric_rows(user).values(
            "id",
            "status",
            "sent_at",
            "accepted_at",
            "completed_at",
            "organization_id",
            "organization__name",
            "service_id",
        )
    )
    by_provider = defaultdict(list)
    for row in rows:
        by_provider[(row["organization_id"], row["organization__name"])].append(row)
    categories = defaultdict(set)
    through = TaxonomyTerm.services.through.objects.filter(
        service_id__in={row["service_id"] for row in rows}
    ).values_list("service_id", "taxonomyterm__name")
    for service_id, name in through:
        categories[service_id].add(name)
    by_category = defaultdict(list)
    for row in rows:
        for name in categories.get(row["service_id"]) or {""}:
            by_category[name].append(row)
    return {
        "overall": _summary(rows),
        "by_provider": sorted(
            (
                {"id": key[0], "name": key[1], **_summary(group)}
                for key, group in by_provider.items()
            ),
            key=lambda item: item["name"],
        ),
        "by_category": sorted(
            ({"name": name, **_summary(group)} for name, group in by_category.items()),
            key=lambda item: (item["name"] == "", item["name"]),
        ),
    }
