"""Work split across forked processes: the parent and its helpers take chunks from one queue.

The queue is a pipe of chunk numbers written before the fork, so a process that drew slow chunks
simply takes fewer of them. The parent works too instead of waiting, and each helper sends its
results back pickled through its own pipe when the queue is empty. A helper that dies (or cannot be
started) loses nothing: the parent runs the chunks it did not return. Where `os.fork` does not
exist, everything runs in this process.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Sequence
from typing import TypeVar

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

_NUMBER = 4  # bytes per chunk number in the queue; a pipe's reads and writes of this size are atomic


def run_chunks(chunks: Sequence[Chunk], work: Callable[[Chunk], Result], helpers: int) -> list[Result]:
    """[work(chunk) for chunk in chunks], computed by this process and up to `helpers` forked ones."""
    if helpers < 1 or len(chunks) < 2 or not hasattr(os, "fork"):
        return [work(chunk) for chunk in chunks]
    queue = _queue(len(chunks))
    if queue is None:
        return [work(chunk) for chunk in chunks]
    started = [helper for helper in (_start(queue, chunks, work) for _ in range(min(helpers, len(chunks) - 1)))
               if helper is not None]
    done: dict[int, Result] = {}
    try:
        while (index := _take(queue)) is not None:
            done[index] = work(chunks[index])
    finally:
        for pid, results in started:
            done.update(_collect(pid, results))
        os.close(queue)
    for index in range(len(chunks)):  # the chunks of a helper that died
        if index not in done:
            done[index] = work(chunks[index])
    return [done[index] for index in range(len(chunks))]


def _queue(count: int) -> int | None:
    """The read end of a pipe holding the chunk numbers 0..count-1, or None if it cannot hold them."""
    numbers = b"".join(index.to_bytes(_NUMBER, "little") for index in range(count))
    try:
        read, write = os.pipe()
    except OSError:
        return None
    try:
        written = os.write(write, numbers) if len(numbers) <= 4096 else 0  # never blocks: fits the buffer
    finally:
        os.close(write)
    if written != len(numbers):
        os.close(read)
        return None
    return read


def _take(queue: int) -> int | None:
    data = os.read(queue, _NUMBER)
    return int.from_bytes(data, "little") if len(data) == _NUMBER else None


def _start(queue: int, chunks: Sequence, work: Callable) -> tuple[int, int] | None:
    """(pid, read end of its results pipe) of a new helper, or None if none could be started."""
    try:
        read, write = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid == 0:  # the helper: never returns
        status = 1
        try:
            os.close(read)
            results = []
            while (index := _take(queue)) is not None:
                results.append((index, work(chunks[index])))
            with os.fdopen(write, "wb") as out:
                out.write(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
            status = 0
        finally:
            os._exit(status)  # no atexit handlers, no flushing of the parent's buffers
    os.close(write)
    return pid, read


def _collect(pid: int, results: int) -> dict:
    """The results a helper sent ({} if it died before sending them); waits for it to exit."""
    with os.fdopen(results, "rb") as source:
        data = source.read()
    os.waitpid(pid, 0)
    try:
        return dict(pickle.loads(data)) if data else {}
    except (pickle.UnpicklingError, EOFError, ValueError):
        return {}
