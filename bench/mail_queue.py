"""Background workers draining queued e-mails: 2 RQ workers, 1,000 e-mail triage jobs.

    .venv/bin/python bench/mail_queue.py [--jobs 1000] [--workers 2]

Production shape: PostgreSQL (``BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/scopeline_bench_queue``, made afresh and dropped after)
and the "rq" task engine on the Redis of 127.0.0.1:6379 (database 13, emptied before and
after). The database is migrated and gets the demo workspace (``seed_demo``: five clients in
five languages and their agreements). Then ``--jobs`` incoming e-mails are stored as the
intake stores a matched message (``intake.IncomingEmail``, its text one of the demo's client
messages, numbered so no two are alike) and one ``intake.tasks.triage_email`` job per e-mail
is enqueued: the work the intake does for each message that arrives (triage against the
project's agreement, the drafts in three tones, the inbox row).

With the queue full, ``--workers`` processes of ``manage.py rqworker default`` start at once.
Reported: the wall time from their start until the queue is drained (start-up and the triage
engine's model load included), the throughput from the first job's start to the last job's end
(messages/s), and the p50/p95 of the time one job took, from RQ's own start and end times.
Every job must have finished and made its client request.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the standard library's queue module, which redis imports: keep the
# benchmarks' folder behind the standard library on the path (it is still found for _django).
_BENCH = str(Path(__file__).resolve().parent)
sys.path[:] = [*(p for p in sys.path if p != _BENCH), _BENCH]

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import psycopg  # noqa: E402
import redis  # noqa: E402
from rq.job import Job, JobStatus  # noqa: E402
from rq.serializers import JSONSerializer  # noqa: E402

from _django import django_env  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/13"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/scopeline_bench_queue"

ENQUEUE = """
import json, sys, time
import django
django.setup()
from django.utils import timezone
from scopeline.accounts.models import Workspace
from scopeline.intake.models import IncomingEmail
from scopeline.intake.tasks import triage_email
from scopeline.projects.models import ClientRequest

count = int(sys.argv[1])
workspace = Workspace.objects.get(slug="demo")
samples = list(
    ClientRequest.objects.filter(workspace=workspace)
    .select_related("project__client")
    .order_by("pk")
)
assert samples, "the demo has no client messages"
now = timezone.now()
emails = []
for n in range(count):
    sample = samples[n % len(samples)]
    text = f"{sample.text}\\n\\n#{n}"
    emails.append(IncomingEmail(
        workspace=workspace, source="upload", message_id=f"<bench-{n}@scopeline.bench>",
        sha256=f"{n:064x}", from_address=sample.project.client.email or "client@example.com",
        subject="bench", received_at=now, size=len(text.encode()), text=text,
        status="matched", client=sample.project.client, project=sample.project,
    ))
started = time.perf_counter()
if sys.argv[2] == "intake":
    IncomingEmail.objects.bulk_create(emails)
    started = time.perf_counter()
    ids = [triage_email.enqueue(email.pk).id for email in IncomingEmail.objects.filter(
        message_id__startswith="<bench-").order_by("pk")]
else:
    from mail_queue_tasks import triage_message
    ids = [triage_message.enqueue(e.project.pk, e.text).id for e in emails]
elapsed = time.perf_counter() - started
print(json.dumps({"ids": ids, "enqueue_seconds": elapsed,
                  "requests_before": ClientRequest.objects.count()}))
"""

COUNT = """
import sys
import django
django.setup()
from scopeline.intake.models import IncomingEmail
from scopeline.projects.models import ClientRequest
if sys.argv[1] == "intake":
    print(IncomingEmail.objects.filter(
        message_id__startswith="<bench-", request__isnull=False).count())
else:
    print(ClientRequest.objects.count())
"""


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"{' '.join(args[:3])} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--task",
        choices=["intake", "inbox"],
        default="intake",
        help="intake.tasks.triage_email on stored e-mails (default), or "
        "bench/mail_queue_tasks.py's triage_message on the message text",
    )
    options = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    queue = redis.Redis.from_url(REDIS_URL)
    queue.flushdb()
    workers: list[subprocess.Popen[str]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = django_env(Path(tmp), DATABASE_URL=url, SCOPELINE_TASKS="rq", REDIS_URL=REDIS_URL)
            env["PYTHONPATH"] = os.pathsep.join([str(ROOT), _BENCH])
            print(f"database {name}, Redis {REDIS_URL}; migrating and loading the demo ...")
            run(env, "manage.py", "migrate", "--noinput", "-v", "0")
            # The demo's own messages are triaged inline while it loads.
            run({**env, "SCOPELINE_TASKS": "immediate"}, "manage.py", "seed_demo")
            queued = json.loads(
                run(env, "-c", ENQUEUE, str(options.jobs), options.task).splitlines()[-1]
            )
            ids: list[str] = queued["ids"]
            print(
                f"{len(ids)} triage jobs enqueued in {queued['enqueue_seconds']:.2f} s "
                f"({len(ids) / queued['enqueue_seconds']:.0f} jobs/s)"
            )
            started = time.perf_counter()
            for _ in range(options.workers):
                workers.append(
                    subprocess.Popen(
                        [sys.executable, "manage.py", "rqworker", "default", "-v", "0"],
                        cwd=ROOT,
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        text=True,
                    )
                )
            key = "rq:queue:default"
            while queue.llen(key) or queue.zcard("rq:wip:default"):
                if any(w.poll() is not None for w in workers):
                    sys.exit("a worker stopped")
                time.sleep(0.2)
            drained = time.perf_counter() - started
            jobs = [Job.fetch(i, connection=queue, serializer=JSONSerializer) for i in ids]
            statuses = {job.get_status() for job in jobs}
            failed = [job for job in jobs if job.get_status() == JobStatus.FAILED]
            if failed:
                result = failed[0].latest_result()
                print((result.exc_string or "")[-2000:] if result else "no result", file=sys.stderr)
            try:
                made = int(run(env, "-c", COUNT, options.task).strip())
            except SystemExit as exc:  # report the timings anyway
                print(exc, file=sys.stderr)
                made = -1
            if options.task == "inbox":
                made -= queued["requests_before"]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        queue.flushdb()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    finished = [job for job in jobs if job.started_at and job.ended_at]
    if not finished:
        sys.exit(f"no job finished: {statuses}")
    durations = [
        (job.ended_at - job.started_at).total_seconds()
        for job in jobs
        if job.started_at and job.ended_at
    ]
    first = min(job.started_at for job in jobs if job.started_at)
    last = max(job.ended_at for job in jobs if job.ended_at)
    span = (last - first).total_seconds()
    print(
        f"{options.workers} workers drained {len(ids)} e-mails in {drained:.1f} s "
        f"(from their start: {len(ids) / drained:.1f} messages/s)"
    )
    print(
        f"throughput from the first job's start to the last one's end: "
        f"{len(ids) / span:.1f} messages/s over {span:.1f} s"
    )
    print(
        f"per job: p50 {percentile(durations, 50) * 1000:.0f} ms, "
        f"p95 {percentile(durations, 95) * 1000:.0f} ms, "
        f"mean {statistics.fmean(durations) * 1000:.0f} ms"
    )
    if statuses != {JobStatus.FINISHED} or made != len(ids):
        sys.exit(f"not every job finished: {statuses}, {made} of {len(ids)} client requests")


if __name__ == "__main__":
    main()
