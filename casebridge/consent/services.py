"""Consent writes (record, revoke) and emergency access, each audited."""

from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from casebridge.accounts.models import Agency, Membership, Program, Role
from casebridge.consent.access import CARE
from casebridge.consent.models import (
    BreakGlass,
    Category,
    ConsentDirective,
    ConsentItem,
    ConsentStatus,
    Evidence,
    Purpose,
)
from casebridge.core import audit, clock
from casebridge.core.access import principal_for
from casebridge.core.models import AuditAction
from casebridge.core.uploads import check_upload
from casebridge.people.models import Person
from casebridge.tasks.services import notify

BREAK_GLASS_MINUTES = 240
MAX_PERIOD_DAYS = 366 * 3


def _owning_agency(actor, person: Person):
    """Consent is recorded by care staff of the agency that holds the person's record."""
    principal = principal_for(actor)
    if not principal.has_role(*CARE, agency_id=person.agency_id):
        raise PermissionDenied(_("Only care staff of the agency holding the record can do this."))
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You cannot see this person."))
    return person.agency_id


def consent_record(
    *, actor, person: Person, data: dict, categories: list[str], evidence_file=None
) -> ConsentDirective:
    """Record what the person agreed to share, with whom, why and until when."""
    agency_id = _owning_agency(actor, person)
    errors = {}
    recipient = data.get("recipient_agency")
    if not isinstance(recipient, Agency) or not recipient.is_active:
        errors["recipient_agency"] = [_("Choose the agency to share with.")]
    elif recipient.pk == agency_id:
        errors["recipient_agency"] = [_("Your own agency needs no consent: choose another one.")]
    program = data.get("recipient_program")
    if program is not None and (
        not isinstance(program, Program) or program.agency_id != getattr(recipient, "pk", None)
    ):
        errors["recipient_program"] = [_("Choose a program of the agency you share with.")]
    chosen = sorted(set(categories or []))
    if set(chosen) - set(Category.values):
        errors["categories"] = [_("Choose categories from the list.")]
    elif not chosen:
        errors["categories"] = [_("Choose what may be shared.")]
    if data.get("purpose") not in Purpose.values:
        errors["purpose"] = [_("Choose the purpose.")]
    today = clock.today()
    valid_from = data.get("valid_from") or today
    valid_until = data.get("valid_until")
    if valid_from < today - timedelta(days=1):
        errors["valid_from"] = [_("Consent cannot start in the past.")]
    if valid_until is None:
        errors["valid_until"] = [_("Give an end date (at most three years ahead).")]
    elif valid_until < valid_from:
        errors["valid_until"] = [_("The end date is before the start date.")]
    elif (valid_until - valid_from).days > MAX_PERIOD_DAYS:
        errors["valid_until"] = [_("Consent can last at most three years.")]
    evidence = data.get("evidence")
    content_type = None
    if evidence not in Evidence.values:
        errors["evidence"] = [_("Say how the person gave consent.")]
    elif evidence == Evidence.SIGNED_FORM:
        if evidence_file is None:
            errors["evidence_file"] = [_("Upload the signed form.")]
        else:
            try:
                content_type = check_upload(evidence_file)
            except ValidationError as exc:
                errors["evidence_file"] = exc.messages
    elif not (data.get("witness") or "").strip():
        errors["witness"] = [_("Name the witness of the verbal consent.")]
    if errors:
        raise ValidationError(errors)
    # Identity always travels with any other category: the recipient must know who it is.
    if Category.DEMOGRAPHICS not in chosen:
        chosen.insert(0, Category.DEMOGRAPHICS)
    directive = ConsentDirective(
        person=person,
        agency_id=agency_id,
        recipient_agency=recipient,
        recipient_program=program,
        purpose=data["purpose"],
        purpose_detail=(data.get("purpose_detail") or "").strip()[:300],
        valid_from=valid_from,
        valid_until=valid_until,
        evidence=evidence,
        witness=(data.get("witness") or "").strip()[:200],
        recorded_by=actor,
    )
    if content_type:
        directive.evidence_name = PurePath(evidence_file.name).name[:200]
        directive.evidence_file.save(str(directive.pk), evidence_file, save=False)
    with transaction.atomic():
        directive.save(force_insert=True)
        ConsentItem.objects.bulk_create(
            ConsentItem(directive=directive, category=category) for category in chosen
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=directive,
            person=person,
            agency_id=agency_id,
            data={
                "recipient_agency": str(recipient.pk),
                "categories": chosen,
                "evidence": evidence,
            },
        )
    return directive


