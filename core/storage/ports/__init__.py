"""The storage ports: what each area of ``core`` needs from the database, as ``typing.Protocol``s.

Services depend on these Protocols, never on SQL: ``core.bootstrap`` builds the implementations (one module per
port in ``core/storage``, the same SQLAlchemy Core code on SQLite and Postgres) and passes them in. A write that
must share a transaction with another port's write takes ``conn=``, a ``Connection`` from
``Transactions.transaction()``; services only hand it on, they never run a statement on it.

Each port has a contract suite in ``tests/contract`` run on SQLite and on the real PostgreSQL.

One module per port family (``base``, ``blobs``, ``conversations``, ``review``, ``failures``, ``training_files``,
``scaffolding``, ``batch``, ``projects``, ``training``, ``spend``, ``evaluation``, ``demo``, ``spec``); import them from here.
"""

from __future__ import annotations

from core.storage.ports.base import Connection, M, Rows, Transactions, Where
from core.storage.ports.batch import BatchRows, GenerationLogPort, ItemResult, JobQueue, RecentUsage
from core.storage.ports.blobs import BlobStore
from core.storage.ports.conversations import ConversationRows
from core.storage.ports.demo import DemoRows
from core.storage.ports.evaluation import EvaluationRows
from core.storage.ports.failures import FailureLog, FailureWriter
from core.storage.ports.projects import ProjectRows
from core.storage.ports.review import ReviewGrid, ReviewLog
from core.storage.ports.scaffolding import ScaffoldingRows
from core.storage.ports.spec import SpecProjectRows
from core.storage.ports.spend import SpendLog, StatusCounts
from core.storage.ports.training import TrainingRows
from core.storage.ports.training_files import TrainingFileRows

__all__ = [
    "BatchRows",
    "BlobStore",
    "Connection",
    "ConversationRows",
    "DemoRows",
    "EvaluationRows",
    "FailureLog",
    "FailureWriter",
    "GenerationLogPort",
    "ItemResult",
    "JobQueue",
    "M",
    "ProjectRows",
    "RecentUsage",
    "ReviewGrid",
    "ReviewLog",
    "Rows",
    "ScaffoldingRows",
    "SpecProjectRows",
    "SpendLog",
    "StatusCounts",
    "TrainingFileRows",
    "TrainingRows",
    "Transactions",
    "Where",
]
