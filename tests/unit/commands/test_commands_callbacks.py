"""Button callback data: round trips, the 64-byte limit, and garbage that must decode to None."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.commands import (
    CALLBACK_MAX_BYTES,
    Callback,
    CallbackAction,
    decode_callback,
    encode_callback,
)

BIGGEST_ID = 2**63 - 1


@pytest.mark.parametrize(
    ("args", "data", "decoded"),
    [
        (
            (CallbackAction.MUTE, 12, "8h"),
            "mute:12:8h",
            Callback(CallbackAction.MUTE, subscription_id=12, duration=timedelta(hours=8)),
        ),
        (
            ("mute", 3, timedelta(minutes=90)),
            "mute:3:1h30m",
            Callback(CallbackAction.MUTE, subscription_id=3, duration=timedelta(minutes=90)),
        ),
        (
            (CallbackAction.UNMUTE, 7),
            "unmute:7",
            Callback(CallbackAction.UNMUTE, subscription_id=7),
        ),
        (
            (CallbackAction.UNTRACK, 41),
            "untrack:41",
            Callback(CallbackAction.UNTRACK, subscription_id=41),
        ),
        ((CallbackAction.UNTRACK_ALL,), "untrack_all", Callback(CallbackAction.UNTRACK_ALL)),
        ((CallbackAction.CANCEL,), "cancel", Callback(CallbackAction.CANCEL)),
    ],
)
def test_round_trips(args: tuple[object, ...], data: str, decoded: Callback) -> None:
    assert encode_callback(*args) == data  # type: ignore[arg-type]
    assert decode_callback(data) == decoded


def test_the_rendering_format_mute_id_duration_is_ours() -> None:
    """Alert buttons are built as ``mute:<sub_id>:8h`` / ``untrack:<sub_id>`` elsewhere."""
    assert decode_callback("mute:5:8h") == Callback(
        CallbackAction.MUTE, subscription_id=5, duration=timedelta(hours=8)
    )
    assert decode_callback("untrack:5") == Callback(CallbackAction.UNTRACK, subscription_id=5)


def test_largest_values_fit_in_64_bytes() -> None:
    data = encode_callback(CallbackAction.MUTE, BIGGEST_ID, timedelta(days=364, minutes=59))
    assert len(data.encode()) <= CALLBACK_MAX_BYTES
    decoded = decode_callback(data)
    assert decoded is not None
    assert decoded.subscription_id == BIGGEST_ID
    assert decoded.duration == timedelta(days=364, minutes=59)


@pytest.mark.parametrize(
    "args",
    [
        (CallbackAction.MUTE, 3),
        (CallbackAction.UNTRACK,),
        (CallbackAction.CANCEL, 1),
        ("explode", 1),
        (CallbackAction.UNTRACK, "1:2"),
        (CallbackAction.UNTRACK, 0),
        (CallbackAction.UNTRACK, -4),
        (CallbackAction.UNTRACK, 2**70),
        (CallbackAction.MUTE, 3, "forever"),
        (CallbackAction.MUTE, 3, "x" * 60),
        (CallbackAction.MUTE, 3, timedelta(seconds=20)),
    ],
)
def test_encoding_a_wrong_shape_is_a_programming_error(args: tuple[object, ...]) -> None:
    with pytest.raises(ValueError):
        encode_callback(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "mute",
        "mute:",
        "mute:12",
        "mute:12:",
        "mute:abc:8h",
        "mute:12:forever",
        "mute:12:400d",
        "mute:0:8h",
        "mute:-1:8h",
        "mute:१२:8h",
        "untrack",
        "untrack:1:2",
        "untrack: 1",
        "UNTRACK:1",
        "untrack_all:1",
        "cancel:now",
        "track:1",
        "untrack:" + "9" * 60,
        "x" * 65,
        "\ud800",
        "untrack:1\x00",
        "टिकटॉक",
    ],
)
def test_garbage_decodes_to_none(data: str | None) -> None:
    assert decode_callback(data) is None


@given(st.text(max_size=100))
def test_decoding_never_raises(data: str) -> None:
    result = decode_callback(data)
    assert result is None or isinstance(result, Callback)


@given(
    st.integers(min_value=1, max_value=BIGGEST_ID),
    st.integers(min_value=1, max_value=365 * 24 * 60),
)
def test_mute_round_trip_for_any_id_and_duration(subscription_id: int, minutes: int) -> None:
    duration = timedelta(minutes=minutes)
    data = encode_callback(CallbackAction.MUTE, subscription_id, duration)
    assert len(data.encode()) <= CALLBACK_MAX_BYTES
    assert decode_callback(data) == Callback(
        CallbackAction.MUTE, subscription_id=subscription_id, duration=duration
    )
