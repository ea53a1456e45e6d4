"""Which source files need processing: the incremental plan, as pure functions.

A file is skipped without being read when its size and modification time equal those recorded for its
article and the article was produced by the current pipeline version (the cheap pre-check). Otherwise it is
read and hashed: the same content hash (and pipeline version) means unchanged, a different one means changed,
no record means new. A file rejected before with the same content is not rejected (or recorded) again.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass


def article_id_for(relative_path: str) -> str:
    """Stable article id from a path relative to the source root: POSIX separators, no `.txt` suffix."""
    if (
        "\\" not in relative_path and "//" not in relative_path and "/." not in relative_path
        and not relative_path.startswith(("/", ".")) and not relative_path.endswith("/")
        and relative_path[-4:].lower() == ".txt" and len(relative_path) > 4 and relative_path[-5] != "/"
    ):
        # An already normal path ending in a .txt name (every file of a listing): what the general case below
        # gives, without normpath and splitext (a third of listing 20,000 files).
        return relative_path[:-4]
    path = posixpath.normpath(relative_path.replace("\\", "/")).lstrip("/")
    stem, ext = posixpath.splitext(path)
    return stem if ext.lower() == ".txt" else path


@dataclass(frozen=True)
class SourceEntry:
    """A listed source file (not yet read)."""

    article_id: str
    source_uri: str
    size: int
    mtime: dt.datetime | None


@dataclass(frozen=True)
class KnownFile:
    """What the tables say about a file processed earlier (an article, or a rejected file)."""

    content_sha256: str | None
    size: int | None
    mtime: dt.datetime | None
    pipeline_version: str | None = None  # None for rejects


@dataclass
class Plan:
    unchanged: list[SourceEntry]  # skipped by the size+mtime pre-check
    to_read: list[SourceEntry]  # must be read and hashed
    duplicates: list[SourceEntry]  # a second file mapping to an article id already listed
    removed: list[str]  # article ids in the tables whose file is no longer in the source


def _same_file_facts(entry: SourceEntry, known: KnownFile) -> bool:
    return (
        known.size is not None
        and known.mtime is not None
        and entry.mtime is not None
        and entry.size == known.size
        and entry.mtime == known.mtime
    )


def plan_run(
    entries: Iterable[SourceEntry],
    articles: dict[str, KnownFile],
    rejects: dict[str, KnownFile],
    pipeline_version: str,
    full_refresh: bool = False,
) -> Plan:
    """Split listed files into skipped-unchanged, to-read, and duplicate ids.

    `articles` and `rejects` (the latest reject of each file) are keyed by article_id.
    """
    plan = Plan([], [], [], [])
    seen: set[str] = set()
    for entry in sorted(entries, key=lambda e: (e.article_id, e.source_uri)):
        if entry.article_id in seen:
            plan.duplicates.append(entry)
            continue
        seen.add(entry.article_id)
        known = articles.get(entry.article_id)
        rejected = rejects.get(entry.article_id)
        if not full_refresh and known is not None and known.pipeline_version == pipeline_version and _same_file_facts(entry, known):
            plan.unchanged.append(entry)
        elif not full_refresh and known is None and rejected is not None and _same_file_facts(entry, rejected):
            plan.unchanged.append(entry)
        else:
            plan.to_read.append(entry)
    plan.removed = sorted(set(articles) - seen)
    return plan


def classify(
    article_id: str,
    content_sha256: str,
    articles: dict[str, KnownFile],
    rejects: dict[str, KnownFile],
    pipeline_version: str,
    full_refresh: bool = False,
) -> str:
    """After hashing: `new`, `changed`, `unchanged` (same content, current version) or `rejected_before`."""
    known = articles.get(article_id)
    if known is not None:
        if not full_refresh and known.content_sha256 == content_sha256 and known.pipeline_version == pipeline_version:
            return "unchanged"
        return "changed"
    rejected = rejects.get(article_id)
    if not full_refresh and rejected is not None and rejected.content_sha256 == content_sha256:
        return "rejected_before"
    return "new"
