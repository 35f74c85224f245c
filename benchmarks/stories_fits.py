"""Other ways of fitting the join model, measured on ECB+ (none is shipped).

    .venv/bin/python benchmarks/stories_fits.py subject [--by-count] [--cv]  # whom each side is about
    .venv/bin/python benchmarks/stories_fits.py self [--cv]         # rows of the grouper's own runs
    .venv/bin/python benchmarks/stories_fits.py strength C [--cv]   # logistic regression's C

Each refits the join model on train its own way (``stories_ecbplus.fit_weights`` otherwise; the
pair model as shipped is fitted beside it) and prints train and dev pairwise F1 at the join
thresholds 0.65, 0.7 and 0.75; with ``--cv``, the held-out-topic estimate of the whole procedure
(``stories_ecbplus.cross_validate``: both models and the threshold fitted on four fifths of the
train topics, the fifth scored), about five minutes.

``subject``: two more pieces of evidence, "whom each side is about". A doc's subject is the name
its TF-IDF vector weighs most; a story's, the name its members carry most, weighed by rarity.
The first is the share of the story's members that never mention the doc's subject, the second
how far the story's subject is from the doc's own (1 when the doc never mentions it, 0 when it
is the doc's subject too); 0.5 where a side has no names. Read from dev's one remaining merge,
the Chargers' two DUI arrests: each report is about one player, Jackson or Williams, and the
later reports mention the earlier arrest. With ``--by-count``, a doc's subject is the name it mentions
most often, and a story's the name most members carry (ties by rarity).

``self``: the fit's rows are the teacher-forced ones (each doc against its closest candidate,
earlier docs in their gold stories) plus two rounds of the grouper's own runs with the model
fitted so far, where stories can hold two events (a doc's row is positive when its event is
most of the candidate's members): the states the model meets when it is used.

``strength``: logistic regression's inverse regularisation strength (1 as shipped).

See docs/benchmarks.md (Stories, "Measured and not kept") for the figures.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import stories_ecbplus as bench  # type: ignore[import-not-found]

from progleton.stories import Doc, GroupingParams, StoryGrouper
from progleton.stories import grouper as grouper_module
from progleton.stories.features import is_name
from progleton.stories.similarity import JoinModel, MatchEvidence

NAMES = ("text", "words", "title", "names", "numbers", "nearest", "log_size", "year_conflict",
         "doc_names_missing", "story_names_missing", "doc_numbers_missing",
         "story_numbers_missing")  # fmt: skip
THRESHOLDS = (0.65, 0.7, 0.75)


# -- subject --------------------------------------------------------------------------------


def subject_of(weighted: Mapping[str, float]) -> str | None:
    """The name a unit TF-IDF vector weighs most (its count and rarity; ties by the name, as
    a set's order changes from run to run); None without one."""
    return max(((v, f) for f, v in weighted.items() if is_name(f)), default=(0.0, None))[1]


def story_subject(grouper: StoryGrouper, story: Any) -> str | None:
    """The name a story's members carry most, weighed by rarity (``BY_COUNT``: the name most
    members carry, ties by rarity)."""
    idf, size = grouper.vocabulary.idf, len(story.members)
    if BY_COUNT:
        counted = ((carriers, idf(f), f) for f, carriers in story.carriers.items() if is_name(f))
        return max(counted, default=(0, 0.0, None))[2]
    found = ((carriers / size * idf(f), f) for f, carriers in story.carriers.items() if is_name(f))
    return max(found, default=(0.0, None))[1]


def subject_missing(member: Any, doc_vec: Mapping[str, float], story: Any, subject: str | None) -> tuple[float, float]:
    """The share of the story's members that never mention the doc's subject, and how far the
    story's subject is from the doc's own in the doc's weights; 0.5 where a side has no names."""
    doc_subject = subject_of(member.raw if BY_COUNT else doc_vec)  # raw: by count alone
    if doc_subject is None or subject is None:
        return 0.5, 0.5
    doc_side = 1.0 - story.carriers.get(doc_subject, 0) / len(story.members)
    story_side = 1.0 - min(1.0, doc_vec.get(subject, 0.0) / doc_vec[doc_subject])
    return doc_side, story_side


BY_COUNT = False  # subjects by how often they are named rather than by weight (--by-count)


@dataclass(frozen=True)
class SubjectEvidence(MatchEvidence):
    subject: tuple[float, float] = (0.5, 0.5)


@dataclass(frozen=True)
class SubjectModel(JoinModel):
    doc_subject_missing: float = 0.0
    story_subject_missing: float = 0.0

    def logit(self, e: MatchEvidence) -> float:
        z = super().logit(e)
        if isinstance(e, SubjectEvidence):
            z += self.doc_subject_missing * e.subject[0] + self.story_subject_missing * e.subject[1]
        return z

    def best_case(self, channels: Mapping[str, float], story_size: int, gap_hours: float | None) -> float:
        return 1.0  # no bound: every candidate is weighed in full

    def best_nearest(self, e: MatchEvidence) -> float:
        return 1.0


def use_subject() -> Callable[..., JoinModel]:
    """Patch the grouper and the fitting rows to weigh the two subject shares."""
    match = grouper_module.StoryGrouper._match

    def subject_match(self: StoryGrouper, member: Any, doc_vec: dict, story: Any, channels: dict, gap: Any) -> MatchEvidence:
        e = match(self, member, doc_vec, story, channels, gap)
        fields = {f: getattr(e, f) for f in e.__dataclass_fields__}
        return SubjectEvidence(**fields, subject=subject_missing(member, doc_vec, story, story_subject(self, story)))

    grouper_module.StoryGrouper._match = subject_match  # type: ignore[method-assign]
    row = bench._decision_row

    def subject_row(grouper: StoryGrouper, member: Any) -> tuple[str, list[float]] | None:
        found = row(grouper, member)
        if found is None:
            return None
        story = grouper._stories[found[0]]
        vec = grouper._weighted(member)
        return found[0], [*found[1], *subject_missing(member, vec, story, story_subject(grouper, story))]

    bench._decision_row = subject_row
    return SubjectModel


# -- fitting --------------------------------------------------------------------------------


def own_rows(articles: list[dict], params: GroupingParams) -> tuple[list[list[float]], list[bool]]:
    """Rows of the grouper's own runs: positive when the doc's event is most of the candidate's
    members."""
    gold = {a["id"]: a["gold"] for a in articles}
    rows, labels = [], []
    choose = grouper_module.StoryGrouper._choose_story

    def recording(self: StoryGrouper, member: Any, candidates: list[str]) -> Any:
        found = bench._decision_row(self, member)
        if found is not None:
            members = self._stories[found[0]].members
            rows.append(found[1])
            labels.append(Counter(gold[d] for d in members).most_common(1)[0][0] == gold[member.doc.id])
        return choose(self, member, candidates)

    grouper_module.StoryGrouper._choose_story = recording  # type: ignore[method-assign]
    try:
        for seed in bench.FIT_SEEDS:
            order = articles[:]
            random.Random(seed).shuffle(order)
            grouper = StoryGrouper(params=params)
            for a in order:
                grouper.add(Doc(a["id"], "", a["id"], a["title"] or "", a["text"] or "", None))
    finally:
        grouper_module.StoryGrouper._choose_story = choose  # type: ignore[method-assign]
    return rows, labels


def logistic(rows: list[list[float]], labels: list[bool], names: tuple[str, ...], c: float) -> dict[str, float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=3000).fit(np.array(rows), np.array(labels))
    weights = dict(zip(names, map(float, model.coef_[0]), strict=True))
    return {n: round(w, 2) for n, w in weights.items()} | {"bias": round(float(model.intercept_[0]), 2)}


def make_fit(study: str, c: float, names: tuple[str, ...]) -> Callable[[list[dict]], dict[str, float]]:
    def fit(articles: list[dict]) -> dict[str, float]:
        rows, labels = bench.decision_rows(articles)
        weights = logistic(rows, labels, names, c)
        if study == "self":
            pair = JoinModel(**bench.fit_pair_weights(articles), threshold=0.5)
            for _ in range(2):
                params = GroupingParams(model=JoinModel(**weights), pair_model=pair)
                more, more_labels = own_rows(articles, params)
                rows, labels = rows + more, labels + more_labels
                weights = logistic(rows, labels, names, c)
        print("  join model: " + " ".join(f"{n}={w:.2f}" for n, w in weights.items()), flush=True)
        return weights

    return fit


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("study", choices=("subject", "self", "strength"))
    parser.add_argument("c", nargs="?", type=float, default=1.0, help="C, for strength")
    parser.add_argument("--cv", action="store_true", help="held out by topic (about five minutes)")
    parser.add_argument("--by-count", action="store_true",
                        help="subject: the name most often named (doc) and carried (story)")
    args = parser.parse_args()
    global BY_COUNT
    BY_COUNT = args.by_count
    if not bench.CORPUS.exists():
        print(f"ECB+ corpus not found at {bench.CORPUS}", file=sys.stderr)
        return 2
    model: Callable[..., JoinModel] = JoinModel
    names = NAMES
    if args.study == "subject":
        model = use_subject()
        names = (*NAMES, "doc_subject_missing", "story_subject_missing")
    fit = make_fit(args.study, args.c, names)
    if args.cv:
        bench.fit_weights = fit
        _cross_validate(bench.load_split("train"), model)
        return 0
    weights = fit(bench.load_split("train"))
    for threshold in THRESHOLDS:
        params = GroupingParams(model=model(**weights, threshold=threshold))
        scores = [bench.evaluate(bench.load_split(s), params)["pairwise_f1"] for s in ("train", "dev")]
        print(f"  join threshold {threshold}: train {scores[0][0]:.3f} ± {scores[0][1]:.3f}, "
              f"dev {scores[1][0]:.3f} ± {scores[1][1]:.3f}", flush=True)  # fmt: skip
    return 0


def _cross_validate(articles: list[dict], model: Callable[..., JoinModel]) -> None:
    """``stories_ecbplus.cross_validate`` with this study's join model class."""
    import progleton.stories.similarity as similarity

    shipped = similarity.JoinModel
    try:
        similarity.JoinModel = model  # type: ignore[misc]  # cross_validate imports it from there
        bench.cross_validate(articles)
    finally:
        similarity.JoinModel = shipped  # type: ignore[misc]


if __name__ == "__main__":
    sys.exit(main())
