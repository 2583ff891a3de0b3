"""Random fault injection shared by the fake Telegram and Slack servers.

A ``RandomFaults`` value says which fraction of calls fail and how; a ``FaultInjector`` draws
from a seeded RNG so a run is reproducible, and counts what it injected so a test can compare
what the client saw with what the server did.

Fault kinds, as a client experiences them:

* ``rate_limited`` — HTTP 429 with the platform's body and ``retry_after``/``Retry-After``;
* ``server_error`` — HTTP 500;  ``bad_gateway`` — HTTP 502 with an HTML body (a proxy's answer);
* ``timeout`` — the server accepts the request and never answers (until ``hang_s`` or shutdown);
* ``disconnect`` — the server drops the connection without a response.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

ALL_METHODS = frozenset({"*"})


class FaultKind(StrEnum):
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    BAD_GATEWAY = "bad_gateway"
    TIMEOUT = "timeout"
    DISCONNECT = "disconnect"


@dataclass(frozen=True, slots=True, kw_only=True)
class RandomFaults:
    """Fractions (0–1, summing to at most 1) of the affected calls that fail, per kind.

    ``methods``: lower-case API method names affected; ``None`` means the server's sending
    methods (sendMessage / chat.postMessage and friends); ``ALL_METHODS`` means every call.
    """

    seed: int = 0
    rate_limited: float = 0.0
    server_error: float = 0.0
    bad_gateway: float = 0.0
    timeout: float = 0.0
    disconnect: float = 0.0
    retry_after: int = 1
    hang_s: float = 30.0
    methods: frozenset[str] | None = None

    def __post_init__(self) -> None:
        fractions = self.fractions()
        if any(not 0.0 <= value <= 1.0 for value in fractions.values()):
            raise ValueError("fault fractions must be between 0 and 1")
        if sum(fractions.values()) > 1.0 + 1e-9:
            raise ValueError("fault fractions must add up to at most 1")
        if self.retry_after < 1:
            raise ValueError("retry_after must be at least 1 second")

    def fractions(self) -> dict[FaultKind, float]:
        return {
            FaultKind.RATE_LIMITED: self.rate_limited,
            FaultKind.SERVER_ERROR: self.server_error,
            FaultKind.BAD_GATEWAY: self.bad_gateway,
            FaultKind.TIMEOUT: self.timeout,
            FaultKind.DISCONNECT: self.disconnect,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> RandomFaults:
        """Build from the admin API's JSON (``methods`` as a list, ``"*"`` for all)."""
        values = dict(data)
        methods = values.pop("methods", None)
        if isinstance(methods, list | tuple):
            values["methods"] = frozenset(str(m).lower() for m in methods)
        elif methods == "*":
            values["methods"] = ALL_METHODS
        return cls(**values)  # type: ignore[arg-type]


class FaultInjector:
    """Decides, call by call, whether to inject a fault; counts every decision."""

    def __init__(self, faults: RandomFaults | None, *, default_methods: frozenset[str]) -> None:
        self._default_methods = default_methods
        self._lock = threading.Lock()
        self.counts: Counter[FaultKind] = Counter()
        self.calls_considered = 0
        self.configure(faults)

    def configure(self, faults: RandomFaults | None) -> None:
        with self._lock:
            self.faults = faults
            self._rng = random.Random(faults.seed if faults else 0)

    def pick(self, method: str) -> FaultKind | None:
        faults = self.faults
        if faults is None:
            return None
        methods = self._default_methods if faults.methods is None else faults.methods
        if methods != ALL_METHODS and method.lower() not in methods:
            return None
        with self._lock:
            self.calls_considered += 1
            draw = self._rng.random()
            threshold = 0.0
            for kind, fraction in faults.fractions().items():
                threshold += fraction
                if draw < threshold:
                    self.counts[kind] += 1
                    return kind
        return None

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {kind.value: self.counts.get(kind, 0) for kind in FaultKind}
