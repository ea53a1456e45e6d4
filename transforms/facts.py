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

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from transforms.entities import EntityMention, extract_entities
from transforms.model import Sentence, Token
from transforms.quantities import QuantityMention, extract_quantities
from transforms.schema import EXTRACTOR_VERSION
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


def _shift_quantity(m: QuantityMention, base: int) -> QuantityMention:
    return replace(m, start=m.start + base, end=m.end + base)


def _shift_time(m: TimeMention, base: int) -> TimeMention:
    return replace(m, start=m.start + base, end=m.end + base)


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


def fact_spans(facts: ArticleFacts) -> list[FactSpan]:
    """Spans of every fact, in label priority order: entities, then dates, then quantities."""
    spans = [FactSpan(e.start, e.end, e.type, ENTITY_POS) for e in facts.entities]
    spans += [
        FactSpan(t.start, t.end, TIME_FACT, TIME_POS, t.value_end is None and t.modifier not in _PHRASE_MODIFIERS)
        for _, t in facts.times
    ]
    spans += [FactSpan(q.start, q.end, q.kind, QUANTITY_POS, q.value_max is None) for _, q in facts.quantities]
    return spans


def fixed_spans_for(sentence: Sentence, spans: Sequence[FactSpan]) -> list[tuple[int, int, str]]:
    """Fact spans inside the sentence, relative to it (the segmenter drops overlaps deterministically)."""
    return [
        (s.start - sentence.start, s.end - sentence.start, s.pos)
        for s in spans
        if s.fixed and sentence.start <= s.start and s.end <= sentence.end
    ]


def label_tokens(tokens: Sequence[Token], sentence: Sentence, spans: Sequence[FactSpan]) -> list[str | None]:
    """Fact of each token: the first span (entities, then dates, then quantities) that contains the token."""
    inside = [s for s in spans if s.start < sentence.end and s.end > sentence.start]
    labels: list[str | None] = []
    for token in tokens:
        start, end = sentence.start + token.start, sentence.start + token.end
        labels.append(next((s.fact for s in inside if s.start <= start and end <= s.end), None))
    return labels


def entity_rows(article_id: str, facts: ArticleFacts) -> list[dict]:
    return [
        {
            "article_id": article_id, "sentence_no": e.sentence_no, "text": e.text, "start": e.start, "end": e.end,
            "type": e.type, "name": e.name, "alias": e.alias, "title": e.title, "extractor_version": EXTRACTOR_VERSION,
        }
        for e in facts.entities
    ]


def quantity_rows(article_id: str, facts: ArticleFacts) -> list[dict]:
    return [
        {
            "article_id": article_id, "sentence_no": n, "text": q.text, "start": q.start, "end": q.end,
            "kind": q.kind, "value": q.value, "value_max": q.value_max, "unit": q.unit, "currency": q.currency,
            "qualifier": q.qualifier, "extractor_version": EXTRACTOR_VERSION,
        }
        for n, q in facts.quantities
    ]


def time_rows(article_id: str, facts: ArticleFacts) -> list[dict]:
    return [
        {
            "article_id": article_id, "sentence_no": n, "text": t.text, "start": t.start, "end": t.end,
            "value": t.value, "value_end": t.value_end, "granularity": t.granularity, "is_relative": t.is_relative,
            "modifier": t.modifier, "extractor_version": EXTRACTOR_VERSION,
        }
        for n, t in facts.times
    ]


def statement_rows(article_id: str, facts: ArticleFacts) -> list[dict]:
    return [
        {
            "article_id": article_id, "sentence_no": s.sentence_no, "text": s.text, "start": s.start, "end": s.end,
            "speaker": s.speaker, "verb": s.verb, "content": s.content, "content_start": s.content_start,
            "content_end": s.content_end, "is_direct_quote": s.is_direct_quote, "extractor_version": EXTRACTOR_VERSION,
        }
        for s in facts.statements
    ]
