"""Alert button data: compact, ≤ 64 bytes, and parsed back by the same module."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.render.alert_actions import (
    AlertAction,
    mute_data,
    parse_alert_action,
    untrack_data,
)


def test_round_trip() -> None:
    assert mute_data(12, 8) == "mute:12:8h"
    assert untrack_data(12) == "untrack:12"
    assert parse_alert_action("mute:12:8h") == AlertAction("mute", 12, 8)
    assert parse_alert_action("untrack:12") == AlertAction("untrack", 12)


@given(st.integers(min_value=0, max_value=10**18 - 1), st.integers(min_value=1, max_value=9999))
def test_any_subscription_fits_telegram_callback_data(subscription_id: int, hours: int) -> None:
    for data in (mute_data(subscription_id, hours), untrack_data(subscription_id)):
        assert len(data.encode()) <= 64
        action = parse_alert_action(data)
        assert action is not None and action.subscription_id == subscription_id


@pytest.mark.parametrize(
    "data", [None, "", "mute:12", "mute:x:8h", "untrack:", "untrack:1:2", "mute:1:8h;drop", "other"]
)
def test_anything_else_is_not_an_action(data: str | None) -> None:
    assert parse_alert_action(data) is None


def test_invalid_actions_are_refused() -> None:
    with pytest.raises(ValueError):
        mute_data(-1, 8)
    with pytest.raises(ValueError):
        mute_data(1, 0)
    with pytest.raises(ValueError):
        untrack_data(-5)
