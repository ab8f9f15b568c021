from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casebridge.contacts.models import (
    NOTE_SECTIONS,
    ContactLocation,
    ContactStatus,
    ContactType,
    NoteFormat,
    ServiceType,
)
from casebridge.plans.models import Achievement
from casebridge.web.forms import DesignSystemFormMixin

SERVICE_ROWS = 3
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class NoteSectionsMixin:
    """Adds one textarea per section of the chosen note format."""

    def add_note_fields(self, note_format: str, initial: dict | None = None):
        self.note_format = note_format
        for key, label in NOTE_SECTIONS[NoteFormat(note_format)]:
            self.fields[f"note_{key}"] = forms.CharField(
                label=label,
                required=False,
                max_length=10_000,
                initial=(initial or {}).get(key, ""),
                widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
            )

    def note_sections(self) -> dict:
        return {
            key: self.cleaned_data.get(f"note_{key}", "")
            for key, _label in NOTE_SECTIONS[NoteFormat(self.note_format)]
        }

    def note_fields(self):
        return [self[f"note_{key}"] for key, _ in NOTE_SECTIONS[NoteFormat(self.note_format)]]


class ContactForm(NoteSectionsMixin, DesignSystemFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("This contact"),
        choices=[
            (ContactStatus.COMPLETED, _("Happened (record it)")),
            (ContactStatus.SCHEDULED, _("Is planned (schedule an appointment)")),
        ],
        initial=ContactStatus.COMPLETED,
    )
    occurred_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME_WIDGET)
    contact_type = forms.ChoiceField(label=_("Type"), choices=ContactType.choices)
    location = forms.ChoiceField(
        label=_("Location"), choices=[("", "—"), *ContactLocation.choices], required=False
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=0, max_value=1440
    )
    participants = forms.CharField(
        label=_("Participants"),
        required=False,
        max_length=500,
        help_text=_("Who else took part, e.g. the person's sister, a landlord."),
    )
    summary = forms.CharField(label=_("Purpose"), required=False, max_length=200)

    def __init__(self, *args, note_format: str, enrollments=None, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                label=goal.statement,
                required=False,
                choices=[("", _("Not worked on")), *Achievement.choices],
                widget=forms.Select(attrs={"class": "usa-select"}),
            )
        if not self.is_bound and "occurred_at" not in self.initial:
            self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)
        if enrollments is not None and len(enrollments) > 1:
            self.fields["enrollment"] = forms.ChoiceField(
                label=_("Program"),
                choices=[(str(e.pk), e.program.name) for e in enrollments],
                widget=forms.Select(attrs={"class": "usa-select"}),
            )
        for index in range(SERVICE_ROWS):
            self.fields[f"service_{index}_type"] = forms.ChoiceField(
                label=_("Service"),
                choices=[("", "—"), *ServiceType.choices],
                required=False,
                widget=forms.Select(attrs={"class": "usa-select"}),
            )
            self.fields[f"service_{index}_units"] = forms.DecimalField(
                label=_("Units"),
                required=False,
                min_value=0,
                max_digits=7,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"class": "usa-input", "step": "0.25"}),
            )
            self.fields[f"service_{index}_amount"] = forms.DecimalField(
                label=_("Amount ($)"),
                required=False,
                min_value=0,
                max_digits=9,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"class": "usa-input", "step": "0.01"}),
            )
        self.add_note_fields(note_format)

    def contact_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "status": data["status"],
            "occurred_at": data["occurred_at"],
            "contact_type": data["contact_type"],
            "location": data["location"],
            "duration_minutes": data["duration_minutes"],
            "participants": data["participants"],
            "summary": data["summary"],
        }

    def service_rows(self) -> list[dict]:
        rows = []
        for index in range(SERVICE_ROWS):
            kind = self.cleaned_data.get(f"service_{index}_type")
            if kind:
                rows.append(
                    {
                        "service_type": kind,
                        "units": self.cleaned_data.get(f"service_{index}_units") or 1,
                        "amount": self.cleaned_data.get(f"service_{index}_amount"),
                    }
                )
        return rows

    def goal_rows(self) -> list[dict]:
        return [
            {"goal": goal, "achievement": self.cleaned_data[f"goal_{goal.pk}"], "note": ""}
            for goal in self.goals
            if self.cleaned_data.get(f"goal_{goal.pk}")
        ]

    def goal_fields(self):
        return [self[f"goal_{goal.pk}"] for goal in self.goals]

    def service_fields(self):
        return [
            [self[f"service_{i}_type"], self[f"service_{i}_units"], self[f"service_{i}_amount"]]
            for i in range(SERVICE_ROWS)
        ]


class NoteForm(NoteSectionsMixin, DesignSystemFormMixin, forms.Form):
    def __init__(self, *args, note_format: str, initial_sections=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_note_fields(note_format, initial_sections)


class AmendmentForm(DesignSystemFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the amendment"), max_length=300)
    text = forms.CharField(
        label=_("Amendment"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
