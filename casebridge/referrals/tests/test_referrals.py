import datetime
import re
import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from casebridge.accounts.models import Role
from casebridge.core.errors import TransitionError
from casebridge.core.models import AuditEvent
from casebridge.directory.tests.helpers import provider
from casebridge.referrals import rules, selectors, services
from casebridge.referrals.models import (
    ALLOWED,
    LINK_MOVES,
    ReferralLink,
    ReferralStatus,
    ServiceReferral,
)
from casebridge.tasks.models import Task

S = ReferralStatus
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mail_at_once(monkeypatch):
    """Emails go after commit; tests run in one transaction, so send them at once."""
    monkeypatch.setattr(
        "casebridge.referrals.services.transaction.on_commit", lambda func, *a, **k: func()
    )


@pytest.fixture
def harbor(world):
    return provider("Harbor Housing", category="housing", staff_username="harbor_staff")


@pytest.fixture
def offline(world):
    return provider("Offline Shelter", email="shelter@offline.example")


def draft(world, service, **kwargs):
    return services.referral_create(
        actor=world.north.case_manager,
        person=world.north.client,
        service=service,
        reason=kwargs.pop("reason", "Needs housing"),
        share_fields=kwargs.pop("share_fields", ["name", "phone"]),
        **kwargs,
    )


def sent(world, service):
    referral = draft(world, service)
    return services.referral_send(
        actor=world.north.case_manager, referral=referral, consent_confirmed=True
    )


def force(referral, status):
    ServiceReferral.objects.filter(pk=referral.pk).update(status=status)
    referral.refresh_from_db()
    return referral


@pytest.mark.parametrize("start", list(S.values))
@pytest.mark.parametrize("target", list(S.values))
def test_state_machine_every_pair(world, harbor, start, target):
    """Every (from, to) pair: allowed moves succeed with one audit event and one timeline
    event, stamped and attributed; every other move is refused and changes nothing."""
    referral = force(draft(world, harbor["service"]), start)
    cm = world.north.case_manager
    before = AuditEvent.objects.count()
    events_before = referral.events.count()
    allowed = target in ALLOWED[start]
    try:
        if target == S.SENT:
            services.referral_send(actor=cm, referral=referral, consent_confirmed=True)
        else:
            services.referral_transition(actor=cm, referral=referral, to_status=target, note="n")
    except TransitionError:
        assert not allowed
        referral.refresh_from_db()
        assert referral.status == start
        assert AuditEvent.objects.count() == before
        assert referral.events.count() == events_before
        return
    assert allowed, f"{start} → {target} should be refused"
    referral.refresh_from_db()
    assert referral.status == target
    assert AuditEvent.objects.filter(action="transition").count() == 1
    event = referral.events.order_by("-id").first()
    assert (event.from_status, event.to_status, event.actor) == (start, target, cm)
    assert referral.last_activity_at is not None
    if target in (S.COMPLETED, S.DECLINED, S.CANCELLED, S.NO_SHOW, S.EXPIRED):
        assert referral.closed_at is not None


def test_send_needs_consent_and_snapshots_only_what_was_ticked(world, harbor):
    referral = draft(world, harbor["service"], share_fields=["name"])
    with pytest.raises(ValidationError):
        services.referral_send(
            actor=world.north.case_manager, referral=referral, consent_confirmed=False
        )
    services.referral_send(
        actor=world.north.case_manager, referral=referral, consent_confirmed=True
    )
    referral.refresh_from_db()
    assert set(referral.shared) == {"reason", "urgency", "name"}
    assert "555-0100" not in str(referral.shared)
    assert referral.consent_confirmed_by == world.north.case_manager
    # Provider staff on the platform: notified in the app and by email without client detail.
    assert len(mail.outbox) == 1 and "Northclient" not in mail.outbox[0].body
    assert harbor["user"].notifications.count() == 1


