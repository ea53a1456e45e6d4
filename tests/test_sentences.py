from hypothesis import given
from hypothesis import strategies as st

from transforms.model import Paragraph
from transforms.sentences import split_sentences, split_spans


def spans(text: str) -> list[str]:
    return [text[a:b] for a, b in split_spans(text)]


def test_splits_at_terminators_and_keeps_closers() -> None:
    assert spans("他說：「好。」接著走了！真的？？是；不是") == ["他說：「好。」", "接著走了！", "真的？？", "是；", "不是"]


def test_closing_brackets_stay_with_their_sentence() -> None:
    assert spans("（這是括號。）下一句。") == ["（這是括號。）", "下一句。"]
    assert spans("他強調『自由。』」之後") == ["他強調『自由。』」", "之後"]


def test_line_ends_split_and_whitespace_is_trimmed() -> None:
    assert spans("　沒有句號的行 \n第二行。  ") == ["沒有句號的行", "第二行。"]
    assert spans("\n\n  \n") == []


def test_commas_and_decimal_points_do_not_split() -> None:
    assert spans("成長3.5%，達到1,000億元。") == ["成長3.5%，達到1,000億元。"]


def test_sentences_carry_body_offsets_and_paragraph_numbers() -> None:
    paragraphs = [
        Paragraph(0, "caption", "▲圖說。（圖／記者攝）"),
        Paragraph(1, "body", "第一段。第二句！", 0, 8),
        Paragraph(2, "body", "第二段", 9, 12),
    ]
    body = "第一段。第二句！\n第二段"
    sentences = split_sentences(body, paragraphs)
    assert [(s.sentence_no, s.paragraph_no, s.text) for s in sentences] == [
        (0, 1, "第一段。"),
        (1, 1, "第二句！"),
        (2, 2, "第二段"),
    ]
    assert all(body[s.start : s.end] == s.text for s in sentences)


@given(st.text(alphabet=st.sampled_from(list("中文字。！？；!?;」』）\n 　\tab1,.")), max_size=200))
def test_spans_are_ordered_trimmed_and_cover_all_text(text: str) -> None:
    result = list(split_spans(text))
    previous_end = 0
    for start, end in result:
        assert previous_end <= start < end
        assert not text[start].isspace() and not text[end - 1].isspace()
        previous_end = end
    # every non-whitespace character belongs to a sentence
    inside = set()
    for start, end in result:
        inside.update(range(start, end))
    assert all(i in inside for i, ch in enumerate(text) if not ch.isspace())
