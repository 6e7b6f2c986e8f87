"""Benchmark: every page of the app in Chromium with 10,000 conversations in the store.

The store is seeded with ``--count`` conversations (``bench/_seed.py``: rows plus enriched files, with
the default scaffolding), then the real app runs under ``streamlit run`` and headless Chromium moves
between pages with the sidebar, as a person does. A warm-up round opens every page once (cold start
excluded: imports, caches, first queries); then ``--rounds`` rounds time each page from the click to the
moment its script has drawn everything (see ``bench/_browser.py``).

Baseline, in the same run: the same pages timed the same way over a store of ``--baseline-count``
conversations (seeded the same way), in an app process of its own, so the table shows what 10,000
conversations add to each page.

Each page must show its data, in both runs and every round: no empty state ("nothing here yet", which a
page whose data could not be read may show too), no error message, no exception. Only the pages whose data
the seed does not make (``MAY_BE_EMPTY``: no generation has failed, no model
has been trained) may show their empty state.

Targets: every page's median < 1.0 s, and ≤ 2× its median over the baseline store. Prints a table per
page; exits non-zero on a miss or a page without its data.

Run: ``.venv/bin/python bench/bench_pages_browser.py [--count 10000] [--baseline-count 100] [--rounds 3]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _browser import app_pages, chromium_page, empty_or_failed, exception_on_page, navigate_ms, open_app, streamlit_app
from _seed import seed_conversations

from core.bootstrap import build_services
from core.settings import Settings

TARGET_MS, RATIO_TARGET = 1000.0, 2.0
# The seed writes no failed generation, no training file and no trained model: these pages may say so.
MAY_BE_EMPTY = {"Failed generations", "Train", "Models", "Try a model", "Blind A/B"}


def time_pages(url: str, rounds: int) -> tuple[dict[str, list[float]], dict[str, str]]:
    pages = app_pages()
    times: dict[str, list[float]] = {p.title: [] for p in pages}
    errors: dict[str, str] = {}
    with chromium_page() as tab:
        open_app(tab, url)
        for round_no in range(rounds + 1):  # round 0 is the warm-up
            for index, page in enumerate(pages):
                if page.url_path == "" and index == 0:
                    navigate_ms(tab, pages[1].url_path)  # leave home, so coming back is a navigation
                elapsed = navigate_ms(tab, page.url_path)
                if round_no:
                    times[page.title].append(elapsed)
                problem = exception_on_page(tab) if page.title in MAY_BE_EMPTY else empty_or_failed(tab)
                if problem:
                    errors[page.title] = problem
    return times, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--baseline-count", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"load {os.getloadavg()} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        data = Path(tmp) / "data"
        services = build_services(Settings(data_dir=data))
        seed_conversations(services, args.baseline_count)
        with streamlit_app(data) as (url, _pid):
            small, small_errors = time_pages(url, args.rounds)
        started = time.perf_counter()
        added = seed_conversations(services, args.count)
        print(f"seeded {added} conversations in {time.perf_counter() - started:.1f} s")
        services.close()
        with streamlit_app(data) as (url, _pid):
            times, errors = time_pages(url, args.rounds)
    print(f"\n{'page':<28} {'baseline ms':>14} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'ratio':>6}", end="")
    print(f"  targets < {TARGET_MS:.0f} ms (median, {args.count} conversations), ≤ {RATIO_TARGET}× the baseline")
    ok = True
    errors |= {f"{title} (baseline store)": problem for title, problem in small_errors.items()}
    for title, runs in times.items():
        median, base = statistics.median(runs), statistics.median(small[title])
        broken = title in errors or f"{title} (baseline store)" in errors
        passed = median < TARGET_MS and median / base <= RATIO_TARGET and not broken
        ok &= passed
        note = "PASS" if passed else ("NO DATA ON PAGE" if broken else "FAIL")
        print(
            f"{title:<28} {base:>14.0f} {median:>10.0f} {min(runs):>8.0f} {max(runs):>8.0f} {median / base:>6.2f}  {note}"
        )
    for title, problem in errors.items():
        print(f"{title} shows {problem}")
    print(
        f"({args.rounds} timed rounds after a warm-up round; baseline {args.baseline_count} conversations; load {os.getloadavg()})"
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
