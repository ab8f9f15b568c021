from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.enrollments.models import Destination, DischargeReason, IntensityTier
from casebridge.web.forms import DesignSystemFormMixin


class EnrollmentForm(DesignSystemFormMixin, forms.Form):
    program = forms.ModelChoiceField(queryset=None, label=_("Program"))
    primary_case_manager = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Primary case manager"),
        empty_label=_("Assign later"),
    )
    intensity_tier = forms.ChoiceField(
        choices=IntensityTier.choices, initial=IntensityTier.MODERATE, label=_("Intensity")
    )
    referral_date = forms.DateField(
        label=_("Referral date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, programs, case_managers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["primary_case_manager"].queryset = case_managers
        self.fields["primary_case_manager"].label_from_instance = lambda user: user.display_name


class HoldForm(DesignSystemFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why are services on hold?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DischargeForm(DesignSystemFormMixin, forms.Form):
    reason = forms.ChoiceField(choices=[("", "—")] + DischargeReason.choices, label=_("Reason"))
    destination = forms.TypedChoiceField(
        choices=[("", "—")] + Destination.choices, coerce=int, label=_("Where is the person going?")
    )
    end_date = forms.DateField(
        label=_("Discharge date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CareTeamForm(DesignSystemFormMixin, forms.Form):
    primary_case_manager = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Primary case manager"), empty_label=_("Unassigned")
    )
    care_team = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label=_("Care team"),
        help_text=_("Other staff who work with the person (hold Ctrl or ⌘ to pick several)."),
    )
    intensity_tier = forms.ChoiceField(choices=IntensityTier.choices, label=_("Intensity"))

    def __init__(self, *args, case_managers, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("primary_case_manager", "care_team"):
            self.fields[name].queryset = case_managers
            self.fields[name].label_from_instance = lambda user: user.display_name
