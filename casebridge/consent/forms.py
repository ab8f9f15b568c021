from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.accounts.models import Agency, Program
from casebridge.consent.models import Category, Evidence, Purpose
from casebridge.web.forms import DesignSystemFormMixin

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConsentForm(DesignSystemFormMixin, forms.Form):
    recipient_agency = forms.ModelChoiceField(label=_("Share with"), queryset=Agency.objects.none())
    recipient_program = forms.ModelChoiceField(
        label=_("Only this program of theirs"), queryset=Program.objects.none(), required=False
    )
    categories = forms.MultipleChoiceField(
        label=_("What may be shared"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Identity and contact details always go with anything else."),
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    purpose_detail = forms.CharField(label=_("Purpose, in words"), required=False, max_length=300)
    valid_from = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    valid_until = forms.DateField(label=_("Until"), widget=DATE_WIDGET)
    evidence = forms.ChoiceField(
        label=_("How the person consented"), choices=Evidence.choices, widget=forms.RadioSelect
    )
    evidence_file = forms.FileField(label=_("Signed form (PDF, PNG or JPEG)"), required=False)
    witness = forms.CharField(label=_("Witness of verbal consent"), required=False, max_length=200)

    def __init__(self, *args, own_agency_id, **kwargs):
        super().__init__(*args, **kwargs)
        others = Agency.objects.filter(is_active=True).exclude(pk=own_agency_id).order_by("name")
        self.fields["recipient_agency"].queryset = others
        self.fields["recipient_program"].queryset = (
            Program.objects.filter(agency__in=others, is_active=True)
            .select_related("agency")
            .order_by("agency__name", "name")
        )
        self.fields["recipient_program"].label_from_instance = lambda program: (
            f"{program.agency.name} · {program.name}"
        )
        for name in ("categories", "evidence"):
            self.fields[name].widget.attrs["class"] = ""


class RevokeForm(DesignSystemFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why is consent revoked?"), max_length=300)


class EmergencyLookupForm(DesignSystemFormMixin, forms.Form):
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DATE_WIDGET)


class BreakGlassForm(DesignSystemFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("The emergency"),
        min_length=10,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your reason is recorded and the agency's privacy officer is told at once."),
    )
