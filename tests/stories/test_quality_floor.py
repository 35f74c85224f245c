"""Quality floor on ECB+ dev: the grouping must not get worse unnoticed.

Measured with ``.venv/bin/python benchmarks/stories_ecbplus.py --split both`` on 2026-11-26
(2 shared cores), after stories that grow into two separate groups of reports were made to split
(``split_below`` 0.2, chosen on train): dev pairwise F1 0.868 ± 0.024 over the five orders
(train 0.868 ± 0.014; before the split step 0.848 ± 0.035 and 0.858 ± 0.021; weights and
thresholds chosen on train only; topic-held-out cross-validation on train 0.859 ± 0.054, the same
as without it). Dev has 16 events, so one whole-event merge in one order moves the mean by about
0.02. The floor is the reached mean less about one standard deviation (0.844), held at 0.84.
Never lower it silently: say why in CHANGES.md.

Later, after the repairs (regrouping, the pair-model split; 0.884 ± 0.012) and then the split by
the pair model alone, looking past one outlier (train 0.910 ± 0.013, held out by topic
0.916 ± 0.046): dev 0.887 ± 0.010; then small stories regrouped at 0.6 rather than 0.7 (train
0.917 ± 0.013, held out by topic 0.925 ± 0.042): dev 0.894 ± 0.017. Words of any alphabet
left dev as it was (train 0.916 ± 0.015, held out by topic 0.923 ± 0.041). The floor is the
reached mean less about one standard deviation.

Read without capitals (every title and text lower-cased, as Chinese, Korean, Arabic or Hindi
show no names), dev scored 0.861 ± 0.022 with the models fitted on names, and train collapsed to
0.395 ± 0.374 (some orders folded whole topics into one story). With the models fitted on train
read that way, used where a doc or a story has no names: dev 0.898 ± 0.012 (train 0.892 ± 0.025).
Then phrases that a text without names repeats counted in their place, both models refitted on
train read that way: dev 0.927 ± 0.029 (train 0.894 ± 0.018, held out by topic 0.893 ± 0.050
against 0.868 ± 0.063). Its floor is held the same way.

Then no join or regrouping below a cosine of 0.1 (``min_cosine``: such pairs share almost
nothing, and every one the join model passed on ECB+ was wrong): dev 0.893 ± 0.012 (train
0.921 ± 0.014, held out by topic 0.923 ± 0.041 as before); read lower-cased, dev
0.932 ± 0.028 (train 0.906 ± 0.018). Both floors rise to the reached mean less about one
standard deviation. The join and pair models refitted to the features of that day: dev
0.895 ± 0.011 (train 0.923 ± 0.012); then the join model fitted only on decisions above the
floor, as the grouper takes them: dev 0.899 ± 0.016 (train 0.922 ± 0.012, held out by topic
0.928 ± 0.039).
"""

from __future__ import annotations

import statistics

import pytest

from progleton.stories import Doc, StoryGrouper
from progleton.stories.scoring import score_grouping

REACHED_DEV_PAIRWISE_F1 = 0.899  # ± 0.016 over the five orders
DEV_PAIRWISE_F1_FLOOR = 0.88  # reached - one std is 0.883
REACHED_CASELESS_DEV_PAIRWISE_F1 = 0.932  # ± 0.028
CASELESS_DEV_PAIRWISE_F1_FLOOR = 0.90  # reached - one std is 0.904


def _pairwise_f1(articles: list[dict], seed: int) -> float:
    import random

    order = articles[:]
    random.Random(seed).shuffle(order)
    grouper = StoryGrouper()
    for a in order:
        grouper.add(Doc(a["id"], a.get("url") or "", a["id"], a["title"] or "", a["text"] or ""))
    predicted = [grouper.story_of(a["id"]) for a in articles]
    return score_grouping(predicted, [a["gold"] for a in articles]).pairwise_f1


@pytest.mark.slow
def test_dev_pairwise_f1_stays_above_the_floor(ecbplus_dev: list[dict]) -> None:
    mean = statistics.mean(_pairwise_f1(ecbplus_dev, seed) for seed in range(5))
    assert mean >= DEV_PAIRWISE_F1_FLOOR, f"dev pairwise F1 {mean:.3f} under the floor"


@pytest.mark.slow
def test_dev_read_without_capitals_stays_above_the_floor(ecbplus_dev: list[dict]) -> None:
    lowered = [a | {"title": (a["title"] or "").lower(), "text": (a["text"] or "").lower()} for a in ecbplus_dev]
    mean = statistics.mean(_pairwise_f1(lowered, seed) for seed in range(5))
    assert mean >= CASELESS_DEV_PAIRWISE_F1_FLOOR, f"dev pairwise F1 read without capitals {mean:.3f} under the floor"
