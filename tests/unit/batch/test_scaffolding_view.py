"""A batch's view of scaffolding: reads kept for a few seconds, one owner's records only, misses not kept."""

from __future__ import annotations

import pytest

from core.batch.scaffolding_view import CachedScaffolding
from core.bootstrap import scaffolding_service
from core.errors import NotFoundError
from core.scaffolding.defaults import install_defaults
from core.storage.database import Database


def test_a_read_is_kept_for_the_ttl_and_an_edit_shows_after_it(db: Database) -> None:
    base = scaffolding_service(db)
    install_defaults(base)
    persona = base.list("personas")[0]
    view = CachedScaffolding(base, None, ttl_s=60)
    assert view.get("personas", persona.persona_key).name == persona.name
    db.personas.update(persona.id, name="Renamed while the job runs")
    assert view.get("personas", persona.persona_key).name == persona.name  # kept
    fresh = CachedScaffolding(base, None, ttl_s=0)
    assert fresh.get("personas", persona.persona_key).name == "Renamed while the job runs"


def test_a_missing_key_raises_every_time_and_is_found_once_added(db: Database) -> None:
    base = scaffolding_service(db)
    install_defaults(base)
    view = CachedScaffolding(base, None, ttl_s=60)
    with pytest.raises(NotFoundError):
        view.get("topics", "added_later")
    data = base.list("topics")[0].model_dump(exclude={"id", "created_at", "updated_at"})
    base.save("topics", data | {"topic_key": "added_later", "name": "Added later"})
    assert view.get("topics", "added_later").name == "Added later"


def test_the_view_sees_only_its_owners_and_shared_records(db: Database) -> None:
    base = scaffolding_service(db)
    install_defaults(base)
    data = base.list("topics")[0].model_dump(exclude={"id", "created_at", "updated_at"})
    base.for_owner("alice").save(
        "topics", data | {"topic_key": "alices_topic", "name": "Alice's", "created_by": "alice"}
    )
    assert CachedScaffolding(base, "alice").get("topics", "alices_topic").name == "Alice's"
    with pytest.raises(NotFoundError):
        CachedScaffolding(base, "bob").get("topics", "alices_topic")
