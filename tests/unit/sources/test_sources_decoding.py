"""Bounded decoding of gzip, deflate and brotli bodies, bombs included."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest

from bot.adapters.sources.decoding import BodyTooLarge, BoundedDecoder
from bot.adapters.sources.ssrf import FetchFailed

TEXT = ("<rss><channel><title>खबर</title></channel></rss>\n" * 2000).encode()


def _chunks(data: bytes, size: int = 4096) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def _decode(encoding: str | None, data: bytes, limit: int = 10 * 1024 * 1024) -> bytes:
    decoder = BoundedDecoder(encoding, limit=limit)
    return b"".join(decoder.feed(chunk) for chunk in _chunks(data))


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        (None, lambda d: d),
        ("identity", lambda d: d),
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", _raw_deflate),
        ("br", brotli.compress),
        ("gzip, br", lambda d: brotli.compress(gzip.compress(d))),
    ],
    ids=["none", "identity", "gzip", "x-gzip", "deflate-zlib", "deflate-raw", "br", "gzip+br"],
)
def test_round_trip(encoding: str | None, encode) -> None:  # type: ignore[no-untyped-def]
    assert _decode(encoding, encode(TEXT)) == TEXT


def test_multi_member_gzip() -> None:
    assert _decode("gzip", gzip.compress(TEXT) + gzip.compress(TEXT)) == TEXT + TEXT


@pytest.mark.parametrize(
    ("encoding", "bomb"),
    [
        ("gzip", gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)),
        ("br", brotli.compress(b"\0" * (200 * 1024 * 1024), quality=5)),
        ("deflate", zlib.compress(b"\0" * (200 * 1024 * 1024), 9)),
    ],
    ids=["gzip", "brotli", "deflate"],
)
def test_bombs_stop_at_the_cap_without_inflating(encoding: str, bomb: bytes) -> None:
    limit = 1024 * 1024
    assert len(bomb) < 1024 * 1024  # a small download...
    decoder = BoundedDecoder(encoding, limit=limit)
    produced = 0
    with pytest.raises(BodyTooLarge):
        for chunk in _chunks(bomb, 65536):
            produced += len(decoder.feed(chunk))
    assert produced <= limit  # ...that never produced more than the cap


def test_identity_body_over_the_cap() -> None:
    with pytest.raises(BodyTooLarge):
        _decode(None, TEXT, limit=1000)


def test_corrupt_and_unknown_encodings_are_clear_errors() -> None:
    with pytest.raises(FetchFailed) as corrupt:
        _decode("gzip", b"\x1f\x8bthis is not gzip at all")
    assert corrupt.value.kind == "decode"
    with pytest.raises(FetchFailed) as unknown:
        BoundedDecoder("compress", limit=10)
    assert unknown.value.kind == "decode"
    assert "compress" in str(unknown.value)
