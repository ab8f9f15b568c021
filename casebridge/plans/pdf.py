"""The printable plan: plain language, in the person's language when the UI has it, for the
person to keep."""

import base64
import io
import unicodedata

from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from casebridge.plans.models import GoalStatus, PlanStatus, StepStatus

# Typographic characters the PDF core fonts (latin-1) lack, and their plain stand-ins.
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u2022": "-",
        "\u00a0": " ",
        "\u2192": "->",
        "\u0141": "L",
        "\u0142": "l",
        "\u0110": "D",
        "\u0111": "d",
        "\u0152": "OE",
        "\u0153": "oe",
        "\u0131": "i",
    }
)


def latin1(text) -> str:
    """``text`` with every character the core fonts cannot draw replaced safely."""
    out = []
    for char in str(text or "").translate(_PLAIN):
        if char in "\n\t" or (char.isprintable() and ord(char) < 256):
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
        base = "".join(c for c in base if c.isprintable() and not unicodedata.combining(c))
        out.append(base or "?")
    return "".join(out)


def language_for(person) -> str:
    """The UI language to print in: Spanish when the person's language says so."""
    spoken = (person.primary_language or "").strip().lower()
    if spoken.startswith(("span", "es")):
        return "es"
    return "en"


def _date(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else _("not set")


class _PlanPDF(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-15)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 10, latin1(self.footer_text % {"page": self.page_no()}), align="C")


def render_plan_pdf(plan, *, goals, agreement=None, language: str | None = None) -> bytes:
    """The plan as PDF bytes. ``goals`` are the plan's goals with ``steps`` prefetched."""
    language = language or language_for(plan.person)
    with translation.override(language):
        return _render(plan, goals, agreement, language)


def _render(plan, goals, agreement, language) -> bytes:
    pdf = _PlanPDF(format="Letter")
    pdf.footer_text = _("My care plan - page %(page)s")
    pdf.set_title(latin1(_("My care plan")))
    pdf.set_lang(language)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    width = pdf.epw

    def heading(text, size=14):
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", size)
        pdf.multi_cell(width, 8, latin1(text), new_x="LMARGIN", new_y="NEXT")

    def line(text, bold_label=""):
        pdf.set_font("Helvetica", "", 11)
        if bold_label:
            pdf.set_font("Helvetica", "B", 11)
            pdf.write(6, latin1(bold_label + " "))
            pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 6, latin1(text), new_x="LMARGIN", new_y="NEXT")

    person = plan.person
    heading(_("My care plan"), 20)
    line(person.display_name, _("Name:"))
    line(plan.enrollment.program.name, _("Program:"))
    status = {
        PlanStatus.DRAFT: _("This is a draft. It is not final yet."),
        PlanStatus.ACTIVE: _("This is my current plan."),
        PlanStatus.COMPLETED: _("This plan is finished. It is kept as a record."),
        PlanStatus.REVOKED: _("This plan was stopped. It is kept as a record."),
    }[plan.status]
    line(
        _("Version %(version)s. %(status)s") % {"version": plan.version, "status": status},
        _("Plan:"),
    )
    if plan.next_review_on:
        line(_date(plan.next_review_on), _("We will look at this plan together again on:"))
    if plan.summary:
        heading(_("What matters to me"))
        line(plan.summary)

    heading(_("My goals"))
    shown = [goal for goal in goals if goal.status != GoalStatus.CANCELLED]
    if not shown:
        line(_("There are no goals in this plan yet."))
    for number, goal in enumerate(shown, start=1):
        heading(
            _("Goal %(number)s: %(statement)s") % {"number": number, "statement": goal.statement},
            12,
        )
        line(str(goal.domain_label), _("Part of my life:"))
        if goal.target_what:
            line(goal.target_what, _("What will change:"))
        if goal.target_measure:
            line(goal.target_measure, _("How we will know:"))
        if goal.baseline:
            line(goal.baseline, _("Where I am now:"))
        if goal.target_value:
            line(goal.target_value, _("Where I want to be:"))
        if goal.due_on:
            line(_date(goal.due_on), _("By when:"))
        if goal.strengths:
            line(goal.strengths, _("Strengths I can use:"))
        line(str(goal.get_status_display()), _("Where this goal stands:"))
        steps = [s for s in goal.steps.all() if s.status != StepStatus.CANCELLED]
        if steps:
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(0, 6, latin1(_("Steps:")), new_x="LMARGIN", new_y="NEXT")
            for step in steps:
                text = _("%(who)s will %(what)s") % {
                    "who": step.performer_label(),
                    "what": step.action,
                }
                if step.due_on:
                    text += " " + _("by %(date)s") % {"date": _date(step.due_on)}
                if step.status == StepStatus.DONE:
                    text += " " + _("(done)")
                pdf.set_font("Helvetica", "", 11)
                pdf.set_x(pdf.l_margin + 5)
                pdf.multi_cell(width - 5, 6, latin1("- " + text), new_x="LMARGIN", new_y="NEXT")

    heading(_("My agreement"))
    if agreement is None:
        line(_("I have not agreed to this plan yet."))
    else:
        line(_("I agreed to this plan on %(date)s.") % {"date": _date(agreement.agreed_at)})
        line(agreement.signer_name, _("Name:"))
        if agreement.signature_png:
            try:
                pdf.image(io.BytesIO(base64.b64decode(agreement.signature_png)), w=60)
            except Exception:  # noqa: BLE001 - a signature that cannot be drawn is described
                line(_("(signed on screen)"))
        else:
            line(_("I agreed out loud. Witness: %(name)s.") % {"name": agreement.witness_name})
    if plan.signed_off_at:
        line(
            _("Checked by %(name)s on %(date)s.")
            % {"name": plan.signed_off_by.display_name, "date": _date(plan.signed_off_at)}
        )
    manager = plan.enrollment.primary_case_manager
    pdf.ln(4)
    if manager is not None:
        line(
            _("Questions about your plan? Talk to your case manager, %(name)s.")
            % {"name": manager.display_name}
        )
    else:
        line(_("Questions about your plan? Talk to your case manager."))
    return bytes(pdf.output())
