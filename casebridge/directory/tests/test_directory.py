import io
import json
import uuid
import zipfile
from datetime import datetime, time

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from casebridge.accounts.models import Role
from casebridge.core.models import AuditEvent
from casebridge.directory import hsds, selectors, services
from casebridge.directory.models import Organization, Schedule, Service
from casebridge.directory.tests.helpers import provider

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    """A local datetime in the agency time zone: 2026-03-02 is a Monday (day 0)."""
    return timezone.make_aware(datetime(2026, 3, 2 + day, hour, minute))


def search(**kwargs):
    return [hit.service.name for hit in selectors.service_search(selectors.SearchQuery(**kwargs))]


def test_search_by_text_category_language_age(world):
    provider("Harbor Housing", category="housing")
    provider("Food Bank", category="food")
    assert search(text="harbor") == ["Harbor Housing service"]
    assert search(text="rehousing tenancy") == ["Food Bank service", "Harbor Housing service"]
    assert search(category="food") == ["Food Bank service"]
    assert search(language="es") == ["Food Bank service", "Harbor Housing service"]
    assert search(language="vi") == []
    assert search(age=16) == []
    Service.objects.filter(name__startswith="Food").update(status="defunct")
    assert search() == ["Harbor Housing service"]


def test_open_now_in_sql_and_python_agree_including_overnight(world):
    shelter = provider("Night Shelter")["service"]
    Schedule.objects.filter(service=shelter).delete()
    Schedule.objects.create(service=shelter, weekday=4, opens_at=time(20), closes_at=time(8))
    cases = [
        (at(0, 10), {"Night Shelter service": False}),
        (at(4, 21), {"Night Shelter service": True}),
        (at(5, 7, 59), {"Night Shelter service": True}),
        (at(5, 8), {"Night Shelter service": False}),
        (at(4, 19), {"Night Shelter service": False}),
    ]
    for when, expected in cases:
        names = [
            h.service.name
            for h in selectors.service_search(selectors.SearchQuery(open_now=True), when=when)
        ]
        assert ("Night Shelter service" in names) is expected["Night Shelter service"], when
        assert selectors.is_open(shelter.schedules.all(), when) is expected["Night Shelter service"]


def test_distance_search_orders_and_bounds(world):
    provider("Near", lat="40.7130", lon="-74.0062")
    provider("Far", lat="40.8500", lon="-73.9000")
    provider("Other city", lat="34.0522", lon="-118.2437")
    hits = selectors.service_search(
        selectors.SearchQuery(latitude=40.7128, longitude=-74.0060, within_km=25)
    )
    assert [h.service.name for h in hits] == ["Near service", "Far service"]
    assert hits[0].distance_km < 0.1 and 15 < hits[1].distance_km < 20
    assert selectors.haversine_km(40.7128, -74.0060, 34.0522, -118.2437) == pytest.approx(
        3936, rel=0.01
    )


def test_origin_from_person_postal_code_and_hints(world):
    created = provider("Harbor Housing", postal="10001")
    client = world.north.client
    assert selectors.origin_for_person(client) is None
    client.postal_code = "10001"
    assert selectors.origin_for_person(client) == pytest.approx((40.7128, -74.006))
    hints = selectors.eligibility_hints(created["service"], age=16, language="vi")
    assert any("age" in hint for hint in hints) and len(hints) == 2


def test_only_agency_admins_curate_and_each_write_is_audited(world):
    admin = world.north.users[Role.AGENCY_ADMIN]
    with pytest.raises(PermissionDenied):
        services.organization_save(
            actor=world.north.case_manager, data={"name": "X", "description": "x"}
        )
    org = services.organization_save(actor=admin, data={"name": "Clinic", "description": "Care"})
    assert org.curated_by_id == world.north.agency.pk
    with pytest.raises(PermissionDenied):
        services.organization_save(
            actor=world.south.users[Role.AGENCY_ADMIN], organization=org, data={"name": "Mine"}
        )
    service = services.service_save(
        actor=admin,
        organization=org,
        data={"name": "Counselling", "description": "Talk", "status": "active"},
        languages="en, es",
        hours="Mon 09:00-17:00\nSat 22:00-02:00",
    )
    assert [s.weekday for s in service.schedules.all()] == [0, 5]
    assert AuditEvent.objects.filter(object_id=str(service.pk)).count() == 1
    with pytest.raises(Exception) as bad:
        services.service_save(
            actor=admin, organization=org, service=service, data={}, hours="Someday 9-5"
        )
    assert "hours" in bad.value.message_dict


