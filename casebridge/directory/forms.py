from django import forms
from django.utils.translation import gettext_lazy as _

from casebridge.directory.models import Location, Organization, Service, TaxonomyTerm
from casebridge.directory.services import format_hours
from casebridge.web.forms import DesignSystemFormMixin

DISTANCES = [
    ("", _("Any distance")),
    ("2", "2 km"),
    ("5", "5 km"),
    ("10", "10 km"),
    ("25", "25 km"),
    ("50", "50 km"),
]


class SearchForm(DesignSystemFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Category"), required=False)
    language = forms.CharField(
        label=_("Language"), required=False, max_length=12, help_text=_("A code like es or vi.")
    )
    within_km = forms.ChoiceField(label=_("Distance"), required=False, choices=DISTANCES)
    lat = forms.FloatField(label=_("From latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("From longitude"), required=False, min_value=-180, max_value=180)
    open_now = forms.BooleanField(label=_("Open now"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Any category"))] + [
            (term.code, term.name) for term in TaxonomyTerm.objects.order_by("name")
        ]

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("lon", _("Enter both latitude and longitude, or neither."))
        return data


class OrganizationForm(DesignSystemFormMixin, forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["name", "alternate_name", "description", "email", "website", "phone", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class LocationForm(DesignSystemFormMixin, forms.ModelForm):
    class Meta:
        model = Location
        fields = [
            "name",
            "location_type",
            "address_1",
            "address_2",
            "city",
            "state_province",
            "postal_code",
            "country",
            "latitude",
            "longitude",
            "transportation",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class ServiceForm(DesignSystemFormMixin, forms.ModelForm):
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"), required=False, queryset=TaxonomyTerm.objects.order_by("name")
    )
    locations = forms.ModelMultipleChoiceField(
        label=_("Offered at"), required=False, queryset=Location.objects.none()
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        max_length=200,
        help_text=_("Language codes, separated by commas: en, es, vi."),
    )
    url = forms.URLField(label=_("Web page"), required=False, assume_scheme="https")
    hours = forms.CharField(
        label=_("Opening hours"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One line per opening: “Mon 09:00-17:00”. A closing time before the opening "
            "time runs past midnight."
        ),
    )

    class Meta:
        model = Service
        fields = [
            "name",
            "alternate_name",
            "description",
            "status",
            "capacity_status",
            "eligibility_description",
            "minimum_age",
            "maximum_age",
            "fees_description",
            "application_process",
            "interpretation_services",
            "email",
            "phone",
            "contact_name",
            "url",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "eligibility_description": forms.Textarea(attrs={"rows": 2}),
            "application_process": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, organization, service=None, **kwargs):
        if service is not None and not kwargs.get("data") and not args:
            kwargs["initial"] = {
                **forms.models.model_to_dict(service, fields=self._meta.fields),
                "categories": list(service.categories.all()),
                "locations": [sal.location_id for sal in service.at_locations.all()],
                "languages": ", ".join(lang.code for lang in service.languages.all()),
                "hours": format_hours(service.schedules.all()),
            }
        super().__init__(*args, **kwargs)
        self.fields["locations"].queryset = organization.locations.order_by("name")

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        return {
            "categories": list(data.pop("categories")),
            "locations": list(data.pop("locations")),
            "languages": data.pop("languages"),
            "hours": data.pop("hours"),
            "data": data,
        }


class TermForm(DesignSystemFormMixin, forms.ModelForm):
    class Meta:
        model = TaxonomyTerm
        fields = ["code", "name", "description", "parent"]


class ProviderStaffForm(DesignSystemFormMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Give it to the person in a safe way; they sign in at the usual page."),
    )


class ImportForm(DesignSystemFormMixin, forms.Form):
    file = forms.FileField(
        label=_("HSDS file"),
        help_text=_(
            "A .zip of HSDS 3.0 CSV tables (organizations.csv, services.csv, …) or an "
            "HSDS JSON file. Nothing is imported unless every row is valid."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        if not upload.name.lower().endswith((".zip", ".json")):
            raise forms.ValidationError(_("Upload a .zip of CSV files or a .json file."))
        return upload
