"""The tables, as SQLAlchemy Core metadata (portable: SQLite and PostgreSQL).

Alembic migrations in ``migrations/`` create and evolve them; this module is the
reference the queries are written against.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

UTC_DATETIME = sa.DateTime(timezone=True)

sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.Text, nullable=False, unique=True),
    sa.Column("title", sa.Text),
    sa.Column("site_url", sa.Text),
    sa.Column("added_at", UTC_DATETIME, nullable=False),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("last_fetched_at", UTC_DATETIME),
    sa.Column("last_status", sa.Text),
    sa.Column("last_error", sa.Text),
    sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_fetch_at", UTC_DATETIME),
    sa.Column("interval_minutes", sa.Float),
    sa.Column("backoff_minutes", sa.Float, nullable=False, server_default="0"),
    sa.Column("entries_per_day", sa.Float),
    sa.Column("retired", sa.Boolean, nullable=False, server_default=sa.false()),
    # until when an update has taken the source (SQLStore.claim_due_sources, claim_sources);
    # cleared when it writes the source's fetch
    sa.Column("claimed_until", UTC_DATETIME),
    # which process took it (progleton.claims.Claimer), so that a later update on the same
    # machine can take back what a process that no longer runs had taken; read only while
    # claimed_until is set
    sa.Column("claimed_by", sa.Text),
)

source_groups = sa.Table(
    "source_groups",
    metadata,
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("name", sa.Text, primary_key=True),
)

stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("first_seen", UTC_DATETIME),
    sa.Column("last_seen", UTC_DATETIME),
    sa.Column("article_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("outlet_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("independent_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("score", sa.Float, nullable=False, server_default="0"),
    sa.Column("lead_article_id", sa.Integer),
    sa.Index("ix_stories_score", "score"),
    sa.Index("ix_stories_last_seen", "last_seen"),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("canonical_url", sa.Text, nullable=False, unique=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False, server_default=""),
    sa.Column("html", sa.Text, nullable=False, server_default=""),
    sa.Column("summary", sa.Text, nullable=False, server_default=""),
    sa.Column("authors", sa.JSON, nullable=False, default=list),
    sa.Column("published", UTC_DATETIME),
    sa.Column("updated", UTC_DATETIME),
    sa.Column("language", sa.Text),
    sa.Column("image", sa.Text),
    sa.Column("site_name", sa.Text),
    sa.Column("word_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("warnings", sa.JSON, nullable=False, default=list),
    sa.Column("text_hash", sa.Text),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="SET NULL")),
    sa.Column("story_id", sa.Text, sa.ForeignKey("stories.id", ondelete="SET NULL"), index=True),
    sa.Column("wire_copy_of", sa.Integer),
    sa.Column("reasons", sa.JSON, nullable=False, default=dict),
    sa.Column("extracted", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", UTC_DATETIME, nullable=False),
    # The headline shown in the title's place, when it is not what the grouper read: the feed's
    # later headline, when it changed after the article was stored, or an untitled episode's
    # file name (the grouper reads no title for it). The grouper reads ``title``, as first
    # stored (a replay at start-up must read what the assigning read).
    sa.Column("headline", sa.Text),
    # The text the grouper read, when ``text`` was replaced after the article was grouped (its
    # page, fetched on a later try): a replay at start-up must read what the assigning read.
    sa.Column("grouped_text", sa.Text),
    # An article stored with the feed's text because its page failed for a reason that may
    # pass (a timeout, a 503): when to fetch the page again (None: never), and how many tries
    # have failed since the first.
    sa.Column("page_retry_at", UTC_DATETIME),
    sa.Column("page_attempts", sa.Integer, nullable=False, default=0, server_default="0"),
    # What its source was called (its title, else what its feed address names), written when the
    # source is removed: the article stays, and goes on showing the outlet by that name.
    sa.Column("source_name", sa.Text),
    # The outlet its source counted for (outlets.outlet_key: "site:bbc.co.uk", "source:12"),
    # written when the source is removed: the article goes on counting for it in its story, so
    # a feed removed beside another feed of its site does not become an outlet of its own.
    sa.Column("source_outlet", sa.Text),
    sa.Index("ix_articles_published", "published"),
    sa.Index("ix_articles_page_retry_at", "page_retry_at"),
    # Exact duplicates are looked up by source and text; source_id queries use its prefix.
    sa.Index("ix_articles_source_text_hash", "source_id", "text_hash"),
)

entries = sa.Table(
    "entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    sa.Column("guid", sa.Text, nullable=False),
    sa.Column("link", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("summary", sa.Text),
    sa.Column("content", sa.Text),
    sa.Column("authors", sa.JSON, nullable=False, default=list),
    sa.Column("published", UTC_DATETIME),
    sa.Column("updated", UTC_DATETIME),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL"), index=True),
    sa.Column("first_seen", UTC_DATETIME, nullable=False),
    sa.UniqueConstraint("source_id", "guid", name="uq_entries_source_guid"),
)

# Entries an update saw and did not store: more new entries than ``max_new_entries``, or a page
# not yet asked for when the source's time for pages ran out. Each holds what its article is made
# of on a later update (``entry``: the parsed entry and its feed text, ``pending.entry_json``),
# when it was first left waiting and why; a feed that drops it meanwhile loses nothing.
pending_entries = sa.Table(
    "pending_entries",
    metadata,
    sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("guid", sa.Text, primary_key=True),
    sa.Column("entry", sa.JSON, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("first_seen", UTC_DATETIME, nullable=False),
    sa.Index("ix_pending_entries_first_seen", "first_seen"),
)

site_profiles = sa.Table(
    "site_profiles",
    metadata,
    sa.Column("host", sa.Text, primary_key=True),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("updated_at", UTC_DATETIME, nullable=False),
)

corrections = sa.Table(
    "corrections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),  # "move" or "merge"
    sa.Column("article_id", sa.Integer),
    sa.Column("story_id", sa.Text),  # move: target (None = split out); merge: absorbed story
    sa.Column("into_story_id", sa.Text),  # merge: surviving story
    sa.Column("created_at", UTC_DATETIME, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False, unique=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", UTC_DATETIME, nullable=False),
)

article_state = sa.Table(
    "article_state",
    metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("read", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("starred", sa.Boolean, nullable=False, server_default=sa.false()),
)

story_state = sa.Table(
    "story_state",
    metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("story_id", sa.Text, primary_key=True),
    sa.Column("last_seen_at", UTC_DATETIME),
    sa.Column("followed", sa.Boolean, nullable=False, server_default=sa.false()),
)

saved_searches = sa.Table(
    "saved_searches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE")),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("query", sa.Text, nullable=False),
    sa.Column("created_at", UTC_DATETIME, nullable=False),
)

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
