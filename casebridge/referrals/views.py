"""Referral pages: the case manager's (refer, follow, close the loop), the provider's inbox,
the public secure-link page, and the metrics."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from casebridge.core.errors import NotVisible
from casebridge.core.middleware import client_ip
from casebridge.core.ratelimit import allow
from casebridge.directory import selectors as directory
from casebridge.directory.forms import SearchForm
from casebridge.directory.views import search_query
from casebridge.people.selectors import person_get
from casebridge.plans.models import Goal
from casebridge.referrals import selectors, services
from casebridge.referrals.forms import (
    ReferralForm,
    SendForm,
    link_form,
    provider_form,
    sender_form,
)
from casebridge.referrals.models import ReferralStatus
from casebridge.web.forms import apply_service_errors

LINK_LIMIT = getattr(settings, "REFERRAL_LINK_LIMIT", 30)


def _person(user, person_id):
    try:
        return person_get(user=user, person_id=person_id)
    except NotVisible as exc:
        raise Http404 from exc


@login_required
def person_referrals(request, person_id):
    person = _person(request.user, person_id)
    return render(
        request,
        "referrals/person.html",
        {
            "person": person,
            "referrals": selectors.person_referrals(user=request.user, person=person),
            "nav_section": "people",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request, person_id):
    person = _person(request.user, person_id)
    service = None
    service_id = request.POST.get("service") or request.GET.get("service")
    if service_id:
        try:
            service = directory.service_get(service_id=service_id)
        except NotVisible:
            service = None
    goals = Goal.objects.visible_to(request.user).filter(plan__person=person).order_by("statement")
    form = ReferralForm(request.POST or None, goals=goals)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        send = request.POST.get("action") == "send"
        try:
            if service is None:
                raise ValidationError(_("Choose a service first."))
            if send and not data["consent_confirmed"]:
                raise ValidationError(
                    {
                        "consent_confirmed": [
                            _(
                                "Confirm that the person agreed to this referral "
                                "and to what is shared."
                            )
                        ]
                    }
                )
            referral = services.referral_create(
                actor=request.user,
                person=person,
                service=service,
                reason=data["reason"],
                urgency=data["urgency"],
                share_fields=data["share_fields"],
                goal=data["goal"],
            )
            if send:
                services.referral_send(
                    actor=request.user, referral=referral, consent_confirmed=True
                )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Referral sent.") if send else _("Referral saved as a draft.")
            )
            return redirect("service_referral_detail", service_referral_id=referral.pk)
    search = SearchForm(request.GET or None)
    hits = []
    origin = directory.origin_for_person(person)
    age = directory.age_on(person.date_of_birth)
    if service is None:
        query = search_query(search)
        if origin and query.latitude is None:
            query.latitude, query.longitude = origin
        hits = directory.service_search(query, limit=50)
        for hit in hits:
            hit.hints = directory.eligibility_hints(
                hit.service, age=age, language=person.primary_language
            )
    return render(
        request,
        "referrals/new.html",
        {
            "person": person,
            "service": service,
            "hints": directory.eligibility_hints(service, age=age, language=person.primary_language)
            if service
            else [],
            "search": search,
            "hits": hits,
            "origin": origin,
            "form": form,
            "nav_section": "people",
        },
    )


def _detail_context(request, referral, **forms):
    return {
        "referral": referral,
        "person": referral.person,
        "events": referral.events.all(),
        "move_form": forms.get("move_form") or sender_form(referral),
        "send_form": forms.get("send_form") or SendForm(),
        "nav_section": "people",
    }


def _provider_context(referral, move_form=None):
    return {
        "referral": referral,
        "events": referral.events.all(),
        "move_form": move_form or provider_form(referral),
        "nav_section": "inbox",
    }


@login_required
def referral_detail(request, service_referral_id):
    try:
        referral = selectors.referral_get(user=request.user, referral_id=service_referral_id)
    except NotVisible:
        pass
    else:
        return render(request, "referrals/detail.html", _detail_context(request, referral))
    try:
        referral = selectors.provider_referral_get(
            user=request.user, referral_id=service_referral_id
        )
    except NotVisible as exc:
        raise Http404 from exc
    return render(request, "referrals/provider_detail.html", _provider_context(referral))


@login_required
@require_POST
def referral_status(request, service_referral_id):
    try:
        referral = selectors.referral_get(
            user=request.user, referral_id=service_referral_id, record_view=False
        )
    except NotVisible:
        return _provider_status(request, service_referral_id)
    if request.POST.get("action") == "send":
        form = SendForm(request.POST)
        form.is_valid()
        try:
            services.referral_send(
                actor=request.user,
                referral=referral,
                consent_confirmed=form.cleaned_data.get("consent_confirmed", False),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return render(
                request,
                "referrals/detail.html",
                _detail_context(request, referral, send_form=form),
                status=422,
            )
        messages.success(request, _("Referral sent."))
        return redirect("service_referral_detail", service_referral_id=referral.pk)
    form = sender_form(referral, request.POST)
    if form.is_valid():
        try:
            services.referral_transition(
                actor=request.user,
                referral=referral,
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Referral updated."))
            return redirect("service_referral_detail", service_referral_id=referral.pk)
    return render(
        request,
        "referrals/detail.html",
        _detail_context(request, referral, move_form=form),
        status=422,
    )


def _provider_status(request, referral_id):
    try:
        referral = selectors.provider_referral_get(user=request.user, referral_id=referral_id)
    except NotVisible as exc:
        raise Http404 from exc
    form = provider_form(referral, request.POST)
    if form.is_valid():
        try:
            services.provider_respond(
                actor=request.user,
                referral=referral,
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Referral updated."))
            return redirect("service_referral_detail", service_referral_id=referral.pk)
    return render(
        request, "referrals/provider_detail.html", _provider_context(referral, form), status=422
    )


@login_required
def inbox(request):
    if not selectors.is_provider(request.user):
        raise PermissionDenied(_("The referral inbox is for partner providers' staff."))
    status = request.GET.get("status", "")
    if status not in ReferralStatus.values:
        status = ""
    referrals = selectors.provider_referrals(user=request.user, status=status)[:200]
    return render(
        request,
        "referrals/inbox.html",
        {
            "referrals": referrals,
            "status": status,
            "statuses": [c for c in ReferralStatus.choices if c[0] != ReferralStatus.DRAFT],
            "nav_section": "inbox",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def respond(request, token):
    """The public page behind a provider's secure link (no sign-in: the token is the key)."""
    if not allow(f"referral-link:{client_ip(request)}", limit=LINK_LIMIT, window_seconds=3600):
        response = render(request, "referrals/link_refused.html", {"why": "limit"}, status=429)
        return _private(response)
    try:
        link = services.link_lookup(token)
    except services.LinkRefused as refused:
        status = 404 if refused.why == "unknown" else 410
        return _private(
            render(request, "referrals/link_refused.html", {"why": refused.why}, status=status)
        )
    referral = link.referral
    form = link_form(referral, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.link_respond(
                token=token,
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
            )
        except services.LinkRefused as refused:
            return _private(
                render(request, "referrals/link_refused.html", {"why": refused.why}, status=410)
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _private(render(request, "referrals/link_done.html", {"referral": referral}))
    return _private(
        render(
            request,
            "referrals/respond.html",
            {"referral": referral, "form": form},
            status=422 if form.errors else 200,
        )
    )


def _private(response):
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def metrics(request):
    return render(
        request,
        "referrals/metrics.html",
        {"metrics": selectors.referral_metrics(user=request.user), "nav_section": "referrals"},
    )
