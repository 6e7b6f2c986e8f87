"""A new user's main flows, clicked in a real Chromium against the running app, one test per stage.

The stages share the app (session fixture) and one browser tab (module fixture), so they run in file
order: demo → enrich → review grid → one conversation → export → generate → batch job (the spec splitter's flow is in test_spec_flow.py).
``STATE`` carries what a later stage checks (e.g. the rated turn that must come back as a loss weight).
"""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.helpers import (
    assert_no_exception,
    choose,
    download,
    metric,
    metric_value,
    open_page,
    screenshot,
    title,
    wait_until_idle,
)
from tests.e2e.review_helpers import open_row, pending_rows, row_texts, tick

REVIEWER = "E2E Reviewer"
STATE: dict[str, Any] = {}


def click(page: Any, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def jsonl(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]


def test_load_the_demo_dataset(shared_page: Any, app_url: str) -> None:
    open_page(shared_page, app_url)
    click(shared_page, "Open the demo project")
    loaded = shared_page.get_by_text("Demo loaded").first
    loaded.wait_for(timeout=90_000)  # the first load of the demo in this app takes long on a busy machine
    message = loaded.inner_text()
    added, present = map(int, re.findall(r"(\d+) conversations added, (\d+) already", message)[0])
    assert added + present > 0
    expect(metric_value(shared_page, "Conversations")).to_have_text(str(added + present))
    STATE["conversations"] = added + present
    STATE["approved"] = int(metric(shared_page, "Approved"))  # the demo's own review round
    STATE["pending"] = int(metric(shared_page, "Waiting for review"))
    assert STATE["approved"] > 0 and STATE["pending"] >= 4
    screenshot(shared_page, "flow-1-demo")


def test_the_demo_arrives_enriched_and_one_can_be_enriched_again(shared_page: Any, app_url: str) -> None:
    open_page(shared_page, app_url, "enrich")
    expect(metric_value(shared_page, "Still to enrich")).to_have_text("0")
    expect(metric_value(shared_page, "Enriched")).to_have_text(str(STATE["conversations"]))
    click(shared_page, "Re-enrich")
    summary = shared_page.get_by_text("Enrichment finished").first.inner_text()
    assert "1 succeeded, 0 failed" in summary
    expect(metric_value(shared_page, "Enriched")).to_have_text(str(STATE["conversations"]))
    assert_no_exception(shared_page)
    screenshot(shared_page, "flow-2-enrich")


def test_review_select_rows_in_the_grid_and_bulk_approve(shared_page: Any, app_url: str) -> None:
    open_page(shared_page, app_url, "review")
    wait_until_idle(shared_page)
    names = row_texts(shared_page)  # the grid shows at once; the name is asked when one decides
    picked = pending_rows(shared_page)[:-1]  # one stays waiting for the next stage
    assert picked, "the demo has conversations waiting for review"
    for index in picked:
        tick(shared_page, index)
    screenshot(shared_page, "flow-3-review-selected")
    click(shared_page, "Approve")
    shared_page.get_by_label("Your name").fill(REVIEWER)
    click(shared_page, "Continue")  # the approval asked for is made once the name is given
    shared_page.get_by_text(re.compile(rf"^{len(picked)} approved")).first.wait_for()
    wait_until_idle(shared_page)
    # The changed rows say so at once, in place.
    now = row_texts(shared_page)
    assert [now[i] for i in picked] == [names[i].replace("Waiting for review", "Approved") for i in picked]
    choose(shared_page, "Review status", "Waiting for review", multi=True)
    shared_page.get_by_text("Showing 1 to 1 of 1").wait_for()
    assert len(row_texts(shared_page)) == 1
    assert_no_exception(shared_page)
    screenshot(shared_page, "flow-3-review-approved")


def test_open_a_conversation_rate_a_turn_and_approve(shared_page: Any, app_url: str) -> None:
    open_row(shared_page, 0)
    opened = shared_page.url
    assert title(shared_page)
    turn_2 = shared_page.locator('[data-testid="stChatMessage"]').filter(has_text="Turn 2")
    turn_2.get_by_text("Good", exact=True).first.click()
    shared_page.get_by_text("Turn 2 rated Good.").first.wait_for()
    wait_until_idle(shared_page)
    texts = turn_2.locator('[data-testid="stMarkdown"]').all_inner_texts()
    STATE["rated_turn_words"] = next(t for t in texts if not t.startswith("Turn 2")).split()[:6]
    shared_page.locator("[class*='st-key-decide_approve_'] button").click()
    shared_page.get_by_text(re.compile(r": approved\.$")).first.wait_for()
    wait_until_idle(shared_page)
    # Nothing else is waiting in this list, so the page stays on the conversation, now approved.
    assert shared_page.url == opened
    shared_page.get_by_text("Approved").first.wait_for()
    assert_no_exception(shared_page)
    screenshot(shared_page, "flow-4-conversation")


def test_export_a_training_file_and_an_openai_file(shared_page: Any, app_url: str) -> None:
    open_page(shared_page, app_url, "export")
    shared_page.get_by_role("tab", name="Training files").click()
    shared_page.get_by_label("Name", exact=True).fill("e2e-approved")
    click(shared_page, "Create")
    approved = STATE["approved"] + STATE["pending"]  # the demo's, the bulk-approved and the one approved alone
    shared_page.get_by_text(f"Created 'e2e-approved': {approved} conversations").wait_for()
    wait_until_idle(shared_page)
    lines = jsonl(download(shared_page, "Download training.jsonl"))
    meta, records = lines[0]["_meta"], lines[1:]
    assert meta["total_pairs"] > 0 and records
    assert len({r["conversation_id"] for r in records}) == approved
    assert len({r["id"] for r in records}) == len(records)
    screenshot(shared_page, "flow-5-export-training-file")

    shared_page.get_by_role("tab", name="Download for a trainer").click()
    choose(shared_page, "Format", "OpenAI chat JSONL")
    click(shared_page, "Export and validate")
    shared_page.get_by_text("Validation passed").wait_for()
    examples = jsonl(download(shared_page, "Download openai.jsonl"))
    assert len(examples) == approved  # the approved conversations, one example each
    for example in examples:
        chat = [m for m in example["messages"] if m["role"] != "system"]
        assert [m["role"] for m in chat] == ["user", "assistant"] * (len(chat) // 2)
        assert len({m["content"] for m in chat}) == len(chat)  # no message repeated
    # Rated turns come back as loss weights on assistant replies (the demo reviewer rated some too); the turn
    # rated Good here is turn 2, the first assistant reply of its example, with weight 1.
    weighted = [(e, m) for e in examples for m in e["messages"] if "weight" in m]
    assert weighted and {m["role"] for _, m in weighted} == {"assistant"}
    ours = [(e, m) for e, m in weighted if m["content"].split()[:6] == STATE["rated_turn_words"]]
    assert len(ours) == 1 and ours[0][1]["weight"] == 1
    example, message = ours[0]
    assert [m for m in example["messages"] if m["role"] != "system"].index(message) == 1
    screenshot(shared_page, "flow-5-export-openai")


def test_generate_one_conversation_against_the_fake_claude(shared_page: Any, app_url: str) -> None:
    open_page(shared_page, app_url, "generate")
    click(shared_page, "Generate")
    shared_page.get_by_text("Conversation written").first.wait_for(timeout=60_000)
    wait_until_idle(shared_page)
    caption = shared_page.get_by_text(re.compile(r"^\d+ turns · cost")).inner_text()
    turns = int(re.search(r"(\d+) turns", caption).group(1))  # type: ignore[union-attr]
    assert turns > 0
    expect(shared_page.locator('[data-testid="stChatMessage"]')).to_have_count(turns)
    assert_no_exception(shared_page)
    screenshot(shared_page, "flow-6-generate")


def test_create_and_run_a_small_batch(shared_page: Any, app_url: str) -> None:
    open_page(shared_page, app_url, "jobs")
    choose(shared_page, "Clients", 0, multi=True)
    choose(shared_page, "Emotional journeys", 0, multi=True)
    choose(shared_page, "Topics", 0, multi=True)
    choose(shared_page, "Topics", 0, multi=True)
    shared_page.get_by_role("button", name="Create job").click()
    shared_page.get_by_text("Job created: 2 conversations").wait_for()
    wait_until_idle(shared_page)
    screenshot(shared_page, "flow-7-jobs-created")
    click(shared_page, "Run in background")
    shared_page.get_by_text("Finished 2 of 2 conversations").wait_for(timeout=120_000)
    expect(metric_value(shared_page, "Written / failed")).to_have_text("2 / 0")  # the live view catches up
    wait_until_idle(shared_page)
    # A finished job is still: no speed, no "updates by itself".
    expect(shared_page.get_by_text(re.compile(r"\d per minute|Starting…"))).to_have_count(0)
    expect(shared_page.get_by_text("updates by itself")).to_have_count(0)
    assert_no_exception(shared_page)
    screenshot(shared_page, "flow-7-jobs-finished")
