from django.conf import settings

from casebridge.accounts.models import Membership, Program, Role, User
from casebridge.core.access import principal_for


def programs_for(user):
    """Programs of the agencies the user works in."""
    principal = principal_for(user)
    return Program.objects.filter(
        agency_id__in=principal.agency_ids, is_active=True
    ).select_related("agency")


def case_managers_for(user):
    """Staff who can hold a caseload in the user's agencies."""
    principal = principal_for(user)
    return (
        User.objects.filter(
            is_active=True,
            memberships__agency_id__in=principal.agency_ids,
            memberships__is_active=True,
            memberships__role__in=[Role.CASE_MANAGER, Role.SUPERVISOR],
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


def memberships_for(user):
    return Membership.objects.filter(user=user, is_active=True).select_related(
        "agency", "program", "team"
    )


def intake_staff_for(user):
    """Staff who can work referrals in the user's agencies."""
    principal = principal_for(user)
    return (
        User.objects.filter(
            is_active=True,
            memberships__agency_id__in=principal.agency_ids,
            memberships__is_active=True,
            memberships__role__in=[
                Role.INTAKE_WORKER,
                Role.SUPERVISOR,
                Role.PROGRAM_MANAGER,
                Role.AGENCY_ADMIN,
                Role.CASE_MANAGER,
            ],
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


def mfa_device_for(user):
    """The user's confirmed authenticator-app device, or None."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def mfa_required_for(user) -> bool:
    """Whether policy requires ``user`` to use two-step sign-in (by role, when switched on)."""
    if not settings.MFA_REQUIRED:
        return False
    required = set(settings.MFA_REQUIRED_ROLES)
    return any(grant.role in required for grant in principal_for(user).grants)


def mfa_recovery_codes_left(user) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def admin_agency_ids(user) -> set:
    """The agencies in which ``user`` is an agency administrator."""
    return {
        grant.agency_id for grant in principal_for(user).grants if grant.role == Role.AGENCY_ADMIN
    }


def staff_for_admin(user):
    """Staff of the agencies ``user`` administers, with their memberships there and whether
    two-step sign-in is on (a fixed number of queries for a page of any size)."""
    from django.db.models import Exists, OuterRef, Prefetch
    from django_otp.plugins.otp_totp.models import TOTPDevice

    agencies = admin_agency_ids(user)
    there = Membership.objects.filter(agency_id__in=agencies, is_active=True).select_related(
        "agency", "program", "team"
    )
    return (
        User.objects.filter(memberships__in=there)
        .distinct()
        .annotate(
            two_step_on=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        )
        .prefetch_related(Prefetch("memberships", queryset=there, to_attr="agency_memberships"))
        .order_by("last_name", "first_name", "username")
    )


def staff_member_for_admin(user, staff_id):
    """One staff member of an agency ``user`` administers, or None."""
    try:
        return staff_for_admin(user).filter(pk=staff_id).first()
    except (ValueError, TypeError):
        return None
