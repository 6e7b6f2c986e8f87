"""The benchmark's baseline: a bare TRL script training the same LoRA on the same frozen data.

``python bench/_bare_trl.py SPEC.json`` with the same spec the training child gets (base model, files,
hyperparameters, output folder); no job engine, no progress reporting, no database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(spec_path: str) -> None:
    import torch
    from datasets import load_dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    spec = json.loads(Path(spec_path).read_text())
    values = spec["hyperparameters"]
    torch.manual_seed(26)
    tokenizer = AutoTokenizer.from_pretrained(spec["base_model"])
    model = AutoModelForCausalLM.from_pretrained(spec["base_model"], dtype=torch.float32)
    data = load_dataset("json", data_files={"train": spec["train_path"], "validation": spec["validation_path"]})
    config = SFTConfig(
        output_dir=spec["output_dir"],
        max_steps=values["max_steps"],
        learning_rate=values["learning_rate"],
        per_device_train_batch_size=values["batch_size"],
        per_device_eval_batch_size=values["batch_size"],
        assistant_only_loss=True,
        max_length=spec.get("max_length"),
        logging_steps=1,
        eval_strategy="steps",
        eval_steps=values["max_steps"],
        save_strategy="no",
        report_to="none",
        use_cpu=True,
        seed=26,
        dataloader_num_workers=0,
        disable_tqdm=True,
    )
    lora = LoraConfig(
        r=values["lora_rank"],
        lora_alpha=values["lora_alpha"],
        lora_dropout=values["lora_dropout"],
        target_modules="all-linear",
        task_type="CAUSAL_LM",
    )
    trainer = SFTTrainer(
        model=model,
        args=config,
        train_dataset=data["train"],
        eval_dataset=data["validation"],
        processing_class=tokenizer,
        peft_config=lora,
    )
    trainer.train()
    trainer.model.save_pretrained(Path(spec["output_dir"]) / "adapter")  # type: ignore[union-attr]


if __name__ == "__main__":
    main(sys.argv[1])
