from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.people.models import Person, Relationship
from casebridge.people.services import PERSON_FIELDS, RELATIONSHIP_FIELDS
from casebridge.web.forms import DesignSystemFormMixin


class PersonForm(DesignSystemFormMixin, forms.ModelForm):
    confirm_new = forms.BooleanField(
        required=False, label=_("None of these is the person: create a new record")
    )

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "strengths": forms.Textarea(attrs={"rows": 3}),
            "ssn": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
            "medicaid_id": forms.TextInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def person_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS}


class PersonSearchForm(DesignSystemFormMixin, forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=200)
    dob = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class RelationshipForm(DesignSystemFormMixin, forms.ModelForm):
    class Meta:
        model = Relationship
        fields = RELATIONSHIP_FIELDS
