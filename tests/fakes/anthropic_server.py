"""A fake Anthropic Messages API on loopback, for tests and benchmarks. The real SDK talks to it via
``base_url``.

Scripted behaviours (``server.script("rate_limited", "success")``; an empty script means success):
success, rate_limited (429 + retry-after), overloaded (529), server_error (500), auth_error (401),
slow (sleeps past the client timeout), max_tokens, escaped_quote, malformed_json (repairable),
garbage (not JSON), schema_violation.
The pairwise judge of the held-out scorecard (its schema asks for ``better``) prefers the longer answer
(a tie when both are as long); ``always_a`` makes it pick the answer shown first (position bias);
``max_tokens``, ``garbage`` and ``schema_violation`` give a cut, a non-JSON and an incomplete verdict.
Replies that are not a Messages API body (a broken proxy, a cut connection): cut_body (a 200 whose JSON body
ends midway), html_page (a 200 HTML page), bare_message (``{"type": "message"}`` and nothing else),
nul_byte (a valid reply whose text holds NUL characters), echo_key (a 502 whose body echoes the API key,
as a misconfigured proxy at ANTHROPIC_BASE_URL may do).
Streams that break: stream_cut (the events stop halfway, before the stop reason: a connection closed early; a
plain request gets a JSON body cut halfway), stream_as_json (a misbehaving proxy: a stream request answered
with a plain JSON body, a plain request with the event stream), stream_reset (the connection drops halfway
through the body: fewer bytes than its content-length said).

``"stream": true`` requests get the same reply as server-sent events (message_start, text deltas,
message_delta with the stop reason, message_stop). Spec-pipeline requests (the merge prompt, a
section's execution prompts) get replies from ``tests.fakes.spec_replies``; drafting a starter set (clients, journeys,
topics) gets a career coach's from ``tests.fakes.draft_replies``.

Routes live in ``server.routes`` (method, path regex, handler) so more can be added, e.g. Message Batches.
Run as a process: ``python -m tests.fakes.anthropic_server --port 0 --latency-ms 50 --error-rate-429 0.1``
prints its URL on the first line.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes import draft_replies, spec_replies

BEHAVIOURS = (
    "success",
    "rate_limited",
    "overloaded",
    "server_error",
    "auth_error",
    "slow",
    "max_tokens",
    "escaped_quote",
    "malformed_json",
    "garbage",
    "schema_violation",
    "cut_body",
    "html_page",
    "bare_message",
    "nul_byte",
    "echo_key",
    "stream_cut",
    "stream_as_json",
    "stream_reset",
    "always_a",
)


@dataclass
class FakeRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    match: re.Match[str] | None = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class FakeResponse:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    content_type: str = "application/json"
    #: Send only this many bytes of the body, then drop the connection (its content-length is the whole body's).
    cut_at: int | None = None


Handler = Callable[["FakeAnthropicServer", FakeRequest], FakeResponse]


def error_body(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


def conversation_for(request_body: dict[str, Any], number: int) -> dict[str, Any]:
    """A valid raw conversation, different for every request (stored conversations must not repeat)."""
    prompt = json.dumps(request_body.get("messages", []))
    found = re.search(r"client_persona`?: \\?\"([^\"\\]+)", prompt)
    persona = found.group(1) if found else "Test Client - The Tester"
    turns = []
    for i, (role, emotion, intensity) in enumerate(
        [("user", "confusion", 0.8), ("assistant", "warmth", 0.5), ("user", "hope", 0.5), ("assistant", "calm", 0.4)],
        start=1,
    ):
        turns.append(
            {
                "turn_number": i,
                "role": role,
                "content": f"Request {number}, turn {i}: a {role} message that feels {emotion}.",
                "emotional_context": {"primary_emotion": emotion, "intensity": intensity},
            }
        )
    return {
        "conversation_metadata": {
            "client_persona": persona,
            "session_context": f"Fake session {number}",
            "conversation_phase": "initial_exploration",
        },
        "turns": turns,
    }


def is_judge_request(body: dict[str, Any]) -> bool:
    schema = ((body.get("output_config") or {}).get("format") or {}).get("schema") or {}
    return "empathy" in (schema.get("properties") or {})


def judge_reply_for(body: dict[str, Any]) -> dict[str, Any]:
    """Judge scores: 4s overall, one per-turn entry for each planned client turn in the prompt."""
    prompt = json.dumps(body.get("messages", []))
    plan = re.findall(r"- turn (\d+): about ([0-9.]+)", prompt)
    per_turn = [
        {"turn_number": int(n), "observed_intensity": float(x), "score": 4, "comment": "Close to the plan."}
        for n, x in plan
    ]
    scores = {"empathy": 5, "clarity": 4, "appropriateness": 4, "expert_voice_alignment": 4, "arc_adherence": 4}
    return scores | {"arc_adherence_per_turn": per_turn, "rationale": "Fake judge: warm, clear, on the arc."}


def is_pair_judge_request(body: dict[str, Any]) -> bool:
    schema = ((body.get("output_config") or {}).get("format") or {}).get("schema") or {}
    return "better" in (schema.get("properties") or {})


def pair_judge_reply_for(body: dict[str, Any], behaviour: str) -> tuple[str, str]:
    """The pairwise verdict (text, stop reason): the longer answer is better, or ``A`` when ``always_a``."""
    prompt = "".join(str(m.get("content", "")) for m in body.get("messages", []))
    found = re.search(r"## Answer A\n(.*?)\n\n## Answer B\n(.*?)\n\n## Rubric", prompt, re.S)
    answer_a, answer_b = (found.group(1), found.group(2)) if found else ("", "")
    if behaviour == "always_a":
        better = "A"
    elif len(answer_a.split()) == len(answer_b.split()):
        better = "tie"
    else:
        better = "A" if len(answer_a.split()) > len(answer_b.split()) else "B"
    high = dict.fromkeys(("empathy", "clarity", "appropriateness", "expert_voice_alignment"), 5)
    low = dict.fromkeys(high, 3)
    even = dict.fromkeys(high, 4)
    scores = {"A": (high, low), "B": (low, high), "tie": (even, even)}[better]
    reply: dict[str, Any] = {"answer_a": scores[0], "answer_b": scores[1], "better": better}
    reply["reason"] = f"Fake judge: answer {better} is fuller." if better != "tie" else "Fake judge: as good."
    text = json.dumps(reply)
    if behaviour == "max_tokens":
        return text[: len(text) // 2], "max_tokens"
    if behaviour == "garbage":
        return "I would rather not choose.", "end_turn"
    if behaviour == "schema_violation":
        del reply["better"]
        return json.dumps(reply), "end_turn"
    return text, "end_turn"


class FakeAnthropicServer:
    """Start with ``with FakeAnthropicServer() as server:``; point the SDK at ``server.url``."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency_ms: float = 0.0,
        error_rate_429: float = 0.0,
        retry_after_s: float = 0.05,
    ) -> None:
        self.latency_s = latency_ms / 1000
        self.error_rate_429 = error_rate_429
        self.retry_after_s = retry_after_s
        self.slow_s = 2.0
        self._random = random.Random(0)
        self._lock = threading.Lock()
        self._script: list[str] = []
        self._cached: set[str] = set()
        self._messages_answered = 0
        self.requests: list[FakeRequest] = []
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.add_route("POST", r"/v1/messages", FakeAnthropicServer.handle_messages)
        self.add_route("POST", r"/v1/messages/count_tokens", FakeAnthropicServer.handle_count_tokens)
        self._httpd = ThreadingHTTPServer((host, port), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- control ----------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def add_route(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method, re.compile(pattern + r"/?$"), handler))

    def script(self, *behaviours: str) -> None:
        """Queue behaviours for the next ``/v1/messages`` calls, in order."""
        unknown = [b for b in behaviours if b not in BEHAVIOURS]
        if unknown:
            raise ValueError(f"unknown behaviours {unknown}; known: {BEHAVIOURS}")
        with self._lock:
            self._script.extend(behaviours)

    def message_requests(self) -> list[FakeRequest]:
        return [r for r in self.requests if r.path.rstrip("/") == "/v1/messages"]

    @property
    def request_count(self) -> int:
        return len(self.message_requests())

    def start(self) -> FakeAnthropicServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-anthropic", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeAnthropicServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # -- dispatch ---------------------------------------------------------------------------------
    def dispatch(self, request: FakeRequest) -> FakeResponse:
        with self._lock:
            self.requests.append(request)
        if not (request.headers.get("x-api-key") or request.headers.get("authorization", "").startswith("Bearer ")):
            return FakeResponse(401, error_body("authentication_error", "an API key is required"))
        for method, pattern, handler in self.routes:
            match = pattern.fullmatch(request.path.split("?")[0])
            if method == request.method and match:
                request.match = match
                return handler(self, request)
        return FakeResponse(404, error_body("not_found_error", f"no route {request.method} {request.path}"))

    def _next_behaviour(self) -> tuple[str, int]:
        with self._lock:
            # Counted here, under the lock: two requests arriving together never get the same number (the same
            # conversation twice, which the store refuses as a duplicate).
            self._messages_answered += 1
            number = self._messages_answered
            if self._script:
                return self._script.pop(0), number
            if self.error_rate_429 and self._random.random() < self.error_rate_429:
                return "rate_limited", number
        return "success", number

    # -- routes -----------------------------------------------------------------------------------
    def handle_count_tokens(self, request: FakeRequest) -> FakeResponse:
        return FakeResponse(200, {"input_tokens": _tokens(json.dumps(request.body))})

    def handle_messages(self, request: FakeRequest) -> FakeResponse:
        body = request.body if isinstance(request.body, dict) else {}
        problem = validate_message_request(body)
        if problem:
            return FakeResponse(400, error_body("invalid_request_error", problem))
        behaviour, number = self._next_behaviour()
        errors = {
            "rate_limited": (429, "rate_limit_error", {"retry-after": str(self.retry_after_s)}),
            "overloaded": (529, "overloaded_error", {"retry-after": str(self.retry_after_s)}),
            "server_error": (500, "api_error", {"retry-after": str(self.retry_after_s)}),
            "auth_error": (401, "authentication_error", {}),
        }
        if behaviour in errors:
            status, kind, headers = errors[behaviour]
            return FakeResponse(status, error_body(kind, f"fake {behaviour}"), headers, self.latency_s)
        broken = self._broken_reply(behaviour, request, body, number)
        if broken is not None:
            return broken
        if is_pair_judge_request(body):  # the held-out scorecard's pairwise judge
            text, stop = pair_judge_reply_for(body, behaviour)
            return self._reply(body, self._message(body, text, stop, number), self.latency_s)
        if is_judge_request(body):  # the enrichment quality judge (its schema asks for "empathy")
            text = "I cannot score this." if behaviour == "garbage" else json.dumps(judge_reply_for(body))
            return self._reply(body, self._message(body, text, "end_turn", number), self.latency_s)
        if draft_replies.is_draft_request(body):  # "Draft my clients, journeys and topics"
            text, stop = draft_replies.reply_for(behaviour)
            return self._reply(body, self._message(body, text, stop, number), self.latency_s)
        if spec_replies.is_spec_request(body):
            text, stop = spec_replies.reply_for(body, truncate=behaviour == "max_tokens")
            return self._reply(body, self._message(body, text, stop, number), self.latency_s)
        conversation = conversation_for(body, number)
        text, stop = json.dumps(conversation, indent=2), "end_turn"
        if behaviour == "max_tokens":
            text, stop = text[: len(text) // 2], "max_tokens"
        elif behaviour == "escaped_quote":
            last = conversation["turns"][-1]
            last["content"] = last["content"][:30] + "\\"
            text = json.dumps(conversation, indent=2)
        elif behaviour == "malformed_json":
            text = text.rstrip().removesuffix("}").rstrip() + ",\n"  # trailing comma, missing brace
        elif behaviour == "garbage":
            text = "I am sorry, I cannot write that conversation."
        elif behaviour == "schema_violation":
            del conversation["turns"][0]["emotional_context"]
            text = json.dumps(conversation, indent=2)
        delay = self.latency_s + (self.slow_s if behaviour == "slow" else 0.0)
        return self._reply(body, self._message(body, text, stop, number), delay)

    @staticmethod
    def _reply(body: dict[str, Any], message: dict[str, Any], delay_s: float) -> FakeResponse:
        """The message as JSON, or as server-sent events when the request asked for a stream."""
        if not body.get("stream"):
            return FakeResponse(200, message, {}, delay_s)
        return FakeResponse(200, sse_events(message), {"content-type": "text/event-stream"}, delay_s)

    def _broken_reply(
        self, behaviour: str, request: FakeRequest, body: dict[str, Any], number: int
    ) -> FakeResponse | None:
        """The replies that are not a usable Messages API body."""
        if behaviour == "cut_body":
            whole = json.dumps(self._message(body, json.dumps(conversation_for(body, number)), "end_turn", number))
            return FakeResponse(200, whole[: len(whole) // 2].encode(), {}, self.latency_s)
        if behaviour == "stream_cut":
            whole = sse_events(self._message(body, json.dumps(conversation_for(body, number)), "end_turn", number))
            if not body.get("stream"):
                whole = json.dumps(self._message(body, "x" * 400, "end_turn", number)).encode()
                return FakeResponse(200, whole[: len(whole) // 2], {}, self.latency_s)
            cut = whole[: whole.index(b"event: content_block_stop")]
            return FakeResponse(200, cut, {"content-type": "text/event-stream"}, self.latency_s)
        if behaviour == "stream_reset":
            message = self._message(body, json.dumps(conversation_for(body, number)), "end_turn", number)
            whole = sse_events(message) if body.get("stream") else json.dumps(message).encode()
            kind = "text/event-stream" if body.get("stream") else "application/json"
            return FakeResponse(200, whole, {"content-type": kind}, self.latency_s, cut_at=len(whole) // 2)
        if behaviour == "stream_as_json":
            message = self._message(body, json.dumps(conversation_for(body, number)), "end_turn", number)
            if not body.get("stream"):
                return FakeResponse(200, sse_events(message), {"content-type": "text/event-stream"}, self.latency_s)
            return FakeResponse(200, message, {}, self.latency_s)
        if behaviour == "html_page":
            page = b"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
            return FakeResponse(200, page, {}, self.latency_s, content_type="text/html")
        if behaviour == "bare_message":
            return FakeResponse(200, {"type": "message"}, {}, self.latency_s)
        if behaviour == "nul_byte":
            conversation = conversation_for(body, number)
            conversation["turns"][0]["content"] += "\u0000 and more\x00"
            text = json.dumps(conversation, indent=2).replace("\\u0000", "\u0000") + "\u0000"
            return FakeResponse(200, self._message(body, text, "end_turn", number), {}, self.latency_s)
        if behaviour == "echo_key":
            key = request.headers.get("x-api-key") or request.headers.get("authorization", "").removeprefix("Bearer ")
            return FakeResponse(
                502, error_body("api_error", f"upstream refused key {key} for this route"), {}, self.latency_s
            )
        return None

    def _message(self, body: dict[str, Any], text: str, stop: str, number: int) -> dict[str, Any]:
        """A Messages API reply; a ``cache_control`` system block is written once, then read."""
        system = body.get("system") or []
        blocks = [system] if isinstance(system, str) else system
        cache_write = cache_read = 0
        for block in blocks:
            if isinstance(block, dict) and block.get("cache_control"):
                with self._lock:
                    seen = block["text"] in self._cached
                    self._cached.add(block["text"])
                if seen:
                    cache_read += _tokens(block["text"])
                else:
                    cache_write += _tokens(block["text"])
        input_tokens = (
            _tokens(json.dumps(body.get("messages", []))) + _tokens(json.dumps(blocks)) - cache_read - cache_write
        )
        return {
            "id": f"msg_fake_{number:05d}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model", ""),
            "content": [{"type": "text", "text": text}],
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {
                "input_tokens": max(1, input_tokens),
                "output_tokens": _tokens(text),
                "cache_creation_input_tokens": cache_write,
                "cache_read_input_tokens": cache_read,
            },
        }


def sse_events(message: dict[str, Any]) -> bytes:
    """A Messages API reply as the event stream the SDK's ``messages.stream`` reads."""
    text = "".join(block.get("text", "") for block in message["content"])
    start = message | {"content": [], "stop_reason": None, "usage": message["usage"] | {"output_tokens": 0}}
    pieces = [text[i : i + 200] for i in range(0, len(text), 200)] or [""]
    events: list[tuple[str, dict[str, Any]]] = [
        ("message_start", {"type": "message_start", "message": start}),
        (
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        ),
        *(
            (
                "content_block_delta",
                {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}},
            )
            for piece in pieces
        ),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                "usage": {"output_tokens": message["usage"]["output_tokens"]},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events).encode()


def validate_message_request(body: dict[str, Any]) -> str | None:
    """The checks the real API makes that our client could get wrong."""
    for name in ("model", "max_tokens", "messages"):
        if name not in body:
            return f"{name}: Field required"
    fmt = (body.get("output_config") or {}).get("format")
    if fmt is not None and (fmt.get("type") != "json_schema" or not isinstance(fmt.get("schema"), dict)):
        return "output_config.format: expected {type: json_schema, schema: {...}}"
    for name in ("output_format", "temperature", "top_p", "top_k"):  # refused by API version 2026-10-21
        if name in body:
            return f"{name}: Extra inputs are not permitted"
    return None


def _make_handler(server: FakeAnthropicServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            return

        def do_POST(self) -> None:
            self._serve()

        def do_GET(self) -> None:
            self._serve()

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body: Any = json.loads(raw) if raw else None
            except ValueError:
                body = None
            headers = {k.lower(): v for k, v in self.headers.items()}
            response = server.dispatch(FakeRequest(self.command, self.path, headers, body))
            if response.delay_s:
                time.sleep(response.delay_s)
            payload = response.body if isinstance(response.body, bytes) else json.dumps(response.body).encode()
            try:
                self.send_response(response.status)
                self.send_header("content-type", response.headers.pop("content-type", "application/json"))
                self.send_header("content-length", str(len(payload)))
                self.send_header("request-id", f"req_fake_{len(server.requests):05d}")
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if response.cut_at is not None:
                    self.wfile.write(payload[: response.cut_at])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                pass

    return _Handler


def main() -> None:
    parser = argparse.ArgumentParser(description="Fake Anthropic Messages API on loopback.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--error-rate-429", type=float, default=0.0)
    parser.add_argument("--retry-after-s", type=float, default=0.05, help="The retry-after header of error replies.")
    args = parser.parse_args()
    server = FakeAnthropicServer(
        port=args.port, latency_ms=args.latency_ms, error_rate_429=args.error_rate_429, retry_after_s=args.retry_after_s
    )
    print(server.url, flush=True)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()


if __name__ == "__main__":
    main()
