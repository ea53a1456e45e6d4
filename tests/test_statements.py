"""Statements (transforms.statements): the seed article's gold, invented variants, patterns and invariants."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_entities import FIXTURE_NAMES, article_from_lines, run
from transforms.entities import extract_entities
from transforms.layout import parse_article
from transforms.sentences import split_sentences
from transforms.statements import StatementMention, extract_statements

SEED = Path(__file__).parent / "fixtures" / "articles" / "sample_seed.txt"


def statements_of(text: str, captions: tuple[str, ...] = ()) -> list[StatementMention]:
    art = article_from_lines(text.splitlines())
    ents = extract_entities(art.body, art.sentences, captions)
    return extract_statements(art.body, art.sentences, ents)


def brief(sts: list[StatementMention]) -> list[tuple]:
    return [(s.speaker, s.verb, s.content, s.is_direct_quote) for s in sts]


def test_seed_statements() -> None:
    art = parse_article(SEED.read_text(encoding="utf-8"))
    body = art.body
    sentences = split_sentences(body, art.body_paragraphs)
    captions = [p.text for p in art.paragraphs if p.kind == "caption"]
    sts = extract_statements(body, sentences, extract_entities(body, sentences, captions))
    by_speaker: dict[str | None, list[StatementMention]] = {}
    for s in sts:
        assert body[s.start : s.end] == s.text
        assert body[s.content_start : s.content_end] == s.content
        assert s.start <= s.content_start and s.content_end <= s.end
        by_speaker.setdefault(s.speaker, []).append(s)
    cho = {(s.verb, s.content[:8]) for s in by_speaker["卓榮泰"]}
    # 他表示 (first paragraph), 卓表示, 卓榮泰指出, 卓院長強調, 卓榮泰提到, 卓榮泰也提及, 他強調 …
    assert ("表示", "台美雙方近期在對") in cho
    assert ("表示", "儘管國會仍有不同") in cho
    assert ("指出", "台美雙方歷經9個") in cho
    assert ("強調", "我國提出的「台灣") in cho
    assert ("提到", "包括：聯發科、台") in cho
    assert ("提及", "台灣電力公司已正") in cho
    assert ("指出", "台美雙向對話的重") in cho
    assert ("強調", "為維護印太地區和") in cho
    assert len(by_speaker["卓榮泰"]) == 11
    krach = {(s.verb, s.content[:6]) for s in by_speaker["柯拉克"]}
    assert krach == {("致詞時表示", "過去5年以來"), ("提到", "今年適逢美國"), ("強調", "「自由」無比"), ("表示", "台美基於自由")}
    # Also: 川普總統已表示… inside 柯拉克's statement, and 台積電也在2020年5月宣布… (an organisation announcing).
    assert set(by_speaker) == {"卓榮泰", "柯拉克", "川普", "台積電"}
    assert not any(s.is_direct_quote for s in sts)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_statements(name: str) -> None:
    _, score, _, _ = run(name)
    assert not score.problems, "\n".join(score.problems)


def test_patterns() -> None:
    text = (
        "總統賴清德今天表示，台灣會持續強化國防。\n"
        "他強調：「和平是我們共同的目標。」\n"
        "經濟情勢仍有挑戰，賴清德說。\n"
        "「我們不會退讓。」賴總統說。\n"
        "據國防部表示，演習將在下週舉行。"
    )
    assert brief(statements_of(text)) == [
        ("賴清德", "表示", "台灣會持續強化國防", False),
        ("賴清德", "強調", "和平是我們共同的目標。", True),
        ("賴清德", "說", "經濟情勢仍有挑戰", False),
        ("賴清德", "說", "我們不會退讓。", True),
        ("國防部", "表示", "演習將在下週舉行", False),
    ]


def test_pronoun_resolves_to_recent_subject() -> None:
    text = "外交部長林佳龍接見友邦訪團，並與陳美玲大使交換意見。她表示，雙方合作密切。"
    # 她 refers to the most recent PERSON subject of a clause: 林佳龍 opens the sentence, 陳美玲 is an object.
    assert brief(statements_of(text))[0][:2] == ("林佳龍", "表示")


def test_setting_glued_to_verb_and_adverbs_between() -> None:
    sts = statements_of("國民黨主席朱立倫在記者會上表示，黨團會全力監督。柯市長也進一步指出，市府已經準備好。")
    assert brief(sts)[0][:2] == ("朱立倫", "記者會上表示")
    # 柯市長 resolves to no full name in the article: the short form itself is the name.
    assert brief(sts)[1][:2] == ("柯市長", "指出")


def test_non_reporting_uses() -> None:
    text = "這表示景氣正在復甦。數字以百分比表示。他的小說很受歡迎，據說將拍成電影。"
    assert statements_of(text) == []


def test_generic_subject_has_no_speaker() -> None:
    sts = statements_of("多位專家指出，利率可能再調升。")
    assert brief(sts) == [(None, "指出", "利率可能再調升", False)]


def test_quote_over_several_sentences() -> None:
    sts = statements_of("立委王美惠說：「預算必須透明。人民有權知道。」")
    assert brief(sts) == [("王美惠", "說", "預算必須透明。人民有權知道。", True)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(
    ["卓榮泰", "院長", "表示", "，", "。", "美國", "他", "說", "「", "」", "：", "據", "指出", "強調", "賴總統", "\n", "這",
     "專家", "也", "致詞時", "台灣", "的"]), max_size=40))
def test_property_offsets(parts: list[str]) -> None:
    art = article_from_lines("".join(parts).splitlines())
    ents = extract_entities(art.body, art.sentences)
    sts = extract_statements(art.body, art.sentences, ents)
    assert sts == extract_statements(art.body, art.sentences, ents)
    for s in sts:
        assert art.body[s.start : s.end] == s.text
        assert art.body[s.content_start : s.content_end] == s.content and s.content
        assert s.start <= s.content_start <= s.content_end <= s.end


def test_english_name_in_brackets_is_not_the_speaker() -> None:
    # The bracketed English names are entity mentions too; the speaker is still the entity before them, and
    # "the entity issued a report" still works across the bracket.
    sts = statements_of(
        "世界衛生組織（WHO）日前發布報告指出，流感病例增加。\n"
        "挪威總理漢森（Erik Hansen）今天表示，將檢討防疫措施。"
    )
    assert [(s.speaker, s.verb) for s in sts] == [("世界衛生組織", "指出"), ("漢森", "表示")]
