"""Sliding-window pacing with a virtual clock: limits hold, slots are used, holds are honoured."""

from __future__ import annotations

from bot.services.pacing import PlatformLimits, SendPacer, SlidingWindow, WindowLimit


def _max_in_any_window(times: list[float], seconds: float) -> int:
    times = sorted(times)
    best = 0
    start = 0
    for end, t in enumerate(times):
        while t - times[start] >= seconds:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_window_answers_when_the_next_slot_is_free() -> None:
    window = SlidingWindow(WindowLimit(2, 1.0))
    assert window.free_at(0.0) == 0.0
    window.book(0.0)
    window.book(0.1)
    assert window.free_at(0.2) == 1.0
    assert window.free_at(0.99) == 1.0
    assert window.free_at(1.05) == 1.05  # the first send left the window


def test_private_chat_gets_one_message_per_second() -> None:
    pacer = SendPacer(PlatformLimits.telegram(), safety=0.0)
    sent = []
    now = 0.0
    while now < 10.0:
        if pacer.reserve("u1", now, group=False):
            sent.append(now)
        now = round(now + 0.01, 2)
    assert _max_in_any_window(sent, 1.0) == 1
    assert len(sent) == 10


def test_group_gets_twenty_per_minute() -> None:
    pacer = SendPacer(PlatformLimits.telegram(), safety=0.0)
    sent = []
    now = 0.0
    while now < 120.0:
        if pacer.reserve("-100", now, group=True):
            sent.append(now)
        now = round(now + 0.05, 2)
    assert _max_in_any_window(sent, 60.0) == 20
    assert len(sent) == 40


def test_overall_limit_across_many_chats_and_near_full_use() -> None:
    pacer = SendPacer(PlatformLimits.telegram(overall_per_s=30), safety=0.02)
    sent = []
    now = 0.0
    chat = 0
    while now < 10.0:
        while pacer.reserve(f"user{chat}", now, group=False):
            sent.append(now)
            chat += 1
        now = pacer.overall_free_at(now)
    assert _max_in_any_window(sent, 1.0) <= 30
    assert len(sent) / 10.0 >= 0.9 * 30  # the ceiling is used, not wasted


def test_holds_block_until_the_given_time() -> None:
    pacer = SendPacer(PlatformLimits.slack(), safety=0.0)
    pacer.hold_chat("C1", 5.0, group=True)
    assert pacer.free_at("C1", 0.0, group=True) == 5.0
    assert pacer.reserve("C2", 0.0, group=True)
    pacer.hold_all(3.0)
    assert pacer.free_at("C2", 1.5, group=True) == 3.0
    assert not pacer.reserve("C3", 2.9, group=True)
    assert pacer.reserve("C3", 3.0, group=True)
