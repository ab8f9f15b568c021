"""``make bench``: time the hot pages and API calls on the 100k-person scale data set.

Builds ``var/bench.sqlite3`` with ``demo_data --persons 100000`` the first time (or uses
``DATABASE_URL`` if set), then requests each target through Django's test client as the demo
users who see the most, and reports p50 / p95 / max and the query count. Exits non-zero when a
p95 misses its target. Record the figures in docs/performance.md.

The contact-heavy targets (Today, timeline, contacts list) run as the *bench caseload*:
``maria.cm`` (``casebridge.demo.generator.BENCH_USERNAME``), who has 40 active enrollments with
five years of contacts each (~20,000 contacts with notes) in the scale set, and her supervisor
for the team view. She is also the busiest case manager, so "caseload (case manager)" measures
her caseload page with its contact standings. ``BENCH_ONLY=timeline`` runs only the targets
whose name contains the word.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebridge.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from casebridge.accounts.models import Agency, Membership, Role, User  # noqa: E402
from casebridge.contacts.models import Contact, ContactStatus  # noqa: E402
from casebridge.demo.generator import BENCH_USERNAME  # noqa: E402
from casebridge.people.models import Person  # noqa: E402

PERSONS = int(os.environ.get("BENCH_PERSONS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
ONLY = os.environ.get("BENCH_ONLY", "")
# p95 targets in milliseconds, measured in-process (no network, no template caching tricks).
TARGETS_MS = {
    "caseload (case manager)": 150,
    "caseload, team view (supervisor)": 250,
    "people search by name (admin)": 300,
    "people list, first page (admin)": 300,
    "face sheet (case manager)": 150,
    "API persons search (admin)": 300,
    "API enrollments list (case manager)": 200,
    # The bench caseload: 40 people with five years of contacts (~500 each).
    "Today (bench case manager)": 200,
    "Today, team view (supervisor)": 300,
    "timeline, first page (bench person)": 150,
    "timeline, page 20 (bench person)": 200,
    "API timeline, first page (bench person)": 150,
    "API timeline, page 20 (bench person)": 200,
    "contacts list (bench person)": 150,
}


def ensure_data() -> None:
    call_command("migrate", verbosity=0)
    if not Agency.objects.exists():
        print(f"building the scale data set ({PERSONS} persons), once…", flush=True)
        started = time.perf_counter()
        call_command("demo_data", seed=1, persons=PERSONS, verbosity=0)
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def busiest(role: str) -> User:
    return (
        User.objects.filter(memberships__role=role)
        .annotate(
            n=Count("primary_enrollments", filter=~Q(primary_enrollments__status="discharged"))
        )
        .order_by("-n")
        .first()
    )


def bench_caseload() -> tuple[User, User, Person]:
    """The bench case manager, their supervisor, and the person with the most contacts."""
    cm = User.objects.filter(username=BENCH_USERNAME).first() or busiest(Role.CASE_MANAGER)
    team_id = Membership.objects.filter(user=cm).values_list("team_id", flat=True).first()
    supervisor = (
        User.objects.filter(memberships__role=Role.SUPERVISOR, memberships__team_id=team_id)
        .order_by("username")
        .first()
    ) or busiest(Role.SUPERVISOR)
    busiest_person = (
        Contact.objects.filter(staff=cm, status=ContactStatus.COMPLETED)
        .order_by()
        .values("person_id")
        .annotate(n=Count("id"))
        .order_by("-n", "person_id")
        .first()
    )
    person = (
        Person.objects.get(pk=busiest_person["person_id"])
        if busiest_person
        else Person.objects.visible_to(cm).order_by("id").first()
    )
    return cm, supervisor, person


def _send(client: Client, url):
    """A GET of ``url``; or, for a search (names stay out of URLs), ``(url, form)`` is a form
    POST and ``(url, body, "json")`` a JSON POST."""
    if isinstance(url, str):
        return client.get(url)
    if len(url) == 3:
        return client.post(url[0], json.dumps(url[1]), content_type="application/json")
    return client.post(url[0], url[1])


def measure(client: Client, url) -> tuple[list[float], list[float], int]:
    """Wall-clock and CPU milliseconds of each request (CPU time of this process: on SQLite that
    is nearly all the work and barely moves when other jobs share the machine; on PostgreSQL it
    leaves out the server's share), and the query count."""
    for _ in range(2):
        _send(client, url)
    timings, cpu = [], []
    queries = 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = _send(client, url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return timings, cpu, queries


def main() -> int:
    ensure_data()
    vendor = connection.vendor
    cm, supervisor = busiest(Role.CASE_MANAGER), busiest(Role.SUPERVISOR)
    admin = User.objects.filter(memberships__role=Role.AGENCY_ADMIN).first()
    person = Person.objects.visible_to(cm).order_by("id").first()
    surname = Person.objects.visible_to(admin).order_by("id")[500].legal_last_name[:4]
    clients = {}
    bench_cm, bench_sup, bench_person = bench_caseload()
    contacts = Contact.objects.filter(person=bench_person).count()
    for user in (cm, supervisor, admin, bench_cm, bench_sup):
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
    plan = [
        ("caseload (case manager)", cm, "/caseload/"),
        ("caseload, team view (supervisor)", supervisor, "/caseload/?scope=team"),
        ("people search by name (admin)", admin, ("/people/", {"q": surname})),
        ("people list, first page (admin)", admin, "/people/"),
        ("face sheet (case manager)", cm, f"/people/{person.pk}/"),
        ("API persons search (admin)", admin, ("/api/persons/search", {"q": surname}, "json")),
        ("API enrollments list (case manager)", cm, "/api/enrollments"),
        ("Today (bench case manager)", bench_cm, "/today/"),
        ("Today, team view (supervisor)", bench_sup, "/today/?scope=team"),
        ("timeline, first page (bench person)", bench_cm, f"/people/{bench_person.pk}/timeline/"),
        (
            "timeline, page 20 (bench person)",
            bench_cm,
            f"/people/{bench_person.pk}/timeline/?page=20",
        ),
        (
            "API timeline, first page (bench person)",
            bench_cm,
            f"/api/persons/{bench_person.pk}/timeline",
        ),
        (
            "API timeline, page 20 (bench person)",
            bench_cm,
            f"/api/persons/{bench_person.pk}/timeline?page=20",
        ),
        ("contacts list (bench person)", bench_cm, f"/people/{bench_person.pk}/contacts/"),
    ]
    plan = [row for row in plan if ONLY.lower() in row[0].lower()]
    total = Person.objects.count()
    print(f"\nCasebridge bench · {vendor} · {total} persons · {RUNS} runs each")
    print(
        f"users: case manager {cm.username}, supervisor {supervisor.username}, admin "
        f"{admin.username}; bench caseload {bench_cm.username} / {bench_sup.username}, "
        f"bench person with {contacts} contacts"
    )
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"{'target':46} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'cpu p50':>8} {'queries':>8} "
        f"{'goal':>6}"
    )
    failures = 0
    for name, user, url in plan:
        timings, cpu, queries = measure(clients[user.pk], url)
        p50 = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1]
        goal = TARGETS_MS[name]
        flag = "" if p95 <= goal else "  MISSED"
        failures += bool(flag)
        print(
            f"{name:46} {p50:8.1f} {p95:8.1f} {max(timings):8.1f} {statistics.median(cpu):8.1f} "
            f"{queries:8d} {goal:6d}{flag}"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
