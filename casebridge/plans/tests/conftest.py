import base64
import io

import pytest

from casebridge.assessments.models import Need
from casebridge.assessments.services import assessment_start, instruments_load_bundled


def make_needs(world, labels=(("housing", "No stable housing", 3), ("income", "No income", 2))):
    instruments_load_bundled()
    response = assessment_start(
        actor=world.north.case_manager, person=world.north.client, instrument_code="phq2"
    )
    return [
        Need.objects.create(
            person=world.north.client,
            agency=world.north.agency,
            domain=domain,
            label=label,
            severity=severity,
            source=response,
        )
        for domain, label, severity in labels
    ]


@pytest.fixture
def needs(world):
    return make_needs(world)


def signature_png(blank: bool = False) -> str:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(image).line([(10, 50), (150, 20), (290, 80)], fill=(0, 0, 0, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
