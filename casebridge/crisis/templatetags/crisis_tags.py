from django import template

from casebridge.crisis.selectors import active_flags

register = template.Library()


@register.simple_tag
def person_flags(person, user):
    """The person's active flags the user may see (one query), for the banner on every page."""
    if person is None or not getattr(user, "is_authenticated", False):
        return []
    return list(active_flags(user=user, person_id=person.pk))
