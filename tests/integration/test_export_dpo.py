"""``export --format dpo``: blind A/B picks and regenerated conversations as TRL preference pairs, which load
with ``datasets`` and pass TRL's own preference-format checks (its chat-template application)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.bootstrap import Services
from core.errors import ExportError
from core.models.evaluation import PreferencePick
from core.models.statuses import Review
from tests.support.review_data import add_ready

PROMPT = [
    {"role": "system", "content": "You are a calm financial planner."},
    {"role": "user", "content": "I am scared I started saving too late."},
]


def _pick(svc: Services, choice: str, first: str = "Short answer.", second: str = "A warmer, fuller answer.") -> None:
    svc.db.preference_picks.add(
        PreferencePick(
            model_id="m1",
            prompt=PROMPT,
            first_answer=first,
            second_answer=second,
            first_source="base",
            second_source="tuned",
            pick=choice,  # type: ignore[arg-type]
            reviewer="ana",
        )
    )


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_picks_and_regenerated_conversations_become_pairs_once(services: Services, tmp_path: Path) -> None:
    _pick(services, "second")
    _pick(services, "second")  # the same pair again: written once
    _pick(services, "first", first="Let us look at it together.", second="Nope.")
    _pick(services, "tie")  # no pair
    store = services.conversations
    old = add_ready(store, "I feel lost with my 401k.", "Read the manual.", review_status=Review.ARCHIVED)
    add_ready(
        store,
        "I feel lost with my 401k.",
        "That is a common feeling; let us open it together.",
        review_status=Review.APPROVED,
        regenerated_from=old.conversation_id,
    )
    lonely = add_ready(store, "Should I buy bonds?", "Maybe.", review_status=Review.PENDING)
    add_ready(  # its old attempt is still waiting for review: no counterpart, no pair
        store,
        "Should I buy bonds now?",
        "Let us weigh it.",
        review_status=Review.APPROVED,
        regenerated_from=lonely.conversation_id,
    )
    add_ready(store, "A plain approved one.", "With an answer.", review_status=Review.APPROVED)  # never regenerated

    out = tmp_path / "dpo.jsonl"
    result = services.exports.export("dpo", out)
    lines = _lines(out)
    assert result.examples == {"train": 3} and len(lines) == 3
    assert lines[0] == {
        "prompt": PROMPT,
        "chosen": [{"role": "assistant", "content": "A warmer, fuller answer."}],
        "rejected": [{"role": "assistant", "content": "Short answer."}],
    }
    assert lines[1]["chosen"][0]["content"] == "Let us look at it together."
    regenerated = lines[2]
    assert regenerated["prompt"][-1] == {"role": "user", "content": "I feel lost with my 401k."}
    assert regenerated["chosen"] == [
        {"role": "assistant", "content": "That is a common feeling; let us open it together."}
    ]
    assert regenerated["rejected"] == [{"role": "assistant", "content": "Read the manual."}]
    report = services.exports.validate(result)
    assert report.ok, report.summary()
    assert "dpo rules" in report.checks


def test_the_file_loads_with_datasets_and_passes_trls_preference_checks(services: Services, tmp_path: Path) -> None:
    pytest.importorskip("trl")
    import datasets
    from trl.data_utils import apply_chat_template, is_conversational

    from tests.support.tiny_models import build_tokenizer, export_records

    _pick(services, "second")
    _pick(services, "first", first="One step at a time.", second="No.")
    out = tmp_path / "dpo.jsonl"
    services.exports.export("dpo", out)
    loaded = datasets.load_dataset("json", data_files=str(out), split="train")
    assert loaded.num_rows == 2 and set(loaded.column_names) == {"prompt", "chosen", "rejected"}
    tokenizer = build_tokenizer([m["content"] for r in export_records()[:5] for m in r["messages"]])
    for example in loaded:
        assert is_conversational(example)
        text = apply_chat_template(example, tokenizer)  # raises when the prompt is not a prefix of prompt+chosen
        assert text["chosen"].startswith(example["chosen"][0]["content"])
        assert text["rejected"].startswith(example["rejected"][0]["content"])


def test_validation_catches_repeats_and_broken_pairs(tmp_path: Path) -> None:
    from core.export.common import ExportResult
    from core.export.validate import validate_export

    good = {
        "prompt": PROMPT,
        "chosen": [{"role": "assistant", "content": "a"}],
        "rejected": [{"role": "assistant", "content": "b"}],
    }
    bad = {"prompt": PROMPT[:1], "chosen": [{"role": "user", "content": "a"}], "rejected": []}
    path = tmp_path / "dpo.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (good, good, bad)), encoding="utf-8")
    report = validate_export(ExportResult(format="dpo", paths=[str(path)]), load_with_datasets=False)
    assert not report.ok
    text = "\n".join(report.errors)
    assert "repeat" in text and "end with the user's" in text and "end with the assistant's" in text
    assert "'rejected' must be a non-empty list" in text


def test_nothing_to_pair_is_a_plain_error(services: Services, tmp_path: Path) -> None:
    _pick(services, "tie")
    with pytest.raises(ExportError, match="No preference pairs"):
        services.exports.export("dpo", tmp_path / "dpo.jsonl")
    assert not (tmp_path / "dpo.jsonl").exists()


def test_the_demo_holds_picks_so_the_dpo_export_is_never_empty(services: Services, tmp_path: Path) -> None:
    from core.demo import fill_demo

    fill_demo(services)
    fill_demo(services)  # loading twice adds nothing
    picks = services.db.preference_picks.list()
    assert len(picks) == 3 and {p.pick for p in picks} == {"first", "second", "tie"}
    result = services.exports.export("dpo", tmp_path / "dpo.jsonl")
    lines = _lines(tmp_path / "dpo.jsonl")
    assert result.examples == {"train": 2} and all(line["prompt"][-1]["role"] == "user" for line in lines)
    assert all("Maya" not in line["rejected"][0]["content"] for line in lines)  # the generic answer lost
    assert services.exports.validate(result).ok
    model = services.db.trained_models.find_by(is_demo=True)
    assert model is not None and {p.model_id for p in picks} == {model.id}  # the demo's model, with its scorecard
    run = services.evaluation.latest_run(model.id)
    assert run is not None and (run.wins, run.ties, run.losses, run.cost_usd) == (2, 1, 0, 0.0)
    human = services.evaluation.ab.human_score(model.id)
    assert (human.picks, human.agreement) == (3, 1.0)
