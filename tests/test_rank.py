"""The link ranker's features: exact shortcuts agree with the plain computations."""

from __future__ import annotations

import numpy as np
from hypothesis import given, strategies as st

from linkrec import rank


def _stable_ranks(sims: np.ndarray, self_id: int | None) -> np.ndarray:
    """Ranks of every page by a stable sort of all of them (the definition)."""
    ranked = sims.copy()
    if self_id is not None:
        ranked[self_id] = -np.inf
    ranks = np.empty(len(sims), dtype=np.int64)
    ranks[np.argsort(-ranked, kind="stable")] = np.arange(1, len(sims) + 1)
    return ranks


@given(st.lists(st.sampled_from([0.0, -0.0, 0.1, 0.25, 0.5, 0.9, 1.0]) | st.floats(0.0, 1.0), min_size=1, max_size=60),
       st.data())
def test_cosine_ranks_equal_a_stable_sort_of_every_page(values: list[float], data: st.DataObject) -> None:
    sims = np.array(values)
    self_id = data.draw(st.none() | st.integers(0, len(sims) - 1))
    targets = data.draw(st.lists(st.integers(0, len(sims) - 1), min_size=1, max_size=20))
    assert rank.cosine_ranks(sims, self_id, targets).tolist() == _stable_ranks(sims, self_id)[targets].tolist()
