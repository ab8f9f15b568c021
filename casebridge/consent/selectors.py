"""Consent reads, emergency lookup and the accounting of disclosures."""

from django.db.models import Q

from casebridge.consent.models import ConsentDirective
from casebridge.core import clock
from casebridge.core.access import policy
from casebridge.core.errors import NotVisible
from casebridge.core.models import AuditAction, AuditEvent
from casebridge.people.models import Person, search_key


def consents_of(*, user, person):
    return (
        ConsentDirective.objects.visible_to(user)
        .filter(person=person)
        .select_related("recipient_agency", "recipient_program", "recorded_by")
        .prefetch_related("items")
        .order_by("-created_at")
    )


def consent_get(*, user, directive_id) -> ConsentDirective:
    try:
        return (
            ConsentDirective.objects.visible_to(user)
            .select_related("person", "recipient_agency")
            .get(pk=directive_id)
        )
    except (ConsentDirective.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc


def emergency_lookup(*, last_name: str, date_of_birth, user=None):
    """Exact last name and birth date across every agency, for break-the-glass only: names,
    birth date and the holding agency, nothing else (at most 5). Persons whose identity is
    hidden from ``user`` never match: the search would confirm who and where they are."""
    key = search_key(last_name).strip()
    if not key or date_of_birth is None:
        return Person.objects.none()
    hidden = policy.hidden_person_ids(user)
    return (
        Person.objects.filter(date_of_birth=date_of_birth, search_key__contains=key)
        .exclude(pk__in=sorted(hidden, key=str))
        .select_related("agency")
        .only(
            "id",
            "legal_first_name",
            "legal_last_name",
            "preferred_name",
            "date_of_birth",
            "agency__name",
        )
        .order_by("legal_last_name")[:5]
    )


def disclosures(*, person):
    """Who outside the holding agency viewed the record, emergency access, and consent changes:
    the accounting of disclosures the person may ask for."""
    outside = Q(action__in=[AuditAction.VIEW, AuditAction.EXPORT]) & ~Q(
        actor__memberships__agency_id=person.agency_id
    )
    return (
        AuditEvent.objects.filter(person_id=person.pk)
        .filter(
            outside | Q(action=AuditAction.BREAK_GLASS) | Q(object_type="consent.consentdirective")
        )
        .select_related("actor")
        .order_by("-occurred_at")
    )


def state_of(directive) -> str:
    return directive.state(clock.today())
