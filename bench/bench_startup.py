"""Benchmark: start-up of CLI commands that never call Claude, against a bare import of the CLI's own stack.

Each command runs as a fresh ``python -m core …`` process on an embedded data folder prepared beforehand
(migrated, the demo set loaded), so what is timed is start-up plus the command's small amount
of work. The baseline, measured in the same run and interleaved with the commands so load hits both
alike, is ``python -c "import sqlalchemy, pydantic, typer"``: the libraries any command needs.

Before anything is timed, every command must exist (its ``--help`` succeeds) and do its work: each run
must exit 0, and ``stats --json`` must print the stats of the prepared store (its personas counted).

Targets: ``stats --json``'s median wall time ≤ 1.5× the baseline's median; every other command's ≤ 2×.
A command whose ``--help`` fails, or no command at all, is a miss.

Run: ``.venv/bin/python bench/bench_startup.py [--repeat 7]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 2.0
TARGETS = {"stats --json": 1.5}  # the command a person or a script runs most; others: TARGET
BASELINE = [sys.executable, "-c", "import sqlalchemy, pydantic, typer"]
SPEC = """# Bench product: integrated spec

## SECTION 1: Foundations

The first section says what the product is for.

## SECTION 2: Pages

The second section lists the pages.
"""


def commands(folder: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Each case: (the command's words, its arguments)."""
    spec = folder / "spec.md"
    spec.write_text(SPEC, encoding="utf-8")
    split_args = [str(spec), "--product", "bench", "--out", str(folder / "out"), "--force", "--date", "2026-01-01"]
    return {
        "stats --json": (["stats"], ["--json"]),
        "scaffolding list personas": (["scaffolding", "list"], ["personas"]),
        "conversations list": (["conversations", "list"], []),
        "spec split": (["spec", "split"], split_args),
    }


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[2:])} failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return elapsed


def check_work(core: list[str], env: dict[str, str], folder: Path, cases_split: list[str]) -> list[str]:
    """What each command must have done, checked once before timing: problems found (empty when all is well)."""
    problems = []
    done = subprocess.run([*core, "stats", "--json"], cwd=ROOT, env=env, capture_output=True, text=True)
    try:
        stats = json.loads(done.stdout)
    except json.JSONDecodeError:
        stats = None
    if done.returncode or not isinstance(stats, dict) or not stats.get("conversations"):
        problems.append(f"stats --json printed no stats of the store: {done.stdout[-300:]}{done.stderr[-300:]}")
    for words, kind in (
        (["scaffolding", "list", "personas", "--json"], "personas"),
        (["conversations", "list", "--json"], "conversations"),
    ):
        done = subprocess.run([*core, *words], cwd=ROOT, env=env, capture_output=True, text=True)
        try:
            listed = json.loads(done.stdout)
        except json.JSONDecodeError:
            listed = []
        if done.returncode or not listed:
            problems.append(f"{' '.join(words)} listed no {kind}: {done.stdout[-300:]}{done.stderr[-300:]}")
    done = subprocess.run(cases_split, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode or not any((folder / "out").rglob("*.md")):
        problems.append(f"spec split wrote no section files: {done.stderr[-300:]}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"load {os.getloadavg()} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        folder = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "SUPABASE_"))}
        env["BRIGHTRUN_DATA_DIR"] = str(folder / "data")
        timed([sys.executable, "-m", "core", "demo", "load"], env)  # migrate + the demo set first
        core = [sys.executable, "-m", "core"]
        cases: dict[str, list[str]] = {}
        problems = []
        for name, (words, arguments) in commands(folder).items():
            if subprocess.run([*core, *words, "--help"], cwd=ROOT, env=env, capture_output=True).returncode:
                problems.append(f"{name}: its --help fails")
                continue
            cases[name] = [*core, *words, *arguments]
        problems += check_work(core, env, folder, cases.get("spec split", [*core, "spec", "split"]))
        if not cases:
            problems.append("no command to time")
        if problems:
            print("\n".join(problems))
            print("FAIL (before timing)")
            return 1
        times: dict[str, list[float]] = {"baseline": [], **{name: [] for name in cases}}
        for _ in range(args.repeat):  # interleaved: each round runs the baseline and every command once
            times["baseline"].append(timed(BASELINE, env))
            for name, cmd in cases.items():
                times[name].append(timed(cmd, env))
    base = statistics.median(times["baseline"])
    print(f"{'command':<28} {'median s':>9} {'min s':>7} {'ratio':>6} {'target':>7}  (ratio to the baseline)")
    print(f"{'baseline (bare import)':<28} {base:>9.3f} {min(times['baseline']):>7.3f} {1:>6.2f}")
    ok = True
    for name in cases:
        median = statistics.median(times[name])
        ratio, target = median / base, TARGETS.get(name, TARGET)
        ok &= ratio <= target
        verdict = "PASS" if ratio <= target else "FAIL"
        print(f"{name:<28} {median:>9.3f} {min(times[name]):>7.3f} {ratio:>6.2f} {target:>6.1f}×  {verdict}")
    print(f"load after: {os.getloadavg()}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
