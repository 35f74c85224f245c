"""Candidate cues for telling two events of one kind apart, measured on ECB+ (none is shipped).

    .venv/bin/python benchmarks/stories_cues.py pairs        # pair-level study (about 10 s)
    .venv/bin/python benchmarks/stories_cues.py pairs --embeddings FILE.npz  # and MiniLM cues
    .venv/bin/python benchmarks/stories_cues.py background   # end to end, background sentences
    .venv/bin/python benchmarks/stories_cues.py persons      # end to end, person-like names (10 min)
    .venv/bin/python benchmarks/stories_cues.py title        # end to end, title words as text (12 min)

``pairs``: every ordered pair of docs of one topic, weighed as the pair model weighs it
(``stories_ecbplus.fit_pair_weights``), with each candidate cue added; a logistic model is
fitted on train and scored on dev pairs (AUC), and the mean probability between the two events
of each topic is printed for the topics where it is highest (above 0.45: the whole-topic merges).
Also gradient-boosted trees instead of the logistic model, held out by topic. With
``--embeddings`` (written by ``benchmarks/embed_ecbplus.py``, which needs the MiniLM package the
project does not install), also the cosine of the two docs' sentence embeddings, of title and
text and of the title alone.

``background``: sentences recalling an earlier time ("last month", "two years ago",
"previously") left out of the features, counted half, or with only their names and numbers
left out; both models refitted on train; train and dev pairwise F1 at the join thresholds of
the cross-validation. ``title``: the title's words counted among the text's words too (once
each), for every doc and for docs of under five words of text only (ECB+ has 51 docs with a
title and no text, as a feed entry without a summary); both models refitted; train and dev at
each join threshold, and held out by topic for every doc. ``persons``: person-like names (a name of several words whose last word
the text also uses alone) weighted 1.25 to 2 times; both models refitted on train; train and
dev at each join threshold, and held out by topic at 1.5. See docs/benchmarks.md (Stories,
2026-12-06) for the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import re
import sys
from collections.abc import Callable

import numpy as np
from stories_ecbplus import (  # type: ignore[import-not-found]
    CORPUS,
    CV_THRESHOLDS,
    evaluate,
    fit_pair_weights,
    fit_weights,
    grouped,
    load_split,
    topic_pairs,
)

from progleton.stories import GroupingParams
from progleton.stories import features as feature_module
from progleton.stories import textparts as textparts_module  # where the grouper reads features
from progleton.stories.similarity import JoinModel, dot

Cue = Callable[[dict, dict], list[float]]


def name_profiles(articles: list[dict], idf: Callable[[str], float]) -> dict[str, dict]:
    """Per doc: its name counts times idf (single words), its name focus (squared counts times
    idf, unit length) and the same over the names of its title and first 30 words."""
    out = {}
    for a in articles:
        title, text = a["title"] or "", a["text"] or ""
        counts = feature_module.article_features(title, text).counts
        lead = feature_module.article_features(title, " ".join(text.split()[:30])).counts
        single = {k: v * idf(k) for k, v in counts.items() if k[0] == "n" and " " not in k}
        focus = {k: v * v * idf(k) for k, v in counts.items() if k[0] == "n"}
        lead_names = {k: idf(k) for k in lead if k[0] == "n"}
        persons = {k: v * idf(k) for k, v in counts.items() if k in person_names(counts)}
        out[a["id"]] = {"single": single, "focus": _unit(focus), "lead": _unit(lead_names), "persons": persons}
    return out


def person_names(counts: dict[str, float]) -> set[str]:
    """The name keys that look like people: a name of several words whose last word the text
    also uses alone ("Vincent Jackson" ... "Jackson said"), and that last word. A team named by
    its last word ("the Chargers") passes too; places and organisations mostly do not."""
    names = {k[2:]: v for k, v in counts.items() if k[0] == "n"}
    phrases = [n for n in names if " " in n]
    found = set()
    for phrase in phrases:
        last = phrase.rsplit(" ", 1)[1]
        within = sum(names[p] for p in phrases if p.rsplit(" ", 1)[1] == last)
        if names.get(last, 0) > within:  # article_features counts each phrase's last word too
            found |= {"n:" + phrase, "n:" + last}
    return found


def _unit(vec: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {k: v / norm for k, v in vec.items()}


def _share_missing(a: dict[str, float], b: dict[str, float]) -> float:
    total = sum(a.values())
    return sum(v for k, v in a.items() if k not in b) / total if total else 0.5


def _top_missing(a: dict[str, float], b: dict[str, float]) -> float:
    if not a:
        return 0.0
    return float(max(a, key=lambda k: (a[k], k)) not in b)


CUES: dict[str, Cue] = {
    "salience": lambda i, j: [_share_missing(i["single"], j["single"]),
                              _share_missing(j["single"], i["single"])],
    "top name": lambda i, j: [_top_missing(i["single"], j["single"]),
                              _top_missing(j["single"], i["single"])],
    "focus": lambda i, j: [dot(i["focus"], j["focus"])],
    "lead names": lambda i, j: [dot(i["lead"], j["lead"])],
    "persons": lambda i, j: [dot(_unit(i["persons"]), _unit(j["persons"])),
                             _share_missing(i["persons"], j["persons"]),
                             _share_missing(j["persons"], i["persons"])],
}  # fmt: skip


def add_embeddings(path: str) -> None:
    """Add the cues of sentence embeddings (``benchmarks/embed_ecbplus.py``) to :data:`CUES`."""
    saved = np.load(path)
    found = {str(i): (f, t) for i, f, t in zip(saved["ids"], saved["full"], saved["title"], strict=True)}
    EMBEDDINGS.update(found)
    CUES["embedding"] = lambda i, j: [float(i["embedding"][0] @ j["embedding"][0])]
    CUES["title embedding"] = lambda i, j: [float(i["embedding"][1] @ j["embedding"][1])]


EMBEDDINGS: dict[str, tuple[np.ndarray, np.ndarray]] = {}


def pair_rows(articles: list[dict]) -> list[tuple[object, bool, list[float], dict[str, list[float]]]]:
    """(topic, same event, the pair model's features, each cue's values) for every ordered pair
    of docs of one topic; the vocabulary is the whole split's, as in ``fit_pair_weights``."""
    grouper = grouped(articles)
    profiles = name_profiles(articles, grouper.vocabulary.idf)
    for a in articles if EMBEDDINGS else ():
        profiles[a["id"]]["embedding"] = EMBEDDINGS[str(a["id"])]
    rows = []
    for topic, a, b, base in topic_pairs(articles, grouper):
        pa, pb = profiles[a["id"]], profiles[b["id"]]
        cues = {name: cue(pa, pb) for name, cue in CUES.items()}
        rows.append((topic, a["gold"] == b["gold"], base, cues))
    return rows


