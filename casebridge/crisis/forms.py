from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casebridge.crisis.models import SAFETY_SECTIONS, CrisisKind, FlagKind
from casebridge.web.forms import DesignSystemFormMixin

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FlagForm(DesignSystemFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Flag"), choices=FlagKind.choices)
    note = forms.CharField(
        label=_("What staff need to know"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    review_on = forms.DateField(label=_("Review by"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("review_on", timezone.localdate() + timedelta(days=90))


class ClearForm(DesignSystemFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why is the flag no longer needed?"), max_length=300)


class SafetyPlanForm(DesignSystemFormMixin, forms.Form):
    def __init__(self, *args, sections=None, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in SAFETY_SECTIONS:
            self.fields[key] = forms.CharField(
                label=label,
                required=False,
                max_length=4000,
                initial=(sections or {}).get(key, ""),
                widget=forms.Textarea(attrs={"rows": 3, "class": "usa-textarea"}),
            )

    def sections(self) -> dict:
        return {key: self.cleaned_data.get(key, "") for key, _label in SAFETY_SECTIONS}


class SharedForm(DesignSystemFormMixin, forms.Form):
    how = forms.CharField(
        label=_("How did the person get their copy?"),
        max_length=200,
        help_text=_("e.g. printed and handed over at the home visit"),
    )


class CrisisForm(DesignSystemFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=CrisisKind.choices)
    occurred_at = forms.DateTimeField(label=_("When"), widget=DATETIME_WIDGET)
    released_on = forms.DateField(
        label=_("Discharge or release date"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("For a hospital stay, an ED visit or jail, if known."),
    )
    description = forms.CharField(
        label=_("Describe what happened"), max_length=4000, widget=forms.Textarea({"rows": 4})
    )
    response = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=4000,
        widget=forms.Textarea({"rows": 3}),
    )
    outcome = forms.CharField(
        label=_("Outcome"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3})
    )


class CrisisUpdateForm(DesignSystemFormMixin, forms.Form):
    released_on = CrisisForm.base_fields["released_on"]
    response = CrisisForm.base_fields["response"]
    outcome = CrisisForm.base_fields["outcome"]
