"""Referral writes: create a draft, send it (with the person's consent), move it along the
closed loop as the sender, as the provider's staff, or through a provider's secure link."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from casebridge.assessments.access import CLINICAL_ROLES
from casebridge.core import audit, clock
from casebridge.core.access import policy, principal_for
from casebridge.core.context import (
    RequestContext,
    current_request_context,
    reset_request_context,
    set_request_context,
)
from casebridge.core.errors import TransitionError
from casebridge.core.identity import reference
from casebridge.core.models import AuditAction
from casebridge.core.services import apply_changes, require_access, transition
from casebridge.directory.models import CapacityStatus, ProviderStaff, ServiceStatus
from casebridge.directory.selectors import provider_organization_ids
from casebridge.people.models import Person
from casebridge.referrals.models import (
    ALLOWED,
    LINK_MOVES,
    PROVIDER_MOVES,
    SENDER_MOVES,
    SHAREABLE,
    STAMPS,
    TERMINAL,
    ActorKind,
    ReferralLink,
    ReferralStatus,
    ServiceReferral,
    ServiceReferralEvent,
    Urgency,
    conceal_shared,
)
from casebridge.tasks.services import notify

S = ReferralStatus
LINK_DAYS = getattr(settings, "REFERRAL_LINK_DAYS", 14)
REFUSED = _("A referral cannot move from %(current)s to %(target)s.")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _agency_for(actor, person: Person):
    principal = principal_for(actor)
    agencies = [g.agency_id for g in principal.grants if g.role in CLINICAL_ROLES]
    if not agencies:
        raise PermissionDenied(_("Your role does not allow referring people to services."))
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You cannot work with this person's record."))
    return person.agency_id if person.agency_id in agencies else agencies[0]


def _clean(*, service, reason, urgency, share_fields, goal, person) -> dict:
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why you are referring the person.")]
    elif len(reason) > 2000:
        errors["reason"] = [_("Keep the reason under 2000 characters.")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Choose how urgent the referral is.")]
    unknown = set(share_fields or []) - set(SHAREABLE)
    if unknown:
        errors["share_fields"] = [_("Choose what to share from the list.")]
    if service is None:
        errors["service"] = [_("Choose a service.")]
    elif service.status != ServiceStatus.ACTIVE or not service.organization.is_active:
        errors["service"] = [_("This service is not active.")]
    elif service.capacity_status == CapacityStatus.CLOSED:
        errors["service"] = [_("This service is not taking referrals.")]
    if goal is not None and goal.plan.person_id != person.pk:
        errors["goal"] = [_("Choose one of the person's goals.")]
    if errors:
        raise ValidationError(errors)
    return {
        "service": service,
        "organization_id": service.organization_id,
        "reason": reason,
        "urgency": urgency,
        "share_fields": [key for key in SHAREABLE if key in (share_fields or [])],
        "goal": goal,
    }


def referral_create(
    *,
    actor,
    person: Person,
    service,
    reason: str,
    urgency: str = Urgency.ROUTINE,
    share_fields=(),
    goal=None,
) -> ServiceReferral:
    """A draft referral: nothing leaves the agency until it is sent."""
    agency_id = _agency_for(actor, person)
    values = _clean(
        service=service,
        reason=reason,
        urgency=urgency,
        share_fields=share_fields,
        goal=goal,
        person=person,
    )
    referral = ServiceReferral(person=person, agency_id=agency_id, created_by=actor, **values)
    with transaction.atomic():
        referral.save(force_insert=True)
        ServiceReferralEvent.objects.create(
            referral=referral,
            at=clock.now(),
            actor=actor,
            actor_kind=ActorKind.SENDER,
            to_status=S.DRAFT,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=referral,
            person=person,
            agency_id=agency_id,
            data={"service": str(service.pk), "share": referral.share_fields},
        )
    return referral


def referral_update(*, actor, referral: ServiceReferral, changes: dict) -> ServiceReferral:
    """Change a draft (after sending, the shared snapshot is what the provider has)."""
    require_access(actor, referral, CLINICAL_ROLES, message=_("You cannot change this referral."))
    if referral.status != S.DRAFT:
        raise TransitionError(_("Only a draft referral can be changed."))
    current = {
        "service": referral.service,
        "reason": referral.reason,
        "urgency": referral.urgency,
        "share_fields": referral.share_fields,
        "goal": referral.goal,
    }
    values = _clean(**{**current, **changes}, person=referral.person)
    with transaction.atomic():
        changed = apply_changes(referral, values)
        if changed:
            referral.save()
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=referral,
                person=referral.person_id,
                agency_id=referral.agency_id,
                data={"fields": sorted(changed)},
            )
    return referral


def snapshot(referral: ServiceReferral) -> dict:
    """What the provider will see: the reason, the urgency, and only the ticked fields."""
    person = referral.person
    values = {
        "name": person.display_name
        if person.display_name
        else f"{person.legal_first_name} {person.legal_last_name}",
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "phone": person.phone,
        "email": person.email,
        "address": ", ".join(
            p
            for p in [
                person.address_line1,
                person.address_line2,
                person.city,
                person.region,
                person.postal_code,
            ]
            if p
        ),
        "language": (person.primary_language or "")
        + (f" ({_('needs an interpreter')})" if person.interpreter_needed else ""),
    }
    shared = {"reason": referral.reason, "urgency": str(referral.get_urgency_display())}
    shared.update({key: values[key] for key in referral.share_fields if key in values})
    # Providers are outside every protection circle: a protected person's identity is never
    # sent, whatever was ticked (None = an outsider with no membership).
    if person.pk in policy.hidden_person_ids(None):
        shared = conceal_shared(shared, reference(person.pk))
    return shared


def _notify_sender(referral, title):
    people = [referral.created_by]
    notify(users=people, kind="referral", title=title, link=f"/referrals/{referral.pk}/")


def _move(*, actor, referral, to_status, kind, note="", reason="", **changes):
    """One move: row-locked transition with its audit event, a timeline event, timestamps."""
    now = clock.now()
    note = (note or "").strip()
    if len(note) > 4000:
        raise ValidationError({"note": [_("Keep the note under 4000 characters.")]})
    if to_status == S.DECLINED and not note:
        raise ValidationError({"note": [_("Say why the referral is declined.")]})
    if to_status == S.COMPLETED and not note:
        raise ValidationError({"note": [_("Describe the outcome.")]})
    if to_status == S.DECLINED:
        changes["decline_reason"] = note[:500]
    if to_status == S.COMPLETED:
        changes["outcome"] = note
    if to_status in STAMPS:
        changes[STAMPS[to_status]] = now
    if to_status in TERMINAL:
        changes["closed_at"] = now
    changes["last_activity_at"] = now
    from_status = referral.status
    with transaction.atomic():
        transition(
            actor=actor,
            obj=referral,
            allowed=ALLOWED,
            statuses=ReferralStatus,
            to_status=to_status,
            message=REFUSED,
            reason=reason or note[:300],
            **changes,
        )
        ServiceReferralEvent.objects.create(
            referral=referral,
            at=now,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_kind=kind,
            from_status=from_status,
            to_status=to_status,
            note=note,
        )
    return referral


# --- the sender --------------------------------------------------------------------------------


def referral_send(
    *, actor, referral: ServiceReferral, consent_confirmed: bool, note: str = ""
) -> ServiceReferral:
    """Send a draft: snapshot what the person agreed to share, then tell the provider (their
    staff's inbox, or a secure link by email for a provider not on Casebridge)."""
    require_access(actor, referral, CLINICAL_ROLES, message=_("You cannot send this referral."))
    if not consent_confirmed:
        raise ValidationError(
            {
                "consent_confirmed": [
                    _("Confirm that the person agreed to this referral and to what is shared.")
                ]
            }
        )
    if referral.status != S.DRAFT:
        raise TransitionError(
            REFUSED
            % {"current": referral.get_status_display().lower(), "target": S.SENT.label.lower()}
        )
    with transaction.atomic():
        _move(
            actor=actor,
            referral=referral,
            to_status=S.SENT,
            kind=ActorKind.SENDER,
            note=note,
            shared=snapshot(referral),
            consent_confirmed_by=actor,
            consent_confirmed_at=clock.now(),
        )
        _tell_provider(referral)
    return referral


def _tell_provider(referral: ServiceReferral) -> None:
    staff = list(
        ProviderStaff.objects.filter(
            organization_id=referral.organization_id, is_active=True, user__is_active=True
        ).select_related("user")
    )
    title = _("New referral for %(service)s") % {"service": referral.service.name}
    if staff:
        users = [member.user for member in staff]
        notify(users=users, kind="referral", title=title, link=f"/referrals/{referral.pk}/")
        recipients = sorted({u.email for u in users if u.email})
        if recipients:
            body = _(
                "%(agency)s sent a referral to %(service)s. Sign in to Casebridge to answer it: "
                "%(link)s"
            ) % {
                "agency": referral.agency.name,
                "service": referral.service.name,
                "link": f"{settings.SITE_URL}/referrals/{referral.pk}/",
            }
            transaction.on_commit(
                lambda: send_mail(title, body, None, recipients, fail_silently=True)
            )
        return
    link_issue(referral=referral)


def link_issue(*, referral: ServiceReferral):
    """A fresh single-use link to the provider's referral email; earlier links stop working.
    Returns the token (it is only stored as a digest) or None when there is no email."""
    email = referral.service.referral_email
    if not email:
        return None
    token = secrets.token_urlsafe(32)
    now = clock.now()
    with transaction.atomic():
        ReferralLink.objects.filter(
            referral=referral, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now, updated_at=now)
        ReferralLink.objects.create(
            referral=referral,
            digest=token_digest(token),
            email=email,
            expires_at=now + timedelta(days=LINK_DAYS),
        )
        subject = _("Referral for %(service)s") % {"service": referral.service.name}
        body = _(
            "%(agency)s sent a referral to %(service)s and would like to know what happens.\n\n"
            "Open this secure link to see it and answer (it works once and expires in "
            "%(days)s days):\n%(link)s"
        ) % {
            "agency": referral.agency.name,
            "service": referral.service.name,
            "days": LINK_DAYS,
            "link": f"{settings.SITE_URL}/referrals/respond/{token}/",
        }
        transaction.on_commit(lambda: send_mail(subject, body, None, [email], fail_silently=True))
    return token


def referral_transition(
    *, actor, referral: ServiceReferral, to_status: str, note: str = ""
) -> ServiceReferral:
    """The sender moves the referral: cancel, mark expired, or record the provider's answer
    (told by phone, say)."""
    require_access(actor, referral, CLINICAL_ROLES, message=_("You cannot change this referral."))
    if to_status == S.SENT:
        raise TransitionError(_("Use Send, which asks for the person's consent."))
    if to_status not in SENDER_MOVES:
        raise TransitionError(
            REFUSED % {"current": referral.get_status_display().lower(), "target": to_status}
        )
    with transaction.atomic():
        _move(actor=actor, referral=referral, to_status=to_status, kind=ActorKind.SENDER, note=note)
        if to_status in TERMINAL:
            ReferralLink.objects.filter(referral=referral, used_at__isnull=True).update(
                revoked_at=clock.now()
            )
    return referral


# --- the provider ------------------------------------------------------------------------------


def provider_respond(
    *, actor, referral: ServiceReferral, to_status: str, note: str = ""
) -> ServiceReferral:
    if referral.organization_id not in provider_organization_ids(actor):
        raise PermissionDenied(_("This referral was not sent to your organisation."))
    if referral.status == S.DRAFT or to_status not in PROVIDER_MOVES:
        raise TransitionError(
            REFUSED % {"current": referral.get_status_display().lower(), "target": to_status}
        )
    with transaction.atomic():
        _move(
            actor=actor, referral=referral, to_status=to_status, kind=ActorKind.PROVIDER, note=note
        )
        _notify_sender(
            referral,
            _("A provider answered a referral: %(status)s")
            % {"status": referral.get_status_display()},
        )
    return referral


class LinkRefused(Exception):
    """The link is unknown, used, revoked or expired."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


def link_lookup(token: str) -> ReferralLink:
    link = (
        ReferralLink.objects.select_related("referral__service__organization", "referral__agency")
        .filter(digest=token_digest(token or ""))
        .first()
    )
    if link is None:
        raise LinkRefused("unknown")
    if link.used_at is not None:
        raise LinkRefused("used")
    if link.revoked_at is not None or link.referral.status in TERMINAL:
        raise LinkRefused("revoked")
    if link.expires_at <= clock.now():
        raise LinkRefused("expired")
    return link


def link_respond(*, token: str, to_status: str, note: str = "") -> ServiceReferral:
    """The provider answers through the link, once. If the referral is still open, a new link
    goes to the same email for the next update."""
    if to_status not in LINK_MOVES:
        raise ValidationError({"to_status": [_("Choose an answer from the list.")]})
    context = current_request_context()
    marker = set_request_context(
        RequestContext(
            ip_address=context.ip_address, source=context.source, actor_label="provider-link"
        )
    )
    try:
        with transaction.atomic():
            link = link_lookup(token)
            locked = ReferralLink.objects.select_for_update().get(pk=link.pk)
            if locked.used_at is not None:
                raise LinkRefused("used")
            referral = link.referral
            _move(
                actor=None, referral=referral, to_status=to_status, kind=ActorKind.LINK, note=note
            )
            locked.used_at = clock.now()
            locked.save(update_fields=["used_at", "updated_at"])
            _notify_sender(
                referral,
                _("A provider answered a referral: %(status)s")
                % {"status": referral.get_status_display()},
            )
            if referral.status not in TERMINAL:
                link_issue(referral=referral)
    finally:
        reset_request_context(marker)
    return referral
