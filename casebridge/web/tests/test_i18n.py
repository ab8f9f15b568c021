import shutil
import subprocess
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "es" / "LC_MESSAGES"


def test_english_by_default(world, client):
    client.force_login(world.north.case_manager)
    body = client.get("/caseload/").content.decode()
    assert '<html lang="en"' in body and "My caseload" in body


def test_spanish_from_the_browser_language(world, client):
    client.force_login(world.north.case_manager)
    body = client.get("/caseload/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es"' in body
    assert "Mi carga de casos" in body and "My caseload" not in body


def test_language_switcher_remembers_spanish(world, client):
    client.force_login(world.north.case_manager)
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/people/"})
    assert response.status_code == 302 and response["Location"] == "/people/"
    body = client.get(f"/people/{world.north.client.pk}/").content.decode()
    assert "Fecha de nacimiento" in body and "Inscripciones" in body


def test_spanish_form_errors(world, client):
    client.force_login(world.north.case_manager)
    body = client.post(
        "/people/new/",
        {
            "legal_first_name": "Ana",
            "legal_last_name": "Ruiz",
            "date_of_birth": "2999-01-01",
            "dob_data_quality": "1",
            "sex": "99",
            "ssn_data_quality": "99",
        },
        HTTP_ACCEPT_LANGUAGE="es",
    ).content.decode()
    assert "La fecha de nacimiento no puede ser futura." in body


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_catalogue_is_complete_and_compiled(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--statistics", "-c", "-o", "/dev/null", str(CATALOGUE / "django.po")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    assert (CATALOGUE / "django.mo").stat().st_mtime >= (
        CATALOGUE / "django.po"
    ).stat().st_mtime - 5
