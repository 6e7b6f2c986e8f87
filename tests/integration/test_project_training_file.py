"""A training file made in a project holds only that project's conversations, and its header names that
project's expert (issue 25: the coach's first file mixed in the demo planner's conversations and profile)."""

from __future__ import annotations

import json

import pytest

from core.bootstrap import Services
from core.demo import demo_files
from core.demo.project import load_demo_project
from core.errors import ValidationError
from core.models.scaffolding import ExpertProfile


def test_a_projects_training_file_holds_its_conversations_and_names_its_expert(services: Services) -> None:
    demo = services.in_project(load_demo_project(services)[0].id)
    demo_ids = [c.conversation_id for c in demo.db.conversations.list()]
    coach = services.in_project(services.projects.create("Career coach").slug)
    coach.db.expert_profiles.add(
        ExpertProfile(
            profile_key="priya_coach", name="Priya Nair", business="Career coaching", vertical="career_coaching"
        )
    )
    (mine,) = coach.importer.import_path(demo_files()[1]).imported
    coach.enrichment.run_many([mine])
    coach.review.decide(mine, "approve", "Priya", confirm=("not_scored", "truncated", "not_enriched"))

    with pytest.raises(ValidationError) as refused:  # another project's conversation cannot be a member
        coach.training_files.create("Career coach v1", conversation_ids=[mine, demo_ids[0]])
    assert refused.value.problems == [f"{demo_ids[0]}: no such conversation"]
    made = coach.training_files.create("Career coach v1")
    assert coach.training_files.member_ids(made.id) == [mine]
    document = json.loads(coach.training_files.read(made.id, "json"))
    assert document["consultant_profile"]["name"] == "Priya Nair"
    assert document["training_file_metadata"]["vertical"] == "career_coaching"
    (entry,) = document["conversations"]
    assert entry["conversation_metadata"]["source_file"] == f"career_coach_conversation_{mine}.json"
    enriched = coach.conversations.read_json(coach.db.conversations.get(mine).enriched_file_path)
    assert enriched is not None
    assert enriched["dataset_metadata"]["dataset_name"] == f"career_coach_conversation_{mine}"
    # The demo's file is untouched and names the demo's planner.
    assert [f.name for f in coach.training_files.list_files()] == ["Career coach v1"]
    assert len(demo.training_files.list_files()) == 1


def test_the_demo_loads_into_the_first_project_and_into_its_own_project_side_by_side(services: Services) -> None:
    from core.demo import fill_demo

    fill_demo(services)  # ``python -m core demo load``: into the current project
    demo = services.in_project(load_demo_project(services)[0].id)
    assert demo.db.conversations.count() == services.db.conversations.count() >= 12
    assert demo.db.training_files.count() == services.db.training_files.count() == 1
    mine = {c.conversation_id for c in services.db.conversations.list()}
    assert mine.isdisjoint(c.conversation_id for c in demo.db.conversations.list())
