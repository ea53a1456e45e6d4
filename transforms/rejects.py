"""Rows of the `rejects` table (a module of its own: the flow process builds them without importing the
transforms)."""

from __future__ import annotations

import datetime as dt

from transforms import schema


def reject_row(
    run_id: str,
    article_id: str | None,
    source_uri: str,
    content_sha256: str | None,
    reason: str,
    detail: str,
    rejected_at: dt.datetime,
    source_bytes: int | None = None,
    source_mtime: dt.datetime | None = None,
) -> dict:
    if reason not in schema.REJECT_REASONS:
        raise ValueError(f"unknown reject reason {reason!r}")
    return {
        "run_id": run_id,
        "article_id": article_id,
        "source_uri": source_uri,
        "content_sha256": content_sha256,
        "source_bytes": source_bytes,
        "source_mtime": source_mtime,
        "reason": reason,
        "detail": detail,
        "rejected_at": rejected_at,
    }
