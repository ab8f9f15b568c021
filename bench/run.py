"""``make bench``: time the hot pages and API calls on the 100k-person scale data set.

Builds ``var/bench.sqlite3`` with ``demo_data --persons 100000`` the first time (or uses
``DATABASE_URL`` if set), then requests each target through Django's test client as the demo
users who see the most, and reports p50 / p95 / max and the query count. Exits non-zero when a
p95 misses its target. Record the figures in docs/performance.md.
"""

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

from casebridge.accounts.models import Agency, Role, User  # noqa: E402
from casebridge.people.models import Person  # noqa: E402

PERSONS = int(os.environ.get("BENCH_PERSONS", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
# p95 targets in milliseconds, measured in-process (no network, no template caching tricks).
TARGETS_MS = {
    "caseload (case manager)": 150,
    "caseload, team view (supervisor)": 250,
    "people search by name (admin)": 300,
    "people list, first page (admin)": 300,
    "face sheet (case manager)": 150,
    "API persons search (admin)": 300,
    "API enrollments list (case manager)": 200,
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


def measure(client: Client, url: str) -> tuple[list[float], int]:
    for _ in range(2):
        client.get(url)
    timings = []
    queries = 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return timings, queries


def main() -> int:
    ensure_data()
    vendor = connection.vendor
    cm, supervisor = busiest(Role.CASE_MANAGER), busiest(Role.SUPERVISOR)
    admin = User.objects.filter(memberships__role=Role.AGENCY_ADMIN).first()
    person = Person.objects.visible_to(cm).order_by("id").first()
    surname = Person.objects.visible_to(admin).order_by("id")[500].legal_last_name[:4]
    clients = {}
    for user in (cm, supervisor, admin):
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)
    plan = [
        ("caseload (case manager)", cm, "/caseload/"),
        ("caseload, team view (supervisor)", supervisor, "/caseload/?scope=team"),
        ("people search by name (admin)", admin, f"/people/?q={surname}"),
        ("people list, first page (admin)", admin, "/people/"),
        ("face sheet (case manager)", cm, f"/people/{person.pk}/"),
        ("API persons search (admin)", admin, f"/api/persons?q={surname}"),
        ("API enrollments list (case manager)", cm, "/api/enrollments"),
    ]
    total = Person.objects.count()
    print(
        f"\nCasebridge bench · {vendor} · {total} persons · {RUNS} runs each"
    )
    print(f"{'target':40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8} {'goal':>6}")
    failures = 0
    for name, user, url in plan:
        timings, queries = measure(clients[user.pk], url)
        p50 = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1]
        goal = TARGETS_MS[name]
        flag = "" if p95 <= goal else "  MISSED"
        failures += bool(flag)
        print(f"{name:40} {p50:8.1f} {p95:8.1f} {max(timings):8.1f} {queries:8d} {goal:6d}{flag}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
