"""Workflow benchmark: completing a user task with N open process instances in the database.

    python bench/workflow_bench.py --db sqlite --n 10000 --n 100000
    python bench/workflow_bench.py --db postgresql --n 10000 --n 100000 \
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/victimcare_bench]

``bench/run`` runs both databases; docs/benchmarks.md explains what is measured and keeps
the results. Per N (the database grows from one N to the next), in this order:

1. data: N cases, each with a support_activity instance at its open NGO task
   "Task_carry_out" (proposed and approved, overdue timer waiting, due 1 day to 1 year
   ahead). One case is made through the real services; the other N-1 are copies of its rows
   (persons, cases, workflow_instances, workflow_tasks, case_assignments, case_events,
   audit_events) with their own ids, case id and due time, bulk-inserted below SQLAlchemy's
   type processing (COPY on PostgreSQL, executemany on SQLite).
2. floor: the bare engine step (load, complete, run_engine, dump) in one transaction that
   reads and writes the instance row (SELECT ... [FOR UPDATE]; UPDATE ... WHERE version).
3. service: ``services.complete_task`` in-process, one app context and transaction per step
   (the app's work without HTTP, Flask or templates), and the SQL it sends for one step.
4. sweep: ``services.run_due_timers()`` with exactly 100 timers due (3 rounds).
5. breakdown: extra, unreported steps and one sweep with the driver calls and the engine
   timed, to split the time into database, engine and the rest.
6. HTTP: the app under waitress (threads=4; or gunicorn, 2 sync workers) in its own process
   group; this process logs in as an NGO worker and, per task, GETs /tasks/<id> (for the CSRF
   token and submission id) and POSTs the completed form. Only the POST round trip is the
   measured step. First the open tasks of untouched instances, in blocks of 20 with 20 floor
   steps (as in 2, in this process, on other instances) before each block and after the
   last: the ratio to the floor divides by this interleaved floor, measured in the same
   minutes as the requests. Then the tasks of the instances the sweep advanced (the longest
   path: propose, approve, timer fired, carry out).
7. longest path through the services on one new case, its serialized size at each stage.
8. database size.

Each phase waits (bounded) for other processes to leave the 2 CPUs alone and is measured
again if they did not (``measured``); the CPU use of everything else is in the results.
Writes bench/results-<db>.json. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import cProfile
import enum
import http.client
import io
import json
import os
import platform
import pstats
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import uuid
from datetime import UTC, date, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from alembic import command  # noqa: E402

from victimcare import clock, create_app  # noqa: E402
from victimcare.cli import alembic_config  # noqa: E402
from victimcare.config import Settings  # noqa: E402
from victimcare.extensions import db  # noqa: E402

WORK = BENCH / ".work"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/victimcare_bench"
PASSWORD = "bench-password-" + "x" * 12  # noqa: S105 - a throw-away benchmark database
#: The due time written into the template; replaced per copy (same ISO format as the forms).
PLACEHOLDER_DUE = "2099-01-01T22:59:00+00:00"
CHUNK = 2000  # cases per bulk-insert transaction
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
SUBMISSION_RE = re.compile(r'name="submission_id" value="([^"]+)"')
REPORT_DATA = {"outcome": "done", "notes": ""}
#: Tables holding a case's rows, parents first (insert order).
CASE_TABLES = ["persons", "cases", "workflow_instances", "workflow_tasks", "case_assignments",
               "case_events", "audit_events"]
#: Foreign-key column -> the table whose ids it holds.
FK_TABLES = {"person_id": "persons", "case_id": "cases", "instance_id": "workflow_instances",
             "task_id": "workflow_tasks"}
AUDIT_SUBJECTS = {"case": "cases", "workflow_instance": "workflow_instances",
                  "workflow_task": "workflow_tasks", "case_assignment": "case_assignments"}

#: HTTP requests per block in the HTTP phase; a block of as many floor steps comes before
#: each block (and after the last), so the ratio's two medians share their minutes.
INTERLEAVE_BLOCK = 20
TARGETS = {"http_median_ms": 10.0, "http_p95_ms": 25.0, "http_over_floor": 3.0,
           "sweep_100_s": 0.5}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def stats_ms(samples: list[float]) -> dict:
    """Median, p95, min, max in milliseconds of samples in seconds."""
    ms = sorted(s * 1000 for s in samples)
    p95 = statistics.quantiles(ms, n=100, method="inclusive")[94] if len(ms) > 1 else ms[0]
    return {"n": len(ms), "median_ms": round(statistics.median(ms), 2), "p95_ms": round(p95, 2),
            "min_ms": round(ms[0], 2), "max_ms": round(ms[-1], 2)}


class CpuWatch:
    """How busy the CPUs were during a phase, in cores: the benchmark's processes (this one,
    the server and its workers), the database server's (PostgreSQL backends, autovacuum),
    and everything else on the machine (someone else's test run on a shared 2-core machine
    skews the numbers; that is what ``other`` shows)."""

    HZ = os.sysconf("SC_CLK_TCK")

    def __init__(self, pids: list[int], groups: list[int] = ()):
        """``pids``: processes counted as the benchmark's; ``groups``: process groups too
        (the server and its workers)."""
        self.pids, self.groups = set(pids), set(groups)
        self.start = self._sample()

    def _sample(self) -> tuple[float, int, dict, dict]:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
        busy = user + nice + system + irq + softirq + steal
        ours, database = {}, {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                raw = (entry / "stat").read_text()
            except OSError:
                continue
            name = raw[raw.find("(") + 1:raw.rfind(")")]
            stat = raw.rsplit(")", 1)[1].split()
            pid, ticks = int(entry.name), int(stat[11]) + int(stat[12])  # utime + stime
            if pid in self.pids or int(stat[2]) in self.groups:
                ours[pid] = ticks
            elif name.startswith("postgres"):
                database[pid] = ticks
        return time.monotonic(), busy, ours, database

    def stop(self) -> dict:
        wall0, busy0, ours0, db0 = self.start
        wall1, busy1, ours1, db1 = self._sample()
        seconds = max(wall1 - wall0, 1e-6)

        def cores(after, before):
            return sum(t - before.get(pid, 0) for pid, t in after.items()) / self.HZ / seconds

        ours, database = cores(ours1, ours0), cores(db1, db0)
        other = max((busy1 - busy0) / self.HZ / seconds - ours - database, 0.0)
        return {"bench_cores": round(ours, 2), "database_cores": round(database, 2),
                "other_cores": round(other, 2)}


#: Seconds a whole run may spend waiting for other processes, in total.
WAIT_BUDGET = {"left": 300.0}


def wait_quiet(max_wait: float = 60.0, threshold: float = 0.25) -> dict:
    """Wait (bounded, and within WAIT_BUDGET for the whole run) until other processes use
    less than ``threshold`` cores, so that someone else's test run on the same 2-core
    machine does not land in a measurement."""
    started = time.monotonic()
    max_wait = min(max_wait, WAIT_BUDGET["left"])
    other = 0.0
    while True:
        watch = CpuWatch([os.getpid()])
        time.sleep(1.0)
        other = watch.stop()["other_cores"]
        waited = time.monotonic() - started
        if other < threshold or waited >= max_wait:
            break
        if waited < 1.5:
            log(f"  other processes use {other:.2f} cores; waiting (at most "
                f"{max_wait:.0f} s) for them to finish")
        time.sleep(4.0)
    WAIT_BUDGET["left"] = max(WAIT_BUDGET["left"] - waited, 0.0)
    if other >= threshold:
        log(f"  the machine is busy: other processes use {other:.2f} cores; measuring anyway")
    elif waited > 2:
        log(f"  waited {waited:.0f} s for other processes to finish")
    return {"waited_s": round(waited, 1), "other_cores": other}


def python_speed() -> float:
    """Milliseconds for sum(range(10**6)), best of 5: to compare machines' single-core speed."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        sum(range(10**6))
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


