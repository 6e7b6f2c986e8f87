"""Single generation against the fake Messages API: what a good reply leaves behind."""

from __future__ import annotations

import json

import pytest

from core.bootstrap import Services
from core.scaffolding.defaults import install_defaults
from core.settings import Settings
from core.storage.blobs import CONVERSATION_FILES, LocalBlobStore
from core.storage.database import Database
from tests.fakes.anthropic_server import FakeAnthropicServer

KEYS = ("anxious_planner", "confusion_to_clarity", "roth_ira_conversion")


def test_success_stores_row_raw_and_parsed_files(gen_services: Services) -> None:
    result = gen_services.generation.generate(*KEYS)
    row = gen_services.db.conversations.get(result.conversation_id)
    assert result.ok and row.processing_status == "parsed" and row.source == "generated"
    raw = gen_services.conversations.raw_text(row)
    parsed = gen_services.conversations.read_json(row.file_path)
    assert raw is not None and json.loads(raw)["turns"] == parsed["turns"]
    assert parsed["input_parameters"]["persona_key"] == "anxious_planner"
    assert gen_services.db.failures.count() == 0


def test_success_records_provenance_with_the_system_prompt_sent(
    gen_services: Services, fake_claude: FakeAnthropicServer
) -> None:
    row = gen_services.generation.generate(*KEYS).conversation
    assert row is not None and row.scaffolding_snapshot is not None
    sent = fake_claude.message_requests()[0].body
    assert row.scaffolding_snapshot["system_prompt"] == "".join(block["text"] for block in sent["system"])
    assert row.scaffolding_snapshot["template"]["template_name"] == row.input_parameters["template_name"]
    assert row.input_parameters["expert_profile_key"] == row.scaffolding_snapshot["expert_profile"]["profile_key"]
    assert row.template_id and row.expert_profile_id and row.tier == "template"


def test_request_uses_structured_output_and_caches_the_expert_prefix(
    gen_services: Services, fake_claude: FakeAnthropicServer
) -> None:
    gen_services.generation.generate(*KEYS)
    body = fake_claude.message_requests()[0].body
    assert body["output_config"]["format"]["type"] == "json_schema"
    assert body["output_config"]["format"]["schema"]["required"] == ["conversation_metadata", "turns"]
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert "cache_control" not in body["system"][1] and "temperature" not in body


def test_every_call_is_logged_with_tokens_cost_and_request_id(gen_services: Services) -> None:
    first = gen_services.generation.generate(*KEYS)
    gen_services.generation.generate(*KEYS)
    logs = gen_services.db.logs.list(order_by="created_at")
    assert [log.status for log in logs] == ["success", "success"]
    assert logs[0].conversation_id == first.conversation_id and logs[0].request_id
    assert logs[0].cache_write_tokens > 0 and logs[1].cache_read_tokens == logs[0].cache_write_tokens
    assert all(log.cost_usd > 0 and log.input_tokens > 0 and log.output_tokens > 0 for log in logs)


def test_usage_counters_go_up_on_success(gen_services: Services) -> None:
    gen_services.generation.generate(*KEYS)
    gen_services.generation.generate(*KEYS)
    assert gen_services.scaffolding.get("personas", KEYS[0]).usage_count == 2
    assert gen_services.scaffolding.get("arcs", KEYS[1]).usage_count == 2
    assert gen_services.scaffolding.get("topics", KEYS[2]).usage_count == 2


def test_a_retried_rate_limit_leaves_one_log_row_per_call(
    gen_services: Services, fake_claude: FakeAnthropicServer
) -> None:
    fake_claude.script("rate_limited", "success")
    result = gen_services.generation.generate(*KEYS)
    assert result.ok and fake_claude.request_count == 2
    logs = gen_services.db.logs.list(order_by="retry_attempt")
    assert [(log.status, log.retry_attempt) for log in logs] == [("rate_limited", 0), ("success", 1)]
    assert logs[0].cost_usd == 0 and logs[1].cost_usd == result.cost_usd > 0


def test_malformed_json_is_repaired_once_and_stored(gen_services: Services, fake_claude: FakeAnthropicServer) -> None:
    fake_claude.script("malformed_json")
    result = gen_services.generation.generate(*KEYS)
    assert result.conversation is not None
    assert result.conversation.parse_method_used == "jsonrepair"
    assert gen_services.blobs.exists(CONVERSATION_FILES, result.conversation.file_path or "")


@pytest.mark.postgres
def test_generation_works_on_both_backends(db: Database, claude_settings: Settings) -> None:
    services = Services(settings=claude_settings, db=db, blobs=LocalBlobStore(claude_settings.buckets_dir))
    install_defaults(services.scaffolding)
    result = services.generation.generate(*KEYS)
    assert result.ok and db.conversations.count() == 1 and db.logs.count() == 1
    template = services.db.templates.get(result.conversation.template_id or "")  # type: ignore[union-attr]
    assert template.usage_count == 1
