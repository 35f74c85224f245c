"""Dividing a story's members in two: pure functions over a similarity matrix (the split check).

A story that has grown into two groups of reports is found by cutting its members in two by
average linkage and weighing how alike the two groups are (see ``StoryGrouper._check_split``).
"""

from __future__ import annotations

import numpy as np


def split_sizes(first: int, last: int) -> frozenset[int]:
    """The story sizes at which a split is checked: twice the smallest part, then about a third
    more each time (6, 7, 10, 13, 17, 22, 28 for parts of 3 and up to 30 members)."""
    sizes, size = set(), float(2 * first)
    while size <= last:
        sizes.add(int(size))
        size *= 1.3
    return frozenset(sizes)


def two_groups(sim: np.ndarray) -> tuple[np.ndarray, float]:
    """Divide items in two by average linkage on a similarity matrix.

    Returns each item's group (0 or 1) and the mean similarity between the two groups. Clusters
    are merged, most similar (by mean similarity) first, until two remain; ties go to the
    earliest items, so the result depends only on the matrix.
    """
    n = len(sim)
    if n < 2:
        return np.zeros(n, dtype=int), 1.0
    total = np.array(sim, dtype=float)  # summed similarity between current clusters
    size = np.ones(n)
    alive = np.ones(n, dtype=bool)
    owner = np.arange(n)
    for _ in range(n - 2):
        mean = total / np.outer(size, size)
        mean[~alive, :] = -np.inf
        mean[:, ~alive] = -np.inf
        np.fill_diagonal(mean, -np.inf)
        i, j = sorted(np.unravel_index(int(np.argmax(mean)), mean.shape))
        total[i, :] += total[j, :]
        total[:, i] += total[:, j]
        size[i] += size[j]
        alive[j] = False
        owner[owner == j] = i
    a, b = np.flatnonzero(alive)
    return (owner == b).astype(int), float(total[a, b] / (size[a] * size[b]))


def core_two_groups(sim: np.ndarray, min_part: int, set_aside: int) -> tuple[np.ndarray, float]:
    """:func:`two_groups`, looking past outliers: while the cut leaves fewer than ``min_part``
    items on one side, those items are set aside (up to ``set_aside`` in all) and the rest is
    cut again. The mean similarity is the one between the two groups of the rest; each item set
    aside then joins the group it is more similar to on average."""
    n = len(sim)
    core = np.arange(n)
    labels, between = two_groups(sim)
    while set_aside > 0 and len(core) > 2 * min_part:
        small = min(int(labels.sum()), len(labels) - int(labels.sum()))
        if small >= min_part or small > set_aside:
            break
        set_aside -= small
        keep = labels != (1 if labels.sum() == small else 0)
        core = core[keep]
        labels, between = two_groups(sim[np.ix_(core, core)])
    if len(core) == n:
        return labels, between
    full = np.full(n, -1)
    full[core] = labels
    for i in np.flatnonzero(full < 0):
        to0 = sim[i, core[labels == 0]].mean() if (labels == 0).any() else -np.inf
        to1 = sim[i, core[labels == 1]].mean() if (labels == 1).any() else -np.inf
        full[i] = int(to1 > to0)
    return full, between
