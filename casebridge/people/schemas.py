from datetime import date
from typing import Annotated
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from casebridge.people.models import DataQuality, Sex

Name = Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
Short = Annotated[str, StringConstraints(max_length=100)]


class PersonIn(Schema):
    model_config = ConfigDict(extra="forbid")

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


class PersonPatch(Schema):
    """Only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    legal_first_name: Name | None = None
    legal_middle_name: Short | None = None
    legal_last_name: Name | None = None
    preferred_name: Short | None = None
    date_of_birth: date | None = None
    dob_data_quality: DataQuality | None = None
    sex: Sex | None = None
    gender_identity: Short | None = None
    pronouns: Annotated[str, StringConstraints(max_length=50)] | None = None
    primary_language: Annotated[str, StringConstraints(max_length=60)] | None = None
    other_languages: Annotated[str, StringConstraints(max_length=200)] | None = None
    interpreter_needed: bool | None = None
    phone: Annotated[str, StringConstraints(max_length=30)] | None = None
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
    address_line1: Annotated[str, StringConstraints(max_length=200)] | None = None
    address_line2: Annotated[str, StringConstraints(max_length=200)] | None = None
    city: Short | None = None
    region: Short | None = None
    postal_code: Annotated[str, StringConstraints(max_length=20)] | None = None
    ssn: Annotated[str, StringConstraints(max_length=11)] | None = None
    ssn_data_quality: DataQuality | None = None
    medicaid_id: Annotated[str, StringConstraints(max_length=40)] | None = None
    strengths: Annotated[str, StringConstraints(max_length=4000)] | None = None


class RelationshipIn(Schema):
    model_config = ConfigDict(extra="forbid")

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
