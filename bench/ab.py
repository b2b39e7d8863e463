"""Interleaved A/B of task completion over HTTP: two checkouts served side by side on one
database, requests alternating between them, so both see the same machine in the same minute.

    .venv/bin/python bench/ab.py --a /tmp/before --b . [--db postgresql] [--n 300]

Each checkout needs the same database schema (no migration between them) and compiled
catalogs (``bench/snapshot`` makes such a checkout of a commit); both run with this
checkout's ``.venv``. The database is the benchmark's (a new SQLite file, or
``victimcare_bench`` on 127.0.0.1, emptied). Prints the median and p95 of each and the median
of the paired differences (A - B). docs/benchmarks.md quotes such runs.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import workflow_bench as wb  # noqa: E402


def serve(root: Path, url: str, secret: str, threads: int) -> tuple[subprocess.Popen, int]:
    port = wb.free_port()
    env = dict(os.environ, VICTIMCARE_ENV="development", VICTIMCARE_DATABASE_URL=url,
               VICTIMCARE_SECRET_KEY=secret, VICTIMCARE_INSTANCE_PATH=str(wb.WORK / "instance"),
               VICTIMCARE_RUN_TIMERS_IN_PROCESS="0")
    process = subprocess.Popen(
        [sys.executable, str(root / "bench" / "serve.py"), "--port", str(port),
         "--threads", str(threads)], cwd=str(root), env=env, start_new_session=True)
    return process, port


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--a", required=True, type=Path, help="checkout A")
    parser.add_argument("--b", required=True, type=Path, help="checkout B")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--url", help=f"PostgreSQL URL (default {wb.DEFAULT_PG_URL})")
    parser.add_argument("--n", type=int, default=300, help="completions per checkout")
    parser.add_argument("--threads", type=int, default=4, help="waitress threads")
    args = parser.parse_args()

    url = wb.fresh_database(args.db, args.url)
    secret = "ab-" + "s" * 40
    app = wb.make_app(url, secret)
    wb.migrate(app)
    fixture = wb.Fixture(app)
    wb.load_cases(app, fixture, 2 * args.n + 100, 1, args.db)
    if args.db == "sqlite":
        with app.app_context():
            wb.sqlite_checkpoint()
    tasks = iter(wb.open_task_ids(app, wb.untouched_instances(app)))
    servers, browsers = {}, {}
    try:
        for name, root in (("A", args.a.resolve()), ("B", args.b.resolve())):
            servers[name], port = serve(root, url, secret, args.threads)
            waiting = wb.Server.__new__(wb.Server)  # only its wait_ready()
            waiting.port, waiting.process, waiting.log_path = port, servers[name], "-"
            waiting.wait_ready()
            browsers[name] = wb.Browser(port)
            browsers[name].login("bench-ngo", wb.PASSWORD)
        for _ in range(20):  # warm-up, not counted
            for name in ("A", "B"):
                browsers[name].complete(next(tasks))
        posts: dict[str, list[float]] = {"A": [], "B": []}
        for i in range(args.n):
            for name in (("A", "B") if i % 2 == 0 else ("B", "A")):
                posts[name].append(browsers[name].complete(next(tasks))[1])
    finally:
        for process in servers.values():
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
    for name, samples in posts.items():
        stats = wb.stats_ms(samples)
        print(f"{name} ({getattr(args, name.lower())}): POST median {stats['median_ms']} ms, "
              f"p95 {stats['p95_ms']} ms")
    paired = [a - b for a, b in zip(posts["A"], posts["B"], strict=True)]
    print(f"paired difference A - B, median: {statistics.median(paired) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
