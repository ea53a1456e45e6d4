"""The fact composition helpers: spans per sentence, token labels, columns vs rows, to_table with columns."""

from __future__ import annotations

import pyarrow as pa

from tests.conftest import SAMPLE
from transforms import schema
from transforms.decode import decode_bytes
from transforms.facts import (
    entity_rows,
    extract_facts,
    fact_columns,
    label_offsets,
    quantity_rows,
    spans_by_sentence,
    statement_rows,
    time_rows,
)
from transforms.layout import parse_article
from transforms.model import Sentence
from transforms.sentences import split_sentences


def sample_facts():
    parsed = parse_article(decode_bytes(SAMPLE.read_bytes())[0])
    sentences = split_sentences(parsed.body, parsed.paragraphs)
    captions = [p.text for p in parsed.paragraphs if p.kind == "caption"]
    return extract_facts(parsed.body, sentences, captions, parsed.published_date), sentences


def test_fact_columns_equal_the_rows() -> None:
    facts, _ = sample_facts()
    columns = fact_columns("a", facts)
    for name, rows in (("entities", entity_rows("a", facts)), ("quantities", quantity_rows("a", facts)),
                       ("time_expressions", time_rows("a", facts)), ("statements", statement_rows("a", facts))):
        spec = schema.TABLES[name]
        assert len(rows) > 0
        assert schema.to_table(spec, columns[name]).equals(schema.to_table(spec, rows))


def test_to_table_accepts_columns_and_fills_missing_ones_with_null() -> None:
    columns = {"article_id": ["a", "b"], "sentence_no": [0, 1], "token_no": [0, 0], "text": ["台", "灣"],
               "pos": ["N", "N"], "start": [0, 1], "end": [1, 2]}
    table = schema.to_table(schema.TOKENS, columns)
    assert table.schema == schema.TOKENS.schema and table.column("fact").to_pylist() == [None, None]
    rows = [dict(zip(columns, values)) for values in zip(*columns.values())]
    assert table.equals(schema.to_table(schema.TOKENS, rows))
    assert schema.to_table(schema.TOKENS, {"article_id": pa.array(["x"]), "sentence_no": [0], "token_no": [0],
                                           "text": ["x"], "pos": ["N"], "start": [0], "end": [1]}).num_rows == 1


def test_spans_by_sentence_and_labels() -> None:
    sentences = [Sentence(0, 0, "卓榮泰表示。", 0, 6), Sentence(1, 0, "台積電投資400億元。", 7, 19)]
    spans = [(0, 3, "PERSON", "N"), (7, 10, "ORG", "N"), (12, 18, "money", "NUM"), (14, 16, "date", "Nd")]
    per = spans_by_sentence(sentences, spans)
    assert [s[2] for s in per[0]] == ["PERSON"] and [s[2] for s in per[1]] == ["ORG", "money", "date"]
    starts, ends = [7, 10, 12, 18], [10, 12, 18, 19]
    assert label_offsets(starts, ends, 0, 4, per[1], True) == ["ORG", None, "money", None]
    assert label_offsets(starts, ends, 0, 4, per[1], False) == ["ORG", None, "money", None]
    # the first containing span wins (priority order): a token inside both money and date is money
    assert label_offsets([14], [16], 0, 1, per[1], True) == ["money"]
    assert spans_by_sentence(sentences, []) == [[], []]


def test_shifted_mentions_keep_every_field() -> None:
    """_shift_quantity/_shift_time rebuild mentions field by field (faster than dataclasses.replace): a field
    added to a mention class must be carried over, not silently reset to its default."""
    import dataclasses

    from transforms.facts import _shift_quantity, _shift_time
    from transforms.quantities import QuantityMention
    from transforms.timex import TimeMention

    q = QuantityMention(1, 5, "3至5億元", "money", 3e8, 5e8, "元", "TWD", "range")
    t = TimeMention(2, 9, "1月10日至12日", "2024-01-10", "day", False, "2024-01-12", "since")
    for mention, shift in ((q, _shift_quantity), (t, _shift_time)):
        moved = shift(mention, 10)
        assert dataclasses.replace(mention, start=mention.start + 10, end=mention.end + 10) == moved
        assert all(getattr(moved, f.name) is not None for f in dataclasses.fields(moved))
