"""Structured facts of one article, and the token spans they impose: the composition of the fact extractors.

Entities and statements work on the whole body (mentions resolve across sentences); quantities and time
expressions on one sentence at a time. Every fact row carries offsets into the body. Fact spans are passed
to the segmenter as fixed spans, so a name, an organisation, a number with its unit (400億美元, 50萬名, 9個半月)
and a date (2020年5月, 今（27日）) are each one token; each token records the fact it belongs to (`tokens.fact`).
Where spans overlap, the segmenter keeps the earliest (the longer one on a tie). Ranges (3至5億元, 1月10日至12日)
and dates with a bounding word inside their span (自2021年開始, 截至去年) are not forced into one token: they are
phrases, not words; their tokens are still labelled.
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from transforms.entities import EntityMention, extract_entities
from transforms.model import Sentence, Token
from transforms.quantities import QuantityMention, extract_quantities
from transforms.schema import ENTITIES, EXTRACTOR_VERSION, QUANTITIES, STATEMENTS, TIME_EXPRESSIONS, columns_from_objects
from transforms.statements import StatementMention, extract_statements
from transforms.timex import TimeMention, extract_time_expressions

# Part of speech of a fact token, in the segmenter's coarse tag set (docs/segmentation.md).
ENTITY_POS = "N"  # noun, incl. proper nouns
QUANTITY_POS = "NUM"
TIME_POS = "Nd"
TIME_FACT = "date"


@dataclass
class ArticleFacts:
    entities: list[EntityMention] = field(default_factory=list)
    quantities: list[tuple[int, QuantityMention]] = field(default_factory=list)  # (sentence_no, body offsets)
    times: list[tuple[int, TimeMention]] = field(default_factory=list)
    statements: list[StatementMention] = field(default_factory=list)


# (The constructor with every field, not dataclasses.replace: replace() was 5 % of a batch's time.)
def _shift_quantity(m: QuantityMention, base: int) -> QuantityMention:
    return QuantityMention(m.start + base, m.end + base, m.text, m.kind, m.value, m.value_max, m.unit, m.currency, m.qualifier)


def _shift_time(m: TimeMention, base: int) -> TimeMention:
    return TimeMention(m.start + base, m.end + base, m.text, m.value, m.granularity, m.is_relative, m.value_end, m.modifier)


def extract_facts(body: str, sentences: Sequence[Sentence], captions: Sequence[str], published: dt.date) -> ArticleFacts:
    entities = extract_entities(body, sentences, captions)
    facts = ArticleFacts(entities=entities)
    for sentence in sentences:
        for q in extract_quantities(sentence.text):
            facts.quantities.append((sentence.sentence_no, _shift_quantity(q, sentence.start)))
        for t in extract_time_expressions(sentence.text, published):
            facts.times.append((sentence.sentence_no, _shift_time(t, sentence.start)))
    facts.statements = extract_statements(body, sentences, entities)
    return facts


@dataclass(frozen=True)
class FactSpan:
    start: int  # body offsets
    end: int
    fact: str  # entity type or fact kind
    pos: str  # part of speech of the token
    fixed: bool = True  # must come out as one token


# Time modifiers whose words sit inside the span (自…以來, 截至…): such a span is a phrase, not a word.
_PHRASE_MODIFIERS = frozenset({"since", "after", "before", "until"})


# A fact span as a plain tuple (start, end, fact, pos, fixed), the fields of FactSpan: what the tokens table is
# built from (one per fact, and a tuple is several times cheaper to make than a frozen dataclass).
SpanTuple = tuple[int, int, str, str, bool]


def fact_span_tuples(facts: ArticleFacts) -> list[SpanTuple]:
    """`fact_spans` as tuples: same order (entities, then dates, then quantities), same values."""
    spans = [(e.start, e.end, e.type, ENTITY_POS, True) for e in facts.entities]
    spans += [
        (t.start, t.end, TIME_FACT, TIME_POS, t.value_end is None and t.modifier not in _PHRASE_MODIFIERS)
        for _, t in facts.times
    ]
    spans += [(q.start, q.end, q.kind, QUANTITY_POS, q.value_max is None) for _, q in facts.quantities]
    return spans


def fact_spans(facts: ArticleFacts) -> list[FactSpan]:
    """Spans of every fact, in label priority order: entities, then dates, then quantities."""
    return [FactSpan(*s) for s in fact_span_tuples(facts)]


def fixed_spans_for(sentence: Sentence, spans: Sequence[FactSpan]) -> list[tuple[int, int, str]]:
    """Fact spans inside the sentence, relative to it (the segmenter drops overlaps deterministically)."""
    return [
        (s.start - sentence.start, s.end - sentence.start, s.pos)
        for s in spans
        if s.fixed and sentence.start <= s.start and s.end <= sentence.end
    ]


def spans_by_sentence(sentences: Sequence[Sentence], spans: Sequence[SpanTuple]) -> list[list[SpanTuple]]:
    """For each sentence, the span tuples touching it (`start <= sentence.end and end >= sentence.start`), in
    their order: a superset of both the sentence's fixed spans and the spans that can label its tokens, found
    by bisection (sentences come sorted and disjoint from `split_sentences`; otherwise by a scan)."""
    out: list[list[SpanTuple]] = [[] for _ in sentences]
    if not spans:
        return out
    starts = [s.start for s in sentences]
    ends = [s.end for s in sentences]
    if all(map(operator.le, ends, starts[1:])) and all(map(operator.le, starts, ends)):
        for span in spans:
            # sentences ending at or after the span's start, up to the last one starting at or before its end
            for k in range(bisect.bisect_left(ends, span[0]), bisect.bisect_right(starts, span[1])):
                out[k].append(span)
        return out
    for k, sentence in enumerate(sentences):
        out[k] = [s for s in spans if s[0] <= sentence.end and s[1] >= sentence.start]
    return out


def label_offsets(
    starts: list[int], ends: list[int], lo: int, hi: int, spans: Sequence[tuple], ordered: bool
) -> list[str | None]:
    """Fact of each token starts[lo:hi] / ends[lo:hi] (body offsets): the first of `spans` ((start, end, fact,
    ...) tuples) that contains it.

    `spans` must already be the ones overlapping the sentence, in priority order. `ordered` says that the token
    starts and ends are both non-decreasing: then the tokens a span contains are a contiguous run, found by
    bisection, and later spans are written first so that the first one wins."""
    if not spans:
        return [None] * (hi - lo)
    if ordered:
        labels: list[str | None] = [None] * (hi - lo)
        for s in reversed(spans):
            i0 = bisect.bisect_left(starts, s[0], lo, hi)
            i1 = bisect.bisect_right(ends, s[1], lo, hi)
            if i0 < i1:
                labels[i0 - lo : i1 - lo] = [s[2]] * (i1 - i0)
        return labels
    return [
        next((s[2] for s in spans if s[0] <= start and end <= s[1]), None)
        for start, end in zip(starts[lo:hi], ends[lo:hi])
    ]


def is_ordered(starts: list[int], ends: list[int]) -> bool:
    """Both lists non-decreasing (tokens in order and disjoint give that)."""
    return all(map(operator.le, starts, starts[1:])) and all(map(operator.le, ends, ends[1:]))


def label_tokens(tokens: Sequence[Token], sentence: Sentence, spans: Sequence[FactSpan]) -> list[str | None]:
    """Fact of each token: the first span (entities, then dates, then quantities) that contains the token."""
    inside = [(s.start, s.end, s.fact) for s in spans if s.start < sentence.end and s.end > sentence.start]
    if not inside:
        return [None] * len(tokens)
    base = sentence.start
    starts = [base + t.start for t in tokens]
    ends = [base + t.end for t in tokens]
    return label_offsets(starts, ends, 0, len(tokens), inside, is_ordered(starts, ends))


def fact_columns(article_id: str, facts: ArticleFacts) -> dict[str, dict[str, list]]:
    """The rows of `entity_rows`, `quantity_rows`, `time_rows` and `statement_rows` as columns (schema order),
    keyed by table name: the same values without a dict per row."""
    fact = {"article_id": article_id, "extractor_version": EXTRACTOR_VERSION}
    quantities, times = [q for _, q in facts.quantities], [t for _, t in facts.times]
    return {
        "entities": columns_from_objects(ENTITIES, facts.entities, fact),
        "quantities": columns_from_objects(QUANTITIES, quantities, fact, {"sentence_no": [n for n, _ in facts.quantities]}),
        "time_expressions": columns_from_objects(TIME_EXPRESSIONS, times, fact, {"sentence_no": [n for n, _ in facts.times]}),
        "statements": columns_from_objects(STATEMENTS, facts.statements, fact),
    }


def columns_to_rows(columns: dict[str, list]) -> list[dict]:
    """Columns (name -> values) back to row dicts, keys in column order."""
    names = list(columns)
    return [dict(zip(names, values)) for values in zip(*columns.values())]


def entity_rows(article_id: str, facts: ArticleFacts) -> list[dict]:
    return columns_to_rows(fact_columns(article_id, facts)["entities"])


def quantity_rows(article_id: str, facts: ArticleFacts) -> list[dict]:
    return columns_to_rows(fact_columns(article_id, facts)["quantities"])


def time_rows(article_id: str, facts: ArticleFacts) -> list[dict]:
    return columns_to_rows(fact_columns(article_id, facts)["time_expressions"])


def statement_rows(article_id: str, facts: ArticleFacts) -> list[dict]:
    return columns_to_rows(fact_columns(article_id, facts)["statements"])
