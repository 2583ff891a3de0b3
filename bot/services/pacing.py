"""Send pacing: platform rate limits enforced *before* the platform has to complain.

Telegram allows about 1 message per second per private chat, 20 per minute per group or channel,
and 30 per second per bot overall; Slack about 1 per second per channel. Each limit is a sliding
window ("at most N sends in any W seconds"), which is how the platforms count. A send is allowed
only when every window it belongs to has room; ``reserve`` books the slot so concurrent senders
never overshoot. Time is a parameter (monotonic seconds), so tests run without sleeping.

Hand-written rather than aiolimiter: we need to ask "when may chat X send next?" across several
windows at once to schedule fairly among chats, which leaky-bucket limiters do not expose.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WindowLimit:
    """At most ``count`` sends in any ``seconds``-long window."""

    count: int
    seconds: float


@dataclass(frozen=True, slots=True)
class PlatformLimits:
    overall: WindowLimit
    per_private_chat: WindowLimit
    per_group_chat: tuple[WindowLimit, ...]
    # Even spacing between any two sends of the bot. Without it a full window leaves as one
    # burst, and network jitter makes some of the burst arrive inside the platform's next
    # window (a 429); spaced sends tolerate jitter up to the spacing itself.
    min_spacing_s: float = 0.0

    @classmethod
    def telegram(
        cls, *, overall_per_s: int = 30, group_per_min: int = 20, private_per_s: int = 1
    ) -> PlatformLimits:
        return cls(
            overall=WindowLimit(overall_per_s, 1.0),
            per_private_chat=WindowLimit(private_per_s, 1.0),
            per_group_chat=(WindowLimit(group_per_min, 60.0), WindowLimit(1, 1.0)),
            min_spacing_s=1.0 / (overall_per_s - 1) if overall_per_s > 1 else 0.0,
        )

    @classmethod
    def slack(cls, *, per_channel_per_s: int = 1, overall_per_s: int = 50) -> PlatformLimits:
        per_channel = WindowLimit(per_channel_per_s, 1.0)
        return cls(
            overall=WindowLimit(overall_per_s, 1.0),
            per_private_chat=per_channel,
            per_group_chat=(per_channel,),
        )


class SlidingWindow:
    """Remembers the send times of the last window to answer "when is the next free slot?"."""

    def __init__(self, limit: WindowLimit) -> None:
        self.limit = limit
        self._times: deque[float] = deque()

    def _forget_before(self, now: float) -> None:
        horizon = now - self.limit.seconds
        while self._times and self._times[0] <= horizon:
            self._times.popleft()

    def free_at(self, now: float) -> float:
        """The earliest time ≥ now at which one more send fits."""
        self._forget_before(now)
        if len(self._times) < self.limit.count:
            return now
        return self._times[len(self._times) - self.limit.count] + self.limit.seconds

    def book(self, at: float) -> None:
        self._times.append(at)

    def push_back(self, until: float) -> None:
        """The platform said "wait": fill the window so nothing is sent before ``until``."""
        self._times.clear()
        start = until - self.limit.seconds
        self._times.extend([start] * self.limit.count)


class SendPacer:
    """Per-platform pacing across all chats (one instance per bot token / workspace)."""

    def __init__(self, limits: PlatformLimits, *, safety: float = 0.02) -> None:
        # ``safety`` widens every window a little: the platform measures arrival times, which
        # jitter against our send times, and a window that is exactly full would trip it.
        self._limits = limits
        self._safety = safety
        self._overall = SlidingWindow(self._padded(limits.overall))
        self._spacing = (
            SlidingWindow(WindowLimit(1, limits.min_spacing_s)) if limits.min_spacing_s else None
        )
        self._chats: dict[str, tuple[SlidingWindow, ...]] = {}

    def _padded(self, limit: WindowLimit) -> WindowLimit:
        return WindowLimit(limit.count, limit.seconds * (1 + self._safety))

    def _windows(self, chat_key: str, *, group: bool) -> tuple[SlidingWindow, ...]:
        windows = self._chats.get(chat_key)
        if windows is None:
            limits = self._limits.per_group_chat if group else (self._limits.per_private_chat,)
            windows = tuple(SlidingWindow(self._padded(limit)) for limit in limits)
            self._chats[chat_key] = windows
        return windows

    def chat_free_at(self, chat_key: str, now: float, *, group: bool) -> float:
        """When this chat alone could send next (ignoring the overall limit)."""
        return max(w.free_at(now) for w in self._windows(chat_key, group=group))

    def free_at(self, chat_key: str, now: float, *, group: bool) -> float:
        """When a send to this chat fits every window."""
        return max(self.chat_free_at(chat_key, now, group=group), self.overall_free_at(now))

    def overall_free_at(self, now: float) -> float:
        free = self._overall.free_at(now)
        if self._spacing is not None:
            free = max(free, self._spacing.free_at(now))
        return free

    def reserve(self, chat_key: str, now: float, *, group: bool) -> bool:
        """Book a send now if it fits; False (and nothing booked) otherwise."""
        if self.free_at(chat_key, now, group=group) > now:
            return False
        for window in self._windows(chat_key, group=group):
            window.book(now)
        self._overall.book(now)
        if self._spacing is not None:
            # Book the slot at its ideal time when we woke a little late, so timer lateness
            # does not add up send after send (the overall window still caps every second).
            spacing = self._limits.min_spacing_s
            ideal = self._spacing.free_at(now - spacing)
            self._spacing.book(ideal if now - spacing < ideal <= now else now)
        return True

    def hold_chat(self, chat_key: str, until: float, *, group: bool) -> None:
        """A 429 for one chat: nothing more to it before ``until``."""
        for window in self._windows(chat_key, group=group):
            window.push_back(until)

    def hold_all(self, until: float) -> None:
        """A bot-wide 429: nothing to anyone before ``until``."""
        self._overall.push_back(until)
