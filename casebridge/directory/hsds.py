"""HSDS 3.0 import: CSV tables (a folder or a .zip of them) or JSON, validated row by row.

Every row is checked first (required fields, UUID ids, enumerations, numbers, times, references
between tables and to rows already in the directory). Any error → nothing is written and the
report lists each one as (table, row, field, message); row numbers are the line in the CSV file
(the header is line 1) or the position in the JSON array. Without errors the whole dataset is
written inside one transaction, updating rows whose ids already exist.

Supported tables (HSDS 3.0 names): organizations, locations, addresses (the physical address is
folded into its location), services, service_at_locations, schedules (weekly ``byday`` +
``opens_at``/``closes_at``), languages, phones, taxonomy_terms, attributes (service → term).
The extension column ``capacity_status`` (open / waitlist / closed) is read on services.
"""

import csv
import io
import json
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from casebridge.core import audit
from casebridge.core.models import AuditAction
from casebridge.directory.models import (
    WEEKDAY_CODES,
    CapacityStatus,
    Location,
    LocationType,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceStatus,
    TaxonomyTerm,
)

TABLES = [
    "taxonomy_terms",
    "organizations",
    "locations",
    "addresses",
    "services",
    "service_at_locations",
    "schedules",
    "languages",
    "phones",
    "attributes",
]
MAX_ROWS = 20_000


@dataclass
class RowError:
    table: str
    row: int
    field: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    written: bool = False


# --- reading ------------------------------------------------------------------------------------


