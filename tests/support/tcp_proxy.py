"""A TCP proxy on 127.0.0.1 that a test can cut and restore: an outage of one database without stopping the
shared database server every other test uses."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from concurrent.futures import Future

from tests.support.server import free_port


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-proxy", daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._down = False
        self._silent = False

    def start(self) -> TcpProxy:
        self._thread.start()
        self._call(self._listen())
        return self

    def cut(self) -> None:
        """Drops every open connection (as if the database went away) and refuses new ones until restore()."""
        self._call(self._cut())

    def black_hole(self) -> None:
        """A silent partition: every connection stays open and accepted, but nothing crosses any more in
        either direction, and nobody is told (no reset, no close), until restore()."""
        self._call(self._black_hole())

    def restore(self) -> None:
        self._call(self._restore())

    def stop(self) -> None:
        self._call(self._cut())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def _call(self, coroutine: object) -> None:
        future: Future[None] = asyncio.run_coroutine_threadsafe(coroutine, self._loop)  # type: ignore[arg-type]
        future.result(timeout=10)

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port, reuse_address=True)

    async def _cut(self) -> None:
        self._down = True
        for writer in list(self._writers):
            writer.transport.abort()  # a reset, not a polite close: the peer learns on its next read or write
        self._writers.clear()

    async def _black_hole(self) -> None:
        self._silent = True

    async def _restore(self) -> None:
        self._down = False
        self._silent = False
        self._silent = False

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        if self._down:
            client_writer.transport.abort()
            return
        if self._silent:
            self._writers.add(client_writer)
            with contextlib.suppress(ConnectionError, OSError):
                while await client_reader.read(65536):
                    pass  # swallowed: the partition answers nothing
            self._writers.discard(client_writer)
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_writer.transport.abort()
            return
        self._writers.update((client_writer, upstream_writer))
        await asyncio.gather(
            self._pipe(client_reader, upstream_writer),
            self._pipe(upstream_reader, client_writer),
        )
        self._writers.difference_update((client_writer, upstream_writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                if self._silent:
                    continue  # swallowed, and the connection left open
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.transport.abort() if self._down else writer.close()
