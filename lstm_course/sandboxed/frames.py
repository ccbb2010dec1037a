"""The wire format between the scorer and the sandbox: frames of a small
JSON header and raw little-endian arrays.

A frame is ``MAGIC``, the header's length (4 bytes) and the payload's
length (8 bytes), the header as UTF-8 JSON, then the payload: the arrays
the header lists under ``"arrays"`` as ``[name, dtype, shape]``, their
bytes one after another. Nothing is compressed, pickled or evaluated, so a
frame's size on the wire is the memory it takes; :func:`decode` checks
every field against :class:`Limits` and raises :class:`FrameError` for
anything else, whatever the bytes are.
"""

from __future__ import annotations

import json
import os
import select
import struct
import time
from dataclasses import dataclass

import numpy as np

MAGIC = b"LCF1"
PREFIX = struct.Struct("<4sIQ")
DTYPES = ("<f8", "<i8", "|b1")


class FrameError(ValueError):
    """Bytes that are not a frame within the limits."""


@dataclass(frozen=True)
class Limits:
    """The most a frame may hold; the scorer reads students' frames with the
    defaults."""

    header_bytes: int = 256 * 1024
    payload_bytes: int = 64 * 2**20
    arrays: int = 4096
    ndim: int = 8


def encode(header: dict, arrays: dict[str, np.ndarray] | None = None) -> bytes:
    """One frame: ``header`` (JSON-able, without an ``"arrays"`` key) and
    ``arrays``, each stored as one of :data:`DTYPES`."""
    listed, chunks = [], []
    for name, value in (arrays or {}).items():
        value = np.asarray(value)
        dtype = np.dtype(value.dtype).newbyteorder("<")
        if dtype.str not in DTYPES:
            raise FrameError(f"{name}: dtype {value.dtype} cannot be sent")
        listed.append([name, dtype.str, list(value.shape)])
        chunks.append(np.ascontiguousarray(value, dtype).tobytes())
    text = json.dumps({**header, "arrays": listed}).encode()
    payload = b"".join(chunks)
    return PREFIX.pack(MAGIC, len(text), len(payload)) + text + payload


def sizes(prefix: bytes, limits: Limits = Limits()) -> tuple[int, int]:
    """``(header, payload)`` lengths from a frame's first bytes."""
    magic, head, body = PREFIX.unpack(prefix)
    if magic != MAGIC:
        raise FrameError("not a frame")
    if head > limits.header_bytes or body > limits.payload_bytes:
        raise FrameError(f"a frame of {head} + {body} bytes is over the "
                         "limit")
    return head, body


def decode(data: bytes, limits: Limits = Limits()
           ) -> tuple[dict, dict[str, np.ndarray]]:
    """``(header, arrays)`` of one whole frame, or :class:`FrameError`."""
    if len(data) < PREFIX.size:
        raise FrameError("a frame cut short")
    head, body = sizes(data[:PREFIX.size], limits)
    if len(data) != PREFIX.size + head + body:
        raise FrameError("a frame of the wrong length")
    try:  # deep nesting raises RecursionError, bad bytes ValueError
        header = json.loads(data[PREFIX.size:PREFIX.size + head].decode())
    except Exception as error:  # noqa: BLE001 - any failure is no frame
        raise FrameError(f"an unreadable header ({type(error).__name__})") \
            from None
    if not isinstance(header, dict) \
            or not isinstance(header.get("arrays"), list) \
            or len(header["arrays"]) > limits.arrays:
        raise FrameError("a header that is not a frame's")
    payload = memoryview(data)[PREFIX.size + head:]
    arrays, offset = {}, 0
    for entry in header.pop("arrays"):
        name, dtype, shape = _entry(entry, limits)
        count = 1
        for extent in shape:
            count *= extent
        size = count * np.dtype(dtype).itemsize
        if offset + size > len(payload):
            raise FrameError(f"{name}: more bytes than the frame has")
        arrays[name] = np.frombuffer(payload[offset:offset + size], dtype
                                     ).reshape(shape).copy()
        offset += size
    if offset != len(payload):
        raise FrameError("bytes left over after the arrays")
    return header, arrays


def _entry(entry, limits: Limits) -> tuple[str, str, tuple[int, ...]]:
    if not (isinstance(entry, list) and len(entry) == 3
            and isinstance(entry[0], str) and entry[1] in DTYPES
            and isinstance(entry[2], list) and len(entry[2]) <= limits.ndim
            and all(type(n) is int and 0 <= n <= limits.payload_bytes
                    for n in entry[2])):
        raise FrameError("an array entry that is not [name, dtype, shape]")
    return entry[0], entry[1], tuple(entry[2])


class FrameReader:
    """Whole frames from a pipe, each within a deadline and the limits."""

    def __init__(self, fd: int, limits: Limits = Limits()):
        self.fd, self.limits = fd, limits
        self.buffer, self.eof = bytearray(), False

    def _fill(self, size: int, deadline: float) -> bool:
        while len(self.buffer) < size:
            left = deadline - time.monotonic()
            if self.eof or left <= 0:
                return False
            if not select.select([self.fd], [], [], left)[0]:
                continue
            chunk = os.read(self.fd, min(1 << 20, size - len(self.buffer)))
            if not chunk:
                self.eof = True
                return False
            self.buffer += chunk
        return True

    def next_bytes(self, deadline: float) -> bytes | None:
        """The next frame's bytes; None at end of file or past the
        deadline; :class:`FrameError` (after which the pipe is done) for
        bytes that are no frame."""
        if not self._fill(PREFIX.size, deadline):
            return None
        try:
            head, body = sizes(bytes(self.buffer[:PREFIX.size]), self.limits)
        except FrameError:
            self.eof = True  # nothing after garbage can be trusted
            raise
        end = PREFIX.size + head + body
        if not self._fill(end, deadline):
            return None
        data = bytes(self.buffer[:end])
        del self.buffer[:end]
        return data

    def next(self, deadline: float):
        """``(header, arrays)`` of the next frame, or None (see
        :meth:`next_bytes`)."""
        data = self.next_bytes(deadline)
        return None if data is None else decode(data, self.limits)


def write(fd: int, frame: bytes) -> None:
    view = memoryview(frame)
    while view:
        view = view[os.write(fd, view):]
