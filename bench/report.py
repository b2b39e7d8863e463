"""Print the results of bench/workflow_bench.py as a Markdown table (for docs/benchmarks.md).

    python bench/report.py [bench/results-sqlite.json bench/results-postgresql.json ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def _ok(passed: bool) -> str:
    return "met" if passed else "**missed**"


def rows(levels: list[tuple[str, dict]]) -> list[tuple[str, str, list[str]]]:
    """(metric, target, one cell per level)."""
    def cell(fn):
        return [fn(lv) for _db, lv in levels]

    http = lambda lv: lv["http"]["open_task"]  # noqa: E731
    return [
        ("Task completion over HTTP (POST), median", "≤ 10 ms", cell(
            lambda lv: f"{http(lv)['post']['median_ms']:.1f} ms "
                       f"({_ok(lv['verdicts']['http_median'])})")),
        ("Task completion over HTTP (POST), p95", "≤ 25 ms", cell(
            lambda lv: f"{http(lv)['post']['p95_ms']:.1f} ms ({_ok(lv['verdicts']['http_p95'])})")),
        ("HTTP median ÷ floor median (floor interleaved with the requests)", "≤ 3 ×", cell(
            lambda lv: f"{lv['http_over_floor']:.2f} × "
                       f"({_ok(lv['verdicts']['http_over_floor'])})")),
        ("Floor interleaved with the requests, median / p95", "", cell(
            lambda lv: "{median_ms:.1f} / {p95_ms:.1f} ms".format(
                **http(lv)["floor_interleaved"]["step"]) if "floor_interleaved" in http(lv)
            else "(not measured)")),
        ("Floor phase: engine step + 1 transaction, median / p95", "", cell(
            lambda lv: f"{lv['floor']['step']['median_ms']:.1f} / "
                       f"{lv['floor']['step']['p95_ms']:.1f} ms")),
        ("Engine only (load, complete, run, dump), median", "", cell(
            lambda lv: f"{lv['floor']['engine_only']['median_ms']:.1f} ms")),
        ("`services.complete_task` in-process, median / p95", "", cell(
            lambda lv: f"{lv['service']['median_ms']:.1f} / {lv['service']['p95_ms']:.1f} ms")),
        ("SQL statements per `complete_task`", "", cell(
            lambda lv: str(len(lv["service"]["statements"])))),
        ("HTTP GET /healthz (fixed cost of a request), median", "", cell(
            lambda lv: f"{lv['http']['healthz']['median_ms']:.1f} ms")),
        ("HTTP GET task page, median", "", cell(
            lambda lv: f"{http(lv)['get']['median_ms']:.1f} ms")),
        ("Sweep with 100 timers due (median of rounds)", "≤ 0.5 s, flat in N", cell(
            lambda lv: f"{lv['sweep']['median_seconds']:.2f} s ({_ok(lv['verdicts']['sweep_100'])})"
                       f"<br>rounds: " + ", ".join(f"{r['seconds']:.2f}"
                                                    for r in lv["sweep"]["rounds"]))),
        ("Longest path: last step over HTTP, median / p95", "", cell(
            lambda lv: f"{lv['http']['longest_path']['post']['median_ms']:.1f} / "
                       f"{lv['http']['longest_path']['post']['p95_ms']:.1f} ms")),
        ("Longest path: last step, engine only, median", "", cell(
            lambda lv: f"{lv['longest_path']['last_step_engine_only']['median_ms']:.1f} ms")),
        ("Instance size: open task / after timer / completed", "", cell(
            lambda lv: f"{lv['longest_path']['typical_open_bytes']:,} / "
                       f"{lv['longest_path']['bytes']['after_timer']:,} / "
                       f"{lv['longest_path']['bytes']['completed']:,} B")),
        ("Database size", "", cell(
            lambda lv: f"{lv['size']['database_bytes'] / 2**20:,.0f} MiB")),
        ("Other processes' CPU, worst measured phase", "", cell(
            lambda lv: f"{_other_cpu(lv):.2f} cores")),
    ]


def _other_cpu(level: dict) -> float:
    seen = [level["floor"]["cpu"], level["service"]["cpu"],
            *(r["cpu"] for r in level["sweep"]["rounds"]),
            *(g["cpu"] for g in level["http"].values() if isinstance(g, dict) and "cpu" in g)]
    return max(c["other_cores"] for c in seen)


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or [
        p for p in (BENCH / "results-sqlite.json", BENCH / "results-postgresql.json")
        if p.exists()]
    levels = []
    for path in paths:
        result = json.loads(path.read_text(encoding="utf-8"))
        name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[result["database"]]
        levels += [(name, lv) for lv in result["levels"]]
    header = ["Measure", "Target", *(f"{db} {lv['n']:,}" for db, lv in levels)]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for metric, target, cells in rows(levels):
        print("| " + " | ".join([metric, target, *cells]) + " |")


if __name__ == "__main__":
    main()