def test_create_refuses_other_roles_and_closed_services(world, harbor):
    with pytest.raises(PermissionDenied):
        services.referral_create(
            actor=world.north.users[Role.INTAKE_WORKER],
            person=world.north.client,
            service=harbor["service"],
            reason="x",
        )
    harbor["service"].capacity_status = "closed"
    harbor["service"].save()
    with pytest.raises(ValidationError) as error:
        draft(world, harbor["service"])
    assert "service" in error.value.message_dict


def test_provider_sees_only_their_referrals_and_only_the_snapshot(world, harbor, client):
    other = provider("Food Bank", staff_username="food_staff")
    mine = sent(world, harbor["service"])
    theirs = sent(world, other["service"])
    hidden_draft = draft(world, harbor["service"])
    user = harbor["user"]
    assert list(selectors.provider_referrals(user=user)) == [mine]
    assert ServiceReferral.objects.visible_to(user).count() == 0
    client.force_login(user)
    response = client.get("/referrals/inbox/")
    assert response.status_code == 200 and b"Harbor Housing service" in response.content
    page = client.get(f"/referrals/{mine.pk}/")
    body = page.content.decode()
    assert page.status_code == 200 and "Needs housing" in body and "555-0100" in body
    for secret in ["45-6789", str(world.north.client.pk), "1980-05-17", "Staff", "North ICM"]:
        assert secret not in body, secret
    assert client.get(f"/referrals/{theirs.pk}/").status_code == 404
    assert client.get(f"/referrals/{hidden_draft.pk}/").status_code == 404
    assert (
        client.post(f"/referrals/{theirs.pk}/status/", {"move-to_status": "accepted"}).status_code
        == 404
    )
    assert client.get(f"/referrals/person/{world.north.client.pk}/").status_code == 404
    assert client.get(f"/people/{world.north.client.pk}/").status_code == 404
    assert client.get(f"/api/service-referrals/{mine.pk}").status_code == 404

    # Accept, then complete with an outcome; the case manager is notified.
    response = client.post(f"/referrals/{mine.pk}/status/", {"move-to_status": "completed"})
    assert response.status_code == 422  # accepted first; completed is not offered yet
    client.post(f"/referrals/{mine.pk}/status/", {"move-to_status": "accepted"})
    response = client.post(f"/referrals/{mine.pk}/status/", {"move-to_status": "completed"})
    assert response.status_code == 422 and b"Describe the outcome" in response.content
    client.post(
        f"/referrals/{mine.pk}/status/",
        {"move-to_status": "completed", "move-note": "Housed on 3rd floor"},
    )
    mine.refresh_from_db()
    assert mine.status == S.COMPLETED and mine.outcome == "Housed on 3rd floor"
    assert mine.events.filter(actor=user, actor_kind="provider").count() == 2
    assert world.north.case_manager.notifications.filter(kind="referral").count() == 2


def test_inactive_provider_staff_lose_access(world, harbor, client):
    referral = sent(world, harbor["service"])
    harbor["user"].provider_roles.update(is_active=False)
    client.force_login(harbor["user"])
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert client.get("/referrals/inbox/").status_code == 403


def _token_from_mail():
    return re.search(r"/referrals/respond/([\w-]+)/", mail.outbox[-1].body).group(1)


