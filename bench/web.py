"""Server time of the web app's busiest pages on a seeded workspace, on SQLite and PostgreSQL.

    .venv/bin/python bench/web.py [--database sqlite|postgres|both] [--projects 200]
        [--requests 20000] [--events-per-project 60] [--samples 200] [--profile]

Each database runs in a subprocess of its own (its settings differ): SQLite in a fresh file in a
temporary directory (``SCOPELINE_DATA_DIR``), PostgreSQL in a fresh database ``scopeline_bench``
(dropped and created; ``--postgres-url`` names the server). The subprocess migrates, collects
the static files (the production manifest storage), then seeds one workspace: projects over half
as many clients in the five client languages, from the five agreements in ``examples/`` with
varied names, each with a ledger (hours, payments, favours, revision rounds, concepts, change
orders) and an inbox of client messages. The messages of the demo inbox
(``scopeline/web/demo/requests.yaml``) are triaged for real through ``submit_request`` (and the
ones marked ``decide`` decided through ``decide_request``); the rest are clones of those rows
with varied dates, status and decisions (triaging 20,000 messages would take ten minutes), each
decision with the ledger events ``decide_request`` would write. ``refresh_summary`` then fills
every project's summary columns.

Pages are requested through Django's test ``Client``: the full middleware stack, logged in as
the owner, the same process as the database client, no network. The SQL query count of each
page is taken on a tiny world (the first two projects) and again on the full one: it must not
grow with the data. Targets (issue: web performance): p95 <= 150 ms per page on both databases,
and the same query count on the tiny and the full world. A page that misses the time target is
profiled (cProfile); ``--profile`` profiles every page.
"""

from __future__ import annotations

import os

from _django import django_env

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy: see scopeline.core.triage

import argparse
import cProfile
import datetime as dt
import io
import json
import pstats
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from django.test import Client as HttpClient

    from scopeline.accounts.models import User, Workspace
    from scopeline.clients.models import Client
    from scopeline.core import Agreement
    from scopeline.core.events import Event
    from scopeline.projects.models import ClientRequest, LedgerEvent, Project

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
STEMS = ("acme-website", "bistro-dunarea", "anxin-clinic", "huamei-shop", "brightpath-mvp")
BENCH_DB = "scopeline_bench"
TARGET_MS = 150.0
TINY_PROJECTS = 2
HISTORY_DAYS = 180
PAGES = (
    "inbox: not handled",
    "inbox: all, page 2",
    "project",
    "dashboard",
    "request detail",
)
DB_LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


class PageResult(TypedDict):
    p50: float
    p95: float
    max: float
    cpu_p50: float  # this process's CPU time: the wall time less waiting (database, other load)
    cpu_p95: float
    queries: list[int]  # [fewest, most] over the counted requests, full world
    tiny_queries: list[int]  # the same on the tiny world


class RunResult(TypedDict):
    database: str
    server: str
    seed_seconds: float
    seed_note: str
    load: list[float]  # the machine's 1-minute load average before and after the timing
    pages: dict[str, PageResult]


