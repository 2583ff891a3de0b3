"""The package as the Docker image installs it (a built wheel, no source checkout around it)
still finds its lexicon, migrations and demo feeds, and the image's command serves.

There is no Docker engine on the machines this runs on, so the ``Dockerfile`` is followed by
hand instead, read from the file itself: the build stage's ``COPY`` sources alone make the build
context the wheel is built from (a file the build needs but the image does not copy fails
here); the final stage's ``COPY`` of ``config`` and its ``ENV`` make the working directory and
the environment (``/app`` and ``/data`` mapped to temporary directories); then the demo runs,
and the image's ``CMD`` (``khabardar run``) answers its ``HEALTHCHECK`` URL and stops cleanly on
SIGTERM.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

from tests.reliability.service_harness import free_port

REPO = Path(__file__).resolve().parents[2]


def dockerfile_stages(text: str) -> list[list[tuple[str, str]]]:
    """(instruction, arguments) per build stage; continuation lines joined, comments dropped."""
    stages: list[list[tuple[str, str]]] = []
    logical = text.replace("\\\n", " ")
    for line in logical.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        stages[-1].append((instruction.upper(), arguments.strip()))
    return stages


def image_env(stage: list[tuple[str, str]], root: Path) -> dict[str, str]:
    """The stage's ``ENV`` with ``/app`` and ``/data`` moved under ``root``."""
    env: dict[str, str] = {}
    for instruction, arguments in stage:
        if instruction == "ENV":
            for pair in shlex.split(arguments):
                key, _, value = pair.partition("=")
                env[key] = value.replace("/app/", f"{root}/app/").replace("/data/", f"{root}/data/")
    return env


def test_the_image_recipe_builds_runs_the_demo_and_serves(tmp_path: Path) -> None:
    build, final = dockerfile_stages((REPO / "Dockerfile").read_text(encoding="utf-8"))
    context = tmp_path / "context"  # only what the build stage copies
    for instruction, arguments in build:
        if instruction == "COPY":
            *sources, _ = arguments.split()
            for source in sources:
                origin = REPO / source
                target = context / source
                if origin.is_dir():
                    shutil.copytree(
                        origin, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
                    )
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(origin, target)
    assert ("CMD", '["khabardar", "run"]') in final
    assert ("USER", "khabardar") in final  # non-root
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), "."],
        cwd=context,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = wheels.glob("khabardar-*.whl")
    installed = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(installed)
    # what the runtime reads from inside the package must be in the wheel
    assert any(n.startswith("bot/migrations/versions/") and n.endswith(".py") for n in names)
    assert any(n.startswith("bot/demo/feeds/") for n in names)
    assert not any(n.startswith(("tests/", "config/")) for n in names)

    app = tmp_path / "app"  # the image's WORKDIR: config/ and nothing else
    assert ("COPY", "config /app/config") in final and ("WORKDIR", "/app") in final
    shutil.copytree(REPO / "config", app / "config")
    (tmp_path / "data").mkdir()
    env = {
        **os.environ,
        **image_env(final, tmp_path),
        "PYTHONPATH": str(installed),  # ahead of the editable install of the checkout
    }
    assert env["DATABASE_URL"] == f"sqlite+aiosqlite:///{tmp_path}/data/khabardar.db"
    where = subprocess.run(
        [sys.executable, "-c", "import bot.domain.lexicon as m; print(m.__file__)"],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert where.stdout.strip().startswith(str(installed))

    demo = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--fast"],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert "Traceback" not in demo.stderr
    assert "ट्रैकिंग #1 शुरू: टिकटॉक बैन" in demo.stdout
    assert "2 stories today" in demo.stdout

    # The image's CMD: the service answers the HEALTHCHECK URL, then stops on SIGTERM.
    env["PORT"] = str(free_port())
    service = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=app,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        health = None
        deadline = time.monotonic() + 60
        while health is None and time.monotonic() < deadline and service.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{env['PORT']}/healthz") as answer:
                    health = answer.status
            except OSError:
                time.sleep(0.2)
        assert health == 200, "the service never answered /healthz"
        service.send_signal(signal.SIGTERM)
        output, _ = service.communicate(timeout=15)
    finally:
        if service.poll() is None:
            service.kill()
            service.communicate()
    assert service.returncode == 0, output[-2000:]
    assert "khabardar running" in output and "Traceback" not in output
    assert (tmp_path / "data" / "khabardar.db").exists()  # the /data volume holds the database
