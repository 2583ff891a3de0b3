"""Health, readiness and metrics over real HTTP."""

from __future__ import annotations

import httpx

from bot.adapters.web.metrics import PrometheusTelemetry
from bot.adapters.web.server import NamedCheck, WebServer


async def test_health_ready_and_metrics_over_http() -> None:
    telemetry = PrometheusTelemetry()
    database_up = True

    async def database() -> tuple[bool, str]:
        return database_up, "reachable" if database_up else "unreachable"

    async def broken() -> tuple[bool, str]:
        raise ConnectionError("no route")

    server = WebServer(telemetry=telemetry, checks=[NamedCheck("database", database)])
    await server.start(host="127.0.0.1", port=0)
    try:
        base = f"http://127.0.0.1:{server.port}"
        async with httpx.AsyncClient(base_url=base) as client:
            assert (await client.get("/healthz")).json() == {"status": "ok"}
            ready = await client.get("/readyz")
            assert ready.status_code == 200
            assert ready.json()["checks"]["database"] == {"ok": True, "detail": "reachable"}

            database_up = False
            not_ready = await client.get("/readyz")
            assert not_ready.status_code == 503
            assert not_ready.json()["checks"]["database"]["ok"] is False

            telemetry.alert_finished(platform="telegram", status="sent", latency_s=0.4)
            telemetry.rate_limited(platform="telegram")
            telemetry.fetch_failed(kind="timeout")
            telemetry.queue_depth(7)
            metrics = (await client.get("/metrics")).text
            assert 'khabardar_alerts_total{platform="telegram",status="sent"} 1.0' in metrics
            assert 'khabardar_platform_429_total{platform="telegram"} 1.0' in metrics
            assert 'khabardar_fetch_errors_total{kind="timeout"} 1.0' in metrics
            assert "khabardar_outbox_pending 7.0" in metrics
            assert "khabardar_delivery_latency_seconds_bucket" in metrics
    finally:
        await server.stop()

    server2 = WebServer(telemetry=telemetry, checks=[NamedCheck("x", broken)])
    await server2.start(host="127.0.0.1", port=0)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server2.port}") as client:
            answer = await client.get("/readyz")
            assert answer.status_code == 503
            assert answer.json()["checks"]["x"] == {"ok": False, "detail": "ConnectionError"}
    finally:
        await server2.stop()
