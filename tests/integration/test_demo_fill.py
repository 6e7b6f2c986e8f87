"""``python -m core demo load`` fills every step: enriched and scored, reviewed, a finished job, a training file."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from core.bootstrap import Services
from core.cli.main import app
from core.demo import DEMO_TRAINING_FILE, fill_demo
from core.demo.history import DEMO_JOB_NAME

runner = CliRunner()


def cli_json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_demo_load_then_stats_shows_every_conversation_enriched_and_reviewed() -> None:
    assert runner.invoke(app, ["demo", "load"]).exit_code == 0
    stats = cli_json("stats")
    enrichment = stats["enrichment_status"]
    assert enrichment["completed"] == stats["conversations"] >= 12
    assert sum(enrichment.values()) == enrichment["completed"]
    review = stats["review_status"]
    assert review["approved"] >= 1
    assert review["rejected"] + review["needs_revision"] >= 1
    files = cli_json("training-file", "list")
    assert [f["name"] for f in files] == [DEMO_TRAINING_FILE]
    assert files[0]["conversation_count"] == review["approved"]


def test_loading_the_demo_twice_adds_nothing(services: Services) -> None:
    first = fill_demo(services)
    counts = {
        name: getattr(services.db, name).count()
        for name in ("conversations", "jobs", "items", "batch_logs", "logs", "training_files", "review_actions")
    }
    counts["turn_ratings"] = services.db.turn_ratings.count()
    second = fill_demo(services)
    assert first.conversations_added >= 12 and second.conversations_added == 0
    assert (second.enriched, second.reviewed, second.job_recorded, second.training_file) == (0, 0, False, None)
    for name, count in counts.items():
        assert getattr(services.db, name).count() == count, name
    # The demo's clients have its financial fields, declared once, with their words.
    declared = services.client_fields.list()
    assert [f.label for f in declared] == ["Income range", "Gender", "Location", "Family status"]
    assert all(p.demographics.get("income_range") for p in services.scaffolding.list("personas"))


def test_every_demo_conversation_has_a_measured_score_not_a_filler(services: Services) -> None:
    fill_demo(services)
    rows = services.db.conversations.list()
    scores = {r.quality_score for r in rows}
    assert None not in scores
    assert len(scores) > 1  # measured per conversation, not one constant
    assert all(1.0 <= (r.quality_score or 0) <= 5.0 for r in rows)
    assert all((r.quality_details or {}).get("rules") for r in rows)


def test_decisions_carry_notes_and_per_turn_ratings(services: Services) -> None:
    fill_demo(services)
    decided = [r for r in services.db.conversations.list() if r.review_status != "pending_review"]
    assert decided and all(r.review_notes and r.reviewed_by for r in decided)
    rejected = [r for r in decided if r.review_status == "rejected"]
    assert rejected and services.review.turn_ratings(rejected[0].conversation_id)
    assert any(services.review.turn_ratings(r.conversation_id) for r in decided if r.review_status == "approved")


def test_the_demo_job_is_finished_with_its_log_and_priced_calls(services: Services) -> None:
    fill_demo(services)
    job = services.db.jobs.find_by(name=DEMO_JOB_NAME)
    assert job is not None and job.status == "completed"
    items = services.db.items.list(where={"job_id": job.id}, order_by="position")
    assert len(items) == job.total_items == job.completed_items == job.successful_items + 1
    stored, truncated = items[:-1], items[-1]
    assert all(i.status == "completed" and i.conversation_id for i in stored)
    # the last item ran out of room: a real failed-generation record, shown on the Failed generations page
    assert truncated.status == "failed" and job.failed_items == 1
    failure = services.db.failures.get(truncated.failure_id or "")
    assert (failure.failure_type, failure.stop_reason, failure.job_id) == ("truncation", "max_tokens", job.id)
    log = services.db.batch_logs.list(where={"job_id": job.id}, order_by="created_at")
    assert log[0].message.startswith("Created") and log[-1].message.startswith("Job completed: 8 succeeded, 1 failed")
    assert [line.level for line in log].count("error") == 1
    calls = services.db.logs.list(where={"job_id": job.id})
    assert len(calls) == len(items)
    assert round(sum(c.cost_usd for c in calls), 6) == job.cost_usd > 0
    assert all(c.template_id and c.input_tokens > 1000 and c.output_tokens > 500 for c in calls)
    # every demo conversation has exactly one generation call, in or outside the job
    conversations = services.db.conversations.list()
    logged = [c.conversation_id for c in services.db.logs.list() if c.status == "success"]
    assert sorted(logged) == sorted(r.conversation_id for r in conversations)


def test_a_second_user_filling_the_demo_gets_conversations_and_a_training_file_of_their_own(
    services: Services,
) -> None:
    first = fill_demo(services, created_by="user-a")
    second = fill_demo(services, created_by="user-b")
    assert second.conversations_added == first.conversations_added >= 12
    assert second.training_file == first.training_file == DEMO_TRAINING_FILE
    owners = {f.created_by for f in services.db.training_files.list(where={"name": DEMO_TRAINING_FILE})}
    assert owners == {"user-a", "user-b"}