# --- database ------------------------------------------------------------------------------


def fresh_database(kind: str, url: str | None) -> str:
    """An empty database for the run: a new SQLite file, or the bench PostgreSQL database
    with its public schema dropped and recreated."""
    if kind == "sqlite":
        WORK.mkdir(parents=True, exist_ok=True)
        path = WORK / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    url = url or DEFAULT_PG_URL
    name = sa.engine.make_url(url).database
    if name in (None, "", "test", "postgres", "template0", "template1"):
        raise SystemExit(f"refusing to use the database {name!r}: give a benchmark database")
    server = sa.create_engine(sa.engine.make_url(url).set(database="postgres"),
                              isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                             {"n": name})
        if exists is None:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    server.dispose()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def make_app(url: str, secret: str):
    settings = Settings(environment="development", database_url=url, secret_key=secret)
    return create_app(settings, instance_path=str(WORK / "instance"))


def migrate(app) -> None:
    with app.app_context():
        with db.engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")


def table(name: str) -> sa.Table:
    import victimcare.models as models

    return models.metadata.tables[name]


# --- data ----------------------------------------------------------------------------------


class Fixture:
    """The organisations and users of the bench database, and the template case."""

    def __init__(self, app):
        from victimcare.accounts import services as accounts
        from victimcare.accounts.models import OrganisationKind, Role
        from victimcare.cases import services as cases
        from victimcare.cases.models import CaseStatus, Person
        from victimcare.workflow import services as workflow
        from victimcare.workflow.models import WorkflowInstance

        with app.app_context():
            with db.transaction():
                cmm = accounts.create_organisation(None, "Center mod Menneskehandel (CMM)",
                                                   OrganisationKind.CMM)
                ngo = accounts.create_organisation(None, "Reden International",
                                                   OrganisationKind.NGO)
                coordinator = accounts.create_user(
                    None, username="bench-coordinator", full_name="Bench Coordinator",
                    organisation=cmm, role=Role.CMM_COORDINATOR, password=PASSWORD, locale="en")
                worker = accounts.create_user(
                    None, username="bench-ngo", full_name="Bench NGO Worker", organisation=ngo,
                    role=Role.NGO_WORKER, password=PASSWORD, locale="en")
            self.cmm_id, self.ngo_id = cmm.id, ngo.id
            self.coordinator_id, self.worker_id = coordinator.id, worker.id
            case = new_case(cases, Person, CaseStatus, cmm, coordinator)
            instance = run_to_carry_out(workflow, case, coordinator, ngo.id, PLACEHOLDER_DUE)
            self.case_id, self.instance_id = case.id, instance.id
            serialized = db.session.get(WorkflowInstance, instance.id).serialized
            db.session.rollback()
        self.serialized = serialized
        self.case_id_re = re.compile(rf'"case_id":{self.case_id}(?=[,}}])')
        if len(self.case_id_re.findall(serialized)) != 1 or serialized.count(
                PLACEHOLDER_DUE) < 1:
            raise SystemExit("the template instance does not look as expected")
        self.templates = self._read_rows(app)
        carry_out = [r for r in self.templates["workflow_tasks"]
                     if r["task_name"] == "Task_carry_out"]
        self.carry_out_spiff_id = carry_out[0]["spiff_task_id"]

    def _read_rows(self, app) -> dict[str, list[dict]]:
        rows = {}
        with app.app_context(), db.engine.connect() as conn:
            person_id = conn.scalar(sa.select(table("cases").c.person_id).where(
                table("cases").c.id == self.case_id))
            for name in CASE_TABLES:
                t = table(name)
                where = (t.c.id == person_id if name == "persons" else
                         t.c.id == self.case_id if name == "cases" else t.c.case_id == self.case_id)
                rows[name] = [dict(r._mapping) for r in conn.execute(
                    sa.select(t).where(where).order_by(t.c.id))]
        return rows


def new_case(cases, Person, CaseStatus, owner, contact):  # noqa: N803 - classes passed in
    with db.transaction():
        return cases.create_case(
            None, Person(given_name="Ioana", family_name="Popescu", alias="",
                         date_of_birth=date(1994, 5, 2), nationality="RO", language="ron"),
            owner, status=CaseStatus.SUPPORT, contact_person=contact)


def run_to_carry_out(workflow, case, coordinator, ngo_id: int, due_at: str):
    """Start support_activity and complete Task_propose and Task_approve through the
    services, as a coordinator would (tests/factories.py: run_support_activity)."""
    from victimcare.workflow.models import WorkflowTask

    with db.transaction():
        instance = workflow.start("support_activity", case, coordinator)
    instance_id = instance.id
    steps = [("Task_propose", {"activity_kind": "accompaniment", "description": "Dentist visit",
                               "organisation_id": ngo_id, "due_at": due_at}),
             ("Task_approve", {"approved": True, "reason": ""})]
    for name, data in steps:
        task = db.session.scalar(sa.select(WorkflowTask).where(
            WorkflowTask.instance_id == instance_id, WorkflowTask.task_name == name,
            WorkflowTask.state == "ready"))
        with db.transaction():
            workflow.complete_task(task, coordinator, data, uuid.uuid4().hex)
    return instance


def _driver_value(value, kind: str):
    """A column value as the driver takes it, stored exactly as SQLAlchemy's types store it
    (SQLite: naive UTC timestamps as text, dates as ISO text, booleans as 0/1; JSON as text)."""
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        if kind == "postgresql":
            return value
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value if kind == "postgresql" else value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, bool) and kind == "sqlite":
        return int(value)
    return value


def insert_rows(conn, name: str, columns: list[str], rows: list[list], kind: str) -> None:
    """Bulk insert of driver values, below SQLAlchemy's per-value type processing (which
    would dominate the load time): COPY on PostgreSQL, executemany on SQLite, inside
    ``conn``'s transaction."""
    if not rows:
        return
    column_list = ", ".join(columns)
    if kind == "postgresql":
        with conn.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {name} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        conn.exec_driver_sql(f"INSERT INTO {name} ({column_list}) VALUES ({marks})",
                             [tuple(row) for row in rows])


