"""Server time of the dashboard's client table and its CSV export on a large workspace (PostgreSQL).

    .venv/bin/python bench/dashboard.py [--clients 500] [--events 200000] [--requests 40000]
        [--samples 200] [--postgres-url postgres://postgres@127.0.0.1:5432] [--keep] [--profile]

The worker subprocess (its own settings: production, debug off) drops and creates the database
``scopeline_bench_dash``, migrates, then seeds one workspace in bulk: first a tiny world (two
clients) whose SQL query counts are taken, then the rest: ``--clients`` clients in the five
client languages, one to three projects each from the five example agreements (EUR, RON, TWD,
CNY, GBP; a client may be billed in two currencies), ``--events`` ledger events over the
projects (hours, favours, payments, revision rounds, change orders accepted), ``--requests``
client messages over the last seven months (a fifth of them out of scope or excluded), change
orders (accepted, sent and awaiting an answer, declined, drafts) and a health reading per client
with a 12-week trend. The summaries are refreshed through ``refresh_summary``, then
``VACUUM ANALYZE`` (what autovacuum would do after the load).

Requests go through Django's test ``Client``: the full middleware stack, logged in as the owner,
in the same process as the database client. The dashboard is asked in each of its sort orders
and on its first pages; the CSV export in its default order. Targets: dashboard p95 <= 250 ms;
the same SQL query count on the full workspace as on the tiny one (for both URLs).
"""

from __future__ import annotations

import os

from _django import django_env

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import cProfile
import datetime as dt
import io
import json
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from django.test import Client as HttpClient

    from scopeline.accounts.models import User, Workspace
    from scopeline.core import Agreement
    from scopeline.core.events import Event
    from scopeline.projects.models import LedgerEvent, Project

ROOT = Path(__file__).resolve().parent.parent
STEMS = ("acme-website", "bistro-dunarea", "anxin-clinic", "huamei-shop", "brightpath-mvp")
BENCH_DB = "scopeline_bench_dash"
TARGET_MS = 250.0
TINY_CLIENTS = 2
SORTS = ("health", "-health", "name", "creep", "favours", "pending")


class Timing(TypedDict):
    p50: float
    p95: float
    max: float
    queries: list[int]
    tiny_queries: list[int]
    bytes: int


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--events", type=int, default=200_000, help="ledger events in all")
    parser.add_argument("--requests", type=int, default=40_000, help="client messages in all")
    parser.add_argument("--samples", type=int, default=200, help="timed requests per URL")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432", help="server, no db name"
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--profile", action="store_true", help="profile the dashboard (cProfile)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.clients <= TINY_CLIENTS:
        parser.error(f"--clients must be more than {TINY_CLIENTS}")
    if args.worker:
        return _worker(args)

    with tempfile.TemporaryDirectory(prefix="scopeline-bench-dash-") as tmp:
        result_file = Path(tmp) / "result.json"
        env = django_env(Path(tmp), ALLOWED_HOSTS="testserver")
        env["DATABASE_URL"] = f"{args.postgres_url.rstrip('/')}/{BENCH_DB}"
        command = [sys.executable, str(Path(__file__).resolve()), "--worker"]
        command += [f"--result={result_file}", *sys.argv[1:]]
        done = subprocess.run(command, env=env, check=False)
        if done.returncode != 0 or not result_file.exists():
            print("FAIL  the run stopped with an error (see above)")
            return 1
        results: dict[str, Timing] = json.loads(result_file.read_text(encoding="utf-8"))

    print()
    print(f"Targets: dashboard p95 <= {TARGET_MS:.0f} ms; SQL queries the same as on a tiny world")
    ok = True
    for name, timing in results.items():
        flat = timing["queries"] == timing["tiny_queries"]
        fast = timing["p95"] <= TARGET_MS or name != "dashboard"
        ok = ok and flat and fast
        verdict = "PASS" if flat and fast else "FAIL"
        target = f" {'<=' if fast else '>'} {TARGET_MS:.0f} ms" if name == "dashboard" else ""
        print(
            f"{verdict}  {name:<10} p50 {timing['p50']:6.1f} ms, p95 {timing['p95']:6.1f} ms"
            f"{target}; {_span(timing['queries'])} queries "
            f"({'same as' if flat else 'GREW from'} {_span(timing['tiny_queries'])} on "
            f"{TINY_CLIENTS} clients); {timing['bytes']:,} bytes"
        )
    return 0 if ok else 1