# -- the parent: one subprocess per database, then the verdict -------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--requests", type=int, default=20_000, help="client messages in all")
    parser.add_argument("--events-per-project", type=int, default=60, help="recorded by hand")
    parser.add_argument("--samples", type=int, default=200, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=7, help="of the random data and samples")
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432", help="server, no db name"
    )
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL bench database")
    parser.add_argument("--profile", action="store_true", help="profile every page (cProfile)")
    parser.add_argument("--worker", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.projects < TINY_PROJECTS + 1:
        parser.error(f"--projects must be at least {TINY_PROJECTS + 1}")
    if args.worker:
        return _worker(args)

    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results: list[RunResult] = []
    failed_runs: list[str] = []
    for database in databases:
        with tempfile.TemporaryDirectory(prefix=f"scopeline-bench-{database}-") as tmp:
            result_file = Path(tmp) / "result.json"
            env = django_env(Path(tmp), ALLOWED_HOSTS="testserver")
            if database == "postgres":
                env["DATABASE_URL"] = f"{args.postgres_url.rstrip('/')}/{BENCH_DB}"
            command = [sys.executable, str(Path(__file__).resolve()), "--worker", database]
            command += [f"--result={result_file}", *sys.argv[1:]]
            done = subprocess.run(command, env=env, check=False)
            if done.returncode != 0 or not result_file.exists():
                failed_runs.append(database)
                continue
            results.append(json.loads(result_file.read_text(encoding="utf-8")))

    print()
    print(f"Targets: p95 <= {TARGET_MS:.0f} ms; SQL queries per page the same as on a tiny world")
    ok = not failed_runs
    for database in failed_runs:
        print(f"FAIL  {DB_LABELS[database]:<10} the run stopped with an error (see above)")
    for result in results:
        for name, page in result["pages"].items():
            fast = page["p95"] <= TARGET_MS
            flat = page["queries"] == page["tiny_queries"]
            ok = ok and fast and flat
            print(
                f"{'PASS' if fast and flat else 'FAIL'}  {DB_LABELS[result['database']]:<10} "
                f"{name:<20} p95 {page['p95']:6.1f} ms {'<=' if fast else '>'} "
                f"{TARGET_MS:.0f} ms; {_span(page['queries'])} queries "
                f"({'same as' if flat else 'GREW from'} {_span(page['tiny_queries'])} "
                f"on {TINY_PROJECTS} projects)"
                + (
                    ""
                    if fast
                    else f"; this process's CPU p95 {page['cpu_p95']:.1f} ms, "
                    f"load average {max(result['load']):.1f} on {os.cpu_count()} cores"
                )
            )
    return 0 if ok else 1


def _span(values: Sequence[int]) -> str:
    lo, hi = values
    return str(lo) if lo == hi else f"{lo}-{hi}"


# -- the worker: one database ---------------------------------------------------------------


def _worker(args: argparse.Namespace) -> int:
    database: str = args.worker
    if database == "postgres":
        _recreate_database(args.postgres_url)
    try:
        return _run(args, database)
    finally:
        if database == "postgres" and not args.keep:
            from django.db import connections

            connections.close_all()
            _drop_database(args.postgres_url)


def _admin_connect(url: str) -> Any:
    import psycopg

    return psycopg.connect(f"{url.rstrip('/')}/postgres", autocommit=True)


def _recreate_database(url: str) -> None:
    with _admin_connect(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")


def _drop_database(url: str) -> None:
    with _admin_connect(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def _run(args: argparse.Namespace, database: str) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    rng = random.Random(args.seed)
    print(f"== {DB_LABELS[database]}: setting up ==", flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if database == "sqlite" else "SHOW server_version")
        server = f"{DB_LABELS[database]} {cursor.fetchone()[0]}"
    print(f"  migrated, static files collected: {time.perf_counter() - started:.1f} s", flush=True)

    seeder = Seeder(
        rng=rng,
        projects=args.projects,
        requests=args.requests,
        events_per_project=args.events_per_project,
    )
    seeder.add_projects(0, TINY_PROJECTS)
    http = _http(seeder.owner)
    bench = PageBench(http, seeder, rng)
    bench.warm_up(rounds=3)
    tiny_counts = bench.query_counts()
    print(f"  tiny world ({TINY_PROJECTS} projects) queries counted", flush=True)
    seeder.add_projects(TINY_PROJECTS, args.projects)
    seed_seconds = sum(seeder.seconds.values())
    if database == "postgres":
        # What autovacuum does within a minute of a bulk load. Without it the planner thinks
        # the inbox has ~100 rows: 'all, page 2' then sorts all 20,000 (50 ms instead of 1 ms)
        # and the counts read the heap instead of the index.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print("  VACUUM ANALYZE done (as autovacuum would after the bulk load)", flush=True)
    bench.refresh_targets()

    print("  warming up (every project page once, 10 requests of each other page)", flush=True)
    bench.warm_up(rounds=10, every_project=True)
    counts = bench.query_counts()
    load = [os.getloadavg()[0]]
    timings, cpu_times = bench.time_pages(args.samples)
    load.append(os.getloadavg()[0])

    pages: dict[str, PageResult] = {}
    for name in PAGES:
        values = timings[name]
        pages[name] = {
            "p50": statistics.median(values),
            "p95": _percentile(values, 95),
            "max": max(values),
            "cpu_p50": statistics.median(cpu_times[name]),
            "cpu_p95": _percentile(cpu_times[name], 95),
            "queries": counts[name],
            "tiny_queries": tiny_counts[name],
        }
    result: RunResult = {
        "database": database,
        "server": server,
        "seed_seconds": seed_seconds,
        "seed_note": seeder.summary(),
        "load": load,
        "pages": pages,
    }
    _print_table(result, args.samples)
    slow = [name for name in PAGES if args.profile or pages[name]["p95"] > TARGET_MS]
    for name in slow:
        print(bench.profile(name), flush=True)
    if args.result:
        args.result.write_text(json.dumps(result), encoding="utf-8")
    return 0


def _http(owner: User) -> HttpClient:
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(owner)
    return http


def _percentile(values: Sequence[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def _print_table(result: RunResult, samples: int) -> None:
    print()
    print(f"== {result['server']} ==")
    print(textwrap.fill(f"Seeded in {result['seed_seconds']:.1f} s: {result['seed_note']}", 100))
    text = (
        f"{samples} timed requests per page, pages interleaved, after the warm-up; Django's "
        "test Client through the full middleware stack, logged in as the owner. Server time "
        "is wall time; 'cpu' is this process's share of it; 'tiny' is the query count on "
        f"{TINY_PROJECTS} projects. Machine load average {result['load'][0]:.1f} before the "
        f"timing, {result['load'][1]:.1f} after ({os.cpu_count()} cores)."
    )
    print(textwrap.fill(text, 100))
    print(
        f"{'page':<20} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'cpu p50':>8} {'cpu p95':>8} "
        f"{'queries':>8} {'tiny':>6}"
    )
    for name, page in result["pages"].items():
        same = "same" if page["queries"] == page["tiny_queries"] else "GREW"
        print(
            f"{name:<20} {page['p50']:7.1f} {page['p95']:7.1f} {page['max']:7.1f} "
            f"{page['cpu_p50']:8.1f} {page['cpu_p95']:8.1f} "
            f"{_span(page['queries']):>8} {_span(page['tiny_queries']):>6}  {same}"
        )
    print(flush=True)


# -- seeding ---------------------------------------------------------------------------------


@dataclass
class Seeder:
    """One workspace, its clients, projects, ledgers and inbox, added in slices of projects."""

    rng: random.Random
    projects: int
    requests: int
    events_per_project: int
    owner: User = field(init=False)
    workspace: Workspace = field(init=False)
    project_ids: list[int] = field(default_factory=list)
    clients: dict[int, Client] = field(default_factory=dict)
    templates: dict[str, list[ClientRequest]] = field(default_factory=dict)
    triaged: int = 0
    cloned: int = 0
    events: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        import yaml
        from django.utils import timezone

        from scopeline.accounts import services as accounts
        from scopeline.accounts.models import User
        from scopeline.core.loading import load_agreement
        from scopeline.web import demo

        started = time.perf_counter()
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.owner = User.objects.create_user(
            "bench@scopeline.example",
            secrets.token_urlsafe(16),
            first_name="Maria",
            last_name="Bench",
            language="en",
            time_zone="Europe/Helsinki",
        )
        self.workspace = accounts.create_workspace(owner=self.owner, name="Bench Studio")
        self.agreements = {stem: load_agreement(EXAMPLES / f"{stem}.yaml") for stem in STEMS}
        text = demo._data("requests.yaml").read_text(encoding="utf-8")
        self.messages: dict[str, list[dict[str, Any]]] = yaml.safe_load(text)
        self.n_clients = max(1, self.projects // 2)
        self._timed("setup", started)

    def _timed(self, stage: str, started: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started

    def add_projects(self, start: int, stop: int) -> None:
        """Projects ``start..stop-1``: project ``p`` is for client ``p % n_clients``, whose
        agreement is example ``client % 5``; the first five projects cover all five."""
        from django.db import transaction

        from scopeline.projects import services as projects
        from scopeline.projects.models import ClientRequest, LedgerEvent, Project

        with transaction.atomic():
            started = time.perf_counter()
            made: list[tuple[Project, str]] = []
            for p in range(start, stop):
                k = p % self.n_clients
                stem = STEMS[k % len(STEMS)]
                client = self._client(k, stem)
                project = projects.create_project(
                    workspace=self.workspace,
                    actor=self.owner,
                    client=client,
                    agreement=self._agreement(stem, k, p),
                    source="demo",
                    note=f"{stem}.yaml",
                )
                self.project_ids.append(project.pk)
                made.append((project, stem))
            self._timed("projects", started)

            started = time.perf_counter()
            rows = [row for project, stem in made for row in self._ledger(project, stem)]
            LedgerEvent.objects.bulk_create(rows, batch_size=1000)
            self.events += len(rows)
            self._timed("ledgers", started)

            per_project = self.requests // self.projects
            clones: list[ClientRequest] = []
            for project, stem in made:
                have = 0
                if stem not in self.templates:
                    started = time.perf_counter()
                    self.templates[stem] = self._triage(project, stem)
                    have = len(self.templates[stem])
                    self._timed("triage", started)
                clones += [self._clone(project, stem) for _ in range(per_project - have)]
            started = time.perf_counter()
            ClientRequest.objects.bulk_create(clones, batch_size=500)
            self.cloned += len(clones)
            decided = [
                self._event_row(request, event)
                for request in clones
                if request.status == ClientRequest.Status.DECIDED
                for event in self._decision_events(request)
            ]
            LedgerEvent.objects.bulk_create(decided, batch_size=1000)
            self.events += len(decided)
            self._timed("messages", started)

            started = time.perf_counter()
            for project, _stem in made:
                projects.refresh_summary(project)
            for p, (project, _stem) in enumerate(made, start):
                if p >= TINY_PROJECTS and p % 10 in (3, 7):
                    project.status = (
                        Project.Status.COMPLETED if p % 10 == 3 else Project.Status.ARCHIVED
                    )
                    project.save(update_fields=["status"])
            self._timed("summaries", started)

    def summary(self) -> str:
        from scopeline.projects.models import ClientRequest, LedgerEvent, Project

        n_requests = ClientRequest.objects.filter(workspace=self.workspace).count()
        new = ClientRequest.objects.filter(workspace=self.workspace, status="new").count()
        events = LedgerEvent.objects.filter(project__workspace=self.workspace).count()
        active = Project.objects.filter(workspace=self.workspace, status="active").count()
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items())
        return (
            f"{len(self.clients)} clients in 5 languages, {len(self.project_ids)} projects "
            f"({active} active) from the 5 example agreements, {events:,} ledger events "
            f"({self.events_per_project} recorded by hand per project, the rest written by "
            f"decisions), {n_requests:,} client messages ({new:,} not handled): "
            f"{self.triaged} triaged for real by submit_request, {self.cloned:,} cloned from "
            f"them with varied dates, status and decisions [{stages}]"
        )

    def _client(self, k: int, stem: str) -> Client:
        from scopeline.clients import services as clients

        if k not in self.clients:
            c = self.agreements[stem].client
            self.clients[k] = clients.create_client(
                workspace=self.workspace,
                actor=self.owner,
                name=f"{c.name} {k // len(STEMS) + 1}",
                language=c.language,
                contact=c.contact or "",
                email=c.email or "",
            )
        return self.clients[k]

    def _agreement(self, stem: str, k: int, p: int) -> Agreement:
        from scopeline.projects.agreements import agreement_data
        from scopeline.projects.services import validate_agreement

        data = agreement_data(self.agreements[stem])
        data["project"] = f"{data['project']} #{p + 1}"
        data["client"]["name"] = self.clients[k].name
        return validate_agreement(data)

    def _day(self, lo: int = 0, hi: int = HISTORY_DAYS) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randrange(lo, hi))

    def _ledger(self, project: Project, stem: str) -> list[LedgerEvent]:
        """What a freelancer records by hand: a deposit first, then mostly hours, with
        payments, favours, revision rounds, concepts and the odd change order."""
        from scopeline.core.events import (
            ChangeOrderAccepted,
            ChangeOrderIssued,
            ConceptsDelivered,
            Favor,
            Hours,
            Payment,
            RevisionRound,
        )

        rng = self.rng
        agreement = self.agreements[stem]
        price = agreement.price.amount or Decimal(1000)
        rate = agreement.price.hourly_rate or Decimal(50)
        start = HISTORY_DAYS - 1
        events: list[Event] = [
            Payment(date=self._day(start, start + 1), amount=(price / 2).quantize(Decimal(1))),
            ConceptsDelivered(
                date=self._day(start - 20, start), count=agreement.allowances.concepts or 2
            ),
        ]
        paid = price / 2
        n_change_orders = 0
        while len(events) < self.events_per_project:
            roll = rng.random()
            day = self._day(0, start - 20)
            if roll < 0.70:
                hours = Decimal(rng.randrange(1, 25)) / 4
                events.append(Hours(date=day, hours=hours, note=rng.choice(_NOTES)))
            elif roll < 0.80:
                events.append(Favor(date=day, hours=Decimal(rng.randrange(1, 5)) / 4))
            elif roll < 0.87:
                events.append(RevisionRound(date=day))
            elif roll < 0.93 and paid < price:
                amount = (price / 10).quantize(Decimal(1))
                paid += amount
                events.append(Payment(date=day, amount=amount))
            elif roll < 0.97 and len(events) + 2 <= self.events_per_project:
                n_change_orders += 1
                hours = Decimal(rng.randrange(4, 20))
                ref = f"CO-{n_change_orders}"
                fields: dict[str, Any] = {"ref": ref, "amount": hours * rate, "hours": hours}
                events.append(ChangeOrderIssued(date=day, title="Extra page", **fields))
                accepted = min(day + dt.timedelta(days=rng.randrange(1, 6)), self.today)
                events.append(ChangeOrderAccepted(date=accepted, **fields))
            else:
                events.append(ConceptsDelivered(date=day))
        return [self._event_row_for(project, event) for event in events]

    def _event_row_for(
        self, project: Project, event: Event, request: ClientRequest | None = None
    ) -> LedgerEvent:
        from scopeline.projects.services import event_row

        return event_row(project, self.owner, event, request=request)

    def _triage(self, project: Project, stem: str) -> list[ClientRequest]:
        """The demo inbox of this example, triaged and (where marked) decided for real."""
        from scopeline.inbox import services as inbox

        rows = []
        for i, message in enumerate(self.messages[stem]):
            days_ago = int(message["days_ago"])
            received = self.now - dt.timedelta(days=days_ago, hours=(i * 5) % 9)
            request = inbox.submit_request(
                project=project,
                actor=self.owner,
                text=message["text"],
                received_at=received,
                channel="email",
            )
            if message.get("decide"):
                request = inbox.decide_request(
                    request=request,
                    actor=self.owner,
                    action=request.suggested_action,
                    decided_on=self.today - dt.timedelta(days=max(days_ago - 1, 0)),
                )
            rows.append(request)
        self.triaged += len(rows)
        return rows

    def _clone(self, project: Project, stem: str) -> ClientRequest:
        """A copy of one of the example's triaged messages, received some time in the last
        half year; most are decided (the suggestion, or now and then something else)."""
        from scopeline.core.replies.bank import TONES
        from scopeline.core.triage.contract import ACTIONS
        from scopeline.projects.models import ClientRequest

        rng = self.rng
        model = rng.choice(self.templates[stem])
        age = dt.timedelta(seconds=rng.uniform(0, HISTORY_DAYS * 86_400))
        received = self.now - age
        request = ClientRequest(
            workspace_id=project.workspace_id,
            project=project,
            version=project.current_version,
            received_at=received,
            text=model.text,
            channel="email",
            lang=model.lang,
            kind=model.kind,
            kinds=list(model.kinds),
            scope_verdict=model.scope_verdict,
            scope_item=model.scope_item,
            suggested_action=model.suggested_action,
            estimate_hours=model.estimate_hours,
            price_amount=model.price_amount,
            verdict=model.verdict,
            drafts=model.drafts,
            cites=model.cites,
            tone="neutral",
            created_by=self.owner,
        )
        recent = age < dt.timedelta(days=14)
        if (recent and rng.random() < 0.5) or rng.random() < 0.03:
            return request
        action = model.suggested_action if rng.random() < 0.9 else rng.choice(ACTIONS)
        tone = rng.choice(TONES)
        request.status = ClientRequest.Status.DECIDED
        request.action = action
        request.tone = tone
        request.reply_text = model.drafts.get(tone, "")
        request.cites_agreement = bool(model.cites.get(tone, False))
        if action != model.suggested_action:
            request.decision_note = "Agreed otherwise with the client on a call."
        request.decided_by = self.owner
        request.decided_at = min(received + dt.timedelta(hours=rng.uniform(1, 48)), self.now)
        return request

    def _decision_events(self, request: ClientRequest) -> list[Event]:
        from django.utils import timezone

        from scopeline.inbox.services import decision_events

        assert request.decided_at is not None
        return decision_events(
            request,
            action=request.action,
            advice_overridden=False,
            today=timezone.localdate(request.decided_at),
        )

    def _event_row(self, request: ClientRequest, event: Event) -> LedgerEvent:
        return self._event_row_for(request.project, event, request)


_NOTES = ("templates", "front page", "menu", "review call", "content entry", "fixes", "")


# -- measuring -------------------------------------------------------------------------------


class PageBench:
    """The pages to time; each is a function from the random source to a URL."""

    def __init__(self, http: HttpClient, seeder: Seeder, rng: random.Random) -> None:
        self.http = http
        self.seeder = seeder
        self.rng = rng
        self.refresh_targets()

    def refresh_targets(self) -> None:
        from django.urls import reverse

        from scopeline.projects.models import ClientRequest

        slug = self.seeder.workspace.slug
        requests = ClientRequest.objects.filter(workspace=self.seeder.workspace)
        self.request_ids = list(requests.values_list("pk", flat=True))
        new = requests.filter(status="new").values_list("pk", flat=True)
        decided = requests.filter(status="decided").values_list("pk", flat=True)
        self.request_kinds = [new.first(), decided.first()]
        inbox = reverse("inbox", kwargs={"ws": slug})
        self.pages: dict[str, Callable[[], str]] = {
            PAGES[0]: lambda: inbox,
            PAGES[1]: lambda: f"{inbox}?show=all&page=2",
            PAGES[2]: lambda: self._project_url(self.rng.choice(self.seeder.project_ids)),
            PAGES[3]: lambda: reverse("dashboard", kwargs={"ws": slug}),
            PAGES[4]: lambda: self._request_url(self.rng.choice(self.request_ids)),
        }

    def _project_url(self, pk: int) -> str:
        from django.urls import reverse

        return reverse("project_detail", kwargs={"ws": self.seeder.workspace.slug, "pk": pk})

    def _request_url(self, pk: int) -> str:
        from django.urls import reverse

        return reverse("request_detail", kwargs={"ws": self.seeder.workspace.slug, "pk": pk})

    def get(self, url: str) -> tuple[float, float]:
        """Wall and CPU milliseconds of one request; anything but a 200 stops the run."""
        cpu = time.process_time()
        started = time.perf_counter()
        response = self.http.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - cpu) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: HTTP {response.status_code}")
        return elapsed, cpu

    def warm_up(self, *, rounds: int, every_project: bool = False) -> None:
        """Loads the templates, the translations, the parsed agreements, the connection."""
        for _ in range(rounds):
            for make_url in self.pages.values():
                self.get(make_url())
        if every_project:
            for pk in self.seeder.project_ids:
                self.get(self._project_url(pk))

    def query_counts(self) -> dict[str, list[int]]:
        """[fewest, most] queries per page over a few requests: every project page of the
        tiny world or ten random ones, a new and a decided message and eight random ones."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        urls: dict[str, list[str]] = {
            name: [make() for _ in range(3)] for name, make in self.pages.items()
        }
        urls[PAGES[2]] = [self._project_url(pk) for pk in self.seeder.project_ids[:10]]
        urls[PAGES[4]] = [self._request_url(pk) for pk in self.request_kinds if pk is not None]
        urls[PAGES[4]] += [self.pages[PAGES[4]]() for _ in range(8)]
        counts: dict[str, list[int]] = {}
        for name in PAGES:
            seen = []
            for url in urls[name]:
                with CaptureQueriesContext(connection) as captured:
                    self.get(url)
                seen.append(len(captured.captured_queries))
            counts[name] = [min(seen), max(seen)]
        return counts

    def time_pages(self, samples: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
        """Wall and CPU times of ``samples`` requests per page, the pages taken in turn so
        that noise hits all alike."""
        wall: dict[str, list[float]] = {name: [] for name in PAGES}
        cpu: dict[str, list[float]] = {name: [] for name in PAGES}
        for _ in range(samples):
            for name in PAGES:
                elapsed, used = self.get(self.pages[name]())
                wall[name].append(elapsed)
                cpu[name].append(used)
        return wall, cpu

    def profile(self, name: str, *, requests: int = 30) -> str:
        profiler = cProfile.Profile()
        urls = [self.pages[name]() for _ in range(requests)]
        profiler.enable()
        for url in urls:
            self.get(url)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        out.write(f"-- cProfile of '{name}', {requests} requests: the app's and the template ")
        out.write("engine's functions by cumulative time, then the top functions by own time --\n")
        stats.sort_stats("cumulative").print_stats(r"scopeline/|babel/|template/defaulttags", 30)
        stats.sort_stats("tottime").print_stats(15)
        return out.getvalue()


if __name__ == "__main__":
    sys.exit(main())
