"""A loopback stand-in for the few Supabase HTTP routes the app calls, kept in memory.

Storage (``/storage/v1``, the routes ``storage3`` 2.34 calls for our adapter): upload (``POST``/``PUT
/object/{bucket}/{path}``, multipart), download (``GET /object/{bucket}/{path}``), list (``POST
/object/list/{bucket}``, one folder level, folders without an ``id``), remove (``DELETE /object/{bucket}``),
signed URL (``POST /object/sign/{bucket}/{path}``) and the signed download it points to. Errors look like
Storage's: HTTP 400 with ``{"statusCode": "404", "error": "not_found", "message": ...}``.
Auth (``/auth/v1``): password sign-in (``POST /token?grant_type=password``) and ``POST /logout``.
Every request must carry the server's key as ``apikey`` (and, for Storage, as the bearer token).
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

STORAGE = "/storage/v1/"
AUTH = "/auth/v1/"


@dataclass
class FakeUser:
    id: str
    email: str
    password: str
    app_metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeSupabase:
    """State the handler reads and tests inspect: objects per bucket, signed tokens, users, sessions."""

    key: str
    buckets: dict[str, dict[str, tuple[bytes, str]]] = field(default_factory=dict)
    tokens: dict[str, tuple[str, str, float]] = field(default_factory=dict)
    users: dict[str, FakeUser] = field(default_factory=dict)
    signed_out: list[str] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_user(self, email_address: str, password: str, *, role: str | None = None) -> FakeUser:
        user = FakeUser(str(uuid.uuid4()), email_address, password, {"role": role} if role else {})
        self.users[email_address] = user
        return user


class _Handler(BaseHTTPRequestHandler):
    state: FakeSupabase

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    # -- plumbing -----------------------------------------------------------------------------------
    def _send(
        self, status: int, body: Any = None, *, raw: bytes | None = None, ctype: str = "application/json"
    ) -> None:
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _storage_error(self, code: str, error: str, message: str) -> None:
        self._send(400, {"statusCode": code, "error": error, "message": message})

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        self.state.requests.append((method, url.path))
        query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if self.headers.get("apikey") != self.state.key:
            self._send(401, {"message": "Invalid API key"})
        elif url.path.startswith(STORAGE):
            self._storage(method, unquote(url.path[len(STORAGE) :]), query)
        elif url.path.startswith(AUTH):
            self._auth(method, url.path[len(AUTH) :], query)
        else:
            self._send(404, {"message": "no route"})

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    # -- storage ------------------------------------------------------------------------------------
    def _storage(self, method: str, route: str, query: dict[str, str]) -> None:
        parts = route.split("/")
        if parts[:2] == ["object", "sign"] and method == "GET":
            return self._signed_download(parts[2], "/".join(parts[3:]), query.get("token", ""))
        if self.headers.get("Authorization") != f"Bearer {self.state.key}":
            return self._storage_error("403", "Unauthorized", "invalid signature")
        if parts[:2] == ["object", "list"] and method == "POST":
            return self._list(parts[2], json.loads(self._body() or b"{}"))
        if parts[:2] == ["object", "sign"] and method == "POST":
            return self._sign(parts[2], "/".join(parts[3:]), json.loads(self._body() or b"{}"))
        bucket_name, path = parts[1], "/".join(parts[2:])
        if parts[0] != "object" or bucket_name not in self.state.buckets:
            return self._storage_error("404", "Bucket not found", "Bucket not found")
        bucket = self.state.buckets[bucket_name]
        if method in ("POST", "PUT") and path:
            return self._upload(
                bucket, bucket_name, path, upsert=method == "PUT" or self.headers.get("x-upsert") == "true"
            )
        if method == "GET" and path:
            if path not in bucket:
                return self._storage_error("404", "not_found", "Object not found")
            data, ctype = bucket[path]
            return self._send(200, raw=data, ctype=ctype)
        if method == "DELETE" and not path:
            prefixes = json.loads(self._body())["prefixes"]
            with self.state.lock:
                removed = [{"name": p, "bucket_id": bucket_name} for p in prefixes if bucket.pop(p, None)]
            return self._send(200, removed)
        self._send(404, {"message": "no route"})

    def _upload(self, bucket: dict[str, tuple[bytes, str]], name: str, path: str, *, upsert: bool) -> None:
        header = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + self._body())
        part = next(p for p in message.iter_parts() if p.get_param("name", header="content-disposition") == "file")
        with self.state.lock:
            if path in bucket and not upsert:
                return self._storage_error("409", "Duplicate", "The resource already exists")
            bucket[path] = (part.get_payload(decode=True) or b"", part.get_content_type())
        self._send(200, {"Id": str(uuid.uuid4()), "Key": f"{name}/{path}"})

    def _list(self, bucket_name: str, body: dict[str, Any]) -> None:
        if bucket_name not in self.state.buckets:
            return self._storage_error("404", "Bucket not found", "Bucket not found")
        folder = str(body.get("prefix") or "").strip("/")
        base = f"{folder}/" if folder else ""
        entries: dict[str, dict[str, Any]] = {}
        for path in self.state.buckets[bucket_name]:
            if not path.startswith(base):
                continue
            head, _, rest = path[len(base) :].partition("/")
            entries[head] = {"name": head, "id": None if rest else str(uuid.uuid4()), "metadata": None if rest else {}}
        search = str(body.get("search") or "")
        found = sorted((e for n, e in entries.items() if n.startswith(search)), key=lambda e: e["name"])
        offset, limit = int(body.get("offset", 0)), int(body.get("limit", 100))
        self._send(200, found[offset : offset + limit])

    def _sign(self, bucket_name: str, path: str, body: dict[str, Any]) -> None:
        if path not in self.state.buckets.get(bucket_name, {}):
            return self._storage_error("404", "not_found", "Object not found")
        token = secrets.token_urlsafe(16)
        self.state.tokens[token] = (bucket_name, path, time.time() + int(body["expiresIn"]))
        self._send(200, {"signedURL": f"/object/sign/{bucket_name}/{path}?token={token}"})

    def _signed_download(self, bucket_name: str, path: str, token: str) -> None:
        granted = self.state.tokens.get(token)
        if granted is None or granted[:2] != (bucket_name, path) or granted[2] < time.time():
            return self._storage_error("400", "InvalidJWT", "invalid or expired token")
        data, ctype = self.state.buckets[bucket_name][path]
        self._send(200, raw=data, ctype=ctype)

    # -- auth ---------------------------------------------------------------------------------------
    def _auth(self, method: str, route: str, query: dict[str, str]) -> None:
        if method == "POST" and route == "token" and query.get("grant_type") == "password":
            body = json.loads(self._body())
            user = self.state.users.get(body.get("email", ""))
            if user is None or user.password != body.get("password"):
                return self._send(
                    400, {"code": 400, "error_code": "invalid_credentials", "msg": "Invalid login credentials"}
                )
            return self._send(200, _session(user))
        if method == "POST" and route == "logout":
            self.state.signed_out.append(self.headers.get("Authorization", "").removeprefix("Bearer "))
            return self._send(204)
        self._send(404, {"message": "no route"})


def _session(user: FakeUser) -> dict[str, Any]:
    return {
        "access_token": f"access-{secrets.token_hex(8)}",
        "refresh_token": f"refresh-{secrets.token_hex(8)}",
        "expires_in": 3600,
        "token_type": "bearer",
        "user": {
            "id": user.id,
            "email": user.email,
            "aud": "authenticated",
            "role": "authenticated",
            "app_metadata": user.app_metadata,
            "user_metadata": {},
            "created_at": "2025-01-01T00:00:00Z",
        },
    }


class FakeSupabaseServer:
    """Serve ``FakeSupabase`` on 127.0.0.1 in a thread; use as a context manager. ``url`` is the project URL."""

    def __init__(self, key: str = "service-role-test-key", buckets: tuple[str, ...] = ()) -> None:
        self.state = FakeSupabase(key=key, buckets={b: {} for b in buckets})
        handler = type("Handler", (_Handler,), {"state": self.state})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeSupabaseServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
