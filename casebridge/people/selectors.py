"""Reads about people, always through the access policy."""

from datetime import date

from django.db.models import Prefetch, Q

from casebridge.core import audit
from casebridge.core.errors import NotVisible
from casebridge.core.fields import blind_index
from casebridge.enrollments.models import Enrollment
from casebridge.people.models import Person, Relationship, search_key


def person_search(*, user, query: str = "", date_of_birth: date | None = None):
    """Visible people whose names contain every word of ``query`` (accent-insensitive)."""
    people = Person.objects.visible_to(user)
    for word in search_key(query).split()[:5]:
        people = people.filter(search_key__contains=word)
    if date_of_birth:
        people = people.filter(date_of_birth=date_of_birth)
    return people.order_by("legal_last_name", "legal_first_name", "id")


def possible_duplicates(
    *, user, first_name: str, last_name: str, date_of_birth=None, ssn: str = ""
):
    """Visible people who may be the same person: same SSN, or same last name and birth date."""
    q = Q()
    if ssn:
        q |= Q(ssn_digest=blind_index(ssn))
    if last_name and date_of_birth:
        q |= Q(search_key__contains=search_key(last_name), date_of_birth=date_of_birth)
    if not q:
        return Person.objects.none()
    return Person.objects.visible_to(user).filter(q).order_by("legal_last_name")[:10]


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
