"""Benchmark: start-up of CLI commands that never call Claude, against a bare import of the CLI's own stack.

Each command runs as a fresh ``python -m core …`` process on an embedded data folder prepared beforehand
(migrated, default scaffolding installed), so what is timed is start-up plus the command's small amount
of work. The baseline, measured in the same run and interleaved with the commands so load hits both
alike, is ``python -c "import sqlalchemy, pydantic, typer"``: the libraries any command needs.

Target: each command's median wall time ≤ 2× the baseline's median.

Run: ``.venv/bin/python bench/bench_startup.py [--repeat 7]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 2.0
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        folder = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "SUPABASE_"))}
        env["BRIGHTRUN_DATA_DIR"] = str(folder / "data")
        timed([sys.executable, "-m", "core", "scaffolding", "install-defaults"], env)  # migrate + seed first
        core = [sys.executable, "-m", "core"]
        cases: dict[str, list[str]] = {}
        for name, (words, arguments) in commands(folder).items():
            if subprocess.run([*core, *words, "--help"], cwd=ROOT, env=env, capture_output=True).returncode:
                print(f"{name}: not a command in this build, skipped")
                continue
            cases[name] = [*core, *words, *arguments]
        times: dict[str, list[float]] = {"baseline": [], **{name: [] for name in cases}}
        for _ in range(args.repeat):  # interleaved: each round runs the baseline and every command once
            times["baseline"].append(timed(BASELINE, env))
            for name, cmd in cases.items():
                times[name].append(timed(cmd, env))
    base = statistics.median(times["baseline"])
    print(f"{'command':<28} {'median s':>9} {'min s':>7} {'ratio':>6}  target ≤ {TARGET:.1f}× baseline")
    print(f"{'baseline (bare import)':<28} {base:>9.3f} {min(times['baseline']):>7.3f} {1:>6.2f}")
    ok = True
    for name in cases:
        median = statistics.median(times[name])
        ratio = median / base
        ok &= ratio <= TARGET
        print(
            f"{name:<28} {median:>9.3f} {min(times[name]):>7.3f} {ratio:>6.2f}  {'PASS' if ratio <= TARGET else 'FAIL'}"
        )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