def load_cases(app, fixture: Fixture, count: int, first_index: int, kind: str) -> float:
    """Insert ``count`` copies of the template case; returns the seconds it took.

    Each copy gets its own ids (foreign keys and audit subjects remapped), case reference,
    case id inside the serialized workflow, due time (in the JSON, the timer column, the
    task's deadline and the task's context), and completion tokens."""
    started = time.perf_counter()
    templates = fixture.templates
    spread_start = clock.now().replace(second=0, microsecond=0) + timedelta(days=1)
    minutes_in_year = 365 * 24 * 60
    # Per table: the column names and each template row as driver values, converted once.
    layout = {}
    for name in CASE_TABLES:
        columns = list(templates[name][0])
        layout[name] = (columns, {c: i for i, c in enumerate(columns)},
                        [[_driver_value(r[c], kind) for c in columns] for r in templates[name]])
    with app.app_context():
        with db.engine.connect() as conn:
            base = {name: conn.scalar(sa.select(sa.func.coalesce(sa.func.max(table(name).c.id),
                                                                   0)))
                    for name in CASE_TABLES}
            conn.rollback()
        year_prefix = templates["cases"][0]["reference"].rsplit("-", 1)[0]
        done = 0
        while done < count:
            size = min(CHUNK, count - done)
            batch: dict[str, list[list]] = {name: [] for name in CASE_TABLES}
            for k in range(done, done + size):
                index = first_index + k
                due_at = spread_start + timedelta(minutes=(index * 7919) % minutes_in_year)
                due, due_value = due_at.isoformat(), _driver_value(due_at, kind)
                ids = {name: {r["id"]: base[name] + k * len(templates[name]) + j + 1
                              for j, r in enumerate(templates[name])} for name in CASE_TABLES}
                for name in CASE_TABLES:
                    _columns, at, values = layout[name]
                    for r, template_values in zip(templates[name], values, strict=True):
                        row = list(template_values)
                        row[at["id"]] = ids[name][r["id"]]
                        for column, target in FK_TABLES.items():
                            if column in at and r[column] is not None and target in ids:
                                row[at[column]] = ids[target].get(r[column], r[column])
                        if name == "cases":
                            row[at["reference"]] = f"{year_prefix}-{row[at['id']]:05d}"
                        elif name == "workflow_instances":
                            row[at["serialized"]] = fixture.case_id_re.sub(
                                f'"case_id":{ids["cases"][fixture.case_id]}',
                                r["serialized"]).replace(PLACEHOLDER_DUE, due)
                            row[at["next_timer_due_at"]] = due_value
                        elif name == "workflow_tasks":
                            if r["due_at"] is not None:
                                row[at["due_at"]] = due_value
                            for column in ("context", "data"):
                                text = row[at[column]]
                                if text is not None and PLACEHOLDER_DUE in text:
                                    row[at[column]] = text.replace(PLACEHOLDER_DUE, due)
                            if r["completion_token"] is not None:
                                row[at["completion_token"]] = uuid.uuid4().hex
                        elif name == "audit_events":
                            target = AUDIT_SUBJECTS.get(r["subject_type"])
                            if target:
                                row[at["subject_id"]] = str(ids[target][int(r["subject_id"])])
                        batch[name].append(row)
            with db.engine.begin() as conn:
                for name in CASE_TABLES:
                    insert_rows(conn, name, layout[name][0], batch[name], kind)
            done += size
            if done % 20000 < CHUNK or done == count:
                log(f"  inserted {done}/{count} cases")
        with db.engine.connect() as conn:
            if kind == "postgresql":
                for name in CASE_TABLES:
                    conn.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"))
                conn.commit()
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE")
        if kind == "sqlite":
            sqlite_checkpoint()
    return time.perf_counter() - started


def sqlite_checkpoint() -> None:
    """Fold the WAL into the database file (outside a transaction: the app's connections
    begin every transaction with BEGIN IMMEDIATE). Needs an app context."""
    raw = db.engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def untouched_instances(app) -> list[int]:
    """Running instances at their open NGO task, with the timer still in the future."""
    wi = table("workflow_instances")
    with app.app_context(), db.engine.connect() as conn:
        ids = list(conn.scalars(sa.select(wi.c.id).where(
            wi.c.status == "running", wi.c.next_timer_due_at > clock.now() + timedelta(hours=1)
        ).order_by(wi.c.id)))
        conn.rollback()
    return ids


def open_task_ids(app, instance_ids: list[int]) -> list[int]:
    """The ids of the open Task_carry_out rows of the instances, in the same order."""
    wt = table("workflow_tasks")
    with app.app_context(), db.engine.connect() as conn:
        found = dict(conn.execute(sa.select(wt.c.instance_id, wt.c.id).where(
            wt.c.instance_id.in_(instance_ids), wt.c.task_name == "Task_carry_out",
            wt.c.state == "ready")).all())
        conn.rollback()
    if len(found) != len(instance_ids):
        raise SystemExit(f"expected {len(instance_ids)} open tasks, found {len(found)}")
    return [found[i] for i in instance_ids]


# --- in-process measurements -----------------------------------------------------------------


def floor_steps(app, fixture: Fixture, instance_ids: list[int], kind: str,
                total: list[float], engine_only: list[float]) -> None:
    """The bare engine step plus one transaction reading and writing the instance row, once
    per instance; the times (seconds) are appended to ``total`` and ``engine_only``."""
    from victimcare.workflow import engine, services

    wi, wt = table("workflow_instances"), table("workflow_tasks")
    with app.app_context():
        definition = services.definitions()["support_activity"]
        for instance_id in instance_ids:
            started = time.perf_counter()
            with db.engine.begin() as conn:
                query = sa.select(wi.c.serialized, wi.c.version).where(wi.c.id == instance_id)
                if kind == "postgresql":
                    query = query.with_for_update()
                row = conn.execute(query).one()
                engine_started = time.perf_counter()
                workflow = engine.load(row.serialized, definition)
                engine.complete(workflow, fixture.carry_out_spiff_id, dict(REPORT_DATA))
                engine.run_engine(workflow)
                serialized = engine.dump(workflow)
                engine_only.append(time.perf_counter() - engine_started)
                result = conn.execute(sa.update(wi).where(
                    wi.c.id == instance_id, wi.c.version == row.version).values(
                    serialized=serialized, version=row.version + 1, updated_at=clock.now()))
                if result.rowcount != 1:
                    raise SystemExit("floor: the instance row was not written")
            total.append(time.perf_counter() - started)
        # Not timed: make the projection agree with the instances the floor completed.
        with db.engine.begin() as conn:
            now = clock.now()
            conn.execute(sa.update(wt).where(wt.c.instance_id.in_(instance_ids),
                                             wt.c.state == "ready")
                         .values(state="completed", completed_at=now))
            conn.execute(sa.update(wi).where(wi.c.id.in_(instance_ids)).values(
                status="completed", next_timer_due_at=None, completed_at=now))


def measure_floor(app, fixture: Fixture, instance_ids: list[int], kind: str) -> dict:
    """The floor as a phase of its own (before the HTTP phase, which measures it again
    interleaved with its requests: see ``measure_http``)."""
    total, engine_only = [], []
    watch = CpuWatch([os.getpid()])
    floor_steps(app, fixture, instance_ids, kind, total, engine_only)
    return {"step": stats_ms(total), "engine_only": stats_ms(engine_only), "cpu": watch.stop()}


