"""A forked child shares an ordered computation that stops early: same results as in order."""

from __future__ import annotations

import os

import pytest

from linkrec import forked


def _weights(k: int) -> int | None:
    return None if k % 5 == 3 else k % 7


@pytest.mark.parametrize("parallel", [False, True])
@pytest.mark.parametrize("limit", [0, 1, 10, 40, 10_000])
def test_results_up_to_the_stop_are_those_of_the_loop_in_order(parallel: bool, limit: int) -> None:
    n = 40
    got = forked.ordered_results(_weights, n, lambda r: r, limit, parallel=parallel)
    total, want = 0, []
    for k in range(n):
        if total >= limit:
            break
        want.append(_weights(k))
        total += want[-1] or 0
    assert got[:len(want)] == want


def test_a_failing_child_leaves_its_positions_to_the_parent() -> None:
    parent = os.getpid()

    def compute(k: int) -> int:
        if os.getpid() != parent and k > 5:
            raise RuntimeError("child fails")
        return k

    assert forked.ordered_results(compute, 30, lambda r: 1, 1_000, parallel=True) == list(range(30))


def test_an_error_is_raised_as_in_order() -> None:
    def compute(k: int) -> int:
        if k == 17:
            raise ValueError(k)
        return k

    with pytest.raises(ValueError):
        forked.ordered_results(compute, 30, lambda r: 1, 1_000, parallel=True)
