"""The iCalendar feed of a case manager's appointments: initials only, never a client's name."""

import hashlib
import secrets
from datetime import UTC, timedelta

from django.db import transaction

from casebridge.contacts.models import CalendarFeed, Contact, ContactStatus
from casebridge.core import audit, clock
from casebridge.core.models import AuditAction

PAST_DAYS, FUTURE_DAYS = 30, 180


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_reset(*, user) -> str:
    """Create (or replace) the user's feed token; the old address stops working at once."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(user=user, defaults={"digest": _digest(token)})
        audit.record(
            actor=user,
            action=AuditAction.UPDATE,
            object_type="contacts.calendarfeed",
            object_id=str(user.pk),
            data={"fields": ["digest"]},
        )
    return token


def feed_revoke(*, user) -> None:
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user).delete()
        audit.record(
            actor=user,
            action=AuditAction.DELETE,
            object_type="contacts.calendarfeed",
            object_id=str(user.pk),
        )


def feed_user(token: str):
    """The active user behind a feed token, or None."""
    if not token or len(token) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(digest=_digest(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=clock.now())
    return feed.user


def initials(person) -> str:
    first = (person.preferred_name or person.legal_first_name or "?")[:1]
    last = (person.legal_last_name or "?")[:1]
    return f"{first}. {last}.".upper()


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545: lines longer than 75 octets continue on the next line after a space."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, start = [], 0
    while start < len(data):
        end = min(start + (75 if not parts else 74), len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # do not split a character
            end -= 1
        parts.append(data[start:end].decode())
        start = end
    return "\r\n ".join(parts)


def _stamp(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def feed_ics(*, user, site: str) -> str:
    now = clock.now()
    appointments = (
        Contact.objects.visible_to(user)
        .filter(
            staff=user,
            status=ContactStatus.SCHEDULED,
            occurred_at__gte=now - timedelta(days=PAST_DAYS),
            occurred_at__lt=now + timedelta(days=FUTURE_DAYS),
        )
        .select_related("person")
        .order_by("occurred_at")
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Casebridge//Appointments//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Casebridge",
    ]
    for contact in appointments:
        minutes = contact.duration_minutes or 60
        summary = f"{contact.get_contact_type_display()} – {initials(contact.person)}"
        if contact.location:
            summary += f" ({contact.get_location_display()})"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{contact.pk}@casebridge",
            f"DTSTAMP:{_stamp(contact.updated_at)}",
            f"DTSTART:{_stamp(contact.occurred_at)}",
            f"DTEND:{_stamp(contact.occurred_at + timedelta(minutes=minutes))}",
            f"SUMMARY:{_escape(summary)}",
            f"URL:{site}/contacts/{contact.pk}/",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
