"""Stories stage: group articles about one event, tell wire copies apart, rank for the front page."""

from .grouper import StoryGrouper
from .model import Assignment, Doc, Reasons
from .params import GroupingParams
from .rank import story_score
from .story import Story

__all__ = [
    "Assignment",
    "Doc",
    "GroupingParams",
    "Reasons",
    "Story",
    "StoryGrouper",
    "story_score",
]
