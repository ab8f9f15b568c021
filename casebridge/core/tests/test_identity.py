"""core.identity: rows of a protected person are blanked as they load, fail closed when the
person is unknown, and never write their placeholders back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casebridge.core import clock, identity
from casebridge.crisis import services as crisis
from casebridge.intake.models import Referral
from casebridge.people.models import Person


@pytest.fixture
def protected(world):
    crisis.flag_set(
        actor=world.north.case_manager,
        person=world.north.client,
        kind="dv_protected",
        review_on=clock.today() + timedelta(days=30),
    )
    return world.north.client


def _referral(world, person=None, first_name="Northclient"):
    return Referral.objects.create(
        agency=world.north.agency,
        person=person,
        first_name=first_name,
        last_name="Secret",
        source_type="hospital",
        reason="x",
        received_at=timezone.now(),
    )


def test_rows_load_blanked_for_an_outsider_only(world, protected):
    pid = protected.pk
    with identity.viewing_as(world.north.case_manager):  # set the flag: in the circle
        assert Person.objects.get(pk=pid).legal_first_name == "Northclient"
    with identity.viewing_as(world.south.case_manager):
        person = Person.objects.get(pk=pid)
        assert person.identity_hidden and person.display_name == (
            f"Protected person {identity.reference(pid)}"
        )
        assert person.date_of_birth is None and person.phone == "" and person.ssn == ""
        person.refresh_from_db()
        assert person.legal_first_name == "Protected person"


def test_a_deferred_person_id_fails_closed(world, protected):
    unlinked = _referral(world, first_name="Southwalkin")
    with identity.viewing_as(world.south.case_manager):
        row = Referral.objects.only("id", "first_name").get(pk=unlinked.pk)
        assert row.first_name == "Protected person"
        assert Referral.objects.get(pk=unlinked.pk).first_name == "Southwalkin"


def test_a_blanked_row_saves_without_its_placeholders(world, protected):
    with identity.viewing_as(world.south.case_manager):
        person = Person.objects.get(pk=protected.pk)
        person.pronouns = "she/her"
        person.save()
        with pytest.raises(TypeError):
            person.save(force_insert=True)
    stored = Person.objects.get(pk=protected.pk)
    assert stored.pronouns == "she/her"
    assert stored.legal_first_name == "Northclient" and stored.ssn == "123-45-6789"
    assert stored.search_key


def test_nobody_is_hidden_without_a_viewer(world, protected):
    assert not Person.objects.get(pk=protected.pk).identity_hidden