def measure_service(app, fixture: Fixture, task_ids: list[int], profile_to: Path | None) -> dict:
    """``services.complete_task`` as the view calls it, without HTTP: one app context (and
    session) per step, loading the user and then the task (with its instance, as the view
    does for a posted form: ``services.load_task_for_completion``), one transaction."""
    from victimcare.accounts.models import User
    from victimcare.workflow import services

    samples = []
    profiler = cProfile.Profile() if profile_to else None
    watch = CpuWatch([os.getpid()])
    for task_id in task_ids:
        with app.app_context():
            if profiler:
                profiler.enable()
            started = time.perf_counter()
            actor = db.session.get(User, fixture.worker_id)
            task = services.load_task_for_completion(task_id, actor)
            with db.transaction():
                applied = services.complete_task(task, actor, dict(REPORT_DATA),
                                                 uuid.uuid4().hex)
            samples.append(time.perf_counter() - started)
            if profiler:
                profiler.disable()
            if not applied:
                raise SystemExit("service: a task was not completed")
    cpu = watch.stop()
    if profiler:
        write_profile(profiler, profile_to)
    return {**stats_ms(samples), "cpu": cpu}


def statements_of_one_step(app, fixture: Fixture, task_id: int) -> list[str]:
    """The SQL statements ``services.complete_task`` sends for one step (not timed)."""
    from victimcare.accounts.models import User
    from victimcare.workflow import services

    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()[:4])[:60])

    with app.app_context():
        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            actor = db.session.get(User, fixture.worker_id)
            task = services.load_task_for_completion(task_id, actor)
            with db.transaction():
                services.complete_task(task, actor, dict(REPORT_DATA), uuid.uuid4().hex)
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
    return seen


class Breakdown:
    """Splits wall time into database calls (driver execute and commit: SQL, round trips,
    fsync), the workflow engine (load, complete, run_engine, dump, ...) and the rest (the
    app's Python: SQLAlchemy ORM, Flask-free service code). Instruments by wrapping; used
    only on extra, unreported steps."""

    ENGINE_FUNCTIONS = ("load", "dump", "run_engine", "complete", "ready_user_tasks",
                        "next_timer_due", "is_completed")

    def __init__(self, sa_engine):
        from victimcare.workflow import engine as wf_engine

        self.db = self.engine = 0.0
        self._sa_engine, self._wf_engine = sa_engine, wf_engine
        self._originals = {}
        self._started: list[float] = []

    def __enter__(self):
        def before(*_a):
            self._started.append(time.perf_counter())

        def after(*_a):
            self.db += time.perf_counter() - self._started.pop()

        self._before, self._after = before, after
        sa.event.listen(self._sa_engine, "before_cursor_execute", before)
        sa.event.listen(self._sa_engine, "after_cursor_execute", after)
        dialect = self._sa_engine.dialect
        self._do_commit = dialect.do_commit

        def do_commit(connection, _orig=self._do_commit):
            started = time.perf_counter()
            try:
                return _orig(connection)
            finally:
                self.db += time.perf_counter() - started

        dialect.do_commit = do_commit
        for name in self.ENGINE_FUNCTIONS:
            original = getattr(self._wf_engine, name)
            self._originals[name] = original

            def timed(*args, _orig=original, **kwargs):
                started = time.perf_counter()
                try:
                    return _orig(*args, **kwargs)
                finally:
                    self.engine += time.perf_counter() - started

            setattr(self._wf_engine, name, timed)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self._sa_engine, "before_cursor_execute", self._before)
        sa.event.remove(self._sa_engine, "after_cursor_execute", self._after)
        self._sa_engine.dialect.do_commit = self._do_commit
        for name, original in self._originals.items():
            setattr(self._wf_engine, name, original)

    def take(self) -> tuple[float, float]:
        taken = (self.db, self.engine)
        self.db = self.engine = 0.0
        return taken


def measure_breakdown(app, fixture: Fixture, task_ids: list[int], sweep_ids: list[int]) -> dict:
    """Where the time of a service step and of a sweep goes (extra, unreported runs)."""
    from victimcare.accounts.models import User
    from victimcare.workflow import services

    parts: dict[str, list[float]] = {"total": [], "database": [], "engine": [], "rest": []}
    with app.app_context():
        sa_engine = db.engine
    with Breakdown(sa_engine) as watch:
        for task_id in task_ids:
            with app.app_context():
                watch.take()
                started = time.perf_counter()
                actor = db.session.get(User, fixture.worker_id)
                task = services.load_task_for_completion(task_id, actor)
                with db.transaction():
                    services.complete_task(task, actor, dict(REPORT_DATA), uuid.uuid4().hex)
                total = time.perf_counter() - started
                in_db, in_engine = watch.take()
                for key, value in (("total", total), ("database", in_db),
                                   ("engine", in_engine),
                                   ("rest", total - in_db - in_engine)):
                    parts[key].append(value)
        make_due(app, sweep_ids)
        with app.app_context():
            watch.take()
            started = time.perf_counter()
            advanced = services.run_due_timers()
            total = time.perf_counter() - started
            in_db, in_engine = watch.take()
            db.session.rollback()
    if advanced != len(sweep_ids):
        raise SystemExit(f"breakdown sweep advanced {advanced}")
    return {"service_step_median_ms": {k: round(statistics.median(v) * 1000, 2)
                                       for k, v in parts.items()},
            "sweep_100_s": {"total": round(total, 3), "database": round(in_db, 3),
                            "engine": round(in_engine, 3),
                            "rest": round(total - in_db - in_engine, 3)}}


def make_due(app, instance_ids: list[int]) -> None:
    """Move the timers of these instances into the past (in the JSON and in the columns)."""
    wi, wt = table("workflow_instances"), table("workflow_tasks")
    now = clock.now().replace(microsecond=0)
    with app.app_context(), db.engine.begin() as conn:
        rows = conn.execute(sa.select(wi.c.id, wi.c.serialized, wi.c.next_timer_due_at)
                            .where(wi.c.id.in_(instance_ids))).all()
        for n, row in enumerate(rows):
            old = row.next_timer_due_at.isoformat()
            new_due = now - timedelta(minutes=10, seconds=n)
            if old not in row.serialized:
                raise SystemExit("sweep: the timer is not where expected in the JSON")
            conn.execute(sa.update(wi).where(wi.c.id == row.id).values(
                serialized=row.serialized.replace(old, new_due.isoformat()),
                next_timer_due_at=new_due))
            conn.execute(sa.update(wt).where(wt.c.instance_id == row.id,
                                             wt.c.state == "ready").values(due_at=new_due))