def _span(values: Sequence[int]) -> str:
    lo, hi = min(values), max(values)
    return str(lo) if lo == hi else f"{lo}-{hi}"


# -- the worker ------------------------------------------------------------------------------


def _admin(url: str) -> Any:
    import psycopg

    return psycopg.connect(f"{url.rstrip('/')}/postgres", autocommit=True)


def _worker(args: argparse.Namespace) -> int:
    with _admin(args.postgres_url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    try:
        return _run(args)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            with _admin(args.postgres_url) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def _run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    print(f"== PostgreSQL {server}: migrated in {time.perf_counter() - started:.1f} s", flush=True)

    rng = random.Random(args.seed)
    seeder = Seeder(rng, clients=args.clients, events=args.events, requests=args.requests)
    seeder.add(0, TINY_CLIENTS)
    bench = Bench(seeder, rng)
    bench.warm_up(3)
    tiny = bench.query_counts()
    started = time.perf_counter()
    seeder.add(TINY_CLIENTS, args.clients)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  seeded in {time.perf_counter() - started:.1f} s: {seeder.summary()}", flush=True)

    bench.warm_up(10)
    full = bench.query_counts()
    timings = bench.time(args.samples)
    result: dict[str, Timing] = {}
    for name, values in timings.items():
        result[name] = {
            "p50": statistics.median(values),
            "p95": statistics.quantiles(values, n=100, method="inclusive")[94],
            "max": max(values),
            "queries": full[name],
            "tiny_queries": tiny[name],
            "bytes": bench.sizes[name],
        }
        print(
            f"  {name:<10} {args.samples} requests: p50 {result[name]['p50']:.1f} ms, "
            f"p95 {result[name]['p95']:.1f} ms, max {result[name]['max']:.1f} ms; "
            f"{_span(full[name])} queries (tiny world {_span(tiny[name])})",
            flush=True,
        )
    if args.profile or result["dashboard"]["p95"] > TARGET_MS:
        print(bench.profile(), flush=True)
    if args.result:
        args.result.write_text(json.dumps(result), encoding="utf-8")
    return 0


# -- seeding ---------------------------------------------------------------------------------


class Seeder:
    """One workspace; clients are added in slices, each with its projects, ledgers, messages,
    change orders and health reading, all in bulk."""

    def __init__(self, rng: random.Random, *, clients: int, events: int, requests: int) -> None:
        from django.utils import timezone

        from scopeline.accounts import services as accounts
        from scopeline.accounts.models import User
        from scopeline.core.loading import load_agreement

        self.rng = rng
        self.clients = clients
        self.events_per_client = events // clients
        self.requests_per_client = requests // clients
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.owner: User = User.objects.create_user(
            "bench@scopeline.example", "bench-password-42", first_name="Bench"
        )
        self.workspace: Workspace = accounts.create_workspace(owner=self.owner, name="Bench")
        self.agreements: dict[str, Agreement] = {
            stem: load_agreement(ROOT / "examples" / f"{stem}.yaml") for stem in STEMS
        }
        self.projects: list[Project] = []
        self.sequence = 0
        self.counts = {"events": 0, "requests": 0, "change orders": 0}

    def add(self, start: int, stop: int) -> None:
        from django.db import transaction

        from scopeline.clients.models import Client
        from scopeline.health.models import ClientHealth
        from scopeline.projects import services as projects

        with transaction.atomic():
            made: list[tuple[Project, str]] = []
            healths = []
            for k in range(start, stop):
                stem = STEMS[k % len(STEMS)]
                base = self.agreements[stem].client
                client = Client.objects.create(
                    workspace=self.workspace,
                    name=f"{base.name} {k + 1}",
                    language=base.language,
                )
                stems = [stem] + [self.rng.choice(STEMS) for _ in range(self.rng.randrange(3))]
                for n, project_stem in enumerate(stems):
                    project = projects.create_project(
                        workspace=self.workspace,
                        actor=self.owner,
                        client=client,
                        agreement=self._agreement(project_stem, f"{k + 1}.{n + 1}"),
                        source="demo",
                    )
                    made.append((project, project_stem))
                healths.append(self._health(client))
            self._ledgers(made)
            self._requests(made)
            self._change_orders(made)
            for project, _stem in made:
                projects.refresh_summary(project)
            for project, _stem in made[::9]:
                project.status = "completed"
                project.save(update_fields=["status"])
            # The health app may have computed readings on the writes above: ours replace them.
            ClientHealth.objects.filter(client__in=[h.client for h in healths]).delete()
            ClientHealth.objects.bulk_create(healths)
            self.projects += [p for p, _s in made]

    def _agreement(self, stem: str, suffix: str) -> Agreement:
        from scopeline.projects.agreements import agreement_data
        from scopeline.projects.services import validate_agreement

        data = agreement_data(self.agreements[stem])
        data["project"] = f"{data['project']} #{suffix}"
        return validate_agreement(data)

    def _day(self, days: int = 200) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randrange(days))

    def _ledgers(self, made: list[tuple[Project, str]]) -> None:
        from scopeline.core.events import ChangeOrderAccepted, Favor, Hours, Payment, RevisionRound
        from scopeline.projects.models import LedgerEvent
        from scopeline.projects.services import event_row

        rng = self.rng
        rows: list[LedgerEvent] = []
        per_project = max(self.events_per_client * len({p.client_id for p, _ in made}), 1)
        per_project //= len(made)
        for project, stem in made:
            rate = self.agreements[stem].price.hourly_rate or Decimal(50)
            for i in range(per_project):
                roll = rng.random()
                day = self._day()
                event: Event
                if roll < 0.75:
                    event = Hours(date=day, hours=Decimal(rng.randrange(1, 25)) / 4)
                elif roll < 0.87:
                    event = Favor(date=day, hours=Decimal(rng.randrange(1, 9)) / 4)
                elif roll < 0.93:
                    event = Payment(date=day, amount=rate * rng.randrange(1, 10))
                elif roll < 0.97:
                    event = RevisionRound(date=day)
                else:
                    hours = Decimal(rng.randrange(2, 16))
                    event = ChangeOrderAccepted(
                        date=day, ref=f"L-{project.pk}-{i}", amount=hours * rate, hours=hours
                    )
                rows.append(event_row(project, self.owner, event))
        LedgerEvent.objects.bulk_create(rows, batch_size=2000)
        self.counts["events"] += len(rows)

    def _requests(self, made: list[tuple[Project, str]]) -> None:
        from scopeline.projects.models import ClientRequest

        rng = self.rng
        by_client: dict[int, list[Project]] = {}
        for project, _stem in made:
            by_client.setdefault(project.client_id, []).append(project)
        rows = []
        for client_projects in by_client.values():
            creep = rng.choice((0.05, 0.2, 0.5))
            for _ in range(self.requests_per_client):
                project = rng.choice(client_projects)
                assert project.current_version_id is not None
                out = rng.random() < creep
                decided = rng.random() < 0.8
                rows.append(
                    ClientRequest(
                        workspace_id=self.workspace.pk,
                        project=project,
                        version_id=project.current_version_id,
                        received_at=self.now - dt.timedelta(seconds=rng.uniform(0, 210 * 86400)),
                        text="Could you add a newsletter sign-up to the front page?",
                        channel="email",
                        lang="en",
                        kind="addition" if out else rng.choice(("question", "revision")),
                        kinds=["addition"] if out else ["question"],
                        scope_verdict=rng.choice(("out_of_scope", "excluded"))
                        if out
                        else rng.choice(("in_scope", "not_applicable")),
                        suggested_action="change_order" if out else "answer",
                        estimate_hours=Decimal(3),
                        verdict={},
                        status="decided" if decided else "new",
                        action=("change_order" if out else "answer") if decided else "",
                        created_by=self.owner,
                    )
                )
        ClientRequest.objects.bulk_create(rows, batch_size=2000)
        self.counts["requests"] += len(rows)

    def _change_orders(self, made: list[tuple[Project, str]]) -> None:
        from scopeline.changeorders.models import ChangeOrder

        rng = self.rng
        rows = []
        statuses = ("accepted", "sent", "sent", "declined", "draft")
        for project, stem in made:
            rate = self.agreements[stem].price.hourly_rate or Decimal(50)
            for _ in range(rng.randrange(0, 4)):
                self.sequence += 1
                hours = Decimal(rng.randrange(2, 12))
                rows.append(
                    ChangeOrder(
                        workspace_id=self.workspace.pk,
                        project=project,
                        number=f"CO-{self.today.year}-{self.sequence:05}",
                        year=self.today.year,
                        sequence=self.sequence,
                        status=rng.choice(statuses),
                        title="Extra page",
                        language="en",
                        currency=project.currency,
                        issued_on=self._day(20),
                        valid_until=self.today + dt.timedelta(days=rng.randrange(-5, 30)),
                        hours=hours,
                        total=hours * rate,
                        created_by=self.owner,
                    )
                )
        ChangeOrder.objects.bulk_create(rows, batch_size=2000)
        self.counts["change orders"] += len(rows)

    def _health(self, client: Any) -> Any:
        from scopeline.health.models import ClientHealth

        rng = self.rng
        score = rng.choice((100, 100, 95, 85, 72, 64, 55, 48, 35, 20))
        trend = []
        value = score
        for week in range(12):
            trend.append([(self.today - dt.timedelta(weeks=week)).isoformat(), value])
            value = max(0, min(100, value + rng.choice((-10, -5, 0, 0, 5, 10))))
        return ClientHealth(
            workspace=self.workspace,
            client=client,
            score=score,
            consider_ending=score < 50,
            creep_rate=Decimal(rng.randrange(0, 60)) / 100,
            flags=[],
            trend=trend[::-1],
            computed_on=self.today,
        )

    def summary(self) -> str:
        from scopeline.projects.models import LedgerEvent

        events = LedgerEvent.objects.filter(workspace=self.workspace).count()
        currencies = len({p.currency for p in self.projects})
        return (
            f"{self.clients} clients, {len(self.projects)} projects in {currencies} currencies, "
            f"{events:,} ledger events, {self.counts['requests']:,} client messages, "
            f"{self.counts['change orders']:,} change orders, a health reading per client"
        )


