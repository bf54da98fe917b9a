"""What one webhook request costs the sender: the delivery worker's signing and client posting a 100-event body
(25 KB) to a minimal keep-alive target on a thread of the same process, microseconds per request (wall time of
client and target together; the target only reads the request and answers 204).

    python -m bench.webhook_sender [--requests 3000]
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time

from localspot.apps.delivery import _Connections, _event_ids, signed_headers


def _serve(server: socket.socket) -> None:
    client, _ = server.accept()
    buffer = b""
    while data := client.recv(1 << 20):
        buffer += data
        while b"\r\n\r\n" in buffer:
            head, rest = buffer.split(b"\r\n\r\n", 1)
            length = next(int(line[15:]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
            if len(rest) < length:
                break
            buffer = rest[length:]
            client.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")


def run(requests: int) -> float:
    server = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=_serve, args=(server,), daemon=True).start()
    events = [
        {"eventId": 10**15 + i, "subscriptionId": 123456, "portalId": 1, "appId": 1234, "occurredAt": 1764800000000,
         "subscriptionType": "object.creation", "attemptNumber": 0, "objectId": 10**14 + i, "changeFlag": "CREATED",
         "changeSource": "API", "objectTypeId": "0-27"}
        for i in range(100)
    ]  # fmt: skip
    body = json.dumps(events, separators=(",", ":")).encode()
    url = f"http://127.0.0.1:{server.getsockname()[1]}/hubspot/webhooks"
    connections = _Connections(5)

    def once() -> None:
        connections.post(url, body, signed_headers("secret", url, body, int(time.time() * 1000)))
        _event_ids(body)  # as the worker lists the event ids of each attempt

    for _ in range(200):
        once()
    started = time.perf_counter()
    for _ in range(requests):
        once()
    return (time.perf_counter() - started) / requests * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    print(f"microseconds per 100-event request{run(parser.parse_args().requests):>10.1f}")


if __name__ == "__main__":
    main()
