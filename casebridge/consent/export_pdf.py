"""The person's export as a PDF to keep: the records of ``export.person_records``, section by
section, in plain language and in the UI language.

Drawn like the printable care plan (``casebridge.plans.pdf``): fpdf2 core fonts, text passed
through ``latin1`` so any name prints (letters outside Latin-1 fall back to their base letter).
"""

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from casebridge.consent.models import Category
from casebridge.contacts.models import NoteStatus
from casebridge.core import clock
from casebridge.plans.models import DOMAIN_LABELS
from casebridge.plans.pdf import latin1

FONT = "Helvetica"


def _date(value) -> str:
    if not value:
        return ""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(value, "DATETIME_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


def _period(start, end) -> str:
    if not start and not end:
        return ""
    return f"{_date(start) or '...'} - {_date(end) or '...'}"


class _ExportPDF(FPDF):
    footer_values: dict = {}

    def footer(self):
        text = _("Your record at %(agency)s, printed %(date)s - page %(page)s") % {
            **self.footer_values,
            "page": self.page_no(),
        }
        self.set_y(-15)
        self.set_font(FONT, "", 8)
        self.cell(0, 10, latin1(text), align="C")


class _Writer:
    """Small helpers over FPDF: headings, label/value lines, indented items."""

    def __init__(self, pdf: FPDF):
        self.pdf = pdf

    def heading(self, text, size=14):
        self.pdf.ln(3)
        self.pdf.set_font(FONT, "B", size)
        self.pdf.multi_cell(self.pdf.epw, 8, latin1(text), new_x="LMARGIN", new_y="NEXT")

    def item(self, text, size=12):
        self.pdf.ln(1)
        self.pdf.set_font(FONT, "B", size)
        self.pdf.multi_cell(self.pdf.epw, 6, latin1(text), new_x="LMARGIN", new_y="NEXT")

    def line(self, value, label="", indent=0):
        """``label value``; nothing when the value is empty (plain language: no blank rows)."""
        if value in (None, "") or (isinstance(value, (list, dict)) and not value):
            return
        self.pdf.set_x(self.pdf.l_margin + indent)
        if label:
            self.pdf.set_font(FONT, "B", 11)
            self.pdf.write(6, latin1(f"{label} "))
        self.pdf.set_font(FONT, "", 11)
        self.pdf.multi_cell(0, 6, latin1(value), new_x="LMARGIN", new_y="NEXT")

    def text(self, value):
        self.pdf.set_font(FONT, "", 11)
        self.pdf.multi_cell(self.pdf.epw, 6, latin1(value), new_x="LMARGIN", new_y="NEXT")

    def none(self):
        self.pdf.set_font(FONT, "I", 11)
        self.pdf.multi_cell(
            self.pdf.epw, 6, latin1(_("Nothing recorded.")), new_x="LMARGIN", new_y="NEXT"
        )


def render_person_pdf(records, *, language: str | None = None) -> bytes:
    """``records`` (an ``export.PersonRecords``) as PDF bytes, in ``language`` or the active
    UI language."""
    language = language or translation.get_language() or "en"
    with translation.override(language):
        return _render(records, language)


def _render(records, language) -> bytes:
    person = records.subject
    sections = records.sections
    pdf = _ExportPDF(format="Letter")
    printed = _date(clock.today())
    pdf.footer_values = {"agency": person.agency.name, "date": printed}
    pdf.set_title(latin1(_("Your record")))
    pdf.set_lang(language)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    w = _Writer(pdf)

    w.heading(_("Your record"), 20)
    w.text(
        _(
            "This is a copy of the information %(agency)s keeps about you. It was printed on "
            "%(date)s. Keep it somewhere safe: it holds private details."
        )
        % {"agency": person.agency.name, "date": printed}
    )
    if records.part2:
        pdf.ln(2)
        w.line(
            _("Substance-use treatment records: share them only with your written consent."),
            _("42 CFR part 2 prohibits unauthorized use or disclosure of these records."),
        )

    _identity(w, person)
    _relationships(w, sections["relationships"])
    _enrollments(w, sections["enrollments"])
    _referrals_received(w, sections["referrals_received"])
    _assessments(w, sections["assessments"], sections["needs"])
    _plans(w, sections["care_plans"], sections["goals"], sections["steps"])
    _progress(w, sections["goals"], sections["goal_progress"])
    _contacts(w, sections["contacts"], sections["notes"])
    _safety(w, sections["flags"], sections["safety_plans"], sections["crisis_events"])
    _service_referrals(w, sections["service_referrals"])
    _consents(w, sections["consents"])
    _disclosures(w, records.disclosures)
    return bytes(pdf.output())


def _identity(w, person):
    w.heading(_("About you"))
    w.line(person.legal_name, _("Legal name:"))
    w.line(person.preferred_name, _("Name you go by:"))
    w.line(_date(person.date_of_birth), _("Date of birth:"))
    w.line(str(person.get_sex_display()), _("Sex:"))
    w.line(person.gender_identity, _("Gender identity:"))
    w.line(person.pronouns, _("Pronouns:"))
    languages = ", ".join(p for p in (person.primary_language, person.other_languages) if p)
    w.line(languages, _("Languages:"))
    if person.interpreter_needed:
        w.line(_("Yes"), _("Needs an interpreter:"))
    w.line(person.phone, _("Phone:"))
    w.line(person.email, _("Email:"))
    address = ", ".join(
        p
        for p in (
            person.address_line1,
            person.address_line2,
            person.city,
            person.region,
            person.postal_code,
        )
        if p
    )
    w.line(address, _("Address:"))
    w.line(person.ssn, _("Social Security number:"))
    w.line(person.medicaid_id, _("Medicaid id:"))
    w.line(person.strengths, _("Your strengths:"))


def _relationships(w, rows):
    w.heading(_("People in your life"))
    if not rows:
        w.none()
    for row in rows:
        w.item(f"{row.name} ({row.relationship})", 11)
        kinds = []
        if row.is_household_member:
            kinds.append(_("lives with you"))
        if row.is_natural_support:
            kinds.append(_("supports you"))
        w.line(", ".join(kinds), indent=5)
        w.line(row.phone, _("Phone:"), indent=5)
        w.line(row.notes, _("Notes:"), indent=5)


def _enrollments(w, rows):
    w.heading(_("Programs"))
    if not rows:
        w.none()
    for row in rows:
        w.item(row.program.name)
        w.line(str(row.get_status_display()), _("Status:"), indent=5)
        w.line(_date(row.referral_date), _("Referred on:"), indent=5)
        w.line(_period(row.start_date, row.end_date), _("Dates:"), indent=5)
        if row.primary_case_manager_id:
            w.line(row.primary_case_manager.display_name, _("Case manager:"), indent=5)
        if row.discharge_reason:
            w.line(str(row.get_discharge_reason_display()), _("Why it ended:"), indent=5)
        if row.destination is not None:
            w.line(str(row.get_destination_display()), _("Where you went:"), indent=5)


def _referrals_received(w, rows):
    w.heading(_("Referrals to us"))
    if not rows:
        w.none()
    for row in rows:
        w.item(_date(row.received_at), 11)
        if row.program_id:
            w.line(row.program.name, _("Program asked for:"), indent=5)
        w.line(str(row.get_status_display()), _("Status:"), indent=5)
        who = ", ".join(p for p in (row.referrer_name, row.referrer_organization) if p)
        w.line(who or str(row.get_source_type_display()), _("Referred by:"), indent=5)
        w.line(row.reason, _("Reason:"), indent=5)


def _assessments(w, rows, needs):
    w.heading(_("Assessments and scores"))
    if not rows:
        w.none()
    for row in rows:
        w.item(f"{row.instrument.title} - {_date(row.submitted_at or row.created_at)}", 11)
        w.line(str(row.get_status_display()), _("Status:"), indent=5)
        for key, value in (row.scores or {}).items():
            band = (row.bands or {}).get(key) or {}
            text = "-" if value is None else str(value)
            if band.get("label"):
                text += f" ({band['label']})"
            w.line(text, f"{key}:", indent=5)
        for flag in row.flags or []:
            w.line(flag.get("label", ""), _("Flag:"), indent=5)
    w.heading(_("Needs we found together"), 12)
    if not needs:
        w.none()
    for need in needs:
        domain = DOMAIN_LABELS.get(need.domain, need.domain)
        w.line(f"{need.label} ({domain}) - {need.get_status_display()}", "-")


def _plans(w, plans, goals, steps):
    w.heading(_("Your care plans"))
    if not plans:
        w.none()
    for plan in plans:
        w.item(
            _("Care plan, version %(version)s (%(status)s)")
            % {"version": plan.version, "status": plan.get_status_display()}
        )
        w.line(_date(plan.created_at), _("Written on:"), indent=5)
        w.line(_date(plan.agreed_at), _("You agreed on:"), indent=5)
        w.line(plan.summary, _("What matters to you:"), indent=5)
        for goal in [g for g in goals if g.plan_id == plan.pk]:
            w.line(goal.statement, _("Goal:"), indent=5)
            w.line(str(goal.domain_label), _("Part of your life:"), indent=10)
            w.line(goal.target_what, _("What will change:"), indent=10)
            w.line(goal.target_measure, _("How we will know:"), indent=10)
            w.line(_date(goal.due_on), _("By when:"), indent=10)
            w.line(
                f"{goal.get_status_display()}, {goal.get_achievement_display()}",
                _("Where it stands:"),
                indent=10,
            )
            for step in [s for s in steps if s.goal_id == goal.pk]:
                text = _("%(who)s will %(what)s") % {
                    "who": step.performer_label(),
                    "what": step.action,
                }
                if step.due_on:
                    text += " " + _("by %(date)s") % {"date": _date(step.due_on)}
                text += f" ({step.get_status_display()})"
                w.line(text, _("Step:"), indent=10)


def _progress(w, goals, progress):
    if not progress:
        return
    statements = {goal.pk: goal.statement for goal in goals}
    w.heading(_("Progress on your goals"), 12)
    for entry in progress:
        w.line(
            " - ".join(
                p
                for p in (
                    statements.get(entry.goal_id, ""),
                    str(entry.get_achievement_display()),
                    entry.value,
                    entry.note,
                )
                if p
            ),
            _date(entry.recorded_on) + ":",
        )


def _contacts(w, contacts, notes):
    w.heading(_("Contacts and notes"))
    if not contacts and not notes:
        w.none()
    by_contact = {note.contact_id: note for note in notes}
    for contact in contacts:
        w.item(f"{_date(contact.occurred_at)} - {contact.get_contact_type_display()}", 11)
        w.line(str(contact.get_status_display()), _("Status:"), indent=5)
        if contact.location:
            w.line(str(contact.get_location_display()), _("Where:"), indent=5)
        if contact.duration_minutes:
            w.line(
                _("%(minutes)s minutes") % {"minutes": contact.duration_minutes},
                _("How long:"),
                indent=5,
            )
        w.line(contact.summary, _("Purpose:"), indent=5)
        w.line(contact.participants, _("Who took part:"), indent=5)
        note = by_contact.pop(contact.pk, None)
        if note is not None:
            _note(w, note)
    for note in by_contact.values():
        w.item(_date(note.created_at), 11)
        _note(w, note)


def _note(w, note):
    if note.status == NoteStatus.SIGNED:
        w.line(_("signed on %(date)s") % {"date": _date(note.signed_at)}, _("Note:"), indent=5)
    else:
        w.line(_("draft, not signed yet"), _("Note:"), indent=5)
    for _key, label, text in note.section_rows():
        w.line(text, f"{label}:", indent=10)


def _safety(w, flags, safety_plans, events):
    w.heading(_("Safety and crisis"))
    if not (flags or safety_plans or events):
        w.none()
    for flag in flags:
        w.line(
            f"{flag.get_kind_display()} ({flag.get_status_display()})",
            _("Alert on your record:"),
        )
        w.line(flag.note, _("What staff need to know:"), indent=5)
        w.line(_date(flag.review_on), _("Review by:"), indent=5)
    for plan in safety_plans:
        w.item(
            _("Safety plan, version %(version)s (%(status)s)")
            % {"version": plan.version, "status": plan.get_status_display()}
        )
        for _key, label, text in plan.section_rows():
            w.line(text, f"{label}:", indent=5)
    for event in events:
        w.item(f"{_date(event.occurred_at)} - {event.get_kind_display()}", 11)
        w.line(_date(event.released_on), _("Discharge or release date:"), indent=5)
        w.line(event.description, _("What happened:"), indent=5)
        w.line(event.response, _("What was done:"), indent=5)
        w.line(event.outcome, _("Outcome:"), indent=5)


def _service_referrals(w, rows):
    w.heading(_("Referrals to other services"))
    if not rows:
        w.none()
    for row in rows:
        w.item(f"{row.service.name} - {row.organization.name}", 11)
        w.line(str(row.get_status_display()), _("Status:"), indent=5)
        w.line(_date(row.sent_at), _("Sent on:"), indent=5)
        w.line(row.reason, _("Reason:"), indent=5)
        w.line(row.outcome, _("Outcome:"), indent=5)


def _consents(w, rows):
    w.heading(_("Who you agreed to share with"))
    if not rows:
        w.none()
    labels = dict(Category.choices)
    for row in rows:
        recipient = row.recipient_agency.name
        if row.recipient_program_id:
            recipient += f" - {row.recipient_program.name}"
        w.item(recipient, 11)
        categories = "; ".join(str(labels.get(i.category, i.category)) for i in row.items.all())
        w.line(categories, _("What:"), indent=5)
        purpose = str(row.get_purpose_display())
        if row.purpose_detail:
            purpose += f": {row.purpose_detail}"
        w.line(purpose, _("Why:"), indent=5)
        w.line(_period(row.valid_from, row.valid_until), _("Period:"), indent=5)
        w.line(str(row.get_status_display()), _("Status:"), indent=5)


def _disclosures(w, events):
    w.heading(_("Who outside the agency saw your record"))
    if not events:
        w.none()
    for event in events:
        who = event.actor.display_name if event.actor_id else event.actor_label
        w.line(
            " - ".join(p for p in (who, str(event.get_action_display()), event.reason) if p),
            _date(event.occurred_at) + ":",
        )
