"""The package as the Docker image installs it (a built wheel, no source checkout around it)
still finds its lexicon, migrations and demo feeds.

The Dockerfile runs ``pip install .`` and then ``khabardar`` from ``/app``, where only
``config/`` is copied; no Docker engine is needed to check that this layout works: the same
wheel is built here, unpacked into a directory, and run from a working directory that holds
only ``config/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_built_wheel_runs_the_demo_outside_the_checkout(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), "."],
        cwd=REPO,
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
    shutil.copytree(REPO / "config", app / "config")
    env = {
        **os.environ,
        "PYTHONPATH": str(installed),  # ahead of the editable install of the checkout
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'data' / 'khabardar.db'}",
    }
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
