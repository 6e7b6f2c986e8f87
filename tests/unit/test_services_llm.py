"""The app's Claude client (``Services.llm``): built once, even when many batch lanes ask for it together."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from core.bootstrap import Services, build_services
from core.errors import LLMUnavailableError
from core.llm.claude import ClaudeClient
from core.settings import Settings
from tests.fakes.fixtures import FAKE_KEY


def counting_builds(monkeypatch: pytest.MonkeyPatch) -> list[ClaudeClient]:
    """Record every client ``from_settings`` builds (each build slowed a little, as a real one can be, so
    lanes that ask together really overlap)."""
    built: list[ClaudeClient] = []
    real = ClaudeClient.from_settings.__func__  # type: ignore[attr-defined]

    def slow_build(cls: type[ClaudeClient], settings: Settings) -> ClaudeClient:
        time.sleep(0.02)
        client = real(cls, settings)
        built.append(client)
        return client

    monkeypatch.setattr(ClaudeClient, "from_settings", classmethod(slow_build))
    return built


def ask_together(services: Services, lanes: int) -> list[object]:
    gate = threading.Barrier(lanes)
    seen: list[object] = []

    def lane() -> None:
        gate.wait()
        try:
            seen.append(services.llm)
        except LLMUnavailableError as err:
            seen.append(err)

    threads = [threading.Thread(target=lane) for _ in range(lanes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seen


def test_lanes_asking_together_for_the_first_time_share_one_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = counting_builds(monkeypatch)
    services = build_services(Settings(data_dir=tmp_path / "data", anthropic_api_key=FAKE_KEY))
    try:
        seen = ask_together(services, 16)
        assert len(built) == 1 and len(seen) == 16 and all(client is built[0] for client in seen)
        services.forget_llm()  # a new key was saved: the next use builds a fresh client, once
        assert services.llm is not built[0] and len(built) == 2
    finally:
        services.close()


def test_without_a_key_every_lane_is_told_how_to_add_one_and_nothing_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    services = build_services(Settings(data_dir=tmp_path / "data", anthropic_api_key=None))
    try:
        seen = ask_together(services, 4)
        assert all(isinstance(err, LLMUnavailableError) for err in seen) and "llm" not in services.extras
    finally:
        services.close()
