"""Message Batches routes for the fake Anthropic server, plugged into its routing table.

``FakeMessageBatches(server, polls_until_ended=1, errored=...)`` adds create, retrieve, cancel and results
(JSONL). A batch reports ``in_progress`` for its first ``polls_until_ended`` retrieves, then ``ended``.
Requests whose ``custom_id`` is in ``errored`` get an ``errored`` result; the rest a valid conversation.

Cancel, as the API does it: a batch still in progress turns ``canceling`` for ``polls_after_cancel``
retrieves, then ``ended``; its first ``finished_before_cancel`` requests had finished (their results are
real), the rest are ``canceled``. Cancelling an ended batch changes nothing. ``on_create`` (if set) runs while
a batch is being created, before the answer goes back: a test cancels the job there ("during submit").
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes import spec_replies
from tests.fakes.anthropic_server import (
    FakeAnthropicServer,
    FakeRequest,
    FakeResponse,
    conversation_for,
    error_body,
    validate_message_request,
)

#: Numbers of batch conversations start here, so their text never equals an online one's.
FIRST_NUMBER = 100_000


@dataclass
class FakeBatch:
    id: str
    requests: list[dict[str, Any]]
    created_at: datetime
    retrieves: int = 0
    canceled: bool = False
    retrieves_since_cancel: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)


class FakeMessageBatches:
    def __init__(
        self, server: FakeAnthropicServer, *, polls_until_ended: int = 1, errored: set[str] | None = None
    ) -> None:
        self.server = server
        self.polls_until_ended = polls_until_ended
        self.polls_after_cancel = 0
        self.finished_before_cancel = 0
        self.on_create: Any = None
        self.cancels: list[str] = []
        self.errored = errored if errored is not None else set()
        self.batches: dict[str, FakeBatch] = {}
        self._lock = threading.Lock()
        self._numbers = FIRST_NUMBER
        server.add_route("POST", r"/v1/messages/batches", self._route(self.create))
        server.add_route("GET", r"/v1/messages/batches/(?P<id>[^/?]+)", self._route(self.retrieve))
        server.add_route("POST", r"/v1/messages/batches/(?P<id>[^/?]+)/cancel", self._route(self.cancel))
        server.add_route("GET", r"/v1/messages/batches/(?P<id>[^/?]+)/results", self._route(self.results))

    @staticmethod
    def _route(method: Any) -> Any:
        return lambda _server, request: method(request)

    # -- routes ---------------------------------------------------------------------------------------
    def create(self, request: FakeRequest) -> FakeResponse:
        body = request.body if isinstance(request.body, dict) else {}
        requests = body.get("requests")
        if not isinstance(requests, list) or not requests:
            return FakeResponse(400, error_body("invalid_request_error", "requests: at least one is required"))
        ids = [r.get("custom_id") for r in requests]
        if len(set(ids)) != len(ids):
            return FakeResponse(400, error_body("invalid_request_error", "custom_id values must be unique"))
        for entry in requests:
            problem = validate_message_request(entry.get("params") or {})
            if problem:
                return FakeResponse(400, error_body("invalid_request_error", f"{entry.get('custom_id')}: {problem}"))
        with self._lock:
            batch = FakeBatch(f"msgbatch_fake_{len(self.batches) + 1:04d}", requests, datetime.now(UTC))
            self.batches[batch.id] = batch
        if self.on_create is not None:
            self.on_create(batch)
        return FakeResponse(200, self._describe(batch))

    def retrieve(self, request: FakeRequest) -> FakeResponse:
        batch = self._find(request)
        if batch is None:
            return FakeResponse(404, error_body("not_found_error", "no such batch"))
        if batch.canceled:
            batch.retrieves_since_cancel += 1
        else:
            batch.retrieves += 1
        return FakeResponse(200, self._describe(batch))

    def cancel(self, request: FakeRequest) -> FakeResponse:
        batch = self._find(request)
        if batch is None:
            return FakeResponse(404, error_body("not_found_error", "no such batch"))
        self.cancels.append(batch.id)
        if not self._ended(batch):
            batch.canceled = True
        return FakeResponse(200, self._describe(batch))

    def results(self, request: FakeRequest) -> FakeResponse:
        batch = self._find(request)
        if batch is None or not self._ended(batch):
            return FakeResponse(404, error_body("not_found_error", "results are not ready"))
        lines = [json.dumps(r) for r in self._results(batch)]
        return FakeResponse(200, ("\n".join(lines) + "\n").encode())

    # -- helpers --------------------------------------------------------------------------------------
    def _find(self, request: FakeRequest) -> FakeBatch | None:
        return self.batches.get(request.match.group("id")) if request.match else None

    def _ended(self, batch: FakeBatch) -> bool:
        if batch.canceled:
            return batch.retrieves_since_cancel >= self.polls_after_cancel
        return batch.retrieves >= self.polls_until_ended

    def _results(self, batch: FakeBatch) -> list[dict[str, Any]]:
        with self._lock:
            if not batch.results:
                for index, entry in enumerate(batch.requests):
                    result = self._result(
                        batch, entry, canceled=batch.canceled and index >= self.finished_before_cancel
                    )
                    batch.results.append({"custom_id": entry["custom_id"], "result": result})
            return batch.results

    def _result(self, batch: FakeBatch, entry: dict[str, Any], *, canceled: bool) -> dict[str, Any]:
        if canceled:
            return {"type": "canceled"}
        if entry["custom_id"] in self.errored:
            return {"type": "errored", "error": error_body("invalid_request_error", "fake errored request")}
        self._numbers += 1
        params = entry["params"]
        text, stop = json.dumps(conversation_for(params, self._numbers), indent=2), "end_turn"
        if spec_replies.is_spec_request(params):
            text, stop = spec_replies.reply_for(params)
        return {"type": "succeeded", "message": self.server._message(params, text, stop, self._numbers)}

    def _describe(self, batch: FakeBatch) -> dict[str, Any]:
        ended = self._ended(batch)
        results = self._results(batch) if ended else []
        kinds = [r["result"]["type"] for r in results]
        return {
            "id": batch.id,
            "type": "message_batch",
            "processing_status": "ended" if ended else "canceling" if batch.canceled else "in_progress",
            "request_counts": {
                "processing": 0 if ended else len(batch.requests),
                "succeeded": kinds.count("succeeded"),
                "errored": kinds.count("errored"),
                "canceled": kinds.count("canceled"),
                "expired": 0,
            },
            "created_at": batch.created_at.isoformat(),
            "expires_at": (batch.created_at + timedelta(days=1)).isoformat(),
            "ended_at": datetime.now(UTC).isoformat() if ended else None,
            "cancel_initiated_at": datetime.now(UTC).isoformat() if batch.canceled else None,
            "archived_at": None,
            "results_url": f"{self.server.url}/v1/messages/batches/{batch.id}/results" if ended else None,
        }
