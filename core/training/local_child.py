"""The training child process: ``python -m core.training.local_child SPEC.json``.

Trains a LoRA with Hugging Face TRL's ``SFTTrainer`` and PEFT on the frozen input the spec names, loss on the
assistant's turns only (TRL's ``assistant_only_loss``, which needs the tokenizer's chat template to mark the
answers). It reports as JSON lines appended to the spec's ``progress_path``: ``start`` (total steps, device),
``log`` (step, loss, eval loss, learning rate), ``step``, ``mask`` (what the first example trains on),
``warning``, ``saved`` and ``error``. It stops when its parent (the worker) is gone, and on SIGTERM.

Needs the ``[train]`` extra (torch, transformers, peft, trl, datasets, accelerate); it imports them itself, so
nothing else in ``core`` does.
"""

from __future__ import annotations

import json
import math
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

CPU_WARNING = (
    "No graphics card (GPU) was found, so this trains on the processor. That is fine for a tiny test model; "
    "a real model would take very long here."
)


class Reporter:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def __call__(self, event: str, **fields: Any) -> None:
        line = json.dumps({"event": event, "at": time.time(), **fields}, default=str)
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def _watch_parent(parent: int) -> None:
    """Exit when the worker that started this process is gone (its lease then lets the job be settled)."""
    while True:
        if os.getppid() != parent:
            os._exit(3)
        time.sleep(0.5)


def _finite(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def _callback(report: Reporter) -> Any:
    from transformers import TrainerCallback

    class Progress(TrainerCallback):  # type: ignore[misc]
        def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            report("start", total_steps=state.max_steps)

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            report("step", step=state.global_step, total_steps=state.max_steps, epoch=state.epoch)

        def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kw: Any) -> None:
            logs = logs or {}
            point = {
                "loss": _finite(logs.get("loss")),
                "eval_loss": _finite(logs.get("eval_loss")),
                "learning_rate": _finite(logs.get("learning_rate")),
            }
            if any(v is not None for v in point.values()):
                report("log", step=state.global_step, epoch=state.epoch, **point)

    return Progress()


def _mask_summary(trainer: Any, tokenizer: Any) -> dict[str, Any]:
    """What the first training example trains on: its tokens whose labels count."""
    batch = trainer.data_collator([trainer.train_dataset[0]])
    ids, labels = batch["input_ids"][0].tolist(), batch["labels"][0].tolist()
    trained = [t for t, label in zip(ids, labels, strict=True) if label != -100]
    return {"tokens": len(ids), "trained_tokens": len(trained), "trained_text": tokenizer.decode(trained)}


def train(spec: dict[str, Any], report: Reporter) -> None:
    import torch
    from datasets import load_dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    values = spec["hyperparameters"]
    gpu = torch.cuda.is_available()
    report("device", device="gpu" if gpu else "cpu")
    if not gpu:
        report("warning", message=CPU_WARNING)
    torch.manual_seed(int(spec.get("seed", 26)))
    tokenizer = AutoTokenizer.from_pretrained(spec["base_model"])
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(spec["base_model"], dtype=torch.float32)
    files = {"train": spec["train_path"]}
    if spec.get("validation_path"):
        files["validation"] = spec["validation_path"]
    data = load_dataset("json", data_files=files)
    has_eval = "validation" in data and len(data["validation"]) > 0
    max_steps = values.get("max_steps") or -1
    config = SFTConfig(
        output_dir=spec["output_dir"],
        num_train_epochs=values["epochs"],
        max_steps=max_steps,
        learning_rate=values["learning_rate"],
        per_device_train_batch_size=values["batch_size"],
        per_device_eval_batch_size=values["batch_size"],
        assistant_only_loss=True,
        max_length=spec.get("max_length"),
        logging_steps=1,
        eval_strategy="epoch" if has_eval and max_steps == -1 else ("steps" if has_eval else "no"),
        eval_steps=max_steps if has_eval and max_steps > 0 else None,
        save_strategy="no",
        report_to="none",
        use_cpu=not gpu,
        seed=int(spec.get("seed", 26)),
        dataloader_num_workers=0,
        disable_tqdm=True,
    )
    lora = LoraConfig(
        r=values["lora_rank"],
        lora_alpha=values["lora_alpha"],
        lora_dropout=values.get("lora_dropout", 0.05),
        target_modules="all-linear",
        task_type="CAUSAL_LM",
    )
    trainer = SFTTrainer(
        model=model,
        args=config,
        train_dataset=data["train"],
        eval_dataset=data["validation"] if has_eval else None,
        processing_class=tokenizer,
        peft_config=lora,
        callbacks=[_callback(report)],
    )
    report("mask", **_mask_summary(trainer, tokenizer))
    trainer.train()
    adapter = Path(spec["output_dir"]) / "adapter"
    trained: Any = trainer.model
    trained.save_pretrained(adapter)
    _record_base_model(adapter, spec)
    report("saved", path=str(adapter), step=trainer.state.global_step)


def _record_base_model(adapter: Path, spec: dict[str, Any]) -> None:
    """Write the job's base model into the adapter's config (a model loaded from a folder names no model)."""
    config_path = adapter / "adapter_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["base_model_name_or_path"] = spec["base_model"]
    config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    about = {k: spec.get(k) for k in ("job_id", "base_model", "training_file_id", "training_file_sha256", "preset")}
    (adapter / "brightrun_training.json").write_text(json.dumps(about | {"hyperparameters": spec["hyperparameters"]}))


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    report = Reporter(Path(spec["progress_path"]))
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(4))
    for name in ("HF_HUB_DISABLE_TELEMETRY", "TOKENIZERS_PARALLELISM"):
        os.environ.setdefault(name, "1" if name.startswith("HF") else "false")
    try:
        train(spec, report)
    except Exception as err:  # reported to the worker as plain words; the traceback stays in the log
        report("error", message=f"{type(err).__name__}: {err}")
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