def _zip(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


ORG = str(uuid.uuid4())
LOC = str(uuid.uuid4())
SVC = str(uuid.uuid4())
TERM = str(uuid.uuid4())
GOOD = {
    "organizations.csv": f"id,name,description,email\n{ORG},Harbor,Housing help,a@b.example\n",
    "locations.csv": f"id,organization_id,name,latitude,longitude\n{LOC},{ORG},Office,40.7,-74\n",
    "addresses.csv": f"id,location_id,address_1,city,state_province,postal_code,country,"
    f"address_type\n{uuid.uuid4()},{LOC},1 Main St,NYC,NY,10001,US,physical\n",
    "services.csv": f"id,organization_id,name,status,capacity_status\n{SVC},{ORG},Rehousing,"
    "active,waitlist\n",
    "service_at_locations.csv": f"id,service_id,location_id\n{uuid.uuid4()},{SVC},{LOC}\n",
    "schedules.csv": f"id,service_id,byday,opens_at,closes_at\n{uuid.uuid4()},{SVC},"
    '"MO,TU",09:00,17:00\n',
    "languages.csv": f"id,service_id,code,name\n{uuid.uuid4()},{SVC},es,Spanish\n",
    "taxonomy_terms.csv": f"id,code,name,description\n{TERM},housing,Housing,Housing\n",
    "attributes.csv": f"id,link_id,taxonomy_term_id,link_type\n{uuid.uuid4()},{SVC},{TERM},"
    "service\n",
}


def test_csv_import_writes_everything(world):
    admin = world.north.users[Role.AGENCY_ADMIN]
    result = services.directory_import(actor=admin, tables=hsds.read_zip(_zip(GOOD)))
    assert result.errors == [] and result.written
    service = Service.objects.get(pk=SVC)
    assert service.capacity_status == "waitlist"
    assert [t.code for t in service.categories.all()] == ["housing"]
    assert service.locations.get().postal_code == "10001"
    assert service.schedules.count() == 2
    # Importing again updates in place.
    again = services.directory_import(actor=admin, tables=hsds.read_zip(_zip(GOOD)))
    assert again.written and Service.objects.count() == 1


def test_csv_import_with_one_bad_row_writes_nothing_and_reports_rows(world):
    admin = world.north.users[Role.AGENCY_ADMIN]
    bad = dict(GOOD)
    bad["services.csv"] += f"{uuid.uuid4()},{uuid.uuid4()},,sometimes,\n"
    bad["locations.csv"] += f"not-a-uuid,{ORG},Annex,95,-74\n"
    result = services.directory_import(actor=admin, tables=hsds.read_zip(_zip(bad)))
    assert not result.written
    assert not Organization.objects.exists() and not Service.objects.exists()
    found = {(e.table, e.row, e.field) for e in result.errors}
    assert ("services", 3, "name") in found
    assert ("services", 3, "status") in found
    assert ("services", 3, "organization_id") in found
    assert ("locations", 3, "id") in found and ("locations", 3, "latitude") in found


def test_json_import_and_management_command(world, tmp_path):
    payload = [
        {
            "id": ORG,
            "name": "Harbor",
            "description": "Housing help",
            "services": [
                {
                    "id": SVC,
                    "name": "Rehousing",
                    "status": "active",
                    "languages": [{"id": str(uuid.uuid4()), "code": "es"}],
                    "schedules": [{"byday": "WE", "opens_at": "10:00", "closes_at": "12:00"}],
                    "service_at_locations": [
                        {"id": str(uuid.uuid4()), "location": {"id": LOC, "name": "Office"}}
                    ],
                }
            ],
        }
    ]
    path = tmp_path / "hsds.json"
    path.write_text(json.dumps(payload))
    call_command("directory_import", str(path), "--agency", "north")
    assert Service.objects.get(pk=SVC).locations.get().name == "Office"
    broken = tmp_path / "broken.json"
    payload[0]["services"][0]["status"] = "maybe"
    payload[0]["id"] = str(uuid.uuid4())
    broken.write_text(json.dumps(payload))
    with pytest.raises(CommandError):
        call_command("directory_import", str(broken), "--agency", "north")


def test_pages(world, client, django_assert_max_num_queries):
    created = provider("Harbor Housing", agency=world.north.agency, category="housing")
    for n in range(5):
        provider(f"Other {n}", category="housing")
    client.force_login(world.north.case_manager)
    with django_assert_max_num_queries(20):
        response = client.get("/directory/?q=service&category=housing")
    assert response.status_code == 200 and b"Harbor Housing service" in response.content
    with django_assert_max_num_queries(20):
        assert client.get(f"/directory/services/{created['service'].pk}/").status_code == 200
    assert client.get("/directory/manage/").status_code == 403
    client.logout()
    assert client.get(f"/directory/services/{created['service'].pk}/").status_code == 302
    client.force_login(world.north.users[Role.AGENCY_ADMIN])
    assert client.get("/directory/manage/").status_code == 200
    org_url = f"/directory/manage/organizations/{created['org'].pk}/"
    response = client.post(org_url, {"name": "", "description": "Kept text"})
    assert response.status_code == 200 and b"Kept text" in response.content
    assert b"usa-error-message" in response.content
    response = client.post(
        "/directory/manage/import/",
        {"file": io.BytesIO(b"not a zip")},
    )
    assert response.status_code == 200


def test_import_page_reports_rows(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = dict(GOOD)
    bad["services.csv"] += f"{uuid.uuid4()},{ORG},,active,\n"
    client.force_login(world.north.users[Role.AGENCY_ADMIN])
    response = client.post(
        "/directory/manage/import/",
        {"file": SimpleUploadedFile("hsds.zip", _zip(bad), content_type="application/zip")},
    )
    assert response.status_code == 200
    assert b"nothing was imported" in response.content and b"<td>3</td>" in response.content
    assert not Service.objects.exists()


def test_api(world, client):
    created = provider("Harbor Housing")
    client.force_login(world.south.case_manager)
    response = client.get("/api/directory/services?q=harbor&lat=40.7&lon=-74&within_km=10")
    assert response.status_code == 200
    assert response.json()[0]["service"]["name"] == "Harbor Housing service"
    detail = client.get(f"/api/directory/services/{created['service'].pk}").json()
    assert detail["languages"] == ["es"] and len(detail["schedules"]) == 5
    assert client.get("/api/directory/services?lat=200&lon=1").status_code == 422
    assert client.get(f"/api/directory/services/{uuid.uuid4()}").status_code == 404
