"""A local HTTP server standing in for the group robots (a thread on 127.0.0.1, no mocks)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer


class Receiver:
    """A local HTTP server that records what the robots' webhooks would receive."""

    def __init__(self, answer: dict | None = None, *, fail_first: int = 0) -> None:
        """`fail_first`: answer the first N posts with HTTP 503 (kept in `refused`, not `requests`)."""
        self.requests: list[tuple[str, dict]] = []
        self.refused: list[tuple[str, dict]] = []
        received, refused = self.requests, self.refused
        body = json.dumps(answer or {"errcode": 0, "errmsg": "ok"}).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                length = int(self.headers["Content-Length"])
                posted = (self.path, json.loads(self.rfile.read(length)))
                if len(refused) < fail_first:
                    refused.append(posted)
                    self.send_response(503)
                    self.end_headers()
                    return
                received.append(posted)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
