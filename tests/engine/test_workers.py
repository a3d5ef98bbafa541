import os
import time

import pytest

from obslint.engine.workers import run_chunks


def test_every_chunk_is_done_once_and_in_order_whoever_does_it():
    chunks = [list(range(i, i + 5)) for i in range(0, 200, 5)]
    for helpers in (0, 1, 3):
        results = run_chunks(chunks, lambda chunk: (sum(chunk), os.getpid()), helpers)
        assert [total for total, _ in results] == [sum(c) for c in chunks]
    pids = {pid for _, pid in run_chunks(chunks, lambda chunk: (slow_sum(chunk), os.getpid()), 2)}
    assert os.getpid() in pids and len(pids) > 1  # the parent works too, and so do the helpers


def slow_sum(chunk):
    time.sleep(0.005)  # long enough for the helpers to start and take their share
    return sum(chunk)


def test_the_chunks_of_a_helper_that_dies_are_done_by_the_parent():
    parent = os.getpid()

    def work(chunk):
        if os.getpid() != parent:
            os._exit(3)  # a helper crashing on its first chunk
        return chunk * 2

    assert run_chunks(list(range(30)), work, 2) == [i * 2 for i in range(30)]


def test_an_error_in_the_parents_work_is_raised_after_the_helpers_finish():
    parent = os.getpid()

    def work(chunk):
        if os.getpid() == parent:
            raise ValueError("boom")
        time.sleep(0.3)  # the helper is slow, so the parent surely draws a chunk (it drew none, once)
        return chunk

    with pytest.raises(ValueError, match="boom"):
        run_chunks(list(range(10)), work, 1)
