"""Share an ordered computation that stops early with one forked child process.

Learning computes examples page after page until the examples are enough; the pages are
independent, so a second core can take every other one. The child is forked, so it sees the
parent's data (the fitted index) without copying or pickling it; only its results travel back.
Every result is computed by the same code on the same data as it would be in the parent, so the
outcome is the same as computing them in order in one process.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

R = TypeVar("R")

MIN_ITEMS = 8
"""Fewer items than this are computed in the parent alone (a fork would cost more)."""


def can_fork() -> bool:
    """Whether a child process may be forked here (Linux with more than one CPU)."""
    return (sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1
            and "fork" in multiprocessing.get_all_start_methods())


def ordered_results(compute: Callable[[int], R | None], n: int, weight: Callable[[R], int], limit: int, *,
                    parallel: bool) -> list[R | None]:
    """``compute(k)`` for the positions ``k`` of ``range(n)`` that a loop in order needs, where
    the loop stops before position ``k`` once the results before it weigh ``limit`` or more
    (``weight`` of a result, 0 for None).

    The list returned holds a result (or None) for every position up to the stop, and None after
    it (some later positions may hold results computed by the time the stop was known: ignore
    them). With ``parallel`` (and :func:`can_fork`), a forked child computes the odd positions
    while this process computes the even ones; an error in the child makes this process compute
    its positions instead (raising what computing them in order would raise). Position 0 is
    computed before forking, so that what the computation builds on first use (caches of the
    data) is built once, for both processes.
    """
    if not parallel or n < MIN_ITEMS or not can_fork():
        return _in_order(compute, n, weight, limit)
    first = compute(0)  # before forking: whatever the computation builds once, both processes share
    ctx = multiprocessing.get_context("fork")
    weights = ctx.Array("q", [-1] * n, lock=False)  # the weight of each position once computed
    weights[0] = weight(first) if first is not None else 0
    reader, writer = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(compute, n, weight, limit, weights, writer), daemon=True)
    child.start()
    writer.close()
    results: list[Any] = [None] * n
    done = [False] * n
    results[0], done[0] = first, True
    try:
        for k in range(2, n, 2):
            if _enough(weights, k, limit):
                break
            results[k] = compute(k)
            done[k] = True
            weights[k] = weight(results[k]) if results[k] is not None else 0
    except BaseException:
        child.kill()
        raise
    finally:
        theirs: dict[int, Any] = {}
        try:
            theirs = reader.recv()
        except (EOFError, OSError):
            logger.debug("learning child process sent no results; computing its pages here")
        reader.close()
        child.join()
    for k, r in theirs.items():
        results[k], done[k] = r, True
    total = 0
    for k in range(n):  # whatever the child could not compute, in order, as the loop would
        if total >= limit:
            break
        if not done[k]:
            results[k] = compute(k)
        total += weight(results[k]) if results[k] is not None else 0
    return results


def _in_order(compute: Callable[[int], R | None], n: int, weight: Callable[[R], int], limit: int) -> list[R | None]:
    """:func:`ordered_results` in this process alone."""
    results: list[R | None] = [None] * n
    total = 0
    for k in range(n):
        if total >= limit:
            break
        r = results[k] = compute(k)
        total += weight(r) if r is not None else 0
    return results


def _enough(weights: Sequence[int], k: int, limit: int) -> bool:
    """Whether the positions before ``k`` already computed weigh ``limit`` or more (then neither
    ``k`` nor any later position is needed)."""
    total = 0
    for j in range(k):
        if weights[j] > 0:
            total += weights[j]
            if total >= limit:
                return True
    return False


def _child(compute: Callable[[int], Any], n: int, weight: Callable[[Any], int], limit: int,
           weights: Any, writer: Any) -> None:
    """The forked child: compute the odd positions until enough, send them all at once.

    It runs without the cyclic garbage collector: it lives for one computation, and a collection
    would walk (and so copy, page by page) every object of the parent it shares.
    """
    gc.disable()
    out: dict[int, Any] = {}
    try:
        for k in range(1, n, 2):
            if _enough(weights, k, limit):
                break
            r = out[k] = compute(k)
            weights[k] = weight(r) if r is not None else 0
    except BaseException:  # the parent computes whatever is missing (and raises the error itself)
        logger.debug("learning child process failed", exc_info=True)
    writer.send(out)
    writer.close()
