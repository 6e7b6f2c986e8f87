"""The fake Messages API as a separate process, and generation called from several threads at once."""

from __future__ import annotations

import subprocess
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor

from core.bootstrap import Services
from core.llm.claude import ClaudeClient
from core.llm.types import MessageRequest
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.fixtures import FAKE_KEY
from tests.support.paths import REPO_ROOT

KEYS = ("anxious_planner", "confusion_to_clarity", "roth_ira_conversion")


def test_fake_server_runs_as_a_process_and_prints_its_url() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.anthropic_server", "--port", "0", "--latency-ms", "5"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = (process.stdout.readline() if process.stdout else "").strip()
        client = ClaudeClient(api_key=FAKE_KEY, base_url=url, timeout_s=5, max_retries=0)
        reply = client.create_message(
            MessageRequest(model="claude-haiku-4-5", max_tokens=100, messages=[{"role": "user", "content": "hi"}])
        )
        assert url.startswith("http://127.0.0.1:") and reply.stop_reason == "end_turn"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_generations_from_several_threads_all_land(gen_services: Services) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: gen_services.generation.generate(*KEYS), range(4)))
    assert all(r.ok for r in results) and len({r.conversation_id for r in results}) == 4
    assert gen_services.db.conversations.count() == 4 and gen_services.db.logs.count() == 4
    assert gen_services.scaffolding.get("personas", KEYS[0]).usage_count == 4


def test_a_retired_model_raises_no_sdk_warning(fake_claude: FakeAnthropicServer) -> None:
    """We report retired models ourselves: the SDK's DeprecationWarning never reaches the person (the
    adapter silences it only for a retired model, not around every call of a batch)."""
    client = ClaudeClient(api_key=FAKE_KEY, base_url=fake_claude.url, timeout_s=5, max_retries=0)
    ask = {"max_tokens": 50, "messages": [{"role": "user", "content": "hi"}]}
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        client.create_message(MessageRequest(model="claude-haiku-4-5", **ask))  # type: ignore[arg-type]
        client.create_message(MessageRequest(model="claude-1.3", **ask))  # type: ignore[arg-type]
    assert [str(w.message) for w in seen if issubclass(w.category, DeprecationWarning)] == []
