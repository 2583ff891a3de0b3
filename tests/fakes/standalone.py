"""Running a fake platform server on its own: in this process until a signal, or as a child.

End-to-end tests start the real bot as a separate process; the fake it talks to then runs as
another process (``python -m tests.fakes.telegram_server --port 0``), prints one line
``NAME=URL`` when it listens, and is driven by the test through its ``/_admin/`` HTTP API.
``FakeServerProcess`` does the starting, URL reading and stopping.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from aiohttp import web

REPO_ROOT = Path(__file__).resolve().parents[2]


class ServesForever(Protocol):
    async def start(self) -> object: ...

    async def stop(self) -> None: ...


AdminAction = Callable[[str, dict[str, Any], Mapping[str, str]], dict[str, Any] | None]


def records_as_dicts(records: Iterable[Any]) -> list[dict[str, Any]]:
    """Recorded dataclass values as JSON-ready dicts."""
    return [dataclasses.asdict(record) for record in records]


def admin_handler(run: AdminAction) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The ``/_admin/{action}`` route: JSON body in (POST), JSON out; 400 on bad input."""

    async def handle(request: web.Request) -> web.Response:
        action = request.match_info["action"]
        try:
            has_body = request.method == "POST" and request.body_exists
            body = await request.json() if has_body else {}
            result = run(action, body or {}, request.query)
        except (ValueError, KeyError, TypeError) as exc:
            return web.json_response({"error": f"{type(exc).__name__}: {exc}"}, status=400)
        if result is None:
            return web.json_response({"error": f"unknown admin action {action!r}"}, status=404)
        return web.json_response(result, dumps=lambda obj: json.dumps(obj, ensure_ascii=False))

    return handle


async def serve_until_signal(server: ServesForever, banner: Callable[[], str]) -> None:
    """Start ``server``, print ``banner()`` (flushed: the parent waits for it; it can name the
    port, known only once listening), and stop on SIGTERM/SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await server.start()
    print(banner(), flush=True)
    try:
        await stop.wait()
    finally:
        await server.stop()


class FakeServerProcess:
    """``with FakeServerProcess("tests.fakes.telegram_server") as proc: proc.url``."""

    def __init__(
        self,
        module: str,
        *args: str,
        startup_timeout_s: float = 20.0,
        env: dict[str, str] | None = None,
    ) -> None:
        self.module = module
        self.args = args
        self.startup_timeout_s = startup_timeout_s
        self.env = env
        self.url = ""
        self._process: subprocess.Popen[str] | None = None
        # stderr goes to a file, not a pipe: a chatty child must never block on a full pipe.
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 closed in stop()

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("the fake server process is not running")
        return self._process.pid

    def start(self) -> str:
        environment = {**os.environ, **(self.env or {}), "PYTHONUNBUFFERED": "1"}
        self._process = subprocess.Popen(
            [sys.executable, "-m", self.module, "--port", "0", *self.args],
            cwd=REPO_ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        line = self._read_banner()
        if "=" not in line:
            stderr = self._stop_and_collect_stderr()
            raise RuntimeError(f"{self.module} did not start: {line!r} {stderr}")
        self.url = line.split("=", 1)[1].strip()
        return self.url

    def _read_banner(self) -> str:
        assert self._process is not None and self._process.stdout is not None
        result: list[str] = []
        reader = threading.Thread(
            target=lambda: result.append(self._process.stdout.readline()),  # type: ignore[union-attr]
            daemon=True,
        )
        reader.start()
        reader.join(self.startup_timeout_s)
        return result[0] if result else ""

    def _stop_and_collect_stderr(self) -> str:
        process = self._process
        if process is None:
            return ""
        self._terminate(process)
        self._close_streams(process)
        return self.stderr_text()[-2000:]

    def stderr_text(self) -> str:
        """Everything the child wrote to stderr so far (for failure messages)."""
        with contextlib.suppress(ValueError, OSError):
            self._stderr.seek(0)
            return self._stderr.read()
        return ""

    @staticmethod
    def _terminate(process: subprocess.Popen[str]) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    @staticmethod
    def _close_streams(process: subprocess.Popen[str]) -> None:
        if process.stdout is not None:
            with contextlib.suppress(ValueError, OSError):
                process.stdout.close()

    def stop(self) -> int | None:
        """Terminate (then kill if needed); return the exit code."""
        process = self._process
        if process is None:
            return None
        self._terminate(process)
        self._close_streams(process)
        with contextlib.suppress(ValueError, OSError):
            self._stderr.close()
        return process.returncode

    def __enter__(self) -> FakeServerProcess:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
