"""Every output table's schema, its documentation, and the pipeline version: defined once, here.

`docs/tables.md` is generated from these definitions (`python -m transforms.schema > docs/tables.md`) and a
test keeps the two in step. Column descriptions are kept in the Arrow field metadata under b"doc" here, but the
storage layer strips them before writing (flows/store.py, storage_schema): a reworded description must never
make existing tables unwritable.

Version rules:
- `PIPELINE_VERSION` changes whenever a change to parsing, segmentation or extraction would give different
  rows for the same input; articles processed by an older version are then reprocessed.
- `SCHEMA_VERSION` changes when a table gains or changes a column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter

import pyarrow as pa

PIPELINE_VERSION = "0.2.0"
SCHEMA_VERSION = 2
# Version of the fact extractors (entities, quantities, time expressions, statements); recorded on every fact row.
EXTRACTOR_VERSION = "0.1.0"

PARAGRAPH_KINDS = ("body", "caption", "byline", "related")


@dataclass(frozen=True)
class TableSpec:
    name: str
    doc: str
    schema: pa.Schema
    # Columns that identify the rows of one article (None: the table is not keyed by article).
    article_key: str | None = "article_id"


def _f(name: str, type_: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={b"doc": doc.encode("utf-8")})


_ARTICLE_ID = (
    "Stable id of the article: the source file's path relative to the source root, without `.txt`; for a URL of a "
    "URL-list source, `fetched/<host>/<url key>`."
)
_OFFSET_START = "Start character offset into `articles.body` (Python string index, code points)."
_OFFSET_END = "End character offset into `articles.body`, exclusive: `body[start:end] == text`."

ARTICLES = TableSpec(
    "articles",
    "One row per successfully parsed source file (the latest version of it).",
    pa.schema(
        [
            _f("article_id", pa.string(), _ARTICLE_ID, nullable=False),
            _f("source_uri", pa.string(), "Where the file was read from: its path or fsspec URL, or the http(s) URL it was downloaded from.", nullable=False),
            _f("content_sha256", pa.string(), "SHA-256 of the file's raw bytes, hex.", nullable=False),
            _f("source_bytes", pa.int64(), "Size of the raw file in bytes."),
            _f("source_mtime", pa.timestamp("us", tz="UTC"), "Modification time of the raw file when read."),
            _f("encoding", pa.string(), "Detected text encoding of the raw file (e.g. utf_8, utf_8_sig, cp950)."),
            _f("published_date", pa.date32(), "Publication date from the date line.", nullable=False),
            _f("published_time", pa.string(), "Publication time `HH:MM` when the date line has one, else null."),
            _f("category", pa.string(), "Section / category line as written (e.g. 政治), null when absent."),
            _f("title", pa.string(), "Headline.", nullable=False),
            _f("reporters", pa.list_(pa.string()), "Reporter names from the byline (empty when none)."),
            _f("dateline", pa.string(), "Place of the report from the byline (記者A／台北報導 → 台北), else null."),
            _f("agency", pa.string(), "News agency credited (文／中央社 → 中央社), or 綜合報導-style credit, else null."),
            _f("image_credits", pa.list_(pa.string()), "Photo credits from captions, in order (（圖／行政院提供） → 行政院提供)."),
            _f("body", pa.string(), "Body paragraphs joined by a newline. All offsets in other tables point into it.", nullable=False),
            _f("pipeline_version", pa.string(), "Version of the pipeline that produced the row.", nullable=False),
            _f("run_id", pa.string(), "Run that produced the row (see `runs`).", nullable=False),
        ]
    ),
)

PARAGRAPHS = TableSpec(
    "paragraphs",
    "Every paragraph of the article in document order: captions, byline, body, and related/boilerplate lines.",
    pa.schema(
        [
            _f("article_id", pa.string(), _ARTICLE_ID, nullable=False),
            _f("paragraph_no", pa.int32(), "Position of the paragraph in the article (0-based, all kinds).", nullable=False),
            _f("kind", pa.string(), "body | caption | byline | related (boilerplate kept out of the body).", nullable=False),
            _f("text", pa.string(), "Paragraph text (for body paragraphs exactly `body[start:end]`).", nullable=False),
            _f("start", pa.int32(), _OFFSET_START + " Null for paragraphs that are not part of the body."),
            _f("end", pa.int32(), _OFFSET_END + " Null for paragraphs that are not part of the body."),
        ]
    ),
)

SENTENCES = TableSpec(
    "sentences",
    "Sentences of the body paragraphs, split at 。！？； and line ends; closing quotes/brackets stay with their sentence.",
    pa.schema(
        [
            _f("article_id", pa.string(), _ARTICLE_ID, nullable=False),
            _f("sentence_no", pa.int32(), "Position of the sentence in the body (0-based).", nullable=False),
            _f("paragraph_no", pa.int32(), "Paragraph it belongs to (`paragraphs.paragraph_no`).", nullable=False),
            _f("text", pa.string(), "Sentence text, `body[start:end]`.", nullable=False),
            _f("start", pa.int32(), _OFFSET_START, nullable=False),
            _f("end", pa.int32(), _OFFSET_END, nullable=False),
        ]
    ),
)

TOKENS = TableSpec(
    "tokens",
    "Words of every body sentence with part of speech; whitespace is not a token.",
    pa.schema(
        [
            _f("article_id", pa.string(), _ARTICLE_ID, nullable=False),
            _f("sentence_no", pa.int32(), "Sentence it belongs to (`sentences.sentence_no`).", nullable=False),
            _f("token_no", pa.int32(), "Position of the token in its sentence (0-based).", nullable=False),
            _f("text", pa.string(), "The word, `body[start:end]`.", nullable=False),
            _f("pos", pa.string(), "Part-of-speech tag (CKIP-style coarse tags, see docs/segmentation.md).", nullable=False),
            _f("start", pa.int32(), _OFFSET_START, nullable=False),
            _f("end", pa.int32(), _OFFSET_END, nullable=False),
            _f(
                "fact",
                pa.string(),
                "Entity type (PERSON, ORG, GPE, LOC) or fact kind (money, percent, count, date, ...) of the fact this "
                "token belongs to, else null. Names, organisations, numbers with their unit and dates are single tokens.",
            ),
        ]
    ),
)

_SENTENCE_NO = "Sentence of the fact (`sentences.sentence_no`)."
_FACT_TEXT = "The fact as written, `body[start:end]`."
_EXTRACTOR = "Version of the fact extractors that produced the row."


def _fact_columns(*specific: pa.Field) -> list[pa.Field]:
    return [
        _f("article_id", pa.string(), _ARTICLE_ID, nullable=False),
        _f("sentence_no", pa.int32(), _SENTENCE_NO, nullable=False),
        _f("text", pa.string(), _FACT_TEXT, nullable=False),
        _f("start", pa.int32(), _OFFSET_START, nullable=False),
        _f("end", pa.int32(), _OFFSET_END, nullable=False),
        *specific,
        _f("extractor_version", pa.string(), _EXTRACTOR, nullable=False),
    ]


ENTITIES = TableSpec(
    "entities",
    "Every mention of a person, organisation or place in the body, with its canonical name, English alias and title.",
    pa.schema(
        _fact_columns(
            _f("type", pa.string(), "PERSON | ORG | GPE (countries, cities, counties) | LOC (other places).", nullable=False),
            _f("name", pa.string(), "Canonical name: short later mentions (卓院長, 卓) resolve to the full name (卓榮泰).", nullable=False),
            _f("alias", pa.string(), "English name(s) or abbreviation(s) given in brackets in the article, `; `-separated, on every mention."),
            _f("title", pa.string(), "Title or role written next to a PERSON mention (行政院長卓榮泰 → 行政院長), else null."),
        )
    ),
)

QUANTITIES = TableSpec(
    "quantities",
    "Money, percentages, counts, durations, ages and other measured quantities in the body, with resolved values.",
    pa.schema(
        _fact_columns(
            _f(
                "kind",
                pa.string(),
                "money | percent | percentage_point | discount | fraction | count | duration | age | multiple | distance | "
                "area | weight | volume | temperature | energy | number (see docs/facts-quantities.md).",
                nullable=False,
            ),
            _f("value", pa.float64(), "Resolved value (lower bound of a range): 400億美元 → 4e10; 3成 → 30; 9個半月 → 9.5.", nullable=False),
            _f("value_max", pa.float64(), "Upper bound of a range (3至5億元 → 5e8), else null."),
            _f("unit", pa.string(), "Unit or classifier as written, normalised (元, 名, 家, 位, 月, 年, %, 個百分點, 公里 ...)."),
            _f("currency", pa.string(), "ISO 4217 code for money (元/新台幣 → TWD, 美元 → USD, 日圓 → JPY ...), else null."),
            _f("qualifier", pa.string(), "approx (約, 左右) | over (逾, 超過, 以上) | under (近, 不到, 以下) | range, else null."),
        )
    ),
)

TIME_EXPRESSIONS = TableSpec(
    "time_expressions",
    "Dates and periods in the body, absolute or relative, resolved against the article's `published_date`.",
    pa.schema(
        _fact_columns(
            _f(
                "value",
                pa.string(),
                "ISO value: YYYY, YYYY-Hn (half), YYYY-Qn, YYYY-MM, YYYY-Www, YYYY-Www-WE (weekend), YYYY-MM-DD. "
                "The start of a range.",
                nullable=False,
            ),
            _f("value_end", pa.string(), "End of a range (1月10日至12日 → 2026-01-12), same formats, else null."),
            _f("granularity", pa.string(), "year | half | quarter | month | week | weekend | day (precision of `value`).", nullable=False),
            _f("is_relative", pa.bool_(), "True when resolved against the article date (今（27日）, 昨日, 去年, 下週 ...).", nullable=False),
            _f("modifier", pa.string(), "since | after | before | until | start | mid | end (自2018年以來 → since; 去年底 → end), else null."),
        )
    ),
)

STATEMENTS = TableSpec(
    "statements",
    "Who said what: reported speech in the body with the speaker resolved to a canonical name.",
    pa.schema(
        _fact_columns(
            _f("speaker", pa.string(), "Canonical name of the speaker (resolved also from 他/她 and short forms), null when unknown."),
            _f("verb", pa.string(), "Reporting verb as written (表示, 指出, 強調, 致詞時表示 ...).", nullable=False),
            _f("content", pa.string(), "What was said, without the verb and leading punctuation.", nullable=False),
            _f("content_start", pa.int32(), "Start offset of `content` in `articles.body`.", nullable=False),
            _f("content_end", pa.int32(), "End offset of `content` in `articles.body`, exclusive.", nullable=False),
            _f("is_direct_quote", pa.bool_(), "True when the content is a direct quote in 「」 (or 『』, “”).", nullable=False),
        )
    ),
)

RUNS = TableSpec(
    "runs",
    "One row per pipeline run: `running` while it runs, then `completed` or `failed`; a run that died is marked "
    "`abandoned` by the next run. `table_versions` pins the consistent version of every table after the run.",
    pa.schema(
        [
            _f("run_id", pa.string(), "Run id (UTC timestamp plus a random suffix; sorts by start time).", nullable=False),
            _f("started_at", pa.timestamp("us", tz="UTC"), "When the run started.", nullable=False),
            _f("finished_at", pa.timestamp("us", tz="UTC"), "When the run ended, null while running."),
            _f("status", pa.string(), "running | completed | failed | abandoned.", nullable=False),
            _f("stage_seconds", pa.map_(pa.string(), pa.float64()), "Seconds spent per stage (list, read, transform, stage, commit, ...)."),
            _f("n_new", pa.int64(), "Articles seen for the first time and written."),
            _f("n_changed", pa.int64(), "Articles whose file content changed (rows replaced)."),
            _f("n_unchanged", pa.int64(), "Files skipped because their content did not change."),
            _f("n_rejected", pa.int64(), "Files rejected in this run (see `rejects`)."),
            _f("n_pruned", pa.int64(), "Articles removed because their file left the source (only with `--prune`)."),
            _f("pipeline_version", pa.string(), "Pipeline version of the run.", nullable=False),
            _f("source", pa.string(), "The `--source` of the run."),
            _f("parameters", pa.string(), "All run parameters as JSON."),
            _f("rows_written", pa.map_(pa.string(), pa.int64()), "Rows written per table in this run."),
            _f("table_versions", pa.map_(pa.string(), pa.int64()), "Delta version of each table after this run."),
            _f("flow_run_id", pa.string(), "Prefect flow run id, when run under Prefect."),
            _f("error", pa.string(), "One-line reason when the run failed."),
        ]
    ),
    article_key=None,
)

REJECTS = TableSpec(
    "rejects",
    "Inputs that could not be processed, with the reason. Nothing else is written for a rejected file.",
    pa.schema(
        [
            _f("run_id", pa.string(), "Run that rejected the file.", nullable=False),
            _f("article_id", pa.string(), _ARTICLE_ID + " (the id the file would have had)."),
            _f("source_uri", pa.string(), "Where the file was read from.", nullable=False),
            _f("content_sha256", pa.string(), "SHA-256 of the raw bytes (null when the file was not read, e.g. too large)."),
            _f("source_bytes", pa.int64(), "Size of the raw file in bytes."),
            _f("source_mtime", pa.timestamp("us", tz="UTC"), "Modification time of the raw file when listed."),
            _f("reason", pa.string(), "Reason code, see docs/tables.md#reject-reasons.", nullable=False),
            _f("detail", pa.string(), "Readable detail of what was wrong.", nullable=False),
            _f("rejected_at", pa.timestamp("us", tz="UTC"), "When the file was rejected.", nullable=False),
        ]
    ),
    article_key="article_id",
)

# Reason codes of `rejects.reason`: code -> meaning. Every code the pipeline emits is listed here.
REJECT_REASONS: dict[str, str] = {
    "too_large": "File or download is larger than the size cap (`--max-bytes`, default 5 MiB); it was not read or kept.",
    "empty": "File has no bytes, or only whitespace.",
    "binary": "File looks binary (NUL bytes or control characters), not text.",
    "undecodable": "No supported text encoding decodes the file.",
    "no_date_line": "The first non-empty line is not a ` date YYYY-MM-DD [HH:MM]` line.",
    "bad_date": "The date line holds an impossible date or time.",
    "no_headline": "No headline line after the date and category.",
    "no_body": "No body paragraph after the headline, captions and byline.",
    "read_error": "The file could not be read (I/O error).",
    "fetch_failed": "A URL of a URL-list source could not be downloaded after its retries (HTTP error, timeout, "
    "connection failure, too many redirects); detail says which and after how many attempts.",
    "invalid_url": "A line of a URL-list source is not a usable http(s) URL; detail gives the line number and text.",
    "duplicate_article_id": "Another file of the source maps to the same article id (e.g. a.txt and a.TXT); the first in path order is kept.",
    "internal_error": "The pipeline failed on this file; detail holds the exception. Please report it.",
}

# Tables in the order they are committed: per-article content first, `articles` last, so that an article is
# only considered processed once every table holding its rows has been committed.
CONTENT_TABLES: tuple[TableSpec, ...] = (PARAGRAPHS, SENTENCES, TOKENS, ENTITIES, QUANTITIES, TIME_EXPRESSIONS, STATEMENTS)
ALL_TABLES: tuple[TableSpec, ...] = (ARTICLES, *CONTENT_TABLES, RUNS, REJECTS)
FACT_TABLES: tuple[TableSpec, ...] = (ENTITIES, QUANTITIES, TIME_EXPRESSIONS, STATEMENTS)
TABLES: dict[str, TableSpec] = {t.name: t for t in ALL_TABLES}


def empty_table(spec: TableSpec) -> pa.Table:
    return spec.schema.empty_table()


def to_table(spec: TableSpec, rows: list[dict] | Mapping[str, Sequence]) -> pa.Table:
    """Rows (dicts) to an Arrow table of exactly the spec's schema; missing keys become null.

    `rows` may instead be columns: a mapping of column name to its values (a list or an Arrow array, all of one
    length); a missing column is all null. Columns give the same table as the equivalent rows, without a dict per
    row (`pa.Table.from_pylist` transposes the rows into exactly such lists first)."""
    if isinstance(rows, Mapping):
        return _columns_to_table(spec, rows)
    return pa.Table.from_pylist(rows, schema=spec.schema)


def columns_from_objects(spec: TableSpec, objects: Sequence[object], constants: Mapping[str, object],
                         given: Mapping[str, list] | None = None) -> dict[str, list]:
    """The columns of `spec` (in its order) for one row per object: a column in `constants` repeats its value,
    one in `given` takes those values, any other is the objects' attribute of the column's name."""
    n = len(objects)
    given = given or {}
    return {
        name: [constants[name]] * n if name in constants
        else given[name] if name in given
        else list(map(attrgetter(name), objects))
        for name in spec.schema.names
    }


def _columns_to_table(spec: TableSpec, columns: Mapping[str, Sequence]) -> pa.Table:
    unknown = set(columns) - set(spec.schema.names)
    if unknown:
        raise ValueError(f"{spec.name}: no such column(s): {sorted(unknown)}")
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"{spec.name}: columns of different lengths: {sorted(lengths)}")
    n = lengths.pop() if lengths else 0
    arrays = [columns[name] if name in columns else [None] * n for name in spec.schema.names]
    return pa.Table.from_arrays(arrays, schema=spec.schema)


def field_doc(field: pa.Field) -> str:
    return (field.metadata or {}).get(b"doc", b"").decode("utf-8")


def render_docs() -> str:
    """The analysts' reference of every table, generated from the schemas above."""
    out = [
        "# Tables",
        "",
        "<!-- Generated by `python -m transforms.schema > docs/tables.md`; edit transforms/schema.py instead. -->",
        "",
        f"Pipeline version `{PIPELINE_VERSION}`, schema version {SCHEMA_VERSION}, extractor version `{EXTRACTOR_VERSION}`.",
        "Every table is a Delta Lake table in its own directory under the destination (`data/processed/<table>/`).",
        "Offsets (`start`, `end`) are Python string indices into `articles.body` of the same `article_id`: "
        "`body[start:end] == text`.",
        "",
    ]
    for spec in ALL_TABLES:
        out += [f"## {spec.name}", "", spec.doc, "", "| column | type | nullable | description |", "|---|---|---|---|"]
        for field in spec.schema:
            out.append(f"| `{field.name}` | `{field.type}` | {'yes' if field.nullable else 'no'} | {field_doc(field)} |")
        out.append("")
    out += ["## Reject reasons", "", "| reason | meaning |", "|---|---|"]
    out += [f"| `{code}` | {meaning} |" for code, meaning in REJECT_REASONS.items()]
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(render_docs(), end="")
