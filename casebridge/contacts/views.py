from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casebridge.contacts import calendar, selectors, services
from casebridge.contacts.forms import AmendmentForm, ContactForm, NoteForm
from casebridge.contacts.models import ContactStatus, NoteFormat, NoteStatus
from casebridge.core.errors import NotVisible
from casebridge.core.pagination import paginate
from casebridge.enrollments.models import Enrollment, EnrollmentStatus
from casebridge.people.selectors import person_get
from casebridge.plans.selectors import active_goals_of
from casebridge.web.forms import apply_service_errors


def _visible_person(user, person_id):
    try:
        return person_get(user=user, person_id=person_id)
    except NotVisible as exc:
        raise Http404 from exc


def _visible_contact(user, contact_id, record_view=True):
    try:
        return selectors.contact_get(user=user, contact_id=contact_id, record_view=record_view)
    except NotVisible as exc:
        raise Http404 from exc


def _form_key(key: str) -> str:
    """A service error key (``services.0.units``, ``note.sections.plan``) as a form field."""
    parts = key.split(".")
    if parts[0] == "services" and len(parts) == 3:
        return f"service_{parts[1]}_{'type' if parts[2] == 'service_type' else parts[2]}"
    if parts[0] == "note" and len(parts) == 3:
        return f"note_{parts[2]}"
    return key


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        exc = ValidationError({_form_key(k): v for k, v in exc.message_dict.items()})
    apply_service_errors(form, exc)


def _note_format(request, enrollment) -> str:
    offered = (enrollment.program.note_formats if enrollment else None) or NoteFormat.values
    offered = [f for f in offered if f in NoteFormat.values] or [NoteFormat.FREE]
    chosen = request.POST.get("note_format") or request.GET.get("format")
    return chosen if chosen in offered else offered[0], offered


@login_required
def person_contacts(request, person_id):
    person = _visible_person(request.user, person_id)
    status = request.GET.get("status", "")
    page = paginate(request, selectors.contacts_of(user=request.user, person=person, status=status))
    return render(
        request,
        "contacts/person.html",
        {
            "person": person,
            "page": page,
            "status": status,
            "statuses": ContactStatus.choices,
            "query_string": f"status={status}&" if status else "",
            "nav_section": "people",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request, person_id):
    person = _visible_person(request.user, person_id)
    enrollments = list(
        Enrollment.objects.visible_to(request.user)
        .filter(person=person, status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.ON_HOLD])
        .select_related("program")
        .order_by("-start_date")
    )
    chosen = request.POST.get("enrollment") or request.GET.get("enrollment")
    enrollment = next((e for e in enrollments if str(e.pk) == chosen), None) or next(
        (e for e in enrollments if e.primary_case_manager_id == request.user.pk),
        enrollments[0] if enrollments else None,
    )
    note_format, offered = _note_format(request, enrollment)
    initial = {"status": request.GET.get("status", ContactStatus.COMPLETED)}
    form = ContactForm(
        request.POST or None,
        note_format=note_format,
        enrollments=enrollments,
        goals=active_goals_of(user=request.user, person=person, enrollment=enrollment)
        if enrollment
        else (),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        sign = request.POST.get("action") == "sign"
        try:
            contact = services.contact_record(
                actor=request.user,
                person=person,
                enrollment=enrollment,
                data=form.contact_fields(),
                services=form.service_rows(),
                note={"note_format": note_format, "sections": form.note_sections()},
                sign=sign,
                goal_progress=form.goal_rows(),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            if contact.status == ContactStatus.SCHEDULED:
                messages.success(request, _("Appointment scheduled."))
            elif sign:
                messages.success(request, _("Contact recorded and note signed."))
            else:
                messages.success(request, _("Contact recorded; the note is a draft."))
            return redirect("contact_detail", contact_id=contact.pk)
    return render(
        request,
        "contacts/form.html",
        {
            "person": person,
            "form": form,
            "note_format": note_format,
            "formats": [(f, NoteFormat(f).label) for f in offered],
            "enrollment": enrollment,
            "nav_section": "people",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_detail(request, contact_id):
    contact = _visible_contact(request.user, contact_id, record_view=request.method == "GET")
    note = selectors.note_of(contact)
    note_format = note.note_format if note else _note_format(request, contact.enrollment)[0]
    note_form = amend_form = None
    can_edit_note = (note is None or note.status == NoteStatus.DRAFT) and (
        note is None or note.author_id == request.user.pk
    )
    if can_edit_note:
        note_form = NoteForm(
            request.POST or None,
            note_format=note_format,
            initial_sections=note.sections if note else None,
        )
    elif note is not None:
        amend_form = AmendmentForm()
    if request.method == "POST" and note_form is not None and note_form.is_valid():
        sign = request.POST.get("action") == "sign"
        try:
            services.note_save(
                actor=request.user,
                contact=contact,
                note_format=note_format,
                sections=note_form.note_sections(),
                sign=sign,
            )
        except ValidationError as exc:
            _apply_errors(note_form, exc)
        else:
            messages.success(request, _("Note signed.") if sign else _("Draft saved."))
            return redirect("contact_detail", contact_id=contact.pk)
    return render(
        request,
        "contacts/detail.html",
        _detail_context(contact, note, note_form=note_form, amend_form=amend_form),
    )


def _detail_context(contact, note, *, note_form=None, amend_form=None):
    return {
        "contact": contact,
        "person": contact.person,
        "note": note,
        "note_form": note_form,
        "amend_form": amend_form,
        "formats": [(f, NoteFormat(f).label) for f in NoteFormat.values],
        "nav_section": "people",
    }


@login_required
@require_POST
def contact_amend(request, contact_id):
    contact = _visible_contact(request.user, contact_id, record_view=False)
    note = selectors.note_of(contact)
    if note is None:
        raise Http404
    form = AmendmentForm(request.POST)
    if form.is_valid():
        try:
            services.note_amend(
                actor=request.user,
                note=note,
                text=form.cleaned_data["text"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Amendment added."))
            return redirect("contact_detail", contact_id=contact.pk)
    return render(
        request, "contacts/detail.html", _detail_context(contact, note, amend_form=form), status=400
    )


@login_required
@require_POST
def contact_status(request, contact_id):
    contact = _visible_contact(request.user, contact_id, record_view=False)
    try:
        services.contact_set_status(
            actor=request.user, contact=contact, status=request.POST.get("status", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Appointment updated."))
    return redirect("contact_detail", contact_id=contact.pk)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar.feed_revoke(user=request.user)
            messages.success(request, _("The calendar address no longer works."))
            return redirect("calendar_settings")
        token = calendar.feed_reset(user=request.user)
    has_feed = hasattr(request.user, "calendar_feed")
    return render(
        request,
        "contacts/calendar.html",
        {
            "feed_url": f"{settings.SITE_URL}/calendar/{token}.ics" if token else None,
            "has_feed": has_feed or token is not None,
            "nav_section": "today",
        },
    )


@require_GET
def calendar_feed(request, token):
    user = calendar.feed_user(token)
    if user is None:
        raise Http404
    body = calendar.feed_ics(user=user, site=settings.SITE_URL)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