def study_pairs() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold

    train, dev = pair_rows(load_split("train")), pair_rows(load_split("dev"))

    def matrix(rows: list, cues: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x = np.array([r[2] + [v for name in cues for v in r[3][name]] for r in rows])
        return x, np.array([r[1] for r in rows]), np.array([r[0] for r in rows])

    def between(rows: list, p: np.ndarray) -> dict[object, float]:
        found: dict[object, list[float]] = {}
        for r, q in zip(rows, p, strict=True):
            if not r[1]:
                found.setdefault(r[0], []).append(float(q))
        return {t: round(float(np.mean(v)), 2) for t, v in found.items() if np.mean(v) > 0.45}

    variants: list[tuple[str, ...]] = [(), *((name,) for name in CUES), ("salience", "top name", "focus")]
    if EMBEDDINGS:
        variants.append(("embedding", "title embedding"))
    for cues in variants:
        x, y, _ = matrix(train, cues)
        xd, yd, _ = matrix(dev, cues)
        model = LogisticRegression(C=1.0, max_iter=3000).fit(x, y)
        p, pd = model.predict_proba(x)[:, 1], model.predict_proba(xd)[:, 1]
        print(f"{' + '.join(cues) or 'none (as shipped)'}: AUC train {roc_auc_score(y, p):.3f} "
              f"dev {roc_auc_score(yd, pd):.3f}; between events > 0.45: train {between(train, p)} "
              f"dev {between(dev, pd)}")  # fmt: skip
    x, y, topics = matrix(train, ())
    for name, make in (
        ("logistic", lambda: LogisticRegression(C=1.0, max_iter=3000)),
        ("boosted trees", lambda: HistGradientBoostingClassifier(max_iter=150, max_depth=3, learning_rate=0.05)),
    ):  # fmt: skip
        held = np.zeros(len(y))
        for fit_on, score_on in GroupKFold(5).split(x, y, topics):
            held[score_on] = make().fit(x[fit_on], y[fit_on]).predict_proba(x[score_on])[:, 1]
        print(f"{name}, held out by topic: AUC {roc_auc_score(y, held):.3f}; "
              f"between events > 0.45: {between(train, held)}")  # fmt: skip


BACKGROUND = re.compile(
    r"\b(last (?:month|year|week|season|summer|spring|fall|winter)"
    r"|earlier this (?:month|year|season|week)|(?:days|months|years|weeks) ago"
    r"|a (?:year|month|week) ago|previous(?:ly)?)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def background_features(mode: str) -> Callable[..., feature_module.ArticleFeatures]:
    """``article_features`` with the sentences that recall an earlier time left out ("drop"),
    counted half ("half"), or with only their names and numbers left out ("specific")."""
    plain = feature_module.article_features

    def features(title: str, text: str, *, title_weight: float = 2.0) -> feature_module.ArticleFeatures:
        full = plain(title, text, title_weight=title_weight)
        if not BACKGROUND.search(text):
            return full
        kept = " ".join(s for s in _SENTENCE_END.split(text) if not BACKGROUND.search(s))
        rest = plain(title, kept, title_weight=title_weight)
        if mode == "specific":
            counts = {k: v for k, v in full.counts.items() if k[0] in "wt"}
            counts |= {k: v for k, v in rest.counts.items() if k[0] in "nd"}
        elif mode == "half":
            halves = {k: (full.counts[k] + rest.counts.get(k, 0.0)) / 2 for k in full.counts}
            counts = {k: v for k, v in halves.items() if v > 0}
        else:
            counts = rest.counts
        return feature_module.ArticleFeatures(counts=counts, names=rest.names, words=full.words)

    return features


def refit_and_score(label: str, features: Callable[..., feature_module.ArticleFeatures]) -> None:
    """With ``features`` as the grouper's, refit both models on train and print train and dev
    pairwise F1 at each join threshold of the cross-validation."""
    train, dev = load_split("train"), load_split("dev")
    plain = textparts_module.article_features
    textparts_module.article_features = features  # type: ignore[assignment]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            weights, pair = fit_weights(train), fit_pair_weights(train)
        for threshold in CV_THRESHOLDS:
            params = GroupingParams(
                model=JoinModel(**weights, threshold=threshold),
                pair_model=JoinModel(**pair, threshold=0.5),
            )
            t, d = evaluate(train, params)["pairwise_f1"], evaluate(dev, params)["pairwise_f1"]
            print(f"{label}, join threshold {threshold}: "
                  f"train {t[0]:.3f} ± {t[1]:.3f}, dev {d[0]:.3f} ± {d[1]:.3f}", flush=True)  # fmt: skip
    finally:
        textparts_module.article_features = plain  # the grouper's own features again


def study_background() -> None:
    for mode in ("drop", "half", "specific"):
        refit_and_score(f"background sentences {mode}", background_features(mode))


def persons_features(boost: float) -> Callable[..., feature_module.ArticleFeatures]:
    """``article_features`` with person-like names (:func:`person_names`) weighted ``boost``
    times as much (their sublinear term frequency, 1 + log count, multiplied)."""
    plain = feature_module.article_features

    def features(title: str, text: str, *, title_weight: float = 2.0) -> feature_module.ArticleFeatures:
        full = plain(title, text, title_weight=title_weight)
        persons = person_names(full.counts)
        counts = {k: math.exp(boost * (1 + math.log(c)) - 1) if k in persons else c
                  for k, c in full.counts.items()}  # fmt: skip
        return feature_module.ArticleFeatures(counts=counts, names=full.names, words=full.words)

    return features


def study_persons(boosts: tuple[float, ...] = (1.25, 1.5, 1.75, 2.0), cv_boost: float = 1.5) -> None:
    from stories_ecbplus import cross_validate  # type: ignore[import-not-found]

    for boost in boosts:
        refit_and_score(f"person names x{boost}", persons_features(boost))
    plain = textparts_module.article_features
    textparts_module.article_features = persons_features(cv_boost)  # type: ignore[assignment]
    try:
        print(f"person names x{cv_boost}, held out by topic:")
        cross_validate(load_split("train"))
    finally:
        textparts_module.article_features = plain


def title_features(short_only: bool) -> Callable[..., feature_module.ArticleFeatures]:
    """``article_features`` with each title word also counted once as a word of the text (for
    texts of under five content words only, with ``short_only``)."""
    plain = feature_module.article_features

    def features(title: str, text: str, *, title_weight: float = 2.0) -> feature_module.ArticleFeatures:
        full = plain(title, text, title_weight=title_weight)
        if short_only and full.words >= 5:
            return full
        counts = dict(full.counts)
        for k, v in full.counts.items():
            if k.startswith("t:"):
                counts["w:" + k[2:]] = counts.get("w:" + k[2:], 0.0) + v / title_weight
        return feature_module.ArticleFeatures(counts=counts, names=full.names, words=full.words)

    return features


def study_title() -> None:
    from stories_ecbplus import cross_validate  # type: ignore[import-not-found]

    refit_and_score("title as text, texts under 5 words", title_features(short_only=True))
    refit_and_score("title as text, every doc", title_features(short_only=False))
    plain = textparts_module.article_features
    textparts_module.article_features = title_features(short_only=False)  # type: ignore[assignment]
    try:
        print("title as text, every doc, held out by topic:")
        cross_validate(load_split("train"))
    finally:
        textparts_module.article_features = plain


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("study", choices=("pairs", "background", "persons", "title"))
    parser.add_argument("--embeddings", help="sentence embeddings from embed_ecbplus.py (pairs)")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"ECB+ corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    if args.study == "pairs":
        if args.embeddings:
            add_embeddings(args.embeddings)
        study_pairs()
    elif args.study == "background":
        study_background()
    elif args.study == "persons":
        study_persons()
    else:
        study_title()
    return 0


if __name__ == "__main__":
    sys.exit(main())
