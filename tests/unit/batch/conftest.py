from __future__ import annotations

import pytest

from core.batch.service import BatchService
from core.bootstrap import batch_store, scaffolding_service
from core.settings import Settings
from core.storage.database import Database


@pytest.fixture
def services_for_db(db: Database, settings: Settings) -> BatchService:
    """The batch service over the parametrised ``db`` (SQLite or Postgres)."""
    return BatchService(batch_store(db), scaffolding_service(db), settings)
