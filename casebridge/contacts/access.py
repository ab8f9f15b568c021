"""Contacts and notes are clinical records: visible to care roles of the recording agency when
the person is visible to them (consent categories will narrow this later)."""

from django.db.models import Exists, OuterRef, Q

from casebridge.assessments.access import _of_visible_person
from casebridge.contacts.models import Contact, Note
from casebridge.core.access import policy

policy.rule(Contact)(_of_visible_person)


@policy.rule(Note)
def note_of_visible_contact(principal, grant):
    q = _of_visible_person(principal, grant)
    if q is None:
        return None
    return Q(Exists(Contact.objects.filter(q, pk=OuterRef("contact_id"))))
