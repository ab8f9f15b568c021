import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casebridge.core.errors import NotVisible
from casebridge.core.pagination import paginate
from casebridge.people import selectors, services
from casebridge.people.forms import PersonForm, PersonSearchForm, RelationshipForm
from casebridge.people.models import Person, Relationship
from casebridge.web.forms import apply_service_errors


def _visible_person(user, person_id) -> Person:
    try:
        return selectors.person_get(user=user, person_id=person_id)
    except NotVisible as exc:
        raise Http404 from exc


# Names and birth dates never travel in a URL (proxy and server logs, browser history, Referer
# headers): browsing is GET with ``?page=`` only, searching is a POST of the search form.
SEARCH_PARAMS = ("q", "dob")


@login_required
@require_http_methods(["GET", "POST"])
def person_list(request):
    if request.method == "GET" and any(name in request.GET for name in SEARCH_PARAMS):
        # An old bookmark or a hand-made link: take the name out of the address bar at once.
        return redirect("person_list")
    searching = request.method == "POST"
    form = PersonSearchForm(request.POST if searching else None)
    query, dob = "", None
    if form.is_valid():
        query, dob = form.cleaned_data["q"], form.cleaned_data["dob"]
    page = paginate(
        request,
        selectors.person_search(user=request.user, query=query, date_of_birth=dob),
        number=request.POST.get("page", "") if searching else None,
    )
    context = {
        "form": form,
        "page": page,
        # Pages of a search re-submit the search form; pages of the plain list are links.
        "page_form": "person-search" if query or dob else "",
        "query_string": "",
        # A page button was used: move focus to the new page of results.
        "focus_results": searching and "page" in request.POST,
        "nav_section": "people",
    }
    template = "people/_results.html" if request.htmx else "people/list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    form = PersonForm(request.POST or None)
    duplicates, protected_match = [], False
    if request.method == "POST" and form.is_valid():
        fields = form.person_fields()
        if not form.cleaned_data["confirm_new"]:
            duplicates, protected_match = selectors.duplicate_check(
                user=request.user,
                first_name=fields["legal_first_name"],
                last_name=fields["legal_last_name"],
                date_of_birth=fields["date_of_birth"],
                ssn=fields["ssn"],
            )
        if not duplicates and not protected_match:
            try:
                person = services.person_create(actor=request.user, **fields)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("%(name)s was added.") % {"name": person.display_name})
                return redirect("person_detail", person_id=person.pk)
    return render(
        request,
        "people/form.html",
        {
            "form": form,
            "duplicates": duplicates,
            "protected_match": protected_match,
            "nav_section": "new_person",
            "creating": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, person_id):
    person = _visible_person(request.user, person_id)
    if person.identity_hidden:
        raise PermissionDenied(_("This person's identity is protected."))
    try:
        services.person_require_identified(person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("person_detail", person_id=person.pk)
    # The form writes into its instance while validating: give it a copy, so the service sees
    # the real differences (and audits and validates them).
    form = PersonForm(request.POST or None, instance=copy.copy(person))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, **form.person_fields())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("person_detail", person_id=person.pk)
    return render(request, "people/form.html", {"form": form, "person": person, "creating": False})


@login_required
def person_detail(request, person_id):
    try:
        person = selectors.person_face_sheet(user=request.user, person_id=person_id)
    except NotVisible as exc:
        raise Http404 from exc
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "enrollments": person.visible_enrollments,
            "relationship_form": RelationshipForm(),
            "nav_section": "people",
        },
    )


@login_required
@require_POST
def relationship_add(request, person_id):
    person = _visible_person(request.user, person_id)
    form = RelationshipForm(request.POST)
    if form.is_valid():
        try:
            services.relationship_add(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            form = RelationshipForm()
    relationships = Relationship.objects.visible_to(request.user).filter(person=person)
    context = {"person": person, "relationships": relationships, "relationship_form": form}
    if request.htmx:
        return render(request, "people/_relationships.html", context)
    if form.errors:
        return render(request, "people/relationship_form.html", context, status=400)
    return redirect("person_detail", person_id=person.pk)


@login_required
@require_POST
def relationship_remove(request, person_id, relationship_id):
    person = _visible_person(request.user, person_id)
    try:
        relationship = Relationship.objects.visible_to(request.user).get(
            pk=relationship_id, person=person
        )
    except (Relationship.DoesNotExist, ValidationError) as exc:
        raise Http404 from exc
    services.relationship_remove(actor=request.user, relationship=relationship)
    if request.htmx:
        relationships = Relationship.objects.visible_to(request.user).filter(person=person)
        return render(
            request,
            "people/_relationships.html",
            {
                "person": person,
                "relationships": relationships,
                "relationship_form": RelationshipForm(),
            },
        )
    return redirect("person_detail", person_id=person.pk)
