from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.intake.models import DeclineReason, Referral
from casebridge.web.forms import DesignSystemFormMixin

STAFF_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "phone",
    "email",
    "program",
    "source_type",
    "referrer_name",
    "referrer_organization",
    "referrer_email",
    "referrer_phone",
    "reason",
    "needs",
    "urgency",
    "consent_to_contact",
)


class ReferralForm(DesignSystemFormMixin, forms.ModelForm):
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    class Meta:
        model = Referral
        fields = STAFF_FIELDS
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reason": forms.Textarea(attrs={"rows": 4}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
            "referrer_phone": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["program"].required = False

    def referral_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in STAFF_FIELDS}


class SelfReferralForm(DesignSystemFormMixin, forms.Form):
    """What someone can tell us about themselves, without an account. Kept short on purpose."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    reason = forms.CharField(
        label=_("What would you like help with?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent_to_contact = forms.BooleanField(
        label=_("You may contact me about this request"),
        error_messages={"required": _("Tick this box so we can contact you.")},
    )
    # Honeypot: hidden from people by CSS, filled in by bots.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(_("Give a phone number or an email so we can reach you."))
        return data


class ScreeningForm(DesignSystemFormMixin, forms.Form):
    program = forms.ModelChoiceField(queryset=None, required=False, label=_("Program requested"))
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=120)
    county = forms.CharField(label=_("County"), required=False, max_length=100)
    homeless = forms.TypedChoiceField(
        label=_("Currently homeless"),
        required=False,
        empty_value=None,
        choices=[("", _("Unknown")), ("true", _("Yes")), ("false", _("No"))],
        coerce=lambda value: value == "true",
    )
    ed_visits_6m = forms.IntegerField(
        label=_("ED visits in the last 6 months"), required=False, min_value=0, max_value=365
    )
    diagnosis_category = forms.CharField(
        label=_("Diagnosis category"), required=False, max_length=100
    )
    vulnerability = forms.IntegerField(
        label=_("Vulnerability (0 to 10)"), required=False, min_value=0, max_value=10
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs


class DeclineForm(DesignSystemFormMixin, forms.Form):
    reason = forms.ChoiceField(choices=[("", "—")] + DeclineReason.choices, label=_("Reason"))
    note = forms.CharField(
        label=_("Note (not sent to the referrer)"), required=False, max_length=500
    )


class AcceptForm(DesignSystemFormMixin, forms.Form):
    primary_case_manager = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Primary case manager"),
        empty_label=_("Assign later"),
    )

    def __init__(self, *args, case_managers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["primary_case_manager"].queryset = case_managers
        self.fields["primary_case_manager"].label_from_instance = lambda user: user.display_name


class AttachmentForm(DesignSystemFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Document (PDF, PNG or JPEG, up to 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class AssignForm(DesignSystemFormMixin, forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=None, label=_("Assign to"), empty_label=_("Nobody"), required=False
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff
        self.fields["assignee"].label_from_instance = lambda user: user.display_name
