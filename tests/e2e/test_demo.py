"""``khabardar demo`` runs offline, end to end, and tells the whole story in both languages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_demo_runs_offline_and_shows_alerts_and_digests_in_both_languages(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--fast"],
        cwd=tmp_path,  # nothing is read from or written to the working directory
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    out = done.stdout
    assert done.returncode == 0, done.stderr[-2000:]
    assert "level=error" not in done.stderr and "Traceback" not in done.stderr
    # subscriptions in both languages, with cross-script explanations
    assert "ट्रैकिंग #1 शुरू: टिकटॉक बैन" in out
    assert "I'll look for: tiktok (टिकटॉक" in out
    # first poll: the Hindi TikTok story reaches the English chat that tracked `tiktok ban`,
    # once — two feeds ran it (TikTok / टिक टॉक spellings) and it is one story
    for chat in ("[english-newsroom] 🔔", "[हिंदी-न्यूज़रूम] 🔔"):
        alerts = [b for b in out.split("\n\n") if b.startswith(chat)]
        assert sum("ने चीन से बनाई दूरी" in b for b in alerts) == 1
    # near-misses never alert anyone
    for near_miss in ("बैनर तले", "सड़क बन गई", "वह लिख रहा था"):
        assert not any(near_miss in b for b in out.split("\n\n") if "🔔" in b)
    # the breaking story lands in the digest, in each chat's language
    assert "आज की 2 खबरें" in out and "2 stories today" in out
    assert out.count("सरकार ने 50 और चीनी ऐप्स पर लगाया प्रतिबंध") >= 2
    assert list(tmp_path.iterdir()) == []
