from datetime import date
from typing import Annotated
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints, create_model

from casebridge.people.models import DataQuality, Sex

Name = Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
Short = Annotated[str, StringConstraints(max_length=100)]


def _all_optional(schema: type[Schema], name: str, doc: str) -> type[Schema]:
    """The same fields and constraints as ``schema``, each optional and defaulting to unset."""
    fields = {}
    for field_name, info in schema.model_fields.items():
        # Unset by default, but null only where ``schema`` allows it: a text field is cleared
        # with "" (its column is NOT NULL, so null was a 500).
        annotation = info.annotation
        if info.metadata:
            annotation = Annotated[annotation, *info.metadata]
        fields[field_name] = (annotation, None)
    return create_model(name, __base__=schema.__base__, __doc__=doc, **fields)


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class PersonIn(_Strict):
    legal_first_name: Name
    legal_middle_name: Short = ""
    legal_last_name: Name
    preferred_name: Short = ""
    date_of_birth: date | None = None
    dob_data_quality: DataQuality = DataQuality.FULL
    sex: Sex = Sex.NOT_COLLECTED
    gender_identity: Short = ""
    pronouns: Annotated[str, StringConstraints(max_length=50)] = ""
    primary_language: Annotated[str, StringConstraints(max_length=60)] = ""
    other_languages: Annotated[str, StringConstraints(max_length=200)] = ""
    interpreter_needed: bool = False
    phone: Annotated[str, StringConstraints(max_length=30)] = ""
    email: Annotated[str, StringConstraints(max_length=254)] = ""
    address_line1: Annotated[str, StringConstraints(max_length=200)] = ""
    address_line2: Annotated[str, StringConstraints(max_length=200)] = ""
    city: Short = ""
    region: Short = ""
    postal_code: Annotated[str, StringConstraints(max_length=20)] = ""
    ssn: Annotated[str, StringConstraints(max_length=11)] = ""
    ssn_data_quality: DataQuality = DataQuality.NOT_COLLECTED
    medicaid_id: Annotated[str, StringConstraints(max_length=40)] = ""
    strengths: Annotated[str, StringConstraints(max_length=4000)] = ""


class PersonSearchIn(_Strict):
    """What to look for: in the request body, so that no name or birth date is in a URL."""

    q: Annotated[str, StringConstraints(max_length=200)] = Field(
        "", description="Words of the name (accent-insensitive); every word must match."
    )
    date_of_birth: date | None = None


PersonPatch = _all_optional(PersonIn, "PersonPatch", "Only the fields sent are changed.")


class RelationshipIn(_Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    relationship: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    is_household_member: bool = False
    is_natural_support: bool = True
    phone: Annotated[str, StringConstraints(max_length=30)] = ""
    notes: Annotated[str, StringConstraints(max_length=500)] = ""


class RelationshipOut(Schema):
    id: UUID
    name: str
    relationship: str
    is_household_member: bool
    is_natural_support: bool
    phone: str
    notes: str


class PersonOut(Schema):
    id: UUID
    agency_id: UUID
    display_name: str
    legal_first_name: str
    legal_middle_name: str
    legal_last_name: str
    preferred_name: str
    date_of_birth: date | None
    dob_data_quality: int
    sex: int
    gender_identity: str
    pronouns: str
    primary_language: str
    other_languages: str
    interpreter_needed: bool
    phone: str
    email: str
    address_line1: str
    address_line2: str
    city: str
    region: str
    postal_code: str
    ssn_masked: str = Field(description="Masked; the full value is never returned.")
    ssn_data_quality: int
    medicaid_id_masked: str
    strengths: str
