"""A user's corrections: an article moved or split out, two stories merged, a wire copy set.

Methods of :class:`~.grouper.StoryGrouper`, written as functions of the grouper and bound there.
A story a user put an article in, or merged, is pinned: never split or regrouped automatically.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..exceptions import NotFound
from .member import Member
from .model import Reasons
from .story import STORY_PREFIX, OpenStory

if TYPE_CHECKING:
    from .grouper import StoryGrouper


def set_wire_copy_of(self: StoryGrouper, doc_id: str, original: str | None) -> None:
    """Record which earlier doc an open doc's text copies (None: none), as a correction
    changed it in storage, so that a replay at start-up finds the state it left."""
    self._finish_restore()
    member = self._members.get(doc_id)
    if member is not None:
        member.wire_copy_of = original


def open_story_ids(self: StoryGrouper, story_ids: list[str]) -> list[str]:
    """Those of ``story_ids`` that are open here (not closed, not unknown)."""
    self._finish_restore()
    return [s for s in story_ids if self._resolve(s) in self._stories]


def move(self: StoryGrouper, doc_id: str, to_story: str | None = None) -> str:
    """Move a doc to another open story, or (``None``) split it out into a story of its own.

    Returns the story id it is now in. Split ids are deterministic (``story-<doc>~<n>``), so
    replaying corrections after :meth:`load` gives the same ids.
    """
    self._finish_restore()
    member = self._members.get(doc_id)
    if member is None:
        raise NotFound(f"no open doc {doc_id!r}")
    if to_story is None:
        self._splits[doc_id] += 1
        target = f"{STORY_PREFIX}{doc_id}~{self._splits[doc_id]}"
    else:
        target = self._resolve(to_story)
        if target not in self._stories:
            raise NotFound(f"no open story {to_story!r}")
    old = self._stories[member.story_id]
    # The story a user put an article in is theirs: never split or regrouped automatically
    # (pinned before the early return: a replay finds the article there already). The story
    # it left is not: one article out says nothing of the rest, and a replay cannot tell
    # which story that was.
    self._pinned.add(target)
    if target == old.story_id:
        return target
    self._detach(member, old)
    story = self._stories.setdefault(target, OpenStory(target))
    member.story_id = target
    story.members.append(doc_id)
    self._rebuild(story)
    self._index.add(target, member.index_keys)
    member.reasons = (
        Reasons(note="moved by user", action="moved")
        if to_story
        else Reasons(note="split out by user", action="split_out")
    )
    return target


def detach(self: StoryGrouper, member: Member, story: OpenStory) -> None:
    story.members.remove(member.doc.id)
    self._index.remove(story.story_id, member.index_keys)
    if story.members:
        self._rebuild(story)
    else:
        del self._stories[story.story_id]


def merge(self: StoryGrouper, story_a: str, story_b: str) -> str:
    """Merge story ``story_b`` into ``story_a``; returns the surviving id (``story_a``'s)."""
    self._finish_restore()
    a, b = self._resolve(story_a), self._resolve(story_b)
    if a in self._stories:
        self._pinned.add(a)  # also on replay, where b's members were stored in a already
    for sid in (a, b):
        if sid not in self._stories:
            raise NotFound(f"no open story {sid!r}")
    if a == b:
        return a
    survivor, gone = self._stories[a], self._stories.pop(b)
    self._relocate([self._members[d] for d in gone.members], b, survivor)
    self._rebuild(survivor)
    self._aliases[b] = a
    return a
