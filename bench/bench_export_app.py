"""Benchmark: the Streamlit server's memory after exporting 10,000 conversations, against 1,000.

The real app runs under ``streamlit run``; headless Chromium opens the Export page and clicks "Export and
validate" (OpenAI chat JSONL, every approved conversation), as a person does. The store holds ``--small``
conversations for the first export (the baseline, same process, same run), then is seeded up to
``--count`` and a new browser session exports again. After each export the app process's resident
memory (VmRSS) is read.

Before the memory counts, each export is checked: the page must say "Validation passed" (a failed
validation is a miss, not an end), with as many examples as the store holds approved, enriched, complete
conversations, and the file the export left must hold that many lines.

Targets: resident memory after the large export ≤ 1.5× that after the small one; the export folders of
earlier exports are removed (at most one left per open session).

Run: ``.venv/bin/python bench/bench_export_app.py [--count 10000] [--small 1000]``
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _browser import chromium_page, open_app, rss_mb, streamlit_app
from _seed import seed_conversations

from core.bootstrap import Services, build_services
from core.export.service import DOWNLOADS_DIR
from core.settings import Settings

TARGET = 1.5


def export_in_browser(url: str) -> tuple[float, str]:
    """Seconds from the click to the validation report, in a fresh browser session, and the report's words."""
    with chromium_page() as tab:
        open_app(tab, url, "export")
        tab.get_by_role("tab", name="Download for a trainer").click()
        started = time.perf_counter()
        tab.get_by_role("button", name="Export and validate").click()
        report = tab.get_by_text("Validation passed").or_(tab.get_by_text("Validation FAILED")).first
        report.wait_for(timeout=600_000)
        return time.perf_counter() - started, str(report.inner_text())


def expected_examples(services: Services) -> int:
    """What an OpenAI export of the default selection must hold: one example per approved, enriched,
    complete conversation (counted straight from the table)."""
    where = {"review_status": "approved", "enrichment_status": "completed", "is_truncated": False, "is_active": True}
    return services.db.conversations.count(where=where)


def exported_lines(data: Path) -> int:
    """Lines of the newest file the export left in its download folders."""
    files = sorted((data / DOWNLOADS_DIR).rglob("*.jsonl"), key=lambda p: p.stat().st_mtime)
    return sum(1 for line in files[-1].read_text(encoding="utf-8").splitlines() if line.strip()) if files else 0


def folders(data: Path) -> int:
    root = data / DOWNLOADS_DIR
    return sum(1 for p in root.iterdir() if p.is_dir()) if root.is_dir() else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    args = parser.parse_args()
    print(f"load {os.getloadavg()} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-export-app-") as tmp:
        data = Path(tmp) / "data"
        services = build_services(Settings(data_dir=data))
        seed_conversations(services, args.small)
        rows: list[tuple[Any, ...]] = []
        with streamlit_app(data) as (url, pid):
            idle = rss_mb(pid)
            for count in (args.small, args.count):
                seed_conversations(services, count)
                seconds, report = export_in_browser(url)
                want, lines = expected_examples(services), exported_lines(data)
                found = re.search(r"Validation passed: (\d+) examples", report)
                if not found or int(found.group(1)) != want or lines != want:
                    print(f"FAIL at {count}: the page said {report[:200]!r}; want {want} examples, file has {lines}")
                    services.close()
                    return 1
                rows.append((count, seconds, rss_mb(pid), folders(data)))
        services.close()
    small, large = rows[0][2], rows[1][2]
    ratio = large / small
    ok = ratio <= TARGET and rows[-1][3] <= 2
    print(f"\napp idle before any export: {idle:.0f} MB resident")
    print(f"{'conversations':>13} {'export s':>9} {'app RSS MB':>11} {'export folders left':>20}")
    for count, seconds, rss, left in rows:
        print(f"{count:>13} {seconds:>9.1f} {rss:>11.0f} {left:>20}")
    print(f"RSS after {args.count} / after {args.small}: {ratio:.2f} (target ≤ {TARGET}) {'PASS' if ok else 'FAIL'}")
    print(f"load after: {os.getloadavg()}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
