from __future__ import annotations

import pytest

from core.batch.service import BatchService
from core.bootstrap import scaffolding_service
from core.settings import Settings
from core.storage.database import Database
from core.storage.jobqueue import SqlJobQueue


@pytest.fixture
def services_for_db(db: Database, settings: Settings) -> BatchService:
    """The batch service over the parametrised ``db`` (SQLite or Postgres)."""
    return BatchService(db, SqlJobQueue(db), scaffolding_service(db), settings)
