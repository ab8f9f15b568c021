import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casebridge.accounts.models import Role
from casebridge.core.models import AuditEvent
from casebridge.intake.models import Referral, ReferralAttachment

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def referral(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return Referral.objects.create(
        agency=world.north.agency,
        program=world.north.program,
        first_name="Dana",
        last_name="Whitehorse",
        source_type="hospital",
        reason="x",
        received_at=timezone.now(),
    )


def _upload(client, referral, name, content):
    return client.post(
        f"/intake/{referral.pk}/attach/", {"file": SimpleUploadedFile(name, content)}, follow=True
    )


def test_a_pdf_is_stored_outside_static_and_downloaded_with_audit(
    world, client, referral, tmp_path
):
    client.force_login(world.north.users[Role.INTAKE_WORKER])
    response = _upload(client, referral, "discharge summary.pdf", PDF)
    assert b"Document added." in response.content
    attachment = ReferralAttachment.objects.get()
    assert attachment.original_name == "discharge summary.pdf"
    path = attachment.file.path
    assert path.startswith(str(tmp_path)) and "discharge" not in path
    assert not path.startswith(str(settings.STATIC_ROOT))
    download = client.get(f"/intake/{referral.pk}/documents/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(object_id=str(attachment.pk), action="view").count() == 1


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("virus.exe", b"MZ\x90\x00", b"Upload a PDF, PNG or JPEG file."),
        ("fake.pdf", b"<html><script>alert(1)</script>", b"does not match its type"),
        ("empty.png", b"", b"The submitted file is empty."),
    ],
)
def test_bad_files_are_refused(world, client, referral, name, content, message):
    client.force_login(world.north.users[Role.INTAKE_WORKER])
    response = _upload(client, referral, name, content)
    assert message in response.content
    assert not ReferralAttachment.objects.exists()


def test_oversized_files_are_refused(world, client, referral, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    client.force_login(world.north.users[Role.INTAKE_WORKER])
    response = _upload(client, referral, "scan.png", PNG + b"\x00" * 2048)
    assert b"larger than" in response.content
    assert not ReferralAttachment.objects.exists()


def test_other_agencies_cannot_download(world, client, referral):
    client.force_login(world.north.users[Role.INTAKE_WORKER])
    _upload(client, referral, "scan.png", PNG)
    attachment = ReferralAttachment.objects.get()
    url = f"/intake/{referral.pk}/documents/{attachment.pk}/"
    for user in [*world.south.users.values(), world.north.users[Role.DATA_ANALYST]]:
        client.force_login(user)
        assert client.get(url).status_code == 404