# -- measuring -------------------------------------------------------------------------------


class Bench:
    def __init__(self, seeder: Seeder, rng: random.Random) -> None:
        from django.test import Client as HttpClient
        from django.urls import reverse

        self.rng = rng
        self.http: HttpClient = HttpClient()
        self.http.force_login(seeder.owner)
        slug = seeder.workspace.slug
        self.dashboard = reverse("dashboard", kwargs={"ws": slug})
        self.csv = reverse("dashboard_csv", kwargs={"ws": slug})
        self.sizes: dict[str, int] = {}

    def url(self, name: str) -> str:
        if name == "csv":
            return self.csv
        return f"{self.dashboard}?sort={self.rng.choice(SORTS)}&page={self.rng.randrange(1, 4)}"

    def get(self, url: str) -> tuple[float, int]:
        started = time.perf_counter()
        response = self.http.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: HTTP {response.status_code}")
        return elapsed, len(response.content)

    def warm_up(self, rounds: int) -> None:
        for _ in range(rounds):
            for name in ("dashboard", "csv"):
                self.get(self.url(name))

    def query_counts(self) -> dict[str, list[int]]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        counts: dict[str, list[int]] = {}
        for name in ("dashboard", "csv"):
            seen = []
            for _ in range(4):
                with CaptureQueriesContext(connection) as captured:
                    self.get(self.url(name))
                seen.append(len(captured.captured_queries))
            counts[name] = [min(seen), max(seen)]
        return counts

    def time(self, samples: int) -> dict[str, list[float]]:
        timings: dict[str, list[float]] = {"dashboard": [], "csv": []}
        for _ in range(samples):
            for name in timings:
                elapsed, size = self.get(self.url(name))
                timings[name].append(elapsed)
                self.sizes[name] = max(self.sizes.get(name, 0), size)
        return timings

    def profile(self, requests: int = 30) -> str:
        profiler = cProfile.Profile()
        urls = [self.url("dashboard") for _ in range(requests)]
        profiler.enable()
        for url in urls:
            self.get(url)
        profiler.disable()
        out = io.StringIO()
        out.write(f"-- cProfile of the dashboard, {requests} requests --\n")
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(r"scopeline/|babel/", 30)
        stats.sort_stats("tottime").print_stats(15)
        return out.getvalue()


if __name__ == "__main__":
    sys.exit(main())
