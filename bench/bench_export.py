"""Benchmark: exporting 10,000 conversations (targets: time <= 3x a plain JSON dump, memory 10k/1k <= 1.5).

Self-contained: a temporary embedded backend (SQLite + blob files). The reference enriched conversation
is imported once and cloned with new ids straight through the repository and the blob store (the clone's
pairs name their own conversation id), all approved with enrichment completed.

Baseline, measured in the same run on the same records: the plain way — read every row with one
``SELECT`` (``sqlite3``, not the export's own row iterator) and its enriched file into one list and
``json.dump`` it. The export timed is what ``python -m core export`` runs: for
``brightrun-v4`` (JSON + JSONL) and ``openai``. Peak memory of the export (``tracemalloc``, Python
allocations) is measured at 1,000 and 10,000 conversations; a streaming export keeps the ratio near 1.

Before its time counts, every export is read back: it must hold one record per stored conversation (or,
for ``brightrun-v4``, every conversation's id and each of its training pairs), each with the
conversation's turns in it, and the baseline must have dumped every conversation too.

Run: ``.venv/bin/python bench/bench_export.py [--count 10000] [--small 1000] [--formats brightrun-v4 openai]``
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from contextlib import closing
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.bootstrap import Services, build_services
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


def plain_dump(services: Services, out: Path) -> int:
    """The baseline: every record in one list (rows by a plain ``SELECT``), then one ``json.dump``; the count."""
    database = services.settings.database_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(database)) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            "SELECT * FROM conversations WHERE is_active AND review_status = 'approved' "
            "AND enrichment_status = 'completed' ORDER BY created_at"
        ).fetchall()
    records = [
        {"row": dict(row), "enriched": json.loads(services.blobs.get(CONVERSATION_FILES, row["enriched_file_path"]))}
        for row in rows
    ]
    with out.open("w", encoding="utf-8") as handle:
        json.dump(records, handle, ensure_ascii=False)
    return len(records)


def exported_problems(fmt: str, path: Path, ids: set[str], pairs_each: int) -> str | None:
    """What is wrong with the file an export wrote (None when it holds every conversation, with content)."""
    if fmt == "brightrun-v4":
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data.get("conversations", []) if isinstance(data, dict) else []
        found = {entry["conversation_metadata"]["conversation_id"] for entry in entries}
        pairs = [pair for entry in entries for pair in entry["training_pairs"]]
        if found != ids or len(pairs) != len(ids) * pairs_each:
            return f"{len(found & ids)} of {len(ids)} conversations, {len(pairs)} pairs (want {len(ids) * pairs_each})"
        silent = sum(1 for entry in entries if not any(pair.get("target_response") for pair in entry["training_pairs"]))
        return f"{silent} conversations without a single answer" if silent else None
    lines = path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    if len(records) != len(ids):
        return f"{len(records)} records for {len(ids)} conversations"
    thin = sum(1 for record in records if len(record.get("messages", [])) < 2)
    return f"{thin} records with fewer than two messages" if thin else None


def export(services: Services, fmt: str, folder: Path) -> Path:
    name = export_path(fmt, folder).name
    # The cloned reference conversation ends mid-sentence: included explicitly, as in the baseline.
    services.exports.export(fmt, folder / name, include_truncated=True)
    return folder / name


def export_path(fmt: str, folder: Path) -> Path:
    return folder / ("training.json" if fmt == "brightrun-v4" else f"{fmt}.jsonl")


def template_path(services: Services) -> str:
    return services.db.conversations.list(limit=1, order_by="created_at")[0].enriched_file_path or ""


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
        ids = {row.conversation_id for row in services.db.conversations.list()}
        pairs_each = len(services.conversations.read_json(template_path(services)).get("training_pairs", []))
        dumped: list[int] = []
        baseline = timed(lambda: dumped.append(plain_dump(services, root / "plain.json")))
        print(f"plain json.dump of the same records (read + dump): {baseline:.2f} s, {dumped[0]} conversations")
        if dumped[0] != len(ids) or len(ids) != args.count or not pairs_each:
            print(f"FAIL: the store holds {len(ids)} conversations of {args.count}; the baseline dumped {dumped[0]}")
            return 1
        for fmt in args.formats:
            seconds = timed(lambda fmt=fmt: export(services, fmt, root / "big"))
            if problem := exported_problems(fmt, export_path(fmt, root / "big"), ids, pairs_each):
                print(f"{fmt:>13}: FAIL, the export is wrong: {problem}")
                ok = False
                continue
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
