"""What a reader's corrections of the grouping (``Progleton.move_article``, ``merge_stories``,
``unmerge_story``) write beside the grouper's own change: which article carries a wire text once
its original moves out or back, a new id for an article split out of a closed story, a merge
remembered and undone, and each stored correction replayed on a grouper built again from storage.

The facade calls these inside its hold of the grouping (``Progleton.grouping``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .exceptions import NotFound
from .store.sql import SQLStore
from .stories import StoryGrouper
from .types import StoryDetail


def reoriginate(store: SQLStore, grouper: StoryGrouper, gone: int, story_id: str) -> None:
    """The wire copies of ``gone`` left in ``story_id`` when it moved out: the earliest of
    them carries the text there now, and the others are its copies (they still count as
    one report, shown together)."""
    try:
        left = [a for a in store.get_story(story_id).articles if a.wire_copy_of == gone]
    except NotFound:
        return  # the story held only that article
    if not left:
        return
    first, *rest = sorted(left, key=lambda a: (a.published or a.created_at or datetime.min.replace(tzinfo=UTC),
                                               a.id))
    store.set_story_membership(first.id, story_id, {"note": "carries the text of an article split out",
                                                    "action": "wire_original", "score": 1.0,
                                                    "original": gone})
    grouper.set_wire_copy_of(str(first.id), None)
    for copy in rest:
        store.set_story_membership(copy.id, story_id, dict(copy.reasons), first.id)
        grouper.set_wire_copy_of(str(copy.id), str(first.id))


def back_as_original(store: SQLStore, grouper: StoryGrouper, article_id: int, story_id: str) -> None:
    """An article moved back into the story whose copies of its text a member carries since
    it left (:func:`reoriginate`): it carries its text again, and they are its copies."""
    members = store.get_story(story_id).articles
    stand_in = next((a for a in members if a.reasons.get("action") == "wire_original"
                     and a.reasons.get("original") == article_id), None)
    if stand_in is None:
        return
    for a in members:
        if a.id == stand_in.id or a.wire_copy_of == stand_in.id:
            reasons = {"note": f"wire copy of {article_id}", "action": "wire_copy"} if a.id == stand_in.id \
                else dict(a.reasons)
            store.set_story_membership(a.id, story_id, reasons, article_id)
            grouper.set_wire_copy_of(str(a.id), str(article_id))
    store.set_story_membership(article_id, story_id, dict(store.get_article(article_id).reasons))
    grouper.set_wire_copy_of(str(article_id), None)


def split_id(store: SQLStore, article_id: int) -> str:
    """A new story's id for an article split out of a closed story."""
    n = 1
    while store.story_exists(f"story-{article_id}~{n}"):
        n += 1
    return f"story-{article_id}~{n}"


def write_merge(store: SQLStore, absorbed: StoryDetail, survivor: str) -> None:
    """Remember a user's merge of ``absorbed`` into ``survivor``, and move its articles and its
    readers' states there (:func:`undo_merge` puts them back)."""
    gone = absorbed.story.id
    store.add_correction("merge", story_id=gone, into_story_id=survivor)
    for article in absorbed.articles:
        # where it came from and why it was there, for an unmerge to put back
        reasons = {"note": f"merged by a user into {survivor} from {gone}", "action": "merged",
                   "score": 1.0, "from_story": gone, "from_title": absorbed.story.title,
                   "before": dict(article.reasons)}
        store.set_story_membership(article.id, survivor, reasons, article.wire_copy_of)
    store.carry_story_states(gone, survivor)


def undo_merge(store: SQLStore, story_id: str) -> None:
    """Put back in the store what a user's merge of ``story_id`` took
    (:meth:`~progleton.core.Progleton.unmerge_story` says what, and when there is nothing to undo:
    ``NotFound``)."""
    into = store.last_merge(story_id)
    if into is None or store.story_exists(story_id):
        raise NotFound(f"story {story_id} is not merged into another: there is no merge to undo")
    if not store.story_exists(into):
        successor = store.merged_into(into)
        raise NotFound(f"story {story_id} went into {into}, which has been merged into {successor} "
                       f"since: unmerge {into} first" if successor else
                       f"story {story_id} went into {into}, which holds none of its articles now")
    members = store.get_story(into).articles
    back = {a.id: a for a in members if a.reasons.get("action") == "merged"
            and a.reasons.get("from_story") == story_id}
    if not back and any(_merged_unrecorded(a.reasons, into) for a in members):
        raise NotFound(f"story {story_id} was merged into {into} by an earlier version of Progleton, which did "
                       f"not record which articles came from it, so the merge cannot be undone: "
                       f"`progleton move ARTICLE_ID` splits an article out of {into}")
    if not back:
        raise NotFound(f"none of story {story_id}'s articles is left in {into}: there is no merge to undo")
    for article in back.values():
        before = article.reasons.get("before")
        store.set_story_membership(article.id, story_id, dict(before) if isinstance(before, dict) else {},
                                   article.wire_copy_of)
    for copy in members:  # a wire copy stays with the text it carries
        if copy.id not in back and copy.wire_copy_of in back:
            store.set_story_membership(copy.id, story_id, dict(copy.reasons), copy.wire_copy_of)
    store.forget_merge(story_id)
    store.restore_story_states(story_id, into)


def _merged_unrecorded(reasons: dict[str, Any], into: str) -> bool:
    """Whether an article came into ``into`` by a merge of the first versions, which wrote only
    a note, not the story it came from."""
    return "from_story" not in reasons and reasons.get("note") == f"merged by a user into {into}"


def replay(grouper: StoryGrouper, correction: dict[str, Any]) -> None:
    """Make a stored correction again on a grouper built from storage; one whose article or
    story has gone since is passed over."""
    try:
        if correction["kind"] == "move":
            try:
                grouper.move(str(correction["article_id"]), to_story=correction["story_id"])
            except NotFound:  # into a closed story: split out here, as move_article did
                grouper.move(str(correction["article_id"]))
        elif correction["kind"] == "merge":
            grouper.merge(correction["into_story_id"], correction["story_id"])
    except (KeyError, NotFound):
        pass  # the article or story has gone since; the correction no longer applies
