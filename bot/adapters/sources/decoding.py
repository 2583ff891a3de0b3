"""Bounded ``Content-Encoding`` decoding: gzip, deflate and brotli bombs stop at the size cap.

httpx's own decoders inflate each network chunk in one call, so a few kilobytes of a
compression bomb can become hundreds of megabytes before anyone counts them. These decoders
hand zlib and brotli an output limit on every call, so memory never grows past the cap.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import brotli

from bot.adapters.sources.ssrf import FetchFailed

Step = Callable[[bytes, int], bytes]


class BodyTooLarge(Exception):
    """The decoded body went past the cap."""


class _Zlib:
    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._inflater = zlib.decompressobj(wbits)
        self._first = True

    def step(self, data: bytes, limit: int) -> bytes:
        first, self._first = self._first, False
        try:
            return self._inflate(data, limit)
        except zlib.error:
            if first and self._wbits == zlib.MAX_WBITS:
                # "deflate" servers often send a raw deflate stream without the zlib header.
                self._wbits = -zlib.MAX_WBITS
                self._inflater = zlib.decompressobj(self._wbits)
                return self._inflate(data, limit)
            raise

    def _inflate(self, data: bytes, limit: int) -> bytes:
        out = bytearray(self._inflater.decompress(data, limit + 1))
        while self._inflater.unconsumed_tail and len(out) <= limit:
            tail = self._inflater.unconsumed_tail
            out += self._inflater.decompress(tail, limit + 1 - len(out))
        if len(out) > limit:
            raise BodyTooLarge
        if self._inflater.eof and self._inflater.unused_data and self._wbits > 16:
            # A gzip file may hold several members one after another.
            rest = self._inflater.unused_data
            self._inflater = zlib.decompressobj(self._wbits)
            out += self._inflate(rest, limit - len(out))
        return bytes(out)


class _Brotli:
    def __init__(self) -> None:
        self._decompressor = brotli.Decompressor()

    def step(self, data: bytes, limit: int) -> bytes:
        out = bytearray(self._decompressor.process(data, output_buffer_limit=limit + 1))
        while len(out) <= limit and not self._decompressor.can_accept_more_data():
            more = self._decompressor.process(b"", output_buffer_limit=limit + 1 - len(out))
            if not more:
                break
            out += more
        if len(out) > limit:
            raise BodyTooLarge
        return bytes(out)


def _step_for(encoding: str) -> Step | None:
    if encoding in ("identity", ""):
        return None
    if encoding in ("gzip", "x-gzip"):
        return _Zlib(16 + zlib.MAX_WBITS).step
    if encoding == "deflate":
        return _Zlib(zlib.MAX_WBITS).step
    if encoding == "br":
        return _Brotli().step
    raise FetchFailed(
        f"the server used an unsupported Content-Encoding {encoding!r}", kind="decode"
    )


class BoundedDecoder:
    """Decodes a response body chunk by chunk and refuses to produce more than ``limit`` bytes."""

    def __init__(self, content_encoding: str | None, *, limit: int) -> None:
        names = [part.strip().lower() for part in (content_encoding or "").split(",")]
        # Encodings are listed in the order they were applied, so undo them last-first.
        steps = [_step_for(name) for name in reversed(names)]
        self._steps: list[Step] = [step for step in steps if step is not None]
        self._limit = limit
        self.produced = 0

    def feed(self, chunk: bytes) -> bytes:
        """Decode one network chunk; raises ``BodyTooLarge`` past the cap, ``FetchFailed`` on
        corrupt compressed data."""
        data = chunk
        remaining = self._limit - self.produced
        try:
            for step in self._steps:
                data = step(data, remaining)
        except (zlib.error, brotli.error) as exc:
            raise FetchFailed(f"the compressed body is corrupt: {exc}", kind="decode") from None
        if len(data) > remaining:
            raise BodyTooLarge
        self.produced += len(data)
        return data