def write_profile(profiler: cProfile.Profile | str, path: Path) -> None:
    """Write the profile (a profiler, or a file of its statistics) as text to ``path``."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    path.write_text(out.getvalue(), encoding="utf-8")
    log(f"  profile written to {path}")


def measure_sweep(app, instance_ids: list[int], profile_to: Path | None = None) -> dict:
    from victimcare.workflow import services

    wi, alerts = table("workflow_instances"), table("alerts")
    make_due(app, instance_ids)
    with app.app_context():
        with db.engine.connect() as conn:
            due_now = conn.scalar(sa.select(sa.func.count()).select_from(wi).where(
                wi.c.next_timer_due_at <= clock.now(), wi.c.status == "running"))
            alerts_before = conn.scalar(sa.select(sa.func.count()).select_from(alerts))
            conn.rollback()
        if due_now != len(instance_ids):
            raise SystemExit(f"sweep: {due_now} due, expected {len(instance_ids)}")
        profiler = cProfile.Profile() if profile_to else None
        if profiler:
            profiler.enable()
        watch = CpuWatch([os.getpid()])
        started = time.perf_counter()
        advanced = services.run_due_timers()
        seconds = time.perf_counter() - started
        cpu = watch.stop()
        if profiler:
            profiler.disable()
            write_profile(profiler, profile_to)
        db.session.rollback()
        with db.engine.connect() as conn:
            alerts_after = conn.scalar(sa.select(sa.func.count()).select_from(alerts))
            conn.rollback()
    if advanced != len(instance_ids) or alerts_after - alerts_before != len(instance_ids):
        raise SystemExit(f"sweep: advanced {advanced}, alerts +{alerts_after - alerts_before}")
    return {"due": len(instance_ids), "seconds": round(seconds, 4), "cpu": cpu}


def longest_path(app, fixture: Fixture) -> dict:
    """One new case through the longest path, through the services: propose, approve, the
    overdue timer fires in the sweep (alert), carry out. Sizes of the serialized instance."""
    from victimcare.accounts.models import Organisation, User
    from victimcare.cases import services as cases
    from victimcare.cases.models import CaseStatus, Person
    from victimcare.workflow import engine, services
    from victimcare.workflow.models import WorkflowInstance, WorkflowTask

    sizes = {}
    real_now = clock.now()
    try:
        clock.set(real_now - timedelta(days=2))
        with app.app_context():
            coordinator = db.session.get(User, fixture.coordinator_id)
            owner = db.session.get(Organisation, fixture.cmm_id)
            case = new_case(cases, Person, CaseStatus, owner, coordinator)
            with db.transaction():
                instance = services.start("support_activity", case, coordinator)
            instance_id = instance.id
            sizes["after_start"] = len(db.session.get(WorkflowInstance, instance_id).serialized)
            db.session.rollback()
        with app.app_context():
            coordinator = db.session.get(User, fixture.coordinator_id)
            due = (real_now - timedelta(days=1)).replace(microsecond=0).isoformat()
            steps = [("Task_propose", {"activity_kind": "accompaniment",
                                       "description": "Dentist visit",
                                       "organisation_id": fixture.ngo_id, "due_at": due}),
                     ("Task_approve", {"approved": True, "reason": ""})]
            for name, data in steps:
                task = db.session.scalar(sa.select(WorkflowTask).where(
                    WorkflowTask.instance_id == instance_id, WorkflowTask.task_name == name,
                    WorkflowTask.state == "ready"))
                with db.transaction():
                    services.complete_task(task, coordinator, data, uuid.uuid4().hex)
            sizes["after_approve"] = len(db.session.get(WorkflowInstance,
                                                        instance_id).serialized)
            db.session.rollback()
    finally:
        clock.set(None)
    with app.app_context():
        fired = services.run_due_timers()
        db.session.rollback()
        instance = db.session.get(WorkflowInstance, instance_id)
        before_last = instance.serialized
        sizes["after_timer"] = len(before_last)
        db.session.rollback()
        if fired != 1:
            raise SystemExit(f"longest path: the sweep advanced {fired} instances, not 1")
        definition = services.definitions()["support_activity"]
        spiff_id = next(t.id for t in engine.ready_user_tasks(engine.load(before_last,
                                                                          definition)))
        engine_samples = []
        for _ in range(200):  # the last step, engine only, on this instance's JSON
            started = time.perf_counter()
            workflow = engine.load(before_last, definition)
            engine.complete(workflow, spiff_id, dict(REPORT_DATA))
            engine.run_engine(workflow)
            engine.dump(workflow)
            engine_samples.append(time.perf_counter() - started)
        task = db.session.scalar(sa.select(WorkflowTask).where(
            WorkflowTask.instance_id == instance_id, WorkflowTask.task_name == "Task_carry_out",
            WorkflowTask.state == "ready"))
        actor = db.session.get(User, fixture.worker_id)
        started = time.perf_counter()
        with db.transaction():
            services.complete_task(task, actor, dict(REPORT_DATA), uuid.uuid4().hex)
        service_seconds = time.perf_counter() - started
        instance = db.session.get(WorkflowInstance, instance_id)
        sizes["completed"] = len(instance.serialized)
        status = instance.status.value
        db.session.rollback()
    if status != "completed":
        raise SystemExit("longest path: the instance did not complete")
    typical = len(fixture.serialized)
    return {"bytes": sizes, "typical_open_bytes": typical,
            "last_step_engine_only": stats_ms(engine_samples),
            "last_step_service_ms": round(service_seconds * 1000, 2)}


def database_size(app, kind: str, url: str) -> dict:
    wi = table("workflow_instances")
    with app.app_context(), db.engine.connect() as conn:
        serialized = conn.scalar(sa.select(sa.func.sum(sa.func.length(wi.c.serialized))))
        if kind == "postgresql":
            total = conn.scalar(sa.text("SELECT pg_database_size(current_database())"))
            instances = conn.scalar(sa.text(
                "SELECT pg_total_relation_size('workflow_instances')"))
        else:
            conn.rollback()
            sqlite_checkpoint()
            path = Path(sa.engine.make_url(url).database)
            total = sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal")
                        if Path(f"{path}{s}").exists())
            instances = None
        conn.rollback()
    return {"database_bytes": int(total), "workflow_instances_bytes": instances,
            "serialized_json_bytes": int(serialized or 0)}


# --- HTTP ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The app under waitress in its own process group (so it is stopped with its children)."""

    def __init__(self, url: str, secret: str, kind: str, threads: int, workers: int,
                 profile_to: Path | None = None):
        self.port = free_port()
        env = dict(os.environ, VICTIMCARE_ENV="development", VICTIMCARE_DATABASE_URL=url,
                   VICTIMCARE_SECRET_KEY=secret, VICTIMCARE_INSTANCE_PATH=str(WORK / "instance"),
                   VICTIMCARE_RUN_TIMERS_IN_PROCESS="0")
        if profile_to is not None:  # serve.py profiles the POSTs (waitress only)
            env["VICTIMCARE_BENCH_PROFILE"] = str(profile_to)
        self.log_path = WORK / "server.log"
        self.log_file = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        if kind == "gunicorn":  # sync workers, one request at a time each; wsgi.py's app
            import gunicorn

            command = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
                       "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}", "wsgi:app"]
            if gunicorn.version_info >= (27,):  # its control socket: here, not in $HOME
                command[3:3] = ["--control-socket", str(WORK / "gunicorn.ctl")]
        else:
            command = [sys.executable, str(BENCH / "serve.py"), "--port", str(self.port),
                       "--threads", str(threads)]
        self.process = subprocess.Popen(
            command, cwd=str(ROOT), env=env, stdout=self.log_file, stderr=subprocess.STDOUT,
            start_new_session=True)

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"the server did not answer in {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        self.log_file.close()


