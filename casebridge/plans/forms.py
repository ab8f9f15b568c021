from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.plans.models import DOMAINS, Achievement, AgreementMethod, Performer, Priority
from casebridge.web.forms import DesignSystemFormMixin

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = {"rows": 3}


class PlanCreateForm(DesignSystemFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("What matters to the person"),
        help_text=_("In the person's own words: their hopes and what they want from this plan."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )

    def __init__(self, *args, enrollments, needs, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrollments = {str(e.pk): e for e in enrollments}
        self.fields["enrollment"] = forms.ChoiceField(
            label=_("Program"),
            choices=[(str(e.pk), e.program.name) for e in enrollments],
            widget=forms.Select(attrs={"class": "usa-select"}),
        )
        self.needs = {str(n.pk): n for n in needs}
        self.fields["needs"] = forms.MultipleChoiceField(
            label=_("Needs to work on"),
            help_text=_("Each need you choose becomes a proposed goal you can reword together."),
            choices=[(str(n.pk), n.label) for n in needs],
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.order_fields(["enrollment", "needs", "summary"])

    def chosen_enrollment(self):
        return self.enrollments[self.cleaned_data["enrollment"]]

    def chosen_needs(self):
        return [self.needs[pk] for pk in self.cleaned_data["needs"]]

    def need_rows(self):
        chosen = set(self["needs"].value() or [])
        return [(str(pk), need, str(pk) in chosen) for pk, need in self.needs.items()]


class GoalForm(DesignSystemFormMixin, forms.Form):
    statement = forms.CharField(
        label=_("Goal in the person's own words"),
        help_text=_('Write it the way the person says it, e.g. "I want my own place by summer".'),
        max_length=1000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    domain = forms.ChoiceField(label=_("Life area"), choices=DOMAINS)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.MEDIUM
    )
    target_what = forms.CharField(
        label=_("What will change"),
        help_text=_("e.g. Signed lease"),
        required=False,
        max_length=300,
    )
    target_measure = forms.CharField(
        label=_("How we will measure it"),
        help_text=_("e.g. Number of apartment viewings a month"),
        required=False,
        max_length=300,
    )
    baseline = forms.CharField(label=_("Starting point"), required=False, max_length=100)
    target_value = forms.CharField(label=_("Target"), required=False, max_length=100)
    due_on = forms.DateField(label=_("By when"), required=False, widget=DATE_WIDGET)
    strengths = forms.CharField(
        label=_("Strengths to build on"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )

    def __init__(self, *args, needs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.needs = {str(n.pk): n for n in needs}
        if self.needs:
            self.fields["needs"] = forms.MultipleChoiceField(
                label=_("Needs this goal addresses"),
                choices=[(pk, n.label) for pk, n in self.needs.items()],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields["needs"].widget.attrs["class"] = "usa-checkbox__input"

    def goal_fields(self) -> dict:
        names = [
            "statement",
            "domain",
            "priority",
            "target_what",
            "target_measure",
            "baseline",
            "target_value",
            "due_on",
            "strengths",
        ]
        return {name: self.cleaned_data.get(name) for name in names}

    def chosen_needs(self):
        return [self.needs[pk] for pk in self.cleaned_data.get("needs", [])]


class StepForm(DesignSystemFormMixin, forms.Form):
    goal = forms.ChoiceField(label=_("Goal"))
    action = forms.CharField(
        label=_("What will be done"),
        help_text=_("e.g. Call the housing authority about the waiting list"),
        max_length=500,
    )
    performer = forms.ChoiceField(
        label=_("Who does it"), choices=Performer.choices, initial=Performer.PERSON
    )
    performer_user = forms.ChoiceField(
        label=_("Staff member"),
        required=False,
        help_text=_("For the case manager or another staff member."),
    )
    performer_name = forms.CharField(
        label=_("Provider or other name"), required=False, max_length=200
    )
    due_on = forms.DateField(label=_("By when"), required=False, widget=DATE_WIDGET)
    create_task = forms.BooleanField(
        label=_("Add a task for the staff member who does it"), required=False
    )

    def __init__(self, *args, goals, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = {str(g.pk): g for g in goals}
        self.staff = {str(u.pk): u for u in staff}
        self.fields["goal"].choices = [(pk, g.statement[:80]) for pk, g in self.goals.items()]
        self.fields["performer_user"].choices = [("", "—")] + [
            (pk, u.display_name) for pk, u in self.staff.items()
        ]

    def step_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "goal": self.goals.get(data["goal"]),
            "action": data["action"],
            "performer": data["performer"],
            "performer_user": self.staff.get(data.get("performer_user") or ""),
            "performer_name": data.get("performer_name", ""),
            "due_on": data.get("due_on"),
        }


class ProgressForm(DesignSystemFormMixin, forms.Form):
    achievement = forms.ChoiceField(label=_("How is it going?"), choices=Achievement.choices)
    value = forms.CharField(
        label=_("Measured value"),
        help_text=_("e.g. 2 viewings"),
        required=False,
        max_length=100,
    )
    note = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    recorded_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    contact = forms.ChoiceField(label=_("From contact"), required=False)

    def __init__(self, *args, contacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.contacts = {str(c.pk): c for c in contacts}
        self.fields["contact"].choices = [("", "—")] + [
            (pk, f"{c.occurred_at:%Y-%m-%d} · {c.get_contact_type_display()} {c.summary}".strip())
            for pk, c in self.contacts.items()
        ]

    def progress_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("achievement", "value", "note")} | {
            "recorded_on": self.cleaned_data["recorded_on"]
        }

    def chosen_contact(self):
        return self.contacts.get(self.cleaned_data.get("contact") or "")


class ReviewForm(DesignSystemFormMixin, forms.Form):
    reviewed_on = forms.DateField(label=_("Review date"), widget=DATE_WIDGET)
    notes = forms.CharField(
        label=_("Review notes"),
        help_text=_("What you and the person looked at, what changed, what comes next."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    next_review_on = forms.DateField(
        label=_("Next review"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leave empty to use the program's review schedule."),
    )


class AgreementForm(DesignSystemFormMixin, forms.Form):
    method = forms.ChoiceField(
        label=_("How the person agrees"),
        choices=AgreementMethod.choices,
        initial=AgreementMethod.SIGNATURE,
        widget=forms.RadioSelect,
    )
    signer_name = forms.CharField(label=_("Name of the person agreeing"), max_length=200)
    signature = forms.CharField(required=False, widget=forms.HiddenInput, max_length=300_000)
    witness_name = forms.CharField(
        label=_("Witness"),
        required=False,
        max_length=200,
        help_text=_("Needed for a verbal agreement: someone else who heard the person agree."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].widget.attrs["class"] = "usa-radio__input"


class ReasonForm(DesignSystemFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)
