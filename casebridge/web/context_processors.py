import functools

from casebridge.core.access import principal_for


def navigation(request):
    """The signed-in user's agency (for the header); nothing for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def current_agency():
        """The first of the user's agencies by name (read with the memberships: no query)."""
        names = sorted({grant.agency_name for grant in principal_for(user).grants})
        return {"name": names[0]} if names else None

    from casebridge.accounts.models import Role

    shows_intake = principal_for(user).has_role(
        Role.INTAKE_WORKER, Role.AGENCY_ADMIN, Role.PROGRAM_MANAGER, Role.SUPERVISOR
    )

    is_agency_admin = principal_for(user).has_role(Role.AGENCY_ADMIN)

    @functools.cache
    def unread_notifications():
        from casebridge.tasks.selectors import unread_count

        return unread_count(user)

    @functools.cache
    def is_provider():
        """Provider staff have no agency membership; staff with one never cost a query here."""
        if principal_for(user).grants:
            return False
        return user.provider_roles.filter(is_active=True).exists()

    return {
        "is_provider": is_provider,
        "current_agency": current_agency,
        "shows_intake": shows_intake,
        "is_agency_admin": is_agency_admin,
        "unread_notifications": unread_notifications,
    }
