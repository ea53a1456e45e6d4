"""One raw file to the rows of every table, and a batch of files to Arrow tables.

This is the pure composition of the steps: decode -> layout -> sentences -> tokens (-> facts). A file that cannot
be processed becomes one `rejects` row and nothing else; an unexpected exception on one file is caught here and
becomes an `internal_error` reject, so one bad file never fails a batch.
"""

from __future__ import annotations

import datetime as dt
import itertools
import traceback
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from transforms import schema
from transforms.decode import decode_bytes
from transforms.facts import (
    FactSpan,
    SpanTuple,
    columns_to_rows,
    extract_facts,
    fact_columns,
    fact_span_tuples,
    fixed_spans_for,
    is_ordered,
    label_offsets,
    label_tokens,
    spans_by_sentence,
)
from transforms.layout import parse_article
from transforms.model import ParsedArticle, RawFile, RejectedInput, Sentence
from transforms.rejects import reject_row
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


# Tables built column by column (a list per column, no dict per row): all but `articles` (one row per article)
# and `rejects`.
_COLUMN_TABLES = ("paragraphs", "sentences", "tokens", "entities", "quantities", "time_expressions", "statements")
# The tokens table's integer columns (never null), gathered as C int arrays: Arrow takes their memory as it is,
# where a list of Python ints is converted one by one (with the article ids below: 1.2 % of a batch's time).
_TOKEN_INT_COLUMNS = ("sentence_no", "token_no", "start", "end")


def _int32_array(values: array) -> pa.Array:
    return pa.Array.from_buffers(pa.int32(), len(values), [None, pa.py_buffer(values)])


def _repeated(values: list[str], counts: list[int]) -> pa.Array:
    """values[i] repeated counts[i] times (each count > 0), as one string array built in C: a column's article ids
    without a list of one Python reference per row."""
    if not values:
        return pa.array([], pa.string())
    ends = pa.array(list(itertools.accumulate(counts)), pa.int32())
    return pc.run_end_decode(pa.RunEndEncodedArray.from_arrays(ends, pa.array(values, pa.string())))


@dataclass
class _ArticleOutput:
    """One article's output: row dicts for the small tables, columns (schema order) for the big ones."""

    article_id: str
    rows: dict[str, list[dict]]
    columns: dict[str, dict[str, list]]

    def as_rows(self) -> dict[str, list[dict]]:
        out = dict(self.rows)
        for table, columns in self.columns.items():
            out[table] = columns_to_rows(columns)
        order = ("articles", "paragraphs", "sentences", "tokens", "entities", "quantities", "time_expressions", "statements")
        return {table: out[table] for table in order}


def _paragraph_columns(article_id: str, parsed: ParsedArticle) -> dict[str, list]:
    return schema.columns_from_objects(schema.PARAGRAPHS, parsed.paragraphs, {"article_id": article_id})


def _sentence_columns(article_id: str, sentences: list[Sentence]) -> dict[str, list]:
    return schema.columns_from_objects(schema.SENTENCES, sentences, {"article_id": article_id})


def _token_columns(article_id: str, sentences: list[Sentence], segmenter: Segmenter, spans: list[SpanTuple]) -> dict[str, list]:
    """Columns of the tokens table for one article: every sentence segmented with its fact spans fixed, every
    token labelled with the fact it belongs to (`facts.label_tokens`)."""
    sentence_nos: list[int] = []
    token_nos: list[int] = []
    words: list[str] = []
    tags: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    labels: list[str | None] = []
    into = getattr(segmenter, "tokenize_into", None)
    if into is None:  # any other Segmenter: through Token objects
        fact_spans = [FactSpan(*s) for s in spans]
        for sentence in sentences:
            tokens = segmenter.tokenize(sentence.text, fixed_spans_for(sentence, fact_spans))
            base = sentence.start
            sentence_nos += [sentence.sentence_no] * len(tokens)
            token_nos += range(len(tokens))
            words += [t.text for t in tokens]
            tags += [t.pos for t in tokens]
            starts += [base + t.start for t in tokens]
            ends += [base + t.end for t in tokens]
            labels += label_tokens(tokens, sentence, fact_spans)
    else:
        # Columns straight from the segmenter (body offsets); the fixed spans and labelling spans of each
        # sentence from one bisection pass over the spans (`fixed_spans_for` / `label_tokens`, same results).
        touching = spans_by_sentence(sentences, spans)
        bounds = []
        for sentence, near in zip(sentences, touching):
            b, e = sentence.start, sentence.end
            fixed = [(s[0] - b, s[1] - b, s[3]) for s in near if s[4] and b <= s[0] and s[1] <= e]
            lo = len(words)
            into(sentence.text, fixed, b, words, tags, starts, ends)
            n = len(words) - lo
            sentence_nos += [sentence.sentence_no] * n
            token_nos += range(n)
            bounds.append(lo)
        bounds.append(len(words))
        ordered = is_ordered(starts, ends)
        for k, (sentence, near) in enumerate(zip(sentences, touching)):
            lo, hi = bounds[k], bounds[k + 1]
            if near:
                b, e = sentence.start, sentence.end
                inside = [s for s in near if s[0] < e and s[1] > b]
                labels += label_offsets(starts, ends, lo, hi, inside, ordered)
            else:
                labels += [None] * (hi - lo)
    return {
        "article_id": [article_id] * len(words),
        "sentence_no": sentence_nos,
        "token_no": token_nos,
        "text": words,
        "pos": tags,
        "start": starts,
        "end": ends,
        "fact": labels,
    }


