"""What one PostgreSQL round trip costs on this machine, by how long client and server sat
idle (or busy in Python) before it: the reason a statement costs far more inside a request
than in a tight loop (docs/benchmarks.md, third round).

    .venv/bin/python bench/roundtrip.py [--url postgresql://postgres@127.0.0.1/victimcare_bench]

For each gap: the gap is spent either computing (a busy loop, as the app's Python between two
statements) or sleeping (as a server between two requests); then one ``SELECT 1`` is timed.
"""

from __future__ import annotations

import argparse
import statistics
import time

import psycopg


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/victimcare_bench")
    parser.add_argument("--n", type=int, default=400)
    args = parser.parse_args()
    with psycopg.connect(args.url, autocommit=True) as conn:
        for gap_ms in (0, 0.2, 0.5, 2, 10):
            for how in (("busy", "sleep") if gap_ms else ("none",)):
                samples = []
                for _ in range(args.n if how != "sleep" or gap_ms < 5 else args.n // 4):
                    if how == "busy":
                        end = time.perf_counter() + gap_ms / 1000
                        while time.perf_counter() < end:
                            pass
                    elif how == "sleep":
                        time.sleep(gap_ms / 1000)
                    started = time.perf_counter()
                    conn.execute("SELECT 1").fetchall()
                    samples.append(time.perf_counter() - started)
                print(f"gap {gap_ms:>4} ms ({how:>5}): SELECT 1 median "
                      f"{statistics.median(samples) * 1000:.3f} ms")


if __name__ == "__main__":
    main()
