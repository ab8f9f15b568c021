import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casebridge.accounts.models import Agency
from casebridge.accounts.selectors import case_managers_for, intake_staff_for, programs_for
from casebridge.core import audit
from casebridge.core.access import principal_for
from casebridge.core.errors import NotVisible
from casebridge.core.middleware import client_ip
from casebridge.core.pagination import paginate
from casebridge.core.ratelimit import allow
from casebridge.intake import selectors, services
from casebridge.intake.forms import (
    AcceptForm,
    AssignForm,
    AttachmentForm,
    DeclineForm,
    ReferralForm,
    ScreeningForm,
    SelfReferralForm,
)
from casebridge.intake.models import (
    Channel,
    ReferralAttachment,
    ReferralStatus,
    SourceType,
    Urgency,
)
from casebridge.people.selectors import duplicate_check, person_get
from casebridge.web.forms import apply_service_errors


def _visible_referral(user, referral_id):
    try:
        return selectors.referral_get(user=user, referral_id=referral_id)
    except NotVisible as exc:
        raise Http404 from exc


def _agency_for(user):
    agency_ids = sorted(principal_for(user).agency_ids, key=str)
    if not agency_ids:
        raise PermissionDenied
    return Agency.objects.get(pk=agency_ids[0])


@login_required
def inbox(request):
    if not principal_for(request.user).has_role(*services.INTAKE_ROLES):
        raise PermissionDenied
    status = request.GET.get("status", "open")
    program_id = request.GET.get("program") or None
    urgency = request.GET.get("urgency", "")
    try:
        older = int(request.GET.get("older_than") or 0) or None
    except ValueError:
        older = None
    programs = programs_for(request.user)
    if program_id and not programs.filter(pk=program_id).exists():
        program_id = None
    page = paginate(
        request,
        selectors.referral_inbox(
            user=request.user,
            status=status,
            program_id=program_id,
            urgency=urgency,
            older_than_days=older,
        ),
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "intake/inbox.html",
        {
            "page": page,
            "metrics": selectors.intake_metrics(user=request.user),
            "status": status,
            "statuses": [("open", _("Open")), *ReferralStatus.choices],
            "program_id": program_id,
            "programs": programs,
            "urgency": urgency,
            "urgencies": Urgency.choices,
            "older_than": older or "",
            "query_string": params.urlencode() + "&" if params else "",
            "nav_section": "intake",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request):
    programs = programs_for(request.user)
    form = ReferralForm(
        request.POST or None, programs=programs, initial={"submission_key": uuid.uuid4().hex}
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                actor=request.user,
                agency=_agency_for(request.user),
                channel=Channel.STAFF,
                submission_key=form.cleaned_data["submission_key"],
                **form.referral_fields(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("Referral %(reference)s recorded.") % {"reference": referral.reference}
            )
            return redirect("referral_detail", referral_id=referral.pk)
    return render(request, "intake/form.html", {"form": form, "nav_section": "intake"})


@login_required
def referral_detail(request, referral_id):
    referral = _visible_referral(request.user, referral_id)
    matches, protected_match = [], False
    if referral.person_id is None and referral.is_open:
        matches, protected_match = duplicate_check(
            user=request.user,
            first_name=referral.first_name,
            last_name=referral.last_name,
            date_of_birth=referral.date_of_birth,
        )
    facts = selectors.screening_facts(referral)
    programs = programs_for(request.user)
    score, parts = selectors.referral_priority(referral)
    return render(
        request,
        "intake/detail.html",
        {
            "referral": referral,
            "matches": matches,
            "protected_match": protected_match,
            "screening": selectors.referral_screening(referral),
            "capacity": selectors.program_capacity(referral.program)
            if referral.program_id
            else None,
            "score": score,
            "parts": parts,
            "screening_form": ScreeningForm(
                initial={**facts, "program": referral.program}, programs=programs
            ),
            "decline_form": DeclineForm(),
            "accept_form": AcceptForm(case_managers=case_managers_for(request.user)),
            "assign_form": AssignForm(
                initial={"assignee": referral.assigned_to}, staff=intake_staff_for(request.user)
            ),
            "attachment_form": AttachmentForm(),
            "attachments": ReferralAttachment.objects.visible_to(request.user).filter(
                referral=referral
            ),
            "nav_section": "intake",
        },
    )


def _act(request, referral, action, success, **kwargs):
    try:
        action(actor=request.user, referral=referral, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("referral_detail", referral_id=referral.pk)


@login_required
@require_POST
def referral_action(request, referral_id, action):
    referral = _visible_referral(request.user, referral_id)
    if action == "screen":
        return _act(request, referral, services.referral_start_screening, _("Screening started."))
    if action == "waitlist":
        return _act(request, referral, services.referral_waitlist, _("Added to the waitlist."))
    if action == "offer":
        return _act(
            request, referral, services.referral_offer_slot, _("A place is held for this person.")
        )
    if action == "withdraw":
        return _act(
            request,
            referral,
            services.referral_withdraw,
            _("Referral withdrawn."),
            note=request.POST.get("note", "")[:500],
        )
    if action == "assign_me":
        return _act(
            request,
            referral,
            services.referral_assign,
            _("Assigned to you."),
            assignee=request.user,
        )
    if action == "assign":
        form = AssignForm(request.POST, staff=intake_staff_for(request.user))
        if not form.is_valid():
            messages.error(request, _("Choose someone who works in this agency."))
            return redirect("referral_detail", referral_id=referral.pk)
        return _act(
            request,
            referral,
            services.referral_assign,
            _("Assignment saved."),
            assignee=form.cleaned_data["assignee"],
        )
    if action == "attach":
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect("referral_detail", referral_id=referral.pk)
        return _act(
            request,
            referral,
            services.referral_attach,
            _("Document added."),
            upload=form.cleaned_data["file"],
        )
    if action == "match":
        try:
            person = person_get(user=request.user, person_id=request.POST.get("person"))
        except NotVisible as exc:
            raise Http404 from exc
        return _act(
            request,
            referral,
            services.referral_match_person,
            _("Linked to %(name)s.") % {"name": person.display_name},
            person=person,
        )
    if action == "decline":
        form = DeclineForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose why the referral is declined."))
            return redirect("referral_detail", referral_id=referral.pk)
        return _act(
            request,
            referral,
            services.referral_decline,
            _("Referral declined."),
            **form.cleaned_data,
        )
    if action == "accept":
        form = AcceptForm(request.POST, case_managers=case_managers_for(request.user))
        if not form.is_valid():
            messages.error(request, _("Choose a case manager of this agency."))
            return redirect("referral_detail", referral_id=referral.pk)
        return _act(
            request,
            referral,
            services.referral_accept,
            _("Accepted: the enrollment is ready to start."),
            **form.cleaned_data,
        )
    if action == "screening":
        form = ScreeningForm(request.POST, programs=programs_for(request.user))
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(
                    request,
                    f"{form.fields[field].label if field in form.fields else ''}: "
                    f"{' '.join(errors)}",
                )
            return redirect("referral_detail", referral_id=referral.pk)
        data = dict(form.cleaned_data)
        program = data.pop("program")
        return _act(
            request,
            referral,
            services.referral_update_screening,
            _("Screening facts saved."),
            facts=data,
            program=program,
        )
    raise Http404


@login_required
def waitlist(request, program_id):
    if not principal_for(request.user).has_role(*services.DECIDING_ROLES):
        raise PermissionDenied
    program = get_object_or_404(programs_for(request.user), pk=program_id)
    return render(
        request,
        "intake/waitlist.html",
        {
            "program": program,
            "rows": selectors.waitlist(user=request.user, program=program),
            "capacity": selectors.program_capacity(program),
            "nav_section": "intake",
        },
    )


@require_http_methods(["GET", "POST"])
def self_referral(request, agency_slug):
    """The public form: no login, minimal fields, rate-limited, nothing about anyone revealed."""
    agency = get_object_or_404(Agency, slug=agency_slug, is_active=True)
    form = SelfReferralForm(request.POST or None)
    if request.method == "POST":
        if not allow(
            f"self-referral:{client_ip(request)}",
            limit=settings.SELF_REFERRAL_LIMIT,
            window_seconds=3600,
        ):
            return render(
                request,
                "intake/self_referral.html",
                {"form": form, "agency": agency, "too_many": True},
                status=429,
            )
        if form.is_valid():
            data = form.cleaned_data
            if data["website"]:  # a bot filled the honeypot: pretend all went well
                return render(
                    request, "intake/self_referral_done.html", {"agency": agency, "reference": None}
                )
            try:
                referral = services.referral_create(
                    actor=None,
                    agency=agency,
                    channel=Channel.SELF,
                    source_type=SourceType.SELF,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    phone=data["phone"],
                    email=data["email"],
                    reason=data["reason"],
                    consent_to_contact=data["consent_to_contact"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return render(
                    request,
                    "intake/self_referral_done.html",
                    {"agency": agency, "reference": referral.reference},
                )
    return render(request, "intake/self_referral.html", {"form": form, "agency": agency})


@login_required
def attachment_download(request, referral_id, attachment_id):
    """Serve a document only to those who may see its referral, as a download, and audit it."""
    referral = _visible_referral(request.user, referral_id)
    attachment = get_object_or_404(
        ReferralAttachment.objects.visible_to(request.user), pk=attachment_id, referral=referral
    )
    audit.record_view(
        actor=request.user, obj=attachment, person=referral.person_id, agency_id=referral.agency_id
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
