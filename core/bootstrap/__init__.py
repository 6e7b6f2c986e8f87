"""The one composition root: settings in, wired services out.

Pages cache ``build_services`` with ``st.cache_resource``; the CLI calls it once per command; tests call
it with settings pointing at a temporary folder (or a test Postgres).

One module per seam: ``storage`` builds the database, the blob store and each storage port; ``base`` holds
what every service shares (settings, storage, the project, the Claude client); ``services`` wires the
services on first use; ``wiring`` builds the services that tools also make over another database;
``build`` is the process entry (``build_services``); ``auth`` gives services that act as a signed-in user.
"""

from __future__ import annotations

from core.bootstrap.auth import anonymous_services, user_services
from core.bootstrap.build import build_services
from core.bootstrap.services import Services
from core.bootstrap.storage import build_blob_store
from core.bootstrap.wiring import batch_store, check_template, conversation_store, review_service, scaffolding_service

__all__ = [
    "Services",
    "anonymous_services",
    "batch_store",
    "build_blob_store",
    "build_services",
    "check_template",
    "conversation_store",
    "review_service",
    "scaffolding_service",
    "user_services",
]
