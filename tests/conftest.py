"""Project-wide test set-up: where the team's shared material is, clean logging, and
deterministic hypothesis examples."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# `make test` (what CI runs) draws the same hypothesis examples every run: a rare input found
# by chance must not turn one CI run red and the next green. The slow fuzzing variants
# (`make test-slow`) opt out and keep exploring fresh examples; what they find becomes a fix
# and an explicit regression test.
settings.register_profile("khabardar", derandomize=True)
settings.load_profile("khabardar")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` next to the checkout; tests that need it skip cleanly where it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared (team corpus and specs) is not present")
    return SHARED
