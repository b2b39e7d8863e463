"""Serve VictimCare under waitress for the workflow benchmark (started by workflow_bench.py).

    python bench/serve.py --port PORT [--threads 4]

The app is the ordinary ``create_app()``: settings come from the environment the benchmark
sets (VICTIMCARE_ENV, VICTIMCARE_DATABASE_URL, VICTIMCARE_SECRET_KEY,
VICTIMCARE_INSTANCE_PATH). Listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
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
    waitress.serve(app, host="127.0.0.1", port=args.port, threads=args.threads,
                   ident="victimcare-bench", _quiet=True)


if __name__ == "__main__":
    main()
