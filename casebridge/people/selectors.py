"""Reads about people, always through the access policy."""

from datetime import date

from django.db.models import Case, IntegerField, Prefetch, Q, Value, When

from casebridge.core import audit
from casebridge.core.access import policy
from casebridge.core.errors import NotVisible
from casebridge.core.fields import blind_index
from casebridge.enrollments.models import Enrollment
from casebridge.people.models import Person, Relationship, search_key


def _by_reference(query: str, hidden: frozenset) -> list:
    """Protected persons whose short reference ("#1a2b3c4d") is the query."""
    ref = query.strip().lstrip("#").lower()
    if len(ref) < 8 or any(ch not in "0123456789abcdef-" for ch in ref):
        return []
    return sorted((pk for pk in hidden if str(pk).startswith(ref)), key=str)


def person_search(*, user, query: str = "", date_of_birth: date | None = None):
    """Visible people whose names contain every word of ``query`` (accent-insensitive).

    Persons whose identity is hidden from ``user`` never match by name or birth date (that
    would reveal who they are), only by their short reference, and are listed after everyone
    else (sorted by name they would show where their name falls)."""
    people = Person.objects.visible_to(user)
    hidden = policy.hidden_person_ids(user)
    q = Q()
    words = search_key(query).split()[:5]
    for word in words:
        q &= Q(search_key__contains=word)
    if date_of_birth:
        q &= Q(date_of_birth=date_of_birth)
    if hidden and (words or date_of_birth):
        q &= ~Q(pk__in=sorted(hidden, key=str))
        refs = _by_reference(query, hidden)
        if refs:
            q |= Q(pk__in=refs)
    if q:
        people = people.filter(q)
    return ordered_by_name(people, user=user)


def ordered_by_name(queryset, *, user, person: str = ""):
    """Order by the person's name, with those whose identity is hidden from ``user`` last (in
    a list sorted by name, their place would say where their name falls)."""
    prefix = f"{person}__" if person else ""
    order = [f"{prefix}legal_last_name", f"{prefix}legal_first_name", "id"]
    hidden = policy.hidden_person_ids(user)
    if hidden:
        queryset = queryset.annotate(
            identity_hidden_=Case(
                When(**{f"{prefix}pk__in": sorted(hidden, key=str)}, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        order.insert(0, "identity_hidden_")
    return queryset.order_by(*order)


def _duplicate_q(*, last_name: str, date_of_birth, ssn: str) -> Q:
    q = Q()
    if ssn:
        q |= Q(ssn_digest=blind_index(ssn))
    if last_name and date_of_birth:
        q |= Q(search_key__contains=search_key(last_name), date_of_birth=date_of_birth)
    return q


def duplicate_check(
    *, user, first_name: str, last_name: str, date_of_birth=None, ssn: str = ""
) -> tuple[list, bool]:
    """Visible people who may be the same person (same SSN, or same last name and birth date),
    and whether a record whose identity is hidden from ``user`` also matches (one query).

    A protected record is never listed, not even as a placeholder: staff are told to ask the
    privacy officer or the program, who can check without revealing the person."""
    q = _duplicate_q(last_name=last_name, date_of_birth=date_of_birth, ssn=ssn)
    if not q:
        return [], False
    hidden = policy.hidden_person_ids(user)
    found = list(Person.objects.visible_to(user).filter(q).order_by("legal_last_name")[:10])
    matches = [p for p in found if p.pk not in hidden]
    return matches, len(matches) < len(found)


def possible_duplicates(
    *, user, first_name: str, last_name: str, date_of_birth=None, ssn: str = ""
) -> list:
    """The matches of :func:`duplicate_check` (protected records left out)."""
    matches, _protected = duplicate_check(
        user=user,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        ssn=ssn,
    )
    return matches


def person_get(*, user, person_id) -> Person:
    """One visible person, without recording a view (for writes that re-check access)."""
    try:
        return Person.objects.visible_to(user).get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc


def person_face_sheet(*, user, person_id, reason: str = "") -> Person:
    """The person with what their face sheet shows; records that ``user`` viewed them."""
    enrollments = (
        Enrollment.objects.visible_to(user)
        .select_related("program", "primary_case_manager", "team")
        .prefetch_related("care_team")
        .order_by("-referral_date")
    )
    try:
        person = (
            Person.objects.visible_to(user)
            .select_related("agency")
            .prefetch_related(
                Prefetch("enrollments", queryset=enrollments, to_attr="visible_enrollments"),
                Prefetch("relationships", queryset=Relationship.objects.visible_to(user)),
            )
            .get(pk=person_id)
        )
    except (Person.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc
    audit.record_view(
        actor=user, obj=person, person=person, agency_id=person.agency_id, reason=reason
    )
    return person
