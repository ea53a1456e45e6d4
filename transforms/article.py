"""One raw file to the rows of every table, and a batch of files to Arrow tables.

This is the pure composition of the steps: decode -> layout -> sentences -> tokens (-> facts). A file that cannot
be processed becomes one `rejects` row and nothing else; an unexpected exception on one file is caught here and
becomes an `internal_error` reject, so one bad file never fails a batch.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyarrow as pa

from transforms import schema
from transforms.decode import decode_bytes
from transforms.facts import (
    FactSpan,
    entity_rows,
    extract_facts,
    fact_spans,
    fixed_spans_for,
    label_tokens,
    quantity_rows,
    statement_rows,
    time_rows,
)
from transforms.layout import parse_article
from transforms.model import ParsedArticle, RawFile, RejectedInput, Sentence
from transforms.segmenter import Segmenter, get_segmenter
from transforms.sentences import split_sentences


@dataclass
class ArticleRows:
    """Rows of every per-article table for one article (dicts matching the schemas)."""

    article_id: str
    rows: dict[str, list[dict]] = field(default_factory=dict)


@dataclass
class BatchResult:
    """Arrow tables of one batch, keyed by table name, plus which articles were written or rejected."""

    tables: dict[str, pa.Table]
    written_ids: list[str]
    rejected: list[tuple[str | None, str]]  # (article_id, reason)


def _paragraph_rows(article_id: str, parsed: ParsedArticle) -> list[dict]:
    return [
        {
            "article_id": article_id,
            "paragraph_no": p.paragraph_no,
            "kind": p.kind,
            "text": p.text,
            "start": p.start,
            "end": p.end,
        }
        for p in parsed.paragraphs
    ]


def _sentence_rows(article_id: str, sentences: list[Sentence]) -> list[dict]:
    return [
        {
            "article_id": article_id,
            "sentence_no": s.sentence_no,
            "paragraph_no": s.paragraph_no,
            "text": s.text,
            "start": s.start,
            "end": s.end,
        }
        for s in sentences
    ]


def _token_rows(article_id: str, sentences: list[Sentence], segmenter: Segmenter, spans: list[FactSpan]) -> list[dict]:
    rows: list[dict] = []
    for sentence in sentences:
        tokens = segmenter.tokenize(sentence.text, fixed_spans_for(sentence, spans))
        for token_no, (token, fact) in enumerate(zip(tokens, label_tokens(tokens, sentence, spans))):
            rows.append(
                {
                    "article_id": article_id,
                    "sentence_no": sentence.sentence_no,
                    "token_no": token_no,
                    "text": token.text,
                    "pos": token.pos,
                    "start": sentence.start + token.start,
                    "end": sentence.start + token.end,
                    "fact": fact,
                }
            )
    return rows


def process_file(raw: RawFile, run_id: str, segmenter: Segmenter | None = None) -> ArticleRows:
    """All rows of one file. Raises RejectedInput when the file is not a usable article."""
    segmenter = segmenter or get_segmenter()
    text, encoding = decode_bytes(raw.content)
    parsed = parse_article(text)
    body = parsed.body
    sentences = split_sentences(body, parsed.paragraphs)
    captions = [p.text for p in parsed.paragraphs if p.kind == "caption"]
    facts = extract_facts(body, sentences, captions, parsed.published_date)
    article = {
        "article_id": raw.article_id,
        "source_uri": raw.source_uri,
        "content_sha256": raw.content_sha256,
        "source_bytes": raw.size,
        "source_mtime": raw.mtime,
        "encoding": encoding,
        "published_date": parsed.published_date,
        "published_time": parsed.published_time,
        "category": parsed.category,
        "title": parsed.title,
        "reporters": list(parsed.reporters),
        "dateline": parsed.dateline,
        "agency": parsed.agency,
        "image_credits": list(parsed.image_credits),
        "body": body,
        "pipeline_version": schema.PIPELINE_VERSION,
        "run_id": run_id,
    }
    return ArticleRows(
        raw.article_id,
        {
            "articles": [article],
            "paragraphs": _paragraph_rows(raw.article_id, parsed),
            "sentences": _sentence_rows(raw.article_id, sentences),
            "tokens": _token_rows(raw.article_id, sentences, segmenter, fact_spans(facts)),
            "entities": entity_rows(raw.article_id, facts),
            "quantities": quantity_rows(raw.article_id, facts),
            "time_expressions": time_rows(raw.article_id, facts),
            "statements": statement_rows(raw.article_id, facts),
        },
    )


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


def process_batch(
    raws: Iterable[RawFile],
    run_id: str,
    now: dt.datetime,
    segmenter: Segmenter | None = None,
    extra_rejects: Iterable[dict] = (),
) -> BatchResult:
    """Process a batch of files into one Arrow table per output table (rejects included).

    `extra_rejects` are reject rows produced before transformation (e.g. files over the size cap).
    """
    segmenter = segmenter or get_segmenter()
    rows: dict[str, list[dict]] = {spec.name: [] for spec in schema.ALL_TABLES if spec.name != "runs"}
    rejected: list[tuple[str | None, str]] = []
    written: list[str] = []
    for reject in extra_rejects:
        rows["rejects"].append(reject)
        rejected.append((reject["article_id"], reject["reason"]))
    for raw in raws:
        try:
            result = process_file(raw, run_id, segmenter)
        except RejectedInput as error:
            reason, detail = error.reason, error.detail
        except Exception as error:  # one bad file must never fail the batch
            reason = "internal_error"
            detail = f"{type(error).__name__}: {error} | {traceback.format_exc(limit=3).splitlines()[-3].strip()}"
        else:
            for table, table_rows in result.rows.items():
                rows[table].extend(table_rows)
            written.append(raw.article_id)
            continue
        rows["rejects"].append(
            reject_row(run_id, raw.article_id, raw.source_uri, raw.content_sha256, reason, detail, now, raw.size, raw.mtime)
        )
        rejected.append((raw.article_id, reason))
    tables = {name: schema.to_table(schema.TABLES[name], table_rows) for name, table_rows in rows.items()}
    return BatchResult(tables, written, rejected)