def test_secure_link_single_use_and_expiry(world, offline, client):
    referral = sent(world, offline["service"])
    assert mail.outbox[-1].to == ["shelter@offline.example"]
    assert "Northclient" not in mail.outbox[-1].body
    token = _token_from_mail()
    link = ReferralLink.objects.get()
    assert link.digest == services.token_digest(token) and token not in link.digest
    page = client.get(f"/referrals/respond/{token}/")
    assert page.status_code == 200 and b"Needs housing" in page.content
    assert b"1980-05-17" not in page.content and page["Referrer-Policy"] == "no-referrer"
    assert str(world.north.client.pk).encode() not in page.content
    response = client.post(f"/referrals/respond/{token}/", {"move-to_status": "accepted"})
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED
    assert referral.events.last().actor_kind == "link"
    assert AuditEvent.objects.filter(actor_label="provider-link").count() == 1
    # The used link is refused; a new one went out for the next update.
    assert client.get(f"/referrals/respond/{token}/").status_code == 410
    assert (
        client.post(f"/referrals/respond/{token}/", {"move-to_status": "completed"}).status_code
        == 410
    )
    second = _token_from_mail()
    assert second != token
    response = client.post(f"/referrals/respond/{second}/", {"move-to_status": "completed"})
    assert response.status_code == 422  # the outcome is required
    response = client.post(
        f"/referrals/respond/{second}/",
        {"move-to_status": "completed", "move-note": "Moved in"},
    )
    referral.refresh_from_db()
    assert referral.status == S.COMPLETED and referral.outcome == "Moved in"
    assert ReferralLink.objects.count() == 2  # closed: no further link
    assert client.get(f"/referrals/respond/{second}/").status_code == 410
    assert client.get("/referrals/respond/not-a-token/").status_code == 404


def test_expired_and_replaced_links_are_refused(world, offline, client):
    sent(world, offline["service"])
    token = _token_from_mail()
    ReferralLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(f"/referrals/respond/{token}/").status_code == 410
    with pytest.raises(services.LinkRefused):
        services.link_respond(token=token, to_status=S.ACCEPTED)
    referral = ServiceReferral.objects.get()
    fresh = services.link_issue(referral=referral)
    assert client.get(f"/referrals/respond/{fresh}/").status_code == 200
    newer = services.link_issue(referral=referral)
    assert client.get(f"/referrals/respond/{fresh}/").status_code == 410
    assert client.get(f"/referrals/respond/{newer}/").status_code == 200
    with pytest.raises(ValidationError):
        services.link_respond(token=newer, to_status=S.CANCELLED)
    assert set(LINK_MOVES) == {S.RECEIVED, S.ACCEPTED, S.DECLINED, S.COMPLETED}


def test_link_page_is_rate_limited(world, offline, client, settings):
    from django.core.cache import cache

    cache.clear()
    sent(world, offline["service"])
    token = _token_from_mail()
    import casebridge.referrals.views as views

    limit = views.LINK_LIMIT
    for _ in range(limit):
        client.get(f"/referrals/respond/{token}/")
    assert client.get(f"/referrals/respond/{token}/").status_code == 429
    cache.clear()


def test_stalled_referrals_make_one_follow_up_task(world, harbor):
    referral = sent(world, harbor["service"])
    today = timezone.localdate()
    assert rules.stalled_referral_tasks(today=today) == 0
    later = today + datetime.timedelta(days=7)
    assert rules.stalled_referral_tasks(today=later) == 1
    assert rules.stalled_referral_tasks(today=later) == 0
    task = Task.objects.get()
    assert task.assignee == world.north.case_manager and task.source == "referral_stalled"
    assert task.dedupe_key == f"referral_stalled:{referral.pk}:sent"


def test_metrics(world, harbor, offline, client):
    a = sent(world, harbor["service"])
    b = sent(world, harbor["service"])
    c = sent(world, offline["service"])
    cm = world.north.case_manager
    services.referral_transition(actor=cm, referral=a, to_status=S.ACCEPTED)
    services.referral_transition(actor=cm, referral=a, to_status=S.COMPLETED, note="ok")
    services.referral_transition(actor=cm, referral=b, to_status=S.DECLINED, note="full")
    services.referral_transition(actor=cm, referral=c, to_status=S.CANCELLED)
    metrics = selectors.referral_metrics(user=cm)
    overall = metrics["overall"]
    assert overall["total"] == 3
    assert overall["loop_closure_rate"] == 1.0
    assert overall["median_days_to_acceptance"] == 0.0
    assert {row["name"]: row["total"] for row in metrics["by_provider"]} == {
        "Harbor Housing": 2,
        "Offline Shelter": 1,
    }
    assert {row["name"] for row in metrics["by_category"]} == {"housing", ""}
    assert selectors.referral_metrics(user=world.south.case_manager)["overall"]["total"] == 0
    analyst = selectors.referral_metrics(user=world.north.users[Role.DATA_ANALYST])
    assert analyst["overall"]["total"] == 3
    client.force_login(cm)
    assert client.get("/referrals/metrics/").status_code == 200
    assert client.get("/api/service-referrals/metrics").json()["overall"]["total"] == 3


