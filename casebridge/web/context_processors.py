import functools

from casebridge.core.access import principal_for


def navigation(request):
    """The signed-in user's agency (for the header); nothing for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @functools.cache
    def current_agency():
        from casebridge.accounts.models import Agency

        agency_ids = principal_for(user).agency_ids
        return (
            Agency.objects.filter(pk__in=agency_ids).order_by("name").first()
            if agency_ids
            else None
        )

    from casebridge.accounts.models import Role

    shows_intake = principal_for(user).has_role(
        Role.INTAKE_WORKER, Role.AGENCY_ADMIN, Role.PROGRAM_MANAGER, Role.SUPERVISOR
    )

    @functools.cache
    def unread_notifications():
        from casebridge.tasks.selectors import unread_count

        return unread_count(user)

    return {
        "current_agency": current_agency,
        "shows_intake": shows_intake,
        "unread_notifications": unread_notifications,
    }
