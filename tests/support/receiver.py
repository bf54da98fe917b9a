"""A webhook receiver for tests: a small HTTP server on a thread that keeps every request it gets and answers
each with the next status of its script (then 204); a script entry may be (status, headers) to send headers.
While `answering` is cleared it keeps each request it gets unanswered (a slow target, deterministically)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Delivery:
    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float

    @property
    def events(self) -> list[dict[str, Any]]:
        return json.loads(self.body)


class Receiver:
    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self.statuses: list[int | tuple[int, dict[str, str]]] = []
        self.delay_s = 0.0
        self.answering = threading.Event()
        self.answering.set()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real receivers do

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    receiver.deliveries.append(Delivery(self.path, dict(self.headers), body, time.time()))
                    scripted = receiver.statuses.pop(0) if receiver.statuses else 204
                status, headers = scripted if isinstance(scripted, tuple) else (scripted, {})
                if receiver.delay_s:
                    time.sleep(receiver.delay_s)
                receiver.answering.wait()
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender went away meanwhile (a server killed while its answer was held)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hubspot/webhooks"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.answering.set()
        self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[dict[str, Any]]:
        with self._lock:
            return [event for delivery in self.deliveries for event in delivery.events]

    def wait_for(self, done: Callable[[list[dict[str, Any]]], bool], timeout: float = 15.0) -> list[dict[str, Any]]:
        """The events received once `done(events)` holds; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            events = self.events()
            if done(events):
                return events
            time.sleep(0.02)
        raise AssertionError(f"the receiver did not get what was expected in {timeout} s: {self.events()}")


def serving() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver
