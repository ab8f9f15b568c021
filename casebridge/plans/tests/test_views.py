import io

import pytest
from pypdf import PdfReader

from casebridge.accounts.models import Role
from casebridge.plans import services
from casebridge.plans.models import CarePlan, Goal, PlanStatus
from casebridge.plans.pdf import language_for, latin1
from casebridge.plans.tests.conftest import signature_png


@pytest.fixture
def cm(client, world):
    client.force_login(world.north.case_manager)
    return client


def _plan(world, needs):
    return services.plan_create(
        actor=world.north.case_manager, enrollment=world.north.enrollment, needs=needs
    )


def test_create_plan_page_from_needs(cm, world, needs):
    url = f"/plans/person/{world.north.client.pk}/new/"
    body = cm.get(url).content.decode()
    assert "No stable housing" in body and "No income" in body
    response = cm.post(
        url,
        {
            "enrollment": str(world.north.enrollment.pk),
            "needs": [str(needs[0].pk)],
            "summary": "A home",
        },
    )
    plan = CarePlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"
    assert [g.statement for g in plan.goals.all()] == ["No stable housing"]
    body = cm.get(f"/plans/{plan.pk}/").content.decode()
    assert "No stable housing" in body and "Activate the plan" in body
    assert "Version 1" in cm.get(f"/plans/person/{world.north.client.pk}/").content.decode()


def test_goal_form_shows_field_errors_and_keeps_what_was_typed(cm, world, needs):
    plan = _plan(world, needs)
    response = cm.post(
        f"/plans/{plan.pk}/goals/new/",
        {
            "statement": "I want to see my daughter every week",
            "domain": "moon",
            "priority": "high",
            "due_on": "2001-01-01",
            "baseline": "Once a month",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "usa-error-message" in body
    assert "I want to see my daughter every week" in body and "Once a month" in body
    assert plan.goals.count() == 2
    # a past date is refused by the service, next to its field
    response = cm.post(
        f"/plans/{plan.pk}/goals/new/",
        {
            "statement": "I want a job",
            "domain": "employment",
            "priority": "high",
            "due_on": "2001-01-01",
        },
    )
    assert response.status_code == 400
    assert "Choose a date to come." in response.content.decode()
    assert "I want a job" in response.content.decode()


def test_step_form_errors(cm, world, needs):
    plan = _plan(world, needs)
    response = cm.post(
        f"/plans/{plan.pk}/steps/new/",
        {"goal": str(plan.goals.first().pk), "action": "Ask the clinic", "performer": "provider"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter the provider&#x27;s name." in body and "Ask the clinic" in body


def test_agreement_page_signature_and_verbal(cm, world, needs):
    plan = _plan(world, needs)
    page = cm.get(f"/plans/{plan.pk}/agreement/").content.decode()
    assert "plans/signature.js" in page and "<canvas" in page
    response = cm.post(
        f"/plans/{plan.pk}/agreement/",
        {"method": "verbal", "signer_name": "Ana Pérez", "witness_name": ""},
    )
    assert response.status_code == 400
    assert "A verbal agreement needs the name of a witness." in response.content.decode()
    response = cm.post(
        f"/plans/{plan.pk}/agreement/",
        {"method": "signature", "signer_name": "Ana Pérez", "signature": signature_png()},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.is_agreed
    body = cm.get(f"/plans/{plan.pk}/").content.decode()
    assert "data:image/png;base64," in body and "Edit the goal" not in body
    goal = plan.goals.first()
    response = cm.post(
        f"/plans/goals/{goal.pk}/edit/",
        {"statement": "changed", "domain": "housing", "priority": "high"},
    )
    assert response.status_code == 400
    assert Goal.objects.get(pk=goal.pk).statement == "No stable housing"


def test_activate_review_and_new_version_pages(cm, world, needs):
    plan = _plan(world, needs)
    response = cm.post(f"/plans/{plan.pk}/status/", {"to_status": "active"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    goal = plan.goals.first()
    response = cm.post(
        f"/plans/goals/{goal.pk}/progress/",
        {"achievement": "improving", "recorded_on": "2026-01-01", "note": "Saw two flats"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = cm.post(f"/plans/{plan.pk}/review/", {"reviewed_on": "", "notes": ""})
    assert response.status_code == 400
    response = cm.post(f"/plans/{plan.pk}/new-version/")
    new = CarePlan.objects.get(version=2)
    assert response["Location"] == f"/plans/{new.pk}/"
    body = cm.get(f"/plans/goals/{new.goals.first().pk}/progress/").content.decode()
    assert "Saw two flats" in body  # attainment history across versions


def test_supervisor_sees_sign_off_button(client, world, needs):
    plan = _plan(world, needs)
    services.plan_agree(
        actor=world.north.case_manager,
        plan=plan,
        method="verbal",
        signer_name="A",
        witness_name="W",
    )
    client.force_login(world.north.users[Role.SUPERVISOR])
    assert "Sign off as supervisor" in client.get(f"/plans/{plan.pk}/").content.decode()
    assert client.post(f"/plans/{plan.pk}/sign-off/").status_code == 302
    plan.refresh_from_db()
    assert plan.signed_off_at is not None


def _pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_renders_the_goals_in_plain_language(cm, world, needs):
    plan = _plan(world, needs)
    services.goal_add(
        actor=world.north.case_manager,
        plan=plan,
        data={
            "domain": "social_support",
            "statement": "I want to call my sister “Zoë” every Sunday — łatwo",
            "target_measure": "Calls a month",
        },
    )
    goal = plan.goals.first()
    services.step_add(
        actor=world.north.case_manager,
        plan=plan,
        data={"goal": goal, "action": "visit two flats", "performer": "person"},
    )
    services.plan_agree(
        actor=world.north.case_manager,
        plan=plan,
        method="signature",
        signer_name="Ana Pérez",
        signature=signature_png(),
    )
    text = _pdf_text(cm.get(f"/plans/{plan.pk}/pdf/"))
    assert "My care plan" in text
    assert "No stable housing" in text and "No income" in text
    assert 'I want to call my sister "Zoë" every Sunday - latwo' in text
    assert "visit two flats" in text and "Ana Pérez" in text
    from casebridge.core.models import AuditEvent

    assert AuditEvent.objects.filter(object_id=str(plan.pk), action="export").count() == 1


def test_pdf_in_spanish_when_the_person_speaks_spanish(cm, world, needs):
    person = world.north.client
    person.primary_language = "Spanish"
    person.save()
    assert language_for(person) == "es"
    plan = _plan(world, needs)
    text = _pdf_text(cm.get(f"/plans/{plan.pk}/pdf/"))
    assert "Mi plan de cuidado" in text and "Mis metas" in text
    assert "No stable housing" in text  # the person's own words are never translated


def test_latin1_replacement():
    assert latin1("“quoted” – ok… 😀 Ł") == '"quoted" - ok... ? L'


def test_pages_in_spanish(cm, world, needs):
    plan = _plan(world, needs)
    body = cm.get(f"/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Metas" in body and "Activar el plan" in body
