"""A database that refuses an operation, or cannot be reached, is a StorageError with a readable message."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from core.errors import StorageError
from core.storage.database import Database


@pytest.mark.parametrize("opening", ["transaction", "reading"])
def test_a_refused_statement_is_a_storage_error(tmp_path: Path, opening: str) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with (
        pytest.raises(StorageError, match="could not be reached or refused") as caught,
        getattr(db, opening)() as conn,
    ):
        conn.execute(sa.text("SELECT * FROM no_such_table"))
    assert caught.value.hint == "no such table: no_such_table"
    db.dispose()
