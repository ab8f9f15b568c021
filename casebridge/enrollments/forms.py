from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.contacts.models import ContactType
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


def _destination_field(**kwargs):
    return forms.TypedChoiceField(
        choices=[("", "—")] + Destination.choices,
        coerce=int,
        empty_value=None,
        label=_("Where is the person going?"),
        **kwargs,
    )


class DischargeForm(DesignSystemFormMixin, forms.Form):
    """Every plan field is optional here: what is still missing is the checklist's to say, so
    a draft plan can be saved half-written."""

    reason = forms.ChoiceField(
        choices=[("", "—")] + DischargeReason.choices, label=_("Reason"), required=False
    )
    destination = _destination_field(required=False)
    end_date = forms.DateField(
        label=_("Discharge date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    aftercare = forms.CharField(
        label=_("Aftercare services"),
        help_text=_("The services the person will have after discharge, and where."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    who_to_call = forms.CharField(
        label=_("Who to call"),
        help_text=_(
            "Names and numbers the person can call, including in a crisis. Not needed when "
            "the person died, is incarcerated or could not be reached."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    summary = forms.CharField(
        label=_("Discharge summary"),
        help_text=_("In plain words: the person keeps a printed copy."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    note = forms.CharField(
        label=_("Note (staff only)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def plan_values(self) -> dict:
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in ("reason", "destination", "aftercare", "who_to_call", "summary")
        }


SUMMARY_HELP = _(
    "What the new team needs to know: goals, risks, what works. Plain text, up to 5000 characters."
)


class TransferCaseManagerForm(DesignSystemFormMixin, forms.Form):
    to_case_manager = forms.ModelChoiceField(queryset=None, label=_("New case manager"))
    summary = forms.CharField(
        label=_("Transfer summary"),
        help_text=SUMMARY_HELP,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    joint_contact_at = forms.DateTimeField(
        label=_("Joint contact (date and time)"),
        help_text=_("The person meets the old and the new case manager together."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    contact_type = forms.ChoiceField(
        choices=[
            (value, label)
            for value, label in ContactType.choices
            if value in (ContactType.FACE_TO_FACE, ContactType.PHONE, ContactType.VIDEO)
        ],
        label=_("How"),
    )

    def __init__(self, *args, case_managers, **kwargs):
        super().__init__(*args, prefix="cm", **kwargs)
        self.fields["to_case_manager"].queryset = case_managers
        self.fields["to_case_manager"].label_from_instance = lambda user: user.display_name


class TransferProgramForm(DesignSystemFormMixin, forms.Form):
    to_program = forms.ModelChoiceField(queryset=None, label=_("New program"))
    summary = forms.CharField(
        label=_("Transfer summary"),
        help_text=SUMMARY_HELP,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    destination = _destination_field()
    start_now = forms.BooleanField(
        label=_("Start services in the new program today"), required=False
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, prefix="program", **kwargs)
        self.fields["to_program"].queryset = programs


class TransferAgencyForm(DesignSystemFormMixin, forms.Form):
    to_agency = forms.ModelChoiceField(queryset=None, label=_("Receiving agency"))
    summary = forms.CharField(
        label=_("Transfer summary"),
        help_text=_(
            "Sent to the other agency as the reason for referral, with only the person's name, "
            "date of birth and phone. Nothing else leaves the agency."
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    destination = _destination_field()
    consent_confirmed = forms.BooleanField(
        label=_("The person agreed to share these details with the receiving agency"),
        required=False,
    )
    consent_evidence = forms.CharField(
        label=_("Who witnessed the consent, or where is it recorded?"),
        max_length=300,
        required=False,
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, prefix="agency", **kwargs)
        self.fields["to_agency"].queryset = agencies


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