def test_case_manager_pages(world, harbor, client, django_assert_max_num_queries):
    person = world.north.client
    client.force_login(world.north.case_manager)
    response = client.get(f"/referrals/person/{person.pk}/new/?q=harbor")
    assert response.status_code == 200 and b"Harbor Housing service" in response.content
    url = f"/referrals/person/{person.pk}/new/?service={harbor['service'].pk}"
    response = client.post(
        url,
        {
            "service": harbor["service"].pk,
            "reason": "Needs a flat",
            "urgency": "soon",
            "share_fields": ["name"],
            "action": "send",
        },
    )
    assert response.status_code == 200 and b"usa-error-message" in response.content
    assert b"Needs a flat" in response.content  # what was typed is kept
    response = client.post(
        url,
        {
            "service": harbor["service"].pk,
            "reason": "Needs a flat",
            "urgency": "soon",
            "share_fields": ["name"],
            "consent_confirmed": "on",
            "action": "send",
        },
    )
    referral = ServiceReferral.objects.get()
    assert response.status_code == 302 and referral.status == S.SENT
    with django_assert_max_num_queries(25):
        page = client.get(f"/referrals/{referral.pk}/")
    assert page.status_code == 200 and b"What the provider sees" in page.content
    response = client.post(f"/referrals/{referral.pk}/status/", {"move-to_status": "cancelled"})
    assert response.status_code == 302
    with django_assert_max_num_queries(15):
        assert client.get(f"/referrals/person/{person.pk}/").status_code == 200


def test_api_crud_and_transitions(world, harbor, client):
    client.force_login(world.north.case_manager)
    person = world.north.client
    base = f"/api/persons/{person.pk}/service-referrals"
    response = client.post(
        base,
        {"service_id": str(harbor["service"].pk), "reason": "Housing", "share_fields": ["name"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    rid = response.json()["id"]
    assert (
        client.post(
            base,
            {"service_id": str(harbor["service"].pk), "reason": "x", "extra": 1},
            content_type="application/json",
        ).status_code
        == 422
    )
    assert (
        client.patch(
            f"/api/service-referrals/{rid}", {"urgency": "urgent"}, content_type="application/json"
        ).json()["urgency"]
        == "urgent"
    )
    response = client.post(
        f"/api/service-referrals/{rid}/send",
        {"consent_confirmed": False},
        content_type="application/json",
    )
    assert response.status_code == 422
    client.post(
        f"/api/service-referrals/{rid}/send",
        {"consent_confirmed": True},
        content_type="application/json",
    )
    response = client.post(
        f"/api/service-referrals/{rid}/transitions",
        {"to_status": "in_progress"},
        content_type="application/json",
    )
    assert response.status_code == 409
    response = client.post(
        f"/api/service-referrals/{rid}/transitions",
        {"to_status": "accepted"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    detail = client.get(f"/api/service-referrals/{rid}").json()
    assert [e["to_status"] for e in detail["events"]] == ["draft", "sent", "accepted"]
    assert client.get(base).json()[0]["id"] == rid
    assert client.delete(f"/api/service-referrals/{rid}").json()["status"] == "cancelled"
    assert client.delete(f"/api/service-referrals/{rid}").status_code == 409
    client.force_login(world.south.case_manager)
    assert client.get(f"/api/service-referrals/{rid}").status_code == 404
    assert client.get(f"/api/service-referrals/{uuid.uuid4()}").status_code == 404