def consent_revoke(*, actor, directive: ConsentDirective, reason: str) -> ConsentDirective:
    """Revoke at once: the recipient loses access on their next request."""
    _owning_agency(actor, directive.person)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why (e.g. the person withdrew consent).")]})
    if directive.status == ConsentStatus.REVOKED:
        raise ValidationError(_("This consent is already revoked."))
    with transaction.atomic():
        directive.status, directive.revoked_at = ConsentStatus.REVOKED, clock.now()
        directive.revoked_by, directive.revoke_reason = actor, reason[:300]
        directive.save()
        audit.record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=directive,
            person=directive.person_id,
            agency_id=directive.agency_id,
            reason=reason,
            data={"from": "active", "to": "revoked"},
        )
    return directive


def break_glass(*, actor, person: Person, reason: str) -> BreakGlass:
    """Emergency access to a person the actor cannot otherwise see: time-limited, with a reason,
    alerting the privacy officer and the admins of the agency holding the record."""
    principal = principal_for(actor)
    grants = [g for g in principal.grants if g.role in CARE]
    if not grants:
        raise PermissionDenied(_("Only care staff can use emergency access."))
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": [_("Explain the emergency (at least a sentence).")]})
    access = BreakGlass(
        user=actor,
        agency_id=grants[0].agency_id,
        person=person,
        reason=reason[:500],
        expires_at=clock.now() + timedelta(minutes=BREAK_GLASS_MINUTES),
    )
    owner = Agency.objects.get(pk=person.agency_id)
    admins = [
        m.user
        for m in Membership.objects.filter(
            agency=owner, role=Role.AGENCY_ADMIN, is_active=True
        ).select_related("user")
    ]
    with transaction.atomic():
        access.save(force_insert=True)
        audit.record(
            actor=actor,
            action=AuditAction.BREAK_GLASS,
            obj=access,
            person=person,
            agency_id=person.agency_id,
            reason=reason,
            data={"expires_at": access.expires_at.isoformat()},
        )
        notify(
            users=admins,
            kind="break_glass",
            title=_("Emergency access was used on a record of your agency"),
            link=f"/consent/person/{person.pk}/disclosures/",
            urgent=True,
        )
        recipients = sorted({owner.privacy_officer_email} - {""})
        if recipients:
            body = _(
                "%(who)s used emergency access (break the glass) on a record of %(agency)s. "
                "Review it: %(link)s"
            ) % {
                "who": actor.display_name,
                "agency": owner.name,
                "link": f"{settings.SITE_URL}/consent/person/{person.pk}/disclosures/",
            }
            transaction.on_commit(
                lambda: send_mail(
                    _("Emergency access used"), body, None, recipients, fail_silently=True
                )
            )
    principal.__dict__.pop("_consent_shares", None)
    return access


def emergency_lookup(*, actor, last_name: str, date_of_birth) -> list:
    """The break-the-glass search, itself recorded (how many matched, never who)."""
    from casebridge.consent.selectors import emergency_lookup as lookup

    if not principal_for(actor).has_role(*CARE):
        raise PermissionDenied(_("Only care staff can use emergency access."))
    matches = list(lookup(last_name=last_name, date_of_birth=date_of_birth, user=actor))
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.VIEW,
            object_type="consent.emergencylookup",
            data={"matches": len(matches)},
        )
    return matches
