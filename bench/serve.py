"""Serve VictimCare under waitress for the workflow benchmark (started by workflow_bench.py).

    python bench/serve.py --port PORT [--threads 4]

The app is the ordinary ``create_app()``: settings come from the environment the benchmark
sets (VICTIMCARE_ENV, VICTIMCARE_DATABASE_URL, VICTIMCARE_SECRET_KEY,
VICTIMCARE_INSTANCE_PATH). Listens on 127.0.0.1 only. With VICTIMCARE_BENCH_PROFILE=PATH
(``bench/run --profile``) the app's side of every POST but the log-in is profiled with
cProfile and the statistics are written to PATH when the server is stopped (SIGTERM).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    import waitress

    from victimcare import create_app

    app = create_app()
    profile_to = os.environ.get("VICTIMCARE_BENCH_PROFILE")
    if profile_to:
        app = _profiled(app, profile_to)
    waitress.serve(app, host="127.0.0.1", port=args.port, threads=args.threads,
                   ident="victimcare-bench", _quiet=True)


def _profiled(app, path: str):
    """The app with its POSTs profiled (the client sends one request at a time)."""
    profiler = cProfile.Profile()

    def application(environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") == "/login":
            return app(environ, start_response)
        profiler.enable()
        try:
            return list(app(environ, start_response))
        finally:
            profiler.disable()

    def stop(_signum, _frame):
        profiler.dump_stats(path)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    return application


if __name__ == "__main__":
    main()
