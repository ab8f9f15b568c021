"""Writes about people. Each runs in one transaction with its audit event."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casebridge.accounts.models import Role
from casebridge.core import audit, clock
from casebridge.core.access import policy, principal_for
from casebridge.core.errors import LockedError
from casebridge.core.fields import blind_index
from casebridge.core.models import AuditAction
from casebridge.core.services import apply_changes
from casebridge.people.models import Person, Relationship

WRITER_ROLES = (
    Role.INTAKE_WORKER,
    Role.CASE_MANAGER,
    Role.SUPERVISOR,
    Role.PROGRAM_MANAGER,
    Role.AGENCY_ADMIN,
)
PERSON_FIELDS = (
    "legal_first_name",
    "legal_middle_name",
    "legal_last_name",
    "preferred_name",
    "date_of_birth",
    "dob_data_quality",
    "sex",
    "gender_identity",
    "pronouns",
    "primary_language",
    "other_languages",
    "interpreter_needed",
    "phone",
    "email",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "ssn",
    "ssn_data_quality",
    "medicaid_id",
    "strengths",
)
SENSITIVE_FIELDS = {"ssn", "medicaid_id"}


def _validate_person(person: Person) -> None:
    errors: dict[str, list[str]] = {}
    try:
        person.full_clean(exclude=["agency", "created_by"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    dob = person.date_of_birth
    if isinstance(dob, date):
        if dob > clock.today():
            errors.setdefault("date_of_birth", []).append(
                _("Date of birth cannot be in the future.")
            )
        elif dob.year < 1900:
            errors.setdefault("date_of_birth", []).append(_("Date of birth must be after 1900."))
    for name in ("legal_first_name", "legal_last_name"):
        value = getattr(person, name)
        if isinstance(value, str) and value and not value.strip():
            errors.setdefault(name, []).append(_("This field cannot be only spaces."))
    if errors:
        raise ValidationError(errors)


def _clean_strings(fields: dict) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}


def _writer_agency(actor, agency=None):
    principal = principal_for(actor)
    agencies = [g.agency_id for g in principal.grants if g.role in WRITER_ROLES]
    if not agencies:
        raise PermissionDenied(_("Your role does not allow recording people."))
    if agency is not None:
        if agency.pk not in agencies:
            raise PermissionDenied(_("You do not work for that agency."))
        return agency.pk
    return agencies[0]


def _require_identity(actor, person: Person) -> None:
    """A record whose identity is hidden from the actor cannot be changed by them: they would
    be editing placeholders (and could learn the person from what they are asked to confirm)."""
    if person.pk in policy.hidden_person_ids(actor):
        raise PermissionDenied(
            _(
                "This person's identity is protected: only their program team can change their "
                "details."
            )
        )


def person_require_identified(person: Person) -> None:
    """Refuse any change to a record the retention job de-identified (LockedError: API 409).

    Its identity is gone on purpose: editing it, or adding supports, enrollments or contacts,
    would put identity (or new personal data) back into a record that should hold none."""
    if person.deidentified_at is not None:
        raise LockedError(
            _(
                "This record was de-identified under the retention policy and can no longer "
                "be changed."
            )
        )


def person_create(*, actor, agency=None, **fields) -> Person:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    person = Person(
        agency_id=_writer_agency(actor, agency), created_by=actor, **_clean_strings(fields)
    )
    _validate_person(person)
    person.refresh_search_key()
    person.ssn_digest = blind_index(person.ssn) if person.ssn else ""
    with transaction.atomic():
        person.save(force_insert=True)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=person,
            person=person,
            agency_id=person.agency_id,
        )
    return person


def person_update(*, actor, person: Person, **fields) -> Person:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You cannot change this person's record."))
    _writer_agency(actor)
    _require_identity(actor, person)
    person_require_identified(person)
    changed = apply_changes(person, _clean_strings(fields))
    if not changed:
        return person
    _validate_person(person)
    person.refresh_search_key()
    if "ssn" in changed:
        person.ssn_digest = blind_index(person.ssn) if person.ssn else ""
    with transaction.atomic():
        person.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=person,
            person=person,
            agency_id=person.agency_id,
            data={"fields": sorted(changed)},
        )
    return person


RELATIONSHIP_FIELDS = (
    "name",
    "relationship",
    "is_household_member",
    "is_natural_support",
    "phone",
    "notes",
)


def relationship_add(*, actor, person: Person, **fields) -> Relationship:
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You cannot change this person's record."))
    _writer_agency(actor)
    _require_identity(actor, person)
    person_require_identified(person)
    unknown = set(fields) - set(RELATIONSHIP_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    relationship = Relationship(person=person, **_clean_strings(fields))
    relationship.full_clean(exclude=["person"])
    with transaction.atomic():
        relationship.save(force_insert=True)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=relationship,
            person=person,
            agency_id=person.agency_id,
        )
    return relationship


def relationship_remove(*, actor, relationship: Relationship) -> None:
    person = relationship.person
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You cannot change this person's record."))
    _writer_agency(actor)
    _require_identity(actor, person)
    person_require_identified(person)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=relationship,
            person=person,
            agency_id=person.agency_id,
        )
        relationship.delete()
