"""Plain data types passed between the pure transforms (no I/O, no Prefect)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class RejectedInput(Exception):
    """An input that cannot become an article. `reason` is a code from `schema.REJECT_REASONS`."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class RawFile:
    """One source file as read: identity, raw bytes and file facts."""

    article_id: str
    source_uri: str
    content: bytes
    content_sha256: str
    size: int
    mtime: dt.datetime | None = None


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the article. Body paragraphs carry offsets into the body; others have None."""

    paragraph_no: int
    kind: str  # body | caption | byline | related
    text: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class ParsedArticle:
    """The layout of one article: header fields and its paragraphs in document order."""

    published_date: dt.date
    published_time: str | None  # "HH:MM"
    category: str | None
    title: str
    reporters: list[str] = field(default_factory=list)
    dateline: str | None = None
    agency: str | None = None
    image_credits: list[str] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n".join(p.text for p in self.paragraphs if p.kind == "body")

    @property
    def body_paragraphs(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.kind == "body"]


@dataclass(frozen=True)
class Sentence:
    sentence_no: int
    paragraph_no: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Token:
    text: str
    pos: str
    start: int
    end: int