def _read_csv(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return [
        {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
        for row in reader
    ]


def read_csv_folder(path) -> dict:
    folder = Path(path)
    return {
        name: _read_csv((folder / f"{name}.csv").read_text("utf-8"))
        for name in TABLES
        if (folder / f"{name}.csv").exists()
    }


def read_zip(data: bytes) -> dict:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValidationError(_("This is not a .zip file of HSDS CSV tables.")) from exc
    tables = {}
    for info in archive.infolist():
        name = Path(info.filename).name
        if not name.endswith(".csv") or name[:-4] not in TABLES:
            continue
        if info.file_size > 20 * 1024 * 1024:
            raise ValidationError(_("%(name)s is too large.") % {"name": name})
        try:
            tables[name[:-4]] = _read_csv(archive.read(info).decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise ValidationError(_("%(name)s is not UTF-8 text.") % {"name": name}) from exc
    if not tables:
        raise ValidationError(_("The .zip holds none of the HSDS tables (organizations.csv, …)."))
    return tables


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def read_json(data) -> dict:
    """Flatten HSDS JSON (organisations with nested services and locations, or services with a
    nested organisation) into the tables the CSV path reads."""
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationError(_("This is not valid JSON.")) from exc
    if isinstance(data, dict):
        data = data.get("organizations") or data.get("contents") or [data]
    if not isinstance(data, list):
        raise ValidationError(_("Expected a list of HSDS organizations."))
    tables = {name: [] for name in TABLES}
    terms_seen = set()

    def flat(obj, drop=()):
        return {
            k: _text(v) for k, v in obj.items() if not isinstance(v, list | dict) and k not in drop
        }

    def add_location(loc, org_id):
        row = flat(loc)
        row.setdefault("organization_id", org_id)
        tables["locations"].append(row)
        for address in loc.get("addresses") or []:
            tables["addresses"].append({**flat(address), "location_id": row.get("id", "")})

    def add_service(svc, org_id):
        row = flat(svc)
        row.setdefault("organization_id", org_id)
        service_id = row.get("id", "")
        tables["services"].append(row)
        for schedule in svc.get("schedules") or []:
            tables["schedules"].append({**flat(schedule), "service_id": service_id})
        for language in svc.get("languages") or []:
            tables["languages"].append({**flat(language), "service_id": service_id})
        for phone in (svc.get("phones") or [])[:1]:
            tables["phones"].append({**flat(phone), "service_id": service_id})
        for sal in svc.get("service_at_locations") or []:
            sal_row = {**flat(sal), "service_id": service_id}
            if isinstance(sal.get("location"), dict):
                add_location(sal["location"], org_id)
                sal_row.setdefault("location_id", _text(sal["location"].get("id")))
            tables["service_at_locations"].append(sal_row)
        for attribute in svc.get("attributes") or []:
            row = {**flat(attribute), "link_id": service_id, "link_type": "service"}
            term = attribute.get("taxonomy_term")
            if isinstance(term, dict):
                row.setdefault("taxonomy_term_id", _text(term.get("id")))
                if term.get("id") not in terms_seen:
                    terms_seen.add(term.get("id"))
                    tables["taxonomy_terms"].append(flat(term))
            tables["attributes"].append(row)

    for item in data:
        if not isinstance(item, dict):
            raise ValidationError(_("Expected a list of HSDS organizations."))
        if "organization" in item and isinstance(item["organization"], dict):  # a service
            org = item["organization"]
            tables["organizations"].append(flat(org))
            add_service(item, _text(org.get("id")))
            continue
        tables["organizations"].append(flat(item))
        for loc in item.get("locations") or []:
            add_location(loc, _text(item.get("id")))
        for svc in item.get("services") or []:
            add_service(svc, _text(item.get("id")))
    # A location nested under several services appears once.
    unique = {}
    for row in tables["locations"]:
        unique.setdefault(row.get("id"), row)
    tables["locations"] = list(unique.values())
    return {name: rows for name, rows in tables.items() if rows}


# --- validation --------------------------------------------------------------------------------


class _Checker:
    def __init__(self, tables: dict, agency_id):
        self.tables = tables
        self.agency_id = agency_id
        self.errors: list[RowError] = []
        self.table = ""
        self.row = 0

    def error(self, name, message):
        self.errors.append(RowError(self.table, self.row, name, str(message)))

    def rows(self, table):
        self.table = table
        offset = 2 if getattr(self, "from_csv", True) else 1
        for index, row in enumerate(self.tables.get(table, [])):
            self.row = index + offset
            yield row

    def required(self, row, name, max_length=None):
        value = row.get(name, "")
        if not value:
            self.error(name, _("Required."))
        elif max_length and len(value) > max_length:
            self.error(name, _("Longer than %(n)s characters.") % {"n": max_length})
        return value

    def optional(self, row, name, max_length):
        value = row.get(name, "")
        if len(value) > max_length:
            self.error(name, _("Longer than %(n)s characters.") % {"n": max_length})
        return value[:max_length]

    def uuid(self, row, name, required=True):
        value = row.get(name, "")
        if not value:
            if required:
                self.error(name, _("Required."))
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            self.error(name, _("Not a UUID."))
            return None

    def choice(self, row, name, choices, default):
        value = (row.get(name) or default).lower()
        if value not in choices:
            self.error(name, _("One of: %(values)s.") % {"values": ", ".join(choices)})
        return value

    def number(self, row, name, low, high, integer=False):
        value = row.get(name, "")
        if not value:
            return None
        try:
            number = int(value) if integer else Decimal(value)
        except (ValueError, InvalidOperation):
            self.error(name, _("Not a number."))
            return None
        if not low <= number <= high:
            self.error(name, _("Between %(low)s and %(high)s.") % {"low": low, "high": high})
            return None
        return number if integer else number.quantize(Decimal("0.000001"))

    def email(self, row, name):
        value = row.get(name, "")
        if value:
            try:
                EmailValidator()(value)
            except ValidationError:
                self.error(name, _("Not an email address."))
                return ""
        return value

    def url(self, row, name):
        value = row.get(name, "")
        if value:
            try:
                URLValidator()(value)
            except ValidationError:
                self.error(name, _("Not a web address."))
                return ""
        return value[:200]

    def clock_time(self, row, name):
        value = row.get(name, "")
        if not value:
            self.error(name, _("Required."))
            return None
        try:
            parts = [int(p) for p in value.split(":")[:2]]
            return time(parts[0], parts[1])
        except (ValueError, IndexError):
            self.error(name, _("Not a time like 09:00."))
            return None


def _existing(model, ids):
    return {obj.pk: obj for obj in model.objects.filter(pk__in=[i for i in ids if i])}


def validate(tables: dict, agency_id, *, from_csv: bool = True):
    """Check every row; return (errors, plan) where plan holds the cleaned values to write."""
    c = _Checker(tables, agency_id)
    c.from_csv = from_csv
    plan = {name: [] for name in TABLES}
    total = sum(len(rows) for rows in tables.values())
    if total > MAX_ROWS:
        c.table = "*"
        c.error("*", _("At most %(n)s rows per import.") % {"n": MAX_ROWS})
        return c.errors, plan

    term_ids = {}
    for row in c.rows("taxonomy_terms"):
        pk = c.uuid(row, "id")
        values = {
            "name": c.required(row, "name", 200),
            "description": c.optional(row, "description", 1000),
            "taxonomy": c.optional(row, "taxonomy", 100),
            "code": c.optional(row, "code", 60) or (str(pk) if pk else ""),
        }
        parent = c.uuid(row, "parent_id", required=False)
        if pk:
            term_ids[pk] = values["code"]
            plan["taxonomy_terms"].append((pk, values, parent, c.row))
    existing_terms = _existing(TaxonomyTerm, [p for *_x, p, _r in plan["taxonomy_terms"]])
    codes = {}
    for pk, values, parent, row in plan["taxonomy_terms"]:
        c.table, c.row = "taxonomy_terms", row
        if parent and parent not in term_ids and parent not in existing_terms:
            c.error("parent_id", _("No taxonomy term with this id."))
        if values["code"] in codes:
            c.error("code", _("Used twice in this file."))
        codes[values["code"]] = pk
    clash = TaxonomyTerm.objects.filter(code__in=codes).exclude(pk__in=term_ids)
    for term in clash:
        c.table, c.row = "taxonomy_terms", 0
        c.error("code", _("“%(code)s” belongs to another term.") % {"code": term.code})

    org_ids = set()
    for row in c.rows("organizations"):
        pk = c.uuid(row, "id")
        values = {
            "name": c.required(row, "name", 200),
            "description": c.required(row, "description", 4000),
            "alternate_name": c.optional(row, "alternate_name", 200),
            "email": c.email(row, "email"),
            "website": c.url(row, "website"),
        }
        if pk in org_ids:
            c.error("id", _("Used twice in this file."))
        if pk:
            org_ids.add(pk)
            plan["organizations"].append((pk, values, c.row))
    existing_orgs = _existing(Organization, org_ids)
    for pk, _values, row in plan["organizations"]:
        org = existing_orgs.get(pk)
        if org and org.curated_by_id not in (None, agency_id):
            c.table, c.row = "organizations", row
            c.error("id", _("This organisation is kept by another agency."))

    def org_known(pk):
        return pk in org_ids or Organization.objects.filter(pk=pk).exists()

    location_ids = set()
    for row in c.rows("locations"):
        pk = c.uuid(row, "id")
        org = c.uuid(row, "organization_id")
        if org and not org_known(org):
            c.error("organization_id", _("No organisation with this id."))
        lat = c.number(row, "latitude", -90, 90)
        lon = c.number(row, "longitude", -180, 180)
        if (lat is None) != (lon is None):
            c.error("longitude", _("Give both latitude and longitude, or neither."))
        values = {
            "name": c.optional(row, "name", 200) or c.optional(row, "address_1", 200),
            "location_type": c.choice(row, "location_type", LocationType.values, "physical"),
            "description": c.optional(row, "description", 2000),
            "transportation": c.optional(row, "transportation", 500),
            "latitude": lat,
            "longitude": lon,
        }
        for name, length in [
            ("address_1", 200),
            ("address_2", 200),
            ("city", 100),
            ("state_province", 100),
            ("postal_code", 20),
        ]:
            if row.get(name):
                values[name] = c.optional(row, name, length)
        if row.get("country"):
            values["country"] = c.optional(row, "country", 2).upper()
        if not values["name"]:
            c.error("name", _("Required (or an address_1)."))
        if pk:
            location_ids.add(pk)
            plan["locations"].append((pk, org, values, c.row))

    def location_known(pk):
        return pk in location_ids or Location.objects.filter(pk=pk).exists()

    for row in c.rows("addresses"):
        loc = c.uuid(row, "location_id")
        if (row.get("address_type") or "physical").lower() != "physical":
            continue
        values = {
            "address_1": c.required(row, "address_1", 200),
            "address_2": c.optional(row, "address_2", 200),
            "city": c.required(row, "city", 100),
            "state_province": c.required(row, "state_province", 100),
            "postal_code": c.required(row, "postal_code", 20),
            "country": c.required(row, "country", 2).upper(),
        }
        if loc and not location_known(loc):
            c.error("location_id", _("No location with this id."))
        if loc:
            plan["addresses"].append((loc, values, c.row))

    service_ids = set()
    for row in c.rows("services"):
        pk = c.uuid(row, "id")
        org = c.uuid(row, "organization_id")
        if org and not org_known(org):
            c.error("organization_id", _("No organisation with this id."))
        minimum = c.number(row, "minimum_age", 0, 130, integer=True)
        maximum = c.number(row, "maximum_age", 0, 130, integer=True)
        if minimum is not None and maximum is not None and minimum > maximum:
            c.error("maximum_age", _("Below the minimum age."))
        values = {
            "name": c.required(row, "name", 200),
            "alternate_name": c.optional(row, "alternate_name", 200),
            "description": c.optional(row, "description", 4000),
            "url": c.url(row, "url"),
            "email": c.email(row, "email"),
            "status": c.choice(row, "status", ServiceStatus.values, ""),
            "capacity_status": c.choice(row, "capacity_status", CapacityStatus.values, "open"),
            "interpretation_services": c.optional(row, "interpretation_services", 500),
            "application_process": c.optional(row, "application_process", 2000),
            "fees_description": c.optional(row, "fees_description", 500),
            "eligibility_description": c.optional(row, "eligibility_description", 2000),
            "minimum_age": minimum,
            "maximum_age": maximum,
        }
        if pk in service_ids:
            c.error("id", _("Used twice in this file."))
        if pk:
            service_ids.add(pk)
            plan["services"].append((pk, org, values, c.row))
    existing_services = _existing(Service, service_ids)
    for pk, org, _values, row in plan["services"]:
        svc = existing_services.get(pk)
        if svc and svc.organization_id != org:
            c.table, c.row = "services", row
            c.error("organization_id", _("The service belongs to another organisation."))

    def service_known(pk):
        return pk in service_ids or Service.objects.filter(pk=pk).exists()

    sal_services = {}
    for row in c.rows("service_at_locations"):
        sal = c.uuid(row, "id", required=False)
        svc = c.uuid(row, "service_id")
        loc = c.uuid(row, "location_id")
        if svc and not service_known(svc):
            c.error("service_id", _("No service with this id."))
        if loc and not location_known(loc):
            c.error("location_id", _("No location with this id."))
        if sal and svc:
            sal_services[sal] = svc
        if svc and loc:
            plan["service_at_locations"].append(
                (svc, loc, c.optional(row, "description", 1000), c.row)
            )

    for row in c.rows("schedules"):
        svc = c.uuid(row, "service_id", required=False)
        if not svc and row.get("service_at_location_id"):
            sal = c.uuid(row, "service_at_location_id")
            svc = sal_services.get(sal)
            if sal and not svc:
                c.error("service_at_location_id", _("No service at location with this id."))
        elif not svc:
            c.error("service_id", _("Required."))
        elif not service_known(svc):
            c.error("service_id", _("No service with this id."))
        freq = (row.get("freq") or "WEEKLY").upper()
        if freq != "WEEKLY":
            c.error("freq", _("Only WEEKLY schedules are read."))
        days = [d.strip().upper()[-2:] for d in (row.get("byday") or "").split(",") if d.strip()]
        if not days:
            c.error("byday", _("Required (e.g. MO,TU,WE)."))
        if any(d not in WEEKDAY_CODES for d in days):
            c.error("byday", _("Days are MO, TU, WE, TH, FR, SA, SU."))
        opens, closes = c.clock_time(row, "opens_at"), c.clock_time(row, "closes_at")
        if opens and closes and opens == closes:
            c.error("closes_at", _("Same as the opening time."))
        loc = c.uuid(row, "location_id", required=False)
        if svc and opens and closes and days:
            for day in days:
                if day in WEEKDAY_CODES:
                    plan["schedules"].append(
                        (
                            svc,
                            {
                                "weekday": WEEKDAY_CODES.index(day),
                                "opens_at": opens,
                                "closes_at": closes,
                                "location_id": loc,
                                "description": c.optional(row, "description", 200),
                            },
                            c.row,
                        )
                    )

    for row in c.rows("languages"):
        svc = c.uuid(row, "service_id", required=False)
        if not svc:
            continue  # languages of locations or phones are not kept
        if not service_known(svc):
            c.error("service_id", _("No service with this id."))
        code = (row.get("code") or "").lower()
        if not code:
            c.error("code", _("Required."))
        elif len(code) > 12:
            c.error("code", _("Longer than %(n)s characters.") % {"n": 12})
        else:
            plan["languages"].append((svc, code, c.optional(row, "name", 60), c.row))

    for row in c.rows("phones"):
        svc = c.uuid(row, "service_id", required=False)
        org = c.uuid(row, "organization_id", required=False)
        number = c.required(row, "number", 30)
        if svc and not service_known(svc):
            c.error("service_id", _("No service with this id."))
        if org and not org_known(org):
            c.error("organization_id", _("No organisation with this id."))
        if number and (svc or org):
            plan["phones"].append((svc, org, number, c.row))

    for row in c.rows("attributes"):
        entity = (row.get("link_entity") or row.get("link_type") or "service").lower()
        link = c.uuid(row, "link_id")
        term = c.uuid(row, "taxonomy_term_id")
        if entity != "service":
            continue
        if link and not service_known(link):
            c.error("link_id", _("No service with this id."))
        if term and term not in term_ids and not TaxonomyTerm.objects.filter(pk=term).exists():
            c.error("taxonomy_term_id", _("No taxonomy term with this id."))
        if link and term:
            plan["attributes"].append((link, term, c.row))
    return c.errors, plan


# --- writing -----------------------------------------------------------------------------------


def _upsert(model, pk, values, actor, agency_id, extra=None):
    obj = model.objects.filter(pk=pk).first()
    creating = obj is None
    obj = obj or model(pk=pk, **(extra or {}))
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    if creating or changed:
        obj.save()
        audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            obj=obj,
            agency_id=agency_id,
            data={"created": creating, "fields": sorted(changed)},
        )
    return creating, bool(changed)


def import_tables(*, actor, tables: dict, agency_id, from_csv: bool = True) -> ImportResult:
    errors, plan = validate(tables, agency_id, from_csv=from_csv)
    result = ImportResult(errors=errors)
    if errors:
        return result
    counts = {"created": 0, "updated": 0}

    def tally(outcome):
        created, changed = outcome
        counts["created" if created else "updated"] += created or changed

    with transaction.atomic():
        for pk, values, _parent, _row in plan["taxonomy_terms"]:
            tally(_upsert(TaxonomyTerm, pk, values, actor, agency_id))
        for pk, _values, parent, _row in plan["taxonomy_terms"]:
            if parent:
                TaxonomyTerm.objects.filter(pk=pk).update(parent_id=parent)
        for pk, values, _row in plan["organizations"]:
            tally(_upsert(Organization, pk, values, actor, agency_id, {"curated_by_id": agency_id}))
        addresses = {loc: values for loc, values, _row in plan["addresses"]}
        for pk, org, values, _row in plan["locations"]:
            values = {**values, **addresses.pop(pk, {}), "organization_id": org}
            tally(_upsert(Location, pk, values, actor, agency_id))
        for loc, values in addresses.items():
            Location.objects.filter(pk=loc).update(**values)
        for pk, org, values, _row in plan["services"]:
            tally(_upsert(Service, pk, {**values, "organization_id": org}, actor, agency_id))
        for svc, org, number, _row in plan["phones"]:
            if svc:
                Service.objects.filter(pk=svc).update(phone=number)
            else:
                Organization.objects.filter(pk=org).update(phone=number)
        for svc, loc, description, _row in plan["service_at_locations"]:
            ServiceAtLocation.objects.update_or_create(
                service_id=svc, location_id=loc, defaults={"description": description}
            )
        schedules = {}
        for svc, values, _row in plan["schedules"]:
            schedules.setdefault(svc, []).append(values)
        for svc, rows in schedules.items():
            Schedule.objects.filter(service_id=svc).delete()
            Schedule.objects.bulk_create(Schedule(service_id=svc, **values) for values in rows)
        languages = {}
        for svc, code, name, _row in plan["languages"]:
            languages.setdefault(svc, {})[code] = name
        for svc, codes in languages.items():
            ServiceLanguage.objects.filter(service_id=svc).delete()
            ServiceLanguage.objects.bulk_create(
                ServiceLanguage(service_id=svc, code=code, name=name)
                for code, name in codes.items()
            )
        categories = {}
        for svc, term, _row in plan["attributes"]:
            categories.setdefault(svc, set()).add(term)
        for svc, terms in categories.items():
            Service.objects.get(pk=svc).categories.set(terms)
        audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            object_type="directory.dataset",
            agency_id=agency_id,
            data={**counts, "rows": {k: len(v) for k, v in tables.items()}},
        )
    result.counts = counts
    result.written = True
    return result
