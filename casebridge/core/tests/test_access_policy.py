import pytest
from django.db.models import Q

from casebridge.core.access import AccessPolicy, principal_for
from casebridge.people.models import Person


def test_no_rule_means_no_rows(world):
    policy = AccessPolicy()
    assert policy.filter_for(Person, world.north.case_manager) is None
    assert not policy.scope(Person.objects.all(), world.north.case_manager).exists()


def test_a_rule_returning_an_empty_q_is_refused_not_read_as_everything(world):
    policy = AccessPolicy()
    policy.rule(Person)(lambda principal, grant: Q())
    with pytest.raises(ValueError, match="empty Q"):
        policy.filter_for(Person, world.north.case_manager)


def test_exclusions_remove_rows_whatever_the_grants(world):
    policy = AccessPolicy()
    policy.rule(Person)(lambda principal, grant: Q(agency_id=grant.agency_id))
    policy.exclusion(Person)(lambda principal: Q(legal_first_name="Northclient"))
    admin = world.north.users["agency_admin"]
    assert not policy.scope(Person.objects.all(), admin).filter(pk=world.north.client.pk).exists()


def test_inactive_users_and_memberships_grant_nothing(world):
    cm = world.north.case_manager
    cm.memberships.update(is_active=False)
    cm.refresh_from_db()
    assert principal_for(cm).grants == []
    assert not Person.objects.visible_to(cm).exists()


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Person.objects.visible_to(AnonymousUser()).exists()
