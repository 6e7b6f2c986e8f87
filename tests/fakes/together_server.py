"""A fake of Together's fine-tuning API on loopback; the real ``together`` SDK talks to it via ``base_url``.

What it serves, as the SDK calls it: file upload (``POST /v1/files`` answers 302 with the upload URL and the
file id, the SDK PUTs the bytes there, then ``POST /v1/files/{id}/preprocess``), model limits, price estimate,
fine-tuning create / retrieve / cancel / list / list events, and the adapter download (a ``.tar.gz`` holding
``adapter_config.json`` and ``adapter_model.safetensors``).

A job advances one state per retrieve: queued → running (step 1 of N, then each step) → completed; its
``total_price`` (nanodollars, as Together reports it) grows with the steps. Failure modes, set on the server:

- ``fail_upload``: the upload is refused before a file id is returned (500 on ``POST /v1/files``);
- ``poll_errors``: a list of HTTP codes the next retrieves answer with (429, 500, 503), in order;
- ``end_in``: the job ends in ``error`` or ``user_error`` (with an error event) instead of ``completed``;
- ``cut_download``: the adapter download stops midway (the connection closes before the promised length).
"""

from __future__ import annotations

import io
import json
import re
import tarfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

NANODOLLARS = 1_000_000_000
PRICE_PER_STEP_USD = 0.25


@dataclass
class FakeJob:
    id: str
    model: str
    training_file: str
    validation_file: str | None
    params: dict[str, Any]
    total_steps: int = 3
    status: str = "pending"
    step: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def price_usd(self) -> float:
        return self.step * PRICE_PER_STEP_USD


class FakeTogetherServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.lock = threading.Lock()
        self.files: dict[str, bytes] = {}
        self.jobs: dict[str, FakeJob] = {}
        self.requests: list[tuple[str, str]] = []
        self.fail_upload = False
        self.poll_errors: list[int] = []
        self.end_in: str | None = None
        self.cut_download = False
        self.down = False  # chat completions answer with an error (a model no longer deployed)
        self.total_steps = 3
        self.adapter = _adapter_archive()
        self._httpd = ThreadingHTTPServer((host, 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeTogetherServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def calls(self, method: str, pattern: str) -> int:
        return sum(1 for m, p in self.requests if m == method and re.fullmatch(pattern, p))

    # -- the job's life ----------------------------------------------------------------------------------
    def advance(self, job: FakeJob) -> None:
        if job.status in ("completed", "cancelled", "error", "user_error"):
            return
        if job.status == "cancel_requested":
            job.status = "cancelled"
        elif job.status == "pending":
            job.status = "queued"
        elif job.status == "queued":
            job.status, job.step = "running", 1
        elif job.step < job.total_steps:
            job.step += 1
            if self.end_in and job.step == job.total_steps:
                job.status = self.end_in
                job.events.append(_event("error", "The job failed: the dataset's tokens could not be read.", job))
                return
        else:
            job.status = "completed"
            return
        if job.status == "running":
            loss = round(2.0 / job.step, 4)
            job.events.append(_event("TRAINING_PROGRESS", f"Step {job.step}/{job.total_steps}, loss {loss}", job))

    def job_body(self, job: FakeJob) -> dict[str, Any]:
        return {
            "id": job.id,
            "status": job.status,
            "user_id": "user-1",
            "model": job.model,
            "training_file": job.training_file,
            "validation_file": job.validation_file,
            "model_output_name": f"brightrun/{job.model.split('/')[-1]}-{job.id[-6:]}",
            "total_price": int(job.price_usd * NANODOLLARS),
            "n_epochs": job.params.get("n_epochs"),
            "learning_rate": job.params.get("learning_rate"),
            "events": job.events,
        }


def _event(kind: str, message: str, job: FakeJob) -> dict[str, Any]:
    return {
        "object": "fine-tune-event",
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "type": kind,
        "message": message,
        "level": "error" if kind == "error" else "info",
        "step": job.step,
        "total_steps": job.total_steps,
    }


def _adapter_archive() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in (
            ("adapter_config.json", json.dumps({"peft_type": "LORA", "r": 8, "lora_alpha": 16}).encode()),
            ("adapter_model.safetensors", b"\0" * 4096),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


LIMITS = {
    "model_name": "",
    "max_num_epochs": 20,
    "max_num_evals": 10,
    "max_num_checkpoints": 5,
    "max_learning_rate": 1.0,
    "min_learning_rate": 1e-6,
    "default_gradient_accumulation_steps": 1,
    "max_seq_length_sft": 8192,
    "max_seq_length_dpo": 8192,
    "min_max_seq_length": 128,
    "merge_output_lora": False,
    "supports_full_training": False,
    "supports_reasoning": False,
    "supports_tools": False,
    "supports_vision": False,
    "lora_training": {
        "default_rank": 8,
        "max_batch_size": 64,
        "max_batch_size_dpo": 64,
        "max_rank": 64,
        "min_batch_size": 1,
        "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"],
    },
}


def _chat_completion(body: dict[str, Any], down: bool) -> dict[str, Any]:
    """A chat completion naming the model and the client's last words (``down``: an error body instead)."""
    if down:
        return {"error": {"message": "model not available"}}
    last = next((m.get("content", "") for m in reversed(body.get("messages") or []) if m.get("role") == "user"), "")
    text = f"[{body.get('model')}] I hear you: {last}"
    return {
        "id": f"chat-{uuid.uuid4()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 8, "total_tokens": 18},
    }


def _handler(server: FakeTogetherServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: object) -> None:
            return

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _send(self, code: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body if body is not None else {}).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _route(self, method: str) -> None:
            path = self.path.split("?")[0]
            body = self._body()
            with server.lock:
                server.requests.append((method, path))
            if method == "POST" and path == "/v1/chat/completions":  # inference, for Try it on a hosted model
                self._send(404 if server.down else 200, _chat_completion(json.loads(body or b"{}"), server.down))
                return
            if method == "POST" and path == "/v1/files":
                if server.fail_upload:
                    self._send(500, {"error": {"message": "upload storage unavailable"}})
                    return
                file_id = f"file-{uuid.uuid4()}"
                location = f"{server.url}/upload/{file_id}"
                self._send(302, {}, {"Location": location, "X-Together-File-Id": file_id})
                return
            if method == "PUT" and (found := re.fullmatch(r"/upload/(file-[\w-]+)", path)):
                server.files[found.group(1)] = body
                self._send(200, {})
                return
            if method == "POST" and (found := re.fullmatch(r"/v1/files/(file-[\w-]+)/preprocess", path)):
                file_id = found.group(1)
                self._send(
                    200,
                    {
                        "id": file_id,
                        "object": "file",
                        "purpose": "fine-tune",
                        "filename": "train.jsonl",
                        "bytes": len(server.files.get(file_id, b"")),
                        "created_at": 0,
                        "FileType": "jsonl",
                    },
                )
                return
            if method == "GET" and path == "/v1/fine-tunes/models/limits":
                self._send(200, LIMITS)
                return
            if method == "POST" and path == "/v1/fine-tunes/estimate-price":
                self._send(
                    200, {"estimation_available": True, "estimated_total_price": 0.75, "allowed_to_proceed": True}
                )
                return
            if method == "GET" and path == "/v1/fine-tunes":
                self._send(200, {"data": [server.job_body(j) for j in server.jobs.values()]})
                return
            if method == "POST" and path == "/v1/fine-tunes":
                params = json.loads(body or b"{}")
                job = FakeJob(
                    id=f"ft-{uuid.uuid4()}",
                    model=params.get("model", ""),
                    training_file=params["training_file"],
                    validation_file=params.get("validation_file") or None,
                    params=params,
                    total_steps=server.total_steps,
                )
                server.jobs[job.id] = job
                self._send(200, server.job_body(job))
                return
            if found := re.fullmatch(r"/v1/fine-tunes/(ft-[\w-]+)(/cancel|/events)?", path):
                job = server.jobs.get(found.group(1))
                if job is None:
                    self._send(404, {"error": {"message": "no such job"}})
                    return
                suffix = found.group(2)
                if method == "POST" and suffix == "/cancel":
                    if job.status not in ("completed", "error", "user_error", "cancelled"):
                        job.status = "cancel_requested"
                    self._send(200, server.job_body(job))
                    return
                if method == "GET" and suffix == "/events":
                    self._send(200, {"data": job.events})
                    return
                if method == "GET" and suffix is None:
                    with server.lock:
                        code = server.poll_errors.pop(0) if server.poll_errors else None
                    if code is not None:
                        self._send(code, {"error": {"message": "busy"}}, {"retry-after": "0"})
                        return
                    server.advance(job)
                    self._send(200, server.job_body(job))
                    return
            if method == "GET" and path == "/v1/finetune/download":
                data = server.adapter
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if server.cut_download:
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(data)
                return
            self._send(404, {"error": {"message": f"no route {method} {path}"}})

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def do_PUT(self) -> None:
            self._route("PUT")

    return Handler
