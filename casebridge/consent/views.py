from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casebridge.consent import export, selectors, services
from casebridge.consent.forms import BreakGlassForm, ConsentForm, EmergencyLookupForm, RevokeForm
from casebridge.core import audit, clock
from casebridge.core.errors import NotVisible
from casebridge.people.models import Person
from casebridge.people.selectors import person_get
from casebridge.web.forms import apply_service_errors


def _person(user, person_id):
    try:
        return person_get(user=user, person_id=person_id)
    except NotVisible as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def person_consents(request, person_id):
    person = _person(request.user, person_id)
    today = clock.today()
    form = ConsentForm(
        request.POST or None,
        request.FILES or None,
        own_agency_id=person.agency_id,
        initial={"valid_from": today, "valid_until": today.replace(year=today.year + 1)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                actor=request.user,
                person=person,
                data=data,
                categories=data["categories"],
                evidence_file=data.get("evidence_file"),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("person_consents", person_id=person.pk)
    directives = list(selectors.consents_of(user=request.user, person=person))
    for directive in directives:
        directive.current_state = directive.state(today)
    return render(
        request,
        "consent/person.html",
        {
            "person": person,
            "directives": directives,
            "form": form,
            "revoke_form": RevokeForm(),
            "nav_section": "people",
        },
    )


@login_required
@require_POST
def consent_revoke(request, directive_id):
    try:
        directive = selectors.consent_get(user=request.user, directive_id=directive_id)
    except NotVisible as exc:
        raise Http404 from exc
    form = RevokeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why (e.g. the person withdrew consent)."))
        services.consent_revoke(
            actor=request.user, directive=directive, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Consent revoked: sharing stopped now."))
    return redirect("person_consents", person_id=directive.person_id)


@login_required
@require_GET
def consent_evidence(request, directive_id):
    try:
        directive = selectors.consent_get(user=request.user, directive_id=directive_id)
    except NotVisible as exc:
        raise Http404 from exc
    if not directive.evidence_file:
        raise Http404
    audit.record_view(
        actor=request.user, obj=directive, person=directive.person_id, agency_id=directive.agency_id
    )
    response = FileResponse(
        directive.evidence_file.open("rb"),
        as_attachment=True,
        filename=directive.evidence_name or "consent",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _export_subject(request, person_id):
    """The person to export, when the user is care staff of the agency holding the record."""
    person = _person(request.user, person_id)
    from casebridge.consent.access import CARE
    from casebridge.core.access import principal_for

    if not principal_for(request.user).has_role(*CARE, agency_id=person.agency_id):
        raise PermissionDenied(_("Only care staff of the agency holding the record can export it."))
    return person


@login_required
@require_GET
def person_export(request, person_id):
    """Everything about the person, as a JSON download (for their right of access)."""
    person = _export_subject(request, person_id)
    data = export.person_export(actor=request.user, person=person)
    response = JsonResponse(data, encoder=export.ExportEncoder, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def person_export_pdf(request, person_id):
    """The same export as a PDF for the person to keep, in the UI language."""
    person = _export_subject(request, person_id)
    body = export.person_export_pdf(actor=request.user, person=person)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def person_disclosures(request, person_id):
    person = _person(request.user, person_id)
    if person.agency_id not in {g.agency_id for g in _grants(request.user)}:
        raise Http404
    return render(
        request,
        "consent/disclosures.html",
        {
            "person": person,
            "events": selectors.disclosures(person=person)[:500],
            "printed_on": clock.today(),
            "nav_section": "people",
        },
    )


def _grants(user):
    from casebridge.core.access import principal_for

    return principal_for(user).grants


@login_required
@require_http_methods(["GET", "POST"])
def emergency(request):
    """The lookup is a POST: a last name and a birth date must not travel in a URL (proxy and
    server logs, browser history, Referer headers)."""
    if request.method == "GET" and request.GET:
        # An old bookmark or a hand-made link: take the name out of the address bar at once.
        return redirect("emergency_access")
    searched = request.method == "POST"
    form = EmergencyLookupForm(request.POST if searched else None)
    matches = []
    if searched and form.is_valid():
        try:
            matches = services.emergency_lookup(
                actor=request.user,
                last_name=form.cleaned_data["last_name"],
                date_of_birth=form.cleaned_data["date_of_birth"],
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        visible = set(
            Person.objects.visible_to(request.user)
            .filter(pk__in=[p.pk for p in matches])
            .values_list("pk", flat=True)
        )
        for match in matches:
            match.already_visible = match.pk in visible
    return render(
        request,
        "consent/emergency.html",
        {
            "form": form,
            "searched": searched,
            "matches": matches,
            "reason_form": BreakGlassForm(),
            "nav_section": "people",
        },
    )


@login_required
@require_POST
def emergency_open(request, person_id):
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404
    form = BreakGlassForm(request.POST)
    refused = None
    if not form.is_valid():
        refused = (_("Explain the emergency (at least a sentence)."), 400)
    else:
        try:
            services.break_glass(
                actor=request.user, person=person, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            refused = (" ".join(exc.messages), 400)
        except PermissionDenied as exc:
            refused = (str(exc), 403)
    if refused:
        # Nothing about the person comes back: the lookup starts again.
        messages.error(request, refused[0])
        context = {"form": EmergencyLookupForm(), "matches": [], "nav_section": "people"}
        return render(request, "consent/emergency.html", context, status=refused[1])
    messages.warning(
        request,
        _("Emergency access is open for %(hours)s hours and recorded.")
        % {"hours": services.BREAK_GLASS_MINUTES // 60},
    )
    return redirect("person_detail", person_id=person.pk)
