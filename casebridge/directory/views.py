"""Directory pages: search and service detail for every signed-in user; curation for agency
administrators (/directory/manage/…)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casebridge.core.errors import NotVisible
from casebridge.directory import hsds, selectors, services
from casebridge.directory.forms import (
    ImportForm,
    LocationForm,
    OrganizationForm,
    ProviderStaffForm,
    SearchForm,
    ServiceForm,
    TermForm,
)
from casebridge.directory.models import Location, ProviderStaff
from casebridge.web.forms import apply_service_errors


def search_query(form) -> selectors.SearchQuery:
    data = form.cleaned_data if form.is_valid() else {}
    within = data.get("within_km")
    return selectors.SearchQuery(
        text=data.get("q", ""),
        category=data.get("category", ""),
        language=data.get("language", ""),
        open_now=bool(data.get("open_now")),
        latitude=data.get("lat"),
        longitude=data.get("lon"),
        within_km=float(within) if within else None,
    )


@login_required
def directory_search(request):
    form = SearchForm(request.GET or None)
    searched = bool(request.GET)
    hits = selectors.service_search(search_query(form), limit=100) if searched else []
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "hits": hits,
            "searched": searched,
            "can_curate": services.can_curate(request.user),
            "nav_section": "directory",
        },
    )


@login_required
def service_detail(request, service_id):
    try:
        service = selectors.service_get(service_id=service_id)
    except NotVisible as exc:
        raise Http404 from exc
    return render(
        request,
        "directory/service.html",
        {
            "service": service,
            "open_now": selectors.is_open(service.schedules.all()),
            "can_curate": services.can_curate(request.user, service.organization),
            "nav_section": "directory",
        },
    )


# --- curation ---------------------------------------------------------------------------------


def _curator(request, organization=None):
    if not services.can_curate(request.user, organization):
        raise PermissionDenied(_("Only agency administrators curate the service directory."))


def _organization(request, organization_id):
    try:
        organization = selectors.organization_get(organization_id=organization_id)
    except NotVisible as exc:
        raise Http404 from exc
    _curator(request, organization)
    return organization


@login_required
def manage_home(request):
    _curator(request)
    return render(
        request,
        "directory/manage.html",
        {
            "organizations": selectors.organizations_for_curation(
                agency_ids=services.curator_agencies(request.user)
            ),
            "terms": selectors.categories().select_related("parent"),
            "nav_section": "directory",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_new(request):
    _curator(request)
    form = OrganizationForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_save(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Organisation added."))
            return redirect("directory_organization", organization_id=organization.pk)
    return render(
        request,
        "directory/form.html",
        {"form": form, "title": _("Add an organisation"), "nav_section": "directory"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request, organization_id):
    organization = _organization(request, organization_id)
    form = OrganizationForm(
        request.POST or None,
        initial=model_to_dict(organization, fields=OrganizationForm._meta.fields),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_save(
                actor=request.user, organization=organization, data=form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Organisation saved."))
            return redirect("directory_organization", organization_id=organization.pk)
    return render(
        request,
        "directory/organization.html",
        {
            "organization": organization,
            "form": form,
            "staff_form": ProviderStaffForm(),
            "locations": organization.locations.order_by("name"),
            "services": organization.services.order_by("name"),
            "staff": organization.staff.select_related("user").order_by("user__username"),
            "nav_section": "directory",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def location_new(request, organization_id):
    organization = _organization(request, organization_id)
    return _location_form(request, organization, None)


@login_required
@require_http_methods(["GET", "POST"])
def location_edit(request, location_id):
    location = get_object_or_404(Location.objects.select_related("organization"), pk=location_id)
    _curator(request, location.organization)
    return _location_form(request, location.organization, location)


def _location_form(request, organization, location):
    initial = model_to_dict(location, fields=LocationForm._meta.fields) if location else {}
    form = LocationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.location_save(
                actor=request.user,
                organization=organization,
                location=location,
                data=form.cleaned_data,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Location saved."))
            return redirect("directory_organization", organization_id=organization.pk)
    return render(
        request,
        "directory/form.html",
        {
            "form": form,
            "organization": organization,
            "title": _("Edit location") if location else _("Add a location"),
            "nav_section": "directory",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_new(request, organization_id):
    organization = _organization(request, organization_id)
    return _service_form(request, organization, None)


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request, service_id):
    try:
        service = selectors.service_get(service_id=service_id)
    except NotVisible as exc:
        raise Http404 from exc
    _curator(request, service.organization)
    return _service_form(request, service.organization, service)


def _service_form(request, organization, service):
    form = ServiceForm(request.POST or None, organization=organization, service=service)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.service_save(
                actor=request.user,
                organization=organization,
                service=service,
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Service saved."))
            return redirect("directory_service", service_id=saved.pk)
    return render(
        request,
        "directory/form.html",
        {
            "form": form,
            "organization": organization,
            "title": _("Edit service") if service else _("Add a service"),
            "nav_section": "directory",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def term_new(request):
    _curator(request)
    form = TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.term_save(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Category added."))
            return redirect("directory_manage")
    return render(
        request,
        "directory/form.html",
        {"form": form, "title": _("Add a category"), "nav_section": "directory"},
    )


@login_required
@require_POST
def staff_add(request, organization_id):
    organization = _organization(request, organization_id)
    form = ProviderStaffForm(request.POST)
    if form.is_valid():
        try:
            services.provider_staff_add(
                actor=request.user, organization=organization, data=form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Provider staff account created."))
            return redirect("directory_organization", organization_id=organization.pk)
    return render(
        request,
        "directory/form.html",
        {
            "form": form,
            "organization": organization,
            "title": _("Add a provider staff account"),
            "nav_section": "directory",
        },
    )


@login_required
@require_POST
def staff_toggle(request, provider_staff_id):
    staff = get_object_or_404(
        ProviderStaff.objects.select_related("organization"), pk=provider_staff_id
    )
    _curator(request, staff.organization)
    services.provider_staff_set_active(actor=request.user, staff=staff, active=not staff.is_active)
    messages.success(request, _("Account updated."))
    return redirect("directory_organization", organization_id=staff.organization_id)


@login_required
@require_http_methods(["GET", "POST"])
def directory_import(request):
    _curator(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = upload.read()
            if upload.name.lower().endswith(".json"):
                tables, from_csv = hsds.read_json(data), False
            else:
                tables, from_csv = hsds.read_zip(data), True
            result = services.directory_import(actor=request.user, tables=tables, from_csv=from_csv)
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            if result.written:
                messages.success(
                    request,
                    _("Imported: %(created)s added, %(updated)s updated.") % result.counts,
                )
                return redirect("directory_manage")
    return render(
        request,
        "directory/import.html",
        {"form": form, "result": result, "nav_section": "directory"},
    )