class Browser:
    """A keep-alive HTTP/1.1 client with a cookie jar, sending what a browser sends."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Accept-Language": "en", "Accept": "text/html",
                   "Sec-Fetch-Site": "same-origin" if method == "POST" else "none"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):  # one reconnect if the server closed the idle connection
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["expires"] and "1970" in morsel["expires"] or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, data.decode("utf-8", "replace")

    def login(self, username: str, password: str) -> None:
        status, _h, html = self.request("GET", "/login")
        match = CSRF_RE.search(html)
        if status != 200 or not match:
            raise SystemExit(f"login page: status {status}, CSRF token found: {bool(match)}")
        status, headers, _ = self.request("POST", "/login", {
            "username": username, "password": password, "csrf_token": match.group(1),
            "next": ""})
        if status != 302 or "/login" in (headers.get("Location") or ""):
            raise SystemExit(f"login failed: status {status}")

    def complete(self, task_id: int) -> tuple[float, float]:
        """GET the task page, POST the completed form; (GET seconds, POST seconds)."""
        started = time.perf_counter()
        status, _h, html = self.request("GET", f"/tasks/{task_id}")
        got = time.perf_counter()
        csrf, submission = CSRF_RE.search(html), SUBMISSION_RE.search(html)
        if status != 200 or not csrf or not submission:
            raise RuntimeError(f"task {task_id}: GET status {status}")
        form = {"csrf_token": csrf.group(1), "submission_id": submission.group(1),
                **REPORT_DATA, "action": "complete"}
        posted_at = time.perf_counter()
        status, headers, _ = self.request("POST", f"/tasks/{task_id}", form)
        done = time.perf_counter()
        if status != 302 or not (headers.get("Location") or "").endswith("/tasks"):
            raise RuntimeError(f"task {task_id}: POST status {status} "
                               f"to {headers.get('Location')}")
        return got - started, done - posted_at


def measure_http(url: str, secret: str, args, groups: dict[str, list[int]],
                 warmup: list[int], profile_to: Path | None = None,
                 floor_block=None) -> dict:
    """Complete each group's tasks over HTTP (GET the form, POST it; the POST is the measured
    step). With ``floor_block`` (a function that runs a block of floor steps in this process
    and appends their times to the two lists it is given: step, engine only), the
    "open_task" group is cut into blocks of
    INTERLEAVE_BLOCK requests with a block of floor steps before each and after the last, so
    the HTTP median and the floor median it is divided by come from the same minutes."""
    server = Server(url, secret, "waitress" if profile_to else args.server, args.threads,
                    args.workers, profile_to)
    results = {}
    try:
        server.wait_ready()
        browser = Browser(server.port)
        browser.login("bench-ngo", PASSWORD)
        for task_id in warmup:
            browser.complete(task_id)
        # The fixed cost of a request: server, client, Flask, login check, one SELECT 1.
        healthz = []
        for _ in range(200):
            started = time.perf_counter()
            status, _h, _b = browser.request("GET", "/healthz")
            healthz.append(time.perf_counter() - started)
            if status != 200:
                raise SystemExit(f"/healthz answered {status}")
        results["healthz"] = stats_ms(healthz)
        for name, task_ids in groups.items():
            gets, posts, failures = [], [], 0
            floor_total, floor_engine = [], []
            interleave = floor_block is not None and name == "open_task"
            watch = CpuWatch([os.getpid()], groups=[server.process.pid])
            for index, task_id in enumerate(task_ids):
                if interleave and index % INTERLEAVE_BLOCK == 0:
                    floor_block(floor_total, floor_engine)
                try:
                    get_s, post_s = browser.complete(task_id)
                except RuntimeError as error:
                    failures += 1
                    log(f"  {error}")
                    if failures > 5:
                        raise SystemExit("too many failed task completions over HTTP") from error
                    continue
                gets.append(get_s)
                posts.append(post_s)
            if interleave:
                floor_block(floor_total, floor_engine)
            results[name] = {"post": stats_ms(posts), "get": stats_ms(gets),
                             "failures": failures, "cpu": watch.stop()}
            if interleave:
                results[name]["floor_interleaved"] = {
                    "step": stats_ms(floor_total), "engine_only": stats_ms(floor_engine),
                    "block": INTERLEAVE_BLOCK}
        browser.conn.close()
    finally:
        server.stop()
    return results


def count_completed_by(app, task_ids: list[int], user_id: int) -> int:
    wt = table("workflow_tasks")
    with app.app_context(), db.engine.connect() as conn:
        count = conn.scalar(sa.select(sa.func.count()).select_from(wt).where(
            wt.c.id.in_(task_ids), wt.c.state == "completed", wt.c.completed_by_id == user_id,
            wt.c.completion_token.is_not(None)))
        conn.rollback()
    return count


# --- the run ---------------------------------------------------------------------------------


def machine() -> dict:
    import sqlite3

    import SpiffWorkflow
    import waitress  # noqa: F401

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "sqlalchemy": sa.__version__,
            "spiffworkflow": getattr(SpiffWorkflow, "__version__", None) or version(
                "SpiffWorkflow"), "waitress": version("waitress"),
            "platform": platform.platform(), "sum_range_1e6_ms": python_speed()}


def code_state() -> dict:
    """The commit measured, and the files that differed from it (the tree is shared);
    for a copy made by bench/snapshot, what the snapshot recorded."""
    import victimcare

    marker = ROOT / ".bench-source.json"
    if marker.exists():
        return {**json.loads(marker.read_text(encoding="utf-8")),
                "victimcare_path": str(Path(victimcare.__file__).parent)}
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  timeout=30).stdout.rstrip("\n")
        except (OSError, subprocess.SubprocessError):
            return ""
    changed = [line[3:] for line in git("status", "--porcelain").splitlines()
               if not line[3:].startswith("bench/") and line[3:] != "docs/benchmarks.md"]
    return {"commit": git("rev-parse", "--short", "HEAD"), "changed_files": changed,
            "victimcare_path": str(Path(victimcare.__file__).parent)}


def verdicts(level: dict) -> dict:
    http = level["http"]["open_task"]["post"]
    # The floor measured interleaved with the requests (the same minutes); the floor phase's
    # own ratio is kept beside it for comparison with the runs before.
    floor = level["http"]["open_task"]["floor_interleaved"]["step"]
    sweep = level["sweep"]["median_seconds"]
    ratio = http["median_ms"] / floor["median_ms"]
    level["http_over_floor"] = round(ratio, 2)
    level["http_over_floor_phase"] = round(
        http["median_ms"] / level["floor"]["step"]["median_ms"], 2)
    return {"http_median": http["median_ms"] <= TARGETS["http_median_ms"],
            "http_p95": http["p95_ms"] <= TARGETS["http_p95_ms"],
            "http_over_floor": ratio <= TARGETS["http_over_floor"],
            "sweep_100": sweep <= TARGETS["sweep_100_s"]}


def other_cpu(level: dict) -> float:
    """The most CPU other processes used during any measured phase of a level."""
    seen = [level["floor"]["cpu"], level["service"]["cpu"],
            *(r["cpu"] for r in level["sweep"]["rounds"]),
            *(g["cpu"] for g in level["http"].values() if isinstance(g, dict) and "cpu" in g)]
    return max(c["other_cores"] for c in seen)


def print_table(result: dict) -> None:
    levels = result["levels"]
    header = f"{'':44}" + "".join(f"{'N=' + format(lv['n'], ','):>18}" for lv in levels)
    print(f"\nWorkflow benchmark, {result['database']}, {result['server']['wsgi']} "
          f"({result['machine']['nproc']} cores, {result['machine']['cpu']}, "
          f"commit {result['code']['commit']})")
    print(header)

    def row(label, fn):
        print(f"{label:44}" + "".join(f"{fn(lv):>18}" for lv in levels))

    def mark(lv, key):
        return "ok" if lv["verdicts"][key] else "MISSED"

    row("HTTP POST complete task, median (<=10 ms)", lambda lv: (
        f"{lv['http']['open_task']['post']['median_ms']:.1f} ms {mark(lv, 'http_median')}"))
    row("HTTP POST complete task, p95 (<=25 ms)", lambda lv: (
        f"{lv['http']['open_task']['post']['p95_ms']:.1f} ms {mark(lv, 'http_p95')}"))
    row("HTTP median / floor median (<=3x)", lambda lv: (
        f"{lv['http_over_floor']:.2f}x {mark(lv, 'http_over_floor')}"))
    row("  floor interleaved with HTTP, median", lambda lv: (
        f"{lv['http']['open_task']['floor_interleaved']['step']['median_ms']:.1f} ms"))
    row("  floor interleaved with HTTP, p95", lambda lv: (
        f"{lv['http']['open_task']['floor_interleaved']['step']['p95_ms']:.1f} ms"))
    row("  floor phase: engine step + 1 txn, median",
        lambda lv: f"{lv['floor']['step']['median_ms']:.1f} ms")
    row("  HTTP median / floor phase median", lambda lv: f"{lv['http_over_floor_phase']:.2f}x")
    row("  engine only (load/complete/dump), median",
        lambda lv: f"{lv['floor']['engine_only']['median_ms']:.1f} ms")
    row("  services.complete_task, median", lambda lv: f"{lv['service']['median_ms']:.1f} ms")
    row("  services.complete_task, p95", lambda lv: f"{lv['service']['p95_ms']:.1f} ms")
    row("  SQL statements per complete_task", lambda lv: (
        f"{len(lv['service']['statements'])}"))
    row("  HTTP GET /healthz (fixed cost), median", lambda lv: (
        f"{lv['http']['healthz']['median_ms']:.1f} ms"))
    row("  HTTP GET task page, median", lambda lv: (
        f"{lv['http']['open_task']['get']['median_ms']:.1f} ms"))
    row("sweep, 100 due, median of rounds (<=0.5 s)", lambda lv: (
        f"{lv['sweep']['median_seconds']:.3f} s {mark(lv, 'sweep_100')}"))
    row("longest path: HTTP POST last step, median", lambda lv: (
        f"{lv['http']['longest_path']['post']['median_ms']:.1f} ms"))
    row("longest path: HTTP POST last step, p95", lambda lv: (
        f"{lv['http']['longest_path']['post']['p95_ms']:.1f} ms"))
    row("longest path: engine-only last step, median", lambda lv: (
        f"{lv['longest_path']['last_step_engine_only']['median_ms']:.1f} ms"))
    row("longest path: size before last step", lambda lv: (
        f"{lv['longest_path']['bytes']['after_timer']:,} B"))
    row("open instance size (typical)", lambda lv: (
        f"{lv['longest_path']['typical_open_bytes']:,} B"))
    row("database size", lambda lv: f"{lv['size']['database_bytes'] / 2**20:,.0f} MiB")
    row("other processes' CPU during HTTP (cores)", lambda lv: (
        f"{lv['http']['open_task']['cpu']['other_cores']:.2f}"))
    row("other processes' CPU, worst phase (cores)", lambda lv: f"{other_cpu(lv):.2f}")
    row("data load time", lambda lv: f"{lv['load_seconds']:.0f} s")
    print()


class Pool:
    """Untouched instances in a random order; each measurement draws its own."""

    def __init__(self, ids: list[int], rng: random.Random):
        self.ids = list(ids)
        rng.shuffle(self.ids)
        self.position = 0

    def draw(self, count: int) -> list[int]:
        if self.position + count > len(self.ids):
            raise SystemExit(f"out of untouched instances ({len(self.ids)}); use a larger --n")
        taken = self.ids[self.position:self.position + count]
        self.position += count
        return taken


#: Other processes' CPU (in cores) above which a measurement is taken again.
NOISE_LIMIT = 0.3


def measured(name: str, measure, noise, attempts: int = 3) -> dict:
    """Run ``measure`` when the machine is quiet; if other processes still used more than
    NOISE_LIMIT cores meanwhile, measure again on fresh instances (at most ``attempts``
    times) and keep the quietest attempt. Every attempt is kept in the results."""
    results = []
    for attempt in range(attempts):
        quiet = wait_quiet()
        result = measure()
        result["quiet_before"] = quiet
        results.append(result)
        if noise(result) < NOISE_LIMIT:
            break
        if attempt + 1 < attempts:
            log(f"  {name}: other processes used {noise(result):.2f} cores meanwhile; "
                "measuring again")
    best = min(results, key=noise)
    summary = []
    for r in results:
        entry = {"other_cores": noise(r)}
        if "step" in r:
            entry["median_ms"] = r["step"]["median_ms"]
        elif "median_ms" in r:
            entry["median_ms"] = r["median_ms"]
        elif "seconds" in r:
            entry["seconds"] = r["seconds"]
        elif "open_task" in r:
            entry["median_ms"] = r["open_task"]["post"]["median_ms"]
        summary.append(entry)
    best = dict(best)
    best["attempts"] = summary
    if "open_task" in best:
        best["all_failures"] = [{"failures": r[g]["failures"]} for r in results
                                for g in ("open_task", "longest_path")]
    return best


def measure_level(level: dict, app, fixture: Fixture, args, pool: Pool, url: str,
                  secret: str) -> None:
    """Floor, service step, sweep, breakdown and HTTP at the current N (into ``level``)."""
    n = level["n"]

    log(f"N={n:,}: floor ({args.floor} steps)")
    level["floor"] = measured("floor", lambda: measure_floor(
        app, fixture, pool.draw(args.floor), args.db), lambda r: r["cpu"]["other_cores"])
    log(f"N={n:,}: services.complete_task ({args.service} steps)")
    level["service"] = measured("service", lambda: measure_service(
        app, fixture, open_task_ids(app, pool.draw(args.service)), None),
        lambda r: r["cpu"]["other_cores"])
    if args.profile:  # extra, unreported steps under the profiler
        measure_service(app, fixture, open_task_ids(app, pool.draw(100)),
                        WORK / f"profile-service-{args.db}-{n}.txt")
    level["service"]["statements"] = statements_of_one_step(
        app, fixture, open_task_ids(app, pool.draw(1))[0])

    log(f"N={n:,}: sweep ({args.sweep_rounds} rounds of 100 due)")
    swept: list[int] = []  # instances the sweep advanced: their task is the longest path's

    def sweep_round():
        ids = pool.draw(100)
        swept.extend(ids)
        return measure_sweep(app, ids)

    rounds = [measured(f"sweep round {i + 1}", sweep_round,
                       lambda r: r["cpu"]["other_cores"])
              for i in range(args.sweep_rounds)]
    if args.profile:  # an extra, unreported round under the profiler
        ids = pool.draw(100)
        swept.extend(ids)
        measure_sweep(app, ids, WORK / f"profile-sweep-{args.db}-{n}.txt")
    level["sweep"] = {"rounds": rounds, "median_seconds": statistics.median(
        r["seconds"] for r in rounds)}
    log(f"N={n:,}: breakdown (extra, unreported steps and sweep, instrumented)")
    level["breakdown"] = measure_breakdown(app, fixture, open_task_ids(app, pool.draw(100)),
                                           pool.draw(100))

    log(f"N={n:,}: HTTP ({args.warmup} warm-up, {args.http} open tasks, "
        f"{args.longest} after the timer fired)")
    posted: list[int] = []

    def http_phase():
        if len(swept) < args.longest:
            raise SystemExit("not enough instances advanced by the sweep: raise --sweep-rounds")
        http_tasks = open_task_ids(app, pool.draw(args.http))
        longest_tasks = open_task_ids(app, swept[:args.longest])
        del swept[:args.longest]
        posted.extend(http_tasks + longest_tasks)

        def floor_block(total, engine_only):
            floor_steps(app, fixture, pool.draw(INTERLEAVE_BLOCK), args.db, total, engine_only)

        return measure_http(url, secret, args, {
            "open_task": http_tasks, "longest_path": longest_tasks},
            open_task_ids(app, pool.draw(args.warmup)), floor_block=floor_block)

    level["http"] = measured("HTTP", http_phase, lambda r: max(
        r["open_task"]["cpu"]["other_cores"], r["longest_path"]["cpu"]["other_cores"]))
    if args.profile:  # an extra, unreported round with the server's POSTs under the profiler
        profile = WORK / f"profile-http-{args.db}-{n}.prof"
        tasks = open_task_ids(app, pool.draw(100))
        posted.extend(tasks)
        measure_http(url, secret, args, {"open_task": tasks}, [], profile)
        write_profile(str(profile), WORK / f"profile-http-{args.db}-{n}.txt")
    failures = sum(a.get("failures", 0) for a in level["http"]["all_failures"])
    completed = count_completed_by(app, posted, fixture.worker_id)
    level["http"]["verified_completed"] = {"posted": len(posted), "failed": failures,
                                           "completed_in_database": completed}
    if completed != len(posted) - failures:
        raise SystemExit(f"HTTP: {completed} tasks completed in the database, "
                         f"{len(posted) - failures} expected")


def run(args) -> dict:
    rng = random.Random(20261123)
    secret = secrets.token_urlsafe(48)
    url = fresh_database(args.db, args.url)
    log(f"{args.db}: fresh database {sa.engine.make_url(url).render_as_string()}")
    app = make_app(url, secret)
    migrate(app)
    fixture = Fixture(app)
    log(f"template case {fixture.case_id}: serialized instance {len(fixture.serialized)} B")
    result = {"database": args.db, "url": sa.engine.make_url(url).render_as_string(),
              "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
              "machine": machine(), "targets": TARGETS, "server": {
                  "wsgi": args.server, "threads": args.threads if args.server == "waitress"
                  else None, "workers": args.workers if args.server == "gunicorn" else None,
                  "env": "development"},
              "command": " ".join([Path(sys.executable).name, *sys.argv]),
              "code": code_state(), "levels": []}
    cases_now = 1
    if args.db == "postgresql":
        with app.app_context(), db.engine.connect() as conn:
            result["machine"]["postgresql"] = conn.scalar(sa.text("SHOW server_version"))
            result["machine"]["postgresql_settings"] = {
                k: conn.scalar(sa.text(f"SHOW {k}")) for k in (
                    "shared_buffers", "synchronous_commit", "fsync", "wal_level")}
    for n in sorted(args.n):
        level: dict = {"n": n}
        log(f"N={n:,}: loading {n - cases_now:,} cases")
        level["load_seconds"] = round(load_cases(app, fixture, n - cases_now, cases_now,
                                                 args.db), 1)
        cases_now = n
        pool = Pool(untouched_instances(app), rng)
        measure_level(level, app, fixture, args, pool, url, secret)
        log(f"N={n:,}: longest path through the services")
        level["longest_path"] = longest_path(app, fixture)
        cases_now += 1
        level["size"] = database_size(app, args.db, url)
        level["verdicts"] = verdicts(level)
        result["levels"].append(level)
        log(f"N={n:,}: HTTP median {level['http']['open_task']['post']['median_ms']} ms, "
            f"p95 {level['http']['open_task']['post']['p95_ms']} ms, floor median "
            f"{level['floor']['step']['median_ms']} ms, sweep {level['sweep']['median_seconds']} s")
    with app.app_context():
        db.engine.dispose()
    result["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--url", help=f"PostgreSQL URL (default {DEFAULT_PG_URL})")
    parser.add_argument("--n", type=int, action="append",
                        help="cases with an open process; repeat (default 10000 and 100000)")
    parser.add_argument("--http", type=int, default=300, help="tasks completed over HTTP")
    parser.add_argument("--longest", type=int, default=100,
                        help="tasks completed over HTTP after the sweep fired their timer")
    parser.add_argument("--warmup", type=int, default=20, help="HTTP completions not counted")
    parser.add_argument("--floor", type=int, default=300, help="floor steps")
    parser.add_argument("--service", type=int, default=200, help="in-process service steps")
    parser.add_argument("--sweep-rounds", type=int, default=3)
    parser.add_argument("--server", choices=["waitress", "gunicorn"], default="waitress")
    parser.add_argument("--threads", type=int, default=4, help="waitress threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the in-process service step into bench/.work/")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    parser.add_argument("--out", help="results file (default bench/results-<db>.json)")
    args = parser.parse_args()
    args.n = args.n or [10000, 100000]
    if min(args.n) < 2:
        parser.error("--n must be at least 2")
    WORK.mkdir(parents=True, exist_ok=True)
    result = run(args)
    suffix = "" if args.server == "waitress" else f"-{args.server}"
    out = Path(args.out) if args.out else BENCH / f"results-{args.db}{suffix}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print_table(result)
    log(f"results written to {out}")
    if args.db == "sqlite" and not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{WORK / 'bench.sqlite3'}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
