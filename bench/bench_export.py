"""Benchmark: exporting 10,000 conversations (targets: time <= 3x a plain JSON dump, memory 10k/1k <= 1.5).

Self-contained: a temporary embedded backend (SQLite + blob files). The reference enriched conversation
is imported once and cloned with new ids straight through the repository and the blob store (the clone's
pairs name their own conversation id), all approved with enrichment completed.

Baseline, measured in the same run on the same records: the plain way — read every row and its enriched
file into one list and ``json.dump`` it. The export timed is what ``python -m core export`` runs: for
``brightrun-v4`` (JSON + JSONL) and ``openai``. Peak memory of the export (``tracemalloc``, Python
allocations) is measured at 1,000 and 10,000 conversations; a streaming export keeps the ratio near 1.

Run: ``.venv/bin/python bench/bench_export.py [--count 10000] [--small 1000] [--formats brightrun-v4 openai]``
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.bootstrap import Services, build_services
from core.export.selection import Selection, iter_rows
from core.jsonutil import dumps_pretty
from core.models.base import new_id
from core.settings import Settings
from core.storage.blobs import CONVERSATION_FILES, enriched_conversation_path

REFERENCE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "reference" / "enriched-conversation.json"
TIME_TARGET, MEMORY_TARGET = 3.0, 1.5


def seed(services: Services, total: int) -> None:
    """Clone the imported conversation until ``total`` conversations exist."""
    db = services.db
    template = db.conversations.list(limit=1)[0]
    enriched = services.conversations.read_json(template.enriched_file_path) or {}
    have = db.conversations.count()
    rows = []
    for n in range(have, total):
        cid = new_id()
        pairs = [p | {"conversation_id": cid} for p in enriched["training_pairs"]]
        path = enriched_conversation_path(template.enriched_file_path.split("/")[0], cid)  # the owner's folder
        services.blobs.put(CONVERSATION_FILES, path, dumps_pretty(enriched | {"training_pairs": pairs}))
        rows.append(
            template.model_copy(
                update={
                    "conversation_id": cid,
                    "id": new_id(),
                    "source_hash": f"bench-{n}",
                    "enriched_file_path": path,
                    "created_at": template.created_at + timedelta(milliseconds=n),
                    "quality_score": 3.0 + (n % 20) / 10,
                }
            )
        )
        if len(rows) == 500:
            db.conversations.add_many(rows)
            rows = []
    db.conversations.add_many(rows)


def plain_dump(services: Services, out: Path) -> None:
    """The baseline: every record in one list, then one ``json.dump``."""
    records = [
        {"row": row.model_dump(mode="json"), "enriched": services.conversations.read_json(row.enriched_file_path)}
        for row in iter_rows(services.conversations, Selection(include_truncated=True))
    ]
    with out.open("w", encoding="utf-8") as handle:
        json.dump(records, handle, ensure_ascii=False)


def export(services: Services, fmt: str, folder: Path) -> None:
    name = "training.json" if fmt == "brightrun-v4" else f"{fmt}.jsonl"
    # The cloned reference conversation ends mid-sentence: included explicitly, as in the baseline.
    services.exports.export(fmt, folder / name, include_truncated=True)


def timed(action: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def peak_memory(action: Callable[[], None]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--formats", nargs="+", default=["brightrun-v4", "openai"])
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-export-"))
    services = build_services(Settings(data_dir=root / "data"))
    ok = True
    try:
        imported = services.importer.import_path(REFERENCE).imported[0]
        services.db.conversations.update(imported, review_status="approved")
        started = time.perf_counter()
        seed(services, args.small)
        memory: dict[str, list[int]] = {fmt: [] for fmt in args.formats}
        for fmt in args.formats:
            memory[fmt].append(peak_memory(lambda fmt=fmt: export(services, fmt, root / "small")))
        seed(services, args.count)
        print(f"seeded {args.count} conversations in {time.perf_counter() - started:.1f} s")
        baseline = timed(lambda: plain_dump(services, root / "plain.json"))
        print(f"plain json.dump of the same records (read + dump): {baseline:.2f} s")
        for fmt in args.formats:
            seconds = timed(lambda fmt=fmt: export(services, fmt, root / "big"))
            memory[fmt].append(peak_memory(lambda fmt=fmt: export(services, fmt, root / "big")))
            ratio, small, big = seconds / baseline, memory[fmt][0], memory[fmt][1]
            ok &= ratio <= TIME_TARGET and big / small <= MEMORY_TARGET
            print(
                f"{fmt:>13}: {seconds:.2f} s, {ratio:.2f}x plain dump (target <= {TIME_TARGET}); peak memory "
                f"{small / 1e6:.1f} MB at {args.small} vs {big / 1e6:.1f} MB at {args.count}: "
                f"ratio {big / small:.2f} (target <= {MEMORY_TARGET})"
            )
    finally:
        services.close()
        shutil.rmtree(root, ignore_errors=True)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
