"""Benchmark: enrich 2,000 conversations; time per conversation and the ratio to a JSON floor.

Self-contained: a temporary data folder (embedded backend), the default scaffolding, and 2,000
conversations cloned from the demo set and the reference raw conversation (new ids, one word changed so
each is distinct). The floor is measured in the same run over the same files, interleaved with the
pipeline chunk by chunk (so load from other processes hits both alike): for each conversation,
``json.loads`` of its stored bytes plus ``json.dumps`` (2-space) of the enriched file it produces — the
JSON work no enrichment can avoid. Also printed: the stricter floor of parsing and re-serialising only the
input bytes (the enriched file is ~7x the input: every pair repeats the history). Target: ratio ≤ 5.

The work is checked before the time counts: every conversation must come out succeeded (none failed or
skipped), be stored as enrichment completed, and its enriched file must hold training pairs.

Run: ``.venv/bin/python bench/bench_enrichment.py [--count 2000]``
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.bootstrap import build_services
from core.conversations.store import Provenance
from core.demo import demo_files
from core.enrichment.models import EnrichmentSummary
from core.models.statuses import Enrichment
from core.scaffolding.defaults import install_defaults
from core.settings import PROJECT_ROOT, Settings
from core.storage.blobs import CONVERSATION_FILES

REFERENCE = PROJECT_ROOT / "tests" / "fixtures" / "reference" / "raw-conversation.json"
TARGET = 5.0
CHUNK = 100


def sources() -> list[dict]:
    found = []
    for path in [*demo_files(), REFERENCE]:
        data = json.loads(path.read_text("utf-8"))
        if "turns" in data:  # raw files; enriched demo files hold pairs, not turns
            found.append(data)
    return found


def seed(count: int, data_dir: Path) -> tuple[Any, list[str]]:
    services = build_services(Settings(data_dir=data_dir))
    install_defaults(services.scaffolding)
    db = services.db
    provenance = Provenance(
        persona=db.personas.list(limit=1)[0],
        arc=db.arcs.list(limit=1)[0],
        topic=db.topics.list(limit=1)[0],
        expert=services.scaffolding.active_expert(),
    )
    templates = sources()
    ids = []
    for n in range(count):
        data = json.loads(json.dumps(templates[n % len(templates)]))
        data["turns"][0]["content"] += f" (clone {n})"
        ids.append(services.conversations.ingest(json.dumps(data, indent=2), provenance).conversation_id)
    return services, ids


def unfinished(services: Any, ids: list[str]) -> list[str]:
    """The conversations of ``ids`` not enriched for real: not completed, or an enriched file without pairs."""
    missing = []
    for cid in ids:
        row = services.db.conversations.get(cid)
        raw = services.blobs.get(CONVERSATION_FILES, row.enriched_file_path) if row.enriched_file_path else b"{}"
        if row.enrichment_status != Enrichment.COMPLETED or not json.loads(raw).get("training_pairs"):
            missing.append(cid)
    return missing


def floor(services: Any, ids: list[str]) -> tuple[float, float]:
    """Seconds for the JSON floor over the same files: (input + output, input only)."""
    blobs, db = services.blobs, services.db
    pairs = []
    for cid in ids:
        row = db.conversations.get(cid)
        pairs.append(
            (blobs.get(CONVERSATION_FILES, row.file_path), blobs.get(CONVERSATION_FILES, row.enriched_file_path))
        )
    enriched = [json.loads(out) for _, out in pairs]
    started = time.perf_counter()
    for (raw, _), obj in zip(pairs, enriched, strict=True):
        json.loads(raw)
        json.dumps(obj, indent=2, ensure_ascii=False).encode("utf-8")
    io_floor = time.perf_counter() - started
    started = time.perf_counter()
    for raw, _ in pairs:
        json.dumps(json.loads(raw), indent=2, ensure_ascii=False).encode("utf-8")
    return io_floor, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-enrich-") as folder:
        print(f"seeding {args.count} conversations …", flush=True)
        services, ids = seed(args.count, Path(folder) / "data")
        # Pipeline and floor alternate chunk by chunk, so load from other processes hits both alike.
        summary, elapsed, io_floor, input_floor = EnrichmentSummary(), 0.0, 0.0, 0.0
        not_done: list[str] = []
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            started = time.perf_counter()
            summary.outcomes += services.enrichment.run_many(chunk).outcomes
            elapsed += time.perf_counter() - started
            not_done += unfinished(services, chunk)
            if not_done:
                break
            chunk_io, chunk_input = floor(services, chunk)
            io_floor, input_floor = io_floor + chunk_io, input_floor + chunk_input
        services.close()
    print(f"enriched: {summary.text()}")
    if not_done or summary.succeeded != args.count:
        print(f"FAIL: {summary.succeeded} of {args.count} enriched; not enriched for real: {not_done[:5]}")
        return 1
    per = elapsed / args.count * 1000
    ratio = elapsed / io_floor
    print(f"pipeline: {per:.3f} ms per conversation ({elapsed:.2f} s total)")
    print(f"floor (parse input + serialise enriched output): {io_floor / args.count * 1000:.3f} ms per conversation")
    print(
        f"floor (parse + re-serialise the input bytes only): {input_floor / args.count * 1000:.3f} ms per conversation"
    )
    ok = ratio <= TARGET
    print(f"ratio to floor: {ratio:.2f} (target ≤ {TARGET}); ratio to input-only floor: {elapsed / input_floor:.2f}")
    print("PASS" if ok else f"FAIL (ratio {ratio:.2f} > {TARGET})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
