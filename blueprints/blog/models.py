"""Articles, their tags, the drills they embed, and readers' comments."""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup
from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.shared.clock import utcnow
from blueprints.shared.extensions import db
from blueprints.shared.markdown import render_plain_text

POST_STATUSES = ("draft", "scheduled", "published")
COMMENT_STATUSES = ("pending", "approved")
# A relaxed adult reading pace for instructional text.
WORDS_PER_MINUTE = 200

post_tag = Table(
    "post_tag",
    db.metadata,
    Column("post_id", ForeignKey("post.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(db.Model):
    """A topic shared by several articles."""

    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)


class Post(db.Model):
    """An article. Public only when published and its time has come."""

    __tablename__ = "post"
    __table_args__ = (Index("ix_post_status_published_at", "status", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300), default="")
    body_md: Mapped[str] = mapped_column(Text, default="")
    # Rendered and sanitised once per save, so a page view never runs Markdown.
    body_html: Mapped[str] = mapped_column(Text, default="")
    cover_image: Mapped[str] = mapped_column(String(300), default="")
    cover_alt: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(12), default="draft")
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    word_count: Mapped[int] = mapped_column(default=0)

    tags: Mapped[list[Tag]] = relationship(secondary=post_tag, lazy="selectin", order_by=Tag.name)
    embedded_drills: Mapped[list[PostDrill]] = relationship(
        back_populates="post", cascade="all, delete-orphan", order_by="PostDrill.position"
    )

    @property
    def reading_minutes(self) -> int:
        """Whole minutes to read the article, at least one."""
        return max(1, round(self.word_count / WORDS_PER_MINUTE))

    @property
    def last_modified(self) -> datetime:
        """When the article last changed as a reader sees it (never before it was published)."""
        if self.published_at is None:
            return self.updated_at
        return max(self.updated_at, self.published_at)

    @property
    def shows_update(self) -> bool:
        """True when the article was revised on a later day than it was published."""
        if self.published_at is None:
            return False
        return self.last_modified.date() > self.published_at.date()


class PostDrill(db.Model):
    """A drill embedded in an article, recorded at save so each drill page can list its articles."""

    __tablename__ = "post_drill"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), primary_key=True
    )
    drill_id: Mapped[int] = mapped_column(
        ForeignKey("drill.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    post: Mapped[Post] = relationship(back_populates="embedded_drills")


class Comment(db.Model):
    """A reader's comment; shown only after the coach approves it."""

    __tablename__ = "comment"
    __table_args__ = (
        Index("ix_comment_post_status", "post_id", "status"),
        Index("ix_comment_status_created_id", "status", "created_at", "id"),  # moderation pages
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship()

    @property
    def body_html(self) -> Markup:
        """The comment as escaped paragraphs: none of the reader's markup survives."""
        return render_plain_text(self.body)
