"""Benchmark: the local training backend against a bare TRL script doing the same steps on the same data.

Ours, timed from the outside: ``python -m core train worker JOB`` (a fresh process) runs a queued job to its
end: the job engine's lease, the frozen input read back from storage, the training child (TRL SFTTrainer +
PEFT LoRA, assistant-only loss), progress and learning-progress points recorded in the database, the adapter
stored and the model row written. The baseline, in the same run on the same frozen files and numbers:
``python bench/_bare_trl.py SPEC`` (a fresh process), the same trainer with nothing around it.

Before its time counts, the work is checked: the job completed with ``--steps`` steps, every loss is finite,
the adapter holds ``adapter_config.json`` and weights; the bare run wrote its adapter too.

Target: wall time of ours / wall time of the bare script ≤ 1.10 (best of ``--rounds``, run back to back).
The model is a tiny Llama built here (no download). Exits non-zero on a miss.

Run: ``.venv/bin/python bench/bench_training.py [--steps 10] [--rounds 2]``
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.bootstrap import build_services  # noqa: E402
from core.models.statuses import Training  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.storage.blobs import TRAINING_INPUTS  # noqa: E402
from tests.support.tiny_models import OFFLINE_ENV, build_tiny_model  # noqa: E402
from tests.support.training_data import make_training_file  # noqa: E402

TARGET = 1.10


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command[:4])} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return elapsed


def ours(root: Path, base: Path, steps: int, env: dict[str, str]) -> tuple[float, dict]:
    svc = build_services(Settings(data_dir=root / "data"))
    if not svc.training_files.list_files():
        make_training_file(svc, root / "in")
    plan = svc.training.plan("Set A", "local", str(base), "quick", overrides={"max_steps": steps, "batch_size": 2})
    job = svc.training.start(plan)
    elapsed = timed(
        [sys.executable, "-m", "core", "train", "worker", job.id], env | {"BRIGHTRUN_DATA_DIR": str(root / "data")}
    )
    done = svc.training.get(job.id)
    losses = [p.loss for p in svc.training.points(job.id) if p.loss is not None]
    if done.status != Training.COMPLETED or done.step != steps or len(losses) != steps:
        sys.exit(f"ours did not do the work: {done.status} step {done.step}, {len(losses)} losses, {done.message}")
    if not all(math.isfinite(v) for v in losses):
        sys.exit(f"ours: a loss is not finite: {losses}")
    files = {Path(p).name for p in svc.training.adapter_files(svc.training.model(str(done.adapter_id)))}
    if not {"adapter_config.json", "adapter_model.safetensors"} <= files:
        sys.exit(f"ours: the adapter is incomplete: {files}")
    frozen = {
        "train": svc.blobs.get(TRAINING_INPUTS, done.train_path),
        "validation": svc.blobs.get(TRAINING_INPUTS, done.validation_path),
    }
    svc.close()
    return elapsed, {
        "hyperparameters": done.hyperparameters,
        "max_length": done.estimate.get("context_length"),
        **frozen,
    }


def bare(root: Path, base: Path, work: dict, env: dict[str, str]) -> float:
    folder = root / "bare"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train.jsonl").write_bytes(work["train"])
    (folder / "validation.jsonl").write_bytes(work["validation"])
    spec = {
        "base_model": str(base),
        "train_path": str(folder / "train.jsonl"),
        "validation_path": str(folder / "validation.jsonl"),
        "output_dir": str(folder / "out"),
        "hyperparameters": work["hyperparameters"],
        "max_length": work["max_length"],
    }
    (folder / "spec.json").write_text(json.dumps(spec))
    elapsed = timed([sys.executable, str(ROOT / "bench" / "_bare_trl.py"), str(folder / "spec.json")], env)
    if not (folder / "out" / "adapter" / "adapter_config.json").is_file():
        sys.exit("the bare script wrote no adapter")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    env = {**os.environ, **OFFLINE_ENV}
    os.environ.update(OFFLINE_ENV)
    with tempfile.TemporaryDirectory(prefix="bench-training-") as tmp:
        root = Path(tmp)
        base = build_tiny_model("llama", root / "tiny-llama")
        ours_times, bare_times = [], []
        for round_number in range(args.rounds):
            mine, work = ours(root / "ours", base, args.steps, env)
            theirs = bare(root / f"bare-{round_number}", base, work, env)
            ours_times.append(mine)
            bare_times.append(theirs)
            print(f"round {round_number + 1}: ours {mine:.2f} s, bare TRL {theirs:.2f} s", flush=True)
    ratio = min(ours_times) / min(bare_times)
    verdict = "ok" if ratio <= TARGET else "MISS"
    print(
        f"{args.steps} steps: ours {min(ours_times):.2f} s / bare {min(bare_times):.2f} s = {ratio:.3f} "
        f"(target ≤ {TARGET}) {verdict}"
    )
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