def _process(raw: RawFile, run_id: str, segmenter: Segmenter) -> _ArticleOutput:
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
    return _ArticleOutput(
        raw.article_id,
        {"articles": [article]},
        {
            "paragraphs": _paragraph_columns(raw.article_id, parsed),
            "sentences": _sentence_columns(raw.article_id, sentences),
            "tokens": _token_columns(raw.article_id, sentences, segmenter, fact_span_tuples(facts)),
            **fact_columns(raw.article_id, facts),
        },
    )


def process_file(raw: RawFile, run_id: str, segmenter: Segmenter | None = None) -> ArticleRows:
    """All rows of one file. Raises RejectedInput when the file is not a usable article."""
    output = _process(raw, run_id, segmenter or get_segmenter())
    return ArticleRows(raw.article_id, output.as_rows())


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
    names = [spec.name for spec in schema.ALL_TABLES if spec.name != "runs"]
    rows: dict[str, list[dict]] = {name: [] for name in names if name not in _COLUMN_TABLES}
    columns: dict[str, dict[str, list | array]] = {
        name: {column: [] for column in schema.TABLES[name].schema.names if column != "article_id"}
        for name in _COLUMN_TABLES
    }
    for column in _TOKEN_INT_COLUMNS:
        columns["tokens"][column] = array("i")
    # Each column table's article ids as runs: (id, rows) for every article with rows.
    id_runs: dict[str, tuple[list[str], list[int]]] = {name: ([], []) for name in _COLUMN_TABLES}
    rejected: list[tuple[str | None, str]] = []
    written: list[str] = []
    for reject in extra_rejects:
        rows["rejects"].append(reject)
        rejected.append((reject["article_id"], reject["reason"]))
    for raw in raws:
        try:
            result = _process(raw, run_id, segmenter)
        except RejectedInput as error:
            reason, detail = error.reason, error.detail
        except Exception as error:  # one bad file must never fail the batch
            reason = "internal_error"
            detail = f"{type(error).__name__}: {error} | {traceback.format_exc(limit=3).splitlines()[-3].strip()}"
        else:
            for table, table_rows in result.rows.items():
                rows[table].extend(table_rows)
            for table, table_columns in result.columns.items():
                batch_columns = columns[table]
                for column, values in table_columns.items():
                    if column == "article_id":
                        if values:
                            ids, counts = id_runs[table]
                            ids.append(raw.article_id)
                            counts.append(len(values))
                        continue
                    target = batch_columns[column]
                    if type(target) is array:
                        target.fromlist(values)  # type: ignore[union-attr]
                    else:
                        target.extend(values)  # type: ignore[union-attr]
            written.append(raw.article_id)
            continue
        rows["rejects"].append(
            reject_row(run_id, raw.article_id, raw.source_uri, raw.content_sha256, reason, detail, now, raw.size, raw.mtime)
        )
        rejected.append((raw.article_id, reason))
    for name in _COLUMN_TABLES:
        columns[name]["article_id"] = _repeated(*id_runs[name])  # type: ignore[assignment]
    for column in _TOKEN_INT_COLUMNS:
        columns["tokens"][column] = _int32_array(columns["tokens"][column])  # type: ignore[assignment,arg-type]
    tables = {
        name: schema.to_table(schema.TABLES[name], columns[name] if name in columns else rows[name]) for name in names
    }
    return BatchResult(tables, written, rejected)


# A short article in the raw layout with one of each kind of fact: `warm_up` runs it through every transform.
WARM_UP_ARTICLE = """\
  date 2026-01-27 　
政治

行政院長卓榮泰宣布新計畫　補助兩成中小企業

▲行政院長卓榮泰（右）出席記者會。（圖／行政院提供）

記者王小明／台北報導

行政院長卓榮泰27日宣布，政府將在3年內投入新台幣500億元，補助20%的中小企業，約1萬2千家受惠。他表示：「這是轉型的第一步。」
美國台灣商業協會（USTBC）主席柯拉克（Keith Krach）上週也在台北與經濟部長會面，雙方同意明年3月再談。
"""


def warm_up() -> None:
    """Load the dictionary and compile every lazily built pattern, by transforming `WARM_UP_ARTICLE` (a process
    that is about to transform batches pays this once, ~0.5 s, before its first batch instead of during it)."""
    data = WARM_UP_ARTICLE.encode("utf-8")
    process_batch([RawFile("warm-up", "warm-up", data, "", len(data))], "warm-up", dt.datetime(2026, 1, 27))
