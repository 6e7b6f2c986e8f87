"""One worker serves the batch jobs of every project, and each job's items run in the job's own project:
its scaffolding, its conversations, its call log (issue 25). Real SDK, fake server, the real runner."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from core.batch.service import BatchRequest
from core.bootstrap import Services, build_services
from core.bootstrap.workers import WorkerOptions, serve_every_project
from core.models.scaffolding import Persona
from core.scaffolding.defaults import install_defaults
from core.settings import Settings
from tests.fakes.anthropic_server import FakeAnthropicServer
from tests.fakes.fixtures import FAKE_KEY

KEYS = {"personas": ["anxious_planner"], "arcs": ["confusion_to_clarity"], "topics": ["roth_ira_conversion"]}


@pytest.fixture
def gen_services(settings: Settings, fake_claude: FakeAnthropicServer) -> Iterator[Services]:
    overrides = {"anthropic_api_key": FAKE_KEY, "anthropic_base_url": fake_claude.url, "enrich_after_generate": False}
    built = build_services(Settings(**(settings.model_dump(exclude=set(overrides)) | overrides)))
    yield built
    built.close()


def test_one_worker_runs_each_projects_job_in_that_project(gen_services: Services) -> None:
    first = gen_services
    coach = first.in_project(first.projects.create("Career coach").slug)
    for svc in (first, coach):
        install_defaults(svc.scaffolding)
    # The coach's client of that key has their own name: the coach's job must read the coach's scaffolding.
    theirs = coach.db.personas.find_by(persona_key="anxious_planner")
    assert theirs is not None
    coach.db.personas.update(theirs.id, name="Priya the career changer")
    jobs = {
        "first": first.batch.create(BatchRequest(**KEYS, variations=1, concurrency=1)),
        "coach": coach.batch.create(BatchRequest(**KEYS, variations=2, concurrency=1)),
    }
    stop = threading.Event()
    serving = threading.Thread(
        target=serve_every_project, args=(first, stop, WorkerOptions(lease_s=30, poll_s=0.05, batch_poll_s=0.05))
    )
    serving.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = [first.batch.get(jobs["first"].id), coach.batch.get(jobs["coach"].id)]
            if all(j.status == "completed" for j in done):
                break
            time.sleep(0.1)
    finally:
        stop.set()
        serving.join(timeout=30)
    assert [j.status for j in done] == ["completed", "completed"]
    assert (first.db.conversations.count(), coach.db.conversations.count()) == (1, 2)
    assert {c.project_id for c in coach.db.conversations.list()} == {coach.project_id}
    assert (first.db.logs.count(), coach.db.logs.count()) == (1, 2)
    assert all(c.persona_id == theirs.id for c in coach.db.conversations.list())
    assert isinstance(theirs, Persona)
