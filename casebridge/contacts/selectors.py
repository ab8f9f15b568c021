"""Contact reads, through the access policy."""

from casebridge.contacts.models import Contact, ContactStatus, Note
from casebridge.core import audit
from casebridge.core.errors import NotVisible


def contacts_of(*, user, person, status: str = ""):
    contacts = Contact.objects.visible_to(user).filter(person=person)
    if status in ContactStatus.values:
        contacts = contacts.filter(status=status)
    return contacts.select_related("staff", "note").order_by("-occurred_at", "-created_at")


def contact_get(*, user, contact_id, record_view: bool = True) -> Contact:
    """One visible contact, with its note, amendments and services (the read is audited)."""
    try:
        contact = (
            Contact.objects.visible_to(user)
            .select_related("person", "staff", "enrollment__program", "note__author")
            .prefetch_related("services", "note__amendments__author")
            .get(pk=contact_id)
        )
    except (Contact.DoesNotExist, ValueError, TypeError) as exc:
        raise NotVisible from exc
    if record_view:
        audit.record_view(actor=user, obj=contact, person=contact.person_id)
    return contact


def note_of(contact: Contact) -> Note | None:
    try:
        return contact.note
    except Note.DoesNotExist:
        return None


def appointments_for(*, user, start, end):
    """The user's own scheduled contacts between two times (for the calendar feed and Today)."""
    return (
        Contact.objects.visible_to(user)
        .filter(
            staff=user, status=ContactStatus.SCHEDULED, occurred_at__gte=start, occurred_at__lt=end
        )
        .select_related("person")
        .order_by("occurred_at")
    )
