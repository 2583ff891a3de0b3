"""The one HTTP server on PORT (aiohttp): /healthz, /readyz, /metrics, plus the routes the chat
adapters add (Slack events at /slack/events, the Telegram webhook).

Liveness says the process serves requests; readiness runs the checks the app registers
(database reachable, scheduler running, last successful poll not too old) and answers 503 with
the failing check names when one fails.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from bot.adapters.web.metrics import CONTENT_TYPE, PrometheusTelemetry

log = logging.getLogger(__name__)

ReadinessCheck = Callable[[], Awaitable[tuple[bool, str]]]


@dataclass(frozen=True, slots=True)
class NamedCheck:
    name: str
    check: ReadinessCheck


class WebServer:
    """Builds the aiohttp application and runs it on a host/port inside the current loop."""

    def __init__(self, *, telemetry: PrometheusTelemetry, checks: list[NamedCheck]) -> None:
        self.app = web.Application(client_max_size=1024 * 1024)
        self._telemetry = telemetry
        self._checks = checks
        self._runner: web.AppRunner | None = None
        self.port: int | None = None
        self.app.router.add_get("/healthz", self._healthz)
        self.app.router.add_get("/readyz", self._readyz)
        self.app.router.add_get("/metrics", self._metrics)

    def add_route(
        self, method: str, path: str, handler: Callable[..., Awaitable[web.StreamResponse]]
    ) -> None:
        self.app.router.add_route(method, path, handler)

    async def start(self, *, host: str, port: int) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host=host, port=port)
        await site.start()
        server = site._server  # the bound socket tells the real port when 0 was asked for
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port
        log.info("http server listening", extra={"host": host, "port": self.port})

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def _readyz(self, _request: web.Request) -> web.Response:
        results: dict[str, dict[str, object]] = {}
        ready = True
        for named in self._checks:
            try:
                ok, detail = await asyncio.wait_for(named.check(), timeout=5)
            except Exception as exc:  # a failing check means "not ready", never a 500
                ok, detail = False, type(exc).__name__
            results[named.name] = {"ok": ok, "detail": detail}
            ready = ready and ok
        return web.json_response(
            {"status": "ready" if ready else "not ready", "checks": results},
            status=200 if ready else 503,
        )

    async def _metrics(self, _request: web.Request) -> web.Response:
        return web.Response(
            body=self._telemetry.exposition(), headers={"Content-Type": CONTENT_TYPE}
        )
