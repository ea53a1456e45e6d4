"""Person-name spans (transforms.person_names): evidence rules, negatives and invariants (speed is measured by
scripts/check_entity_outputs.py bench, not here)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.gazetteer import WordMatcher, fast_trie, first_char_pattern, iter_first, trie_pattern
from transforms.person_names import _gaz_conflict, _rx, find_person_names, gazetteer_hits


def names(text: str) -> list[str]:
    return [text[a:b] for a, b in find_person_names(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("行政院長卓榮泰今天接見訪團", ["卓榮泰"]),  # title before
        ("王強表示，預算已經通過", ["王強"]),  # verb after; 表 is never a given-name character
        ("鄭麗君副院長與楊珍妮政務委員率團", ["鄭麗君", "楊珍妮"]),  # titles after
        ("記者陳家祥／台北報導", ["陳家祥"]),
        ("歐陽娜娜表示很開心", ["歐陽娜娜"]),  # compound surname
        ("發言人毛寧回應說", ["毛寧"]),  # evidence decides the length
        ("主席柯拉克（Keith Krach）致詞", ["柯拉克"]),  # transliteration after a title
        ("美國川普（Donald Trump）總統", ["川普"]),
        ("唐納·川普再度當選", ["唐納·川普"]),  # dotted transliteration
        ("委內瑞拉總統馬杜洛出席", ["馬杜洛"]),  # the country is not a name
        ("、林志明與陳美玲等人出席", ["林志明", "陳美玲"]),  # bare names bounded by punctuation / function words
        ("林志明今天出席，林志明說", ["林志明", "林志明"]),  # a proven name counts everywhere
    ],
)
def test_names_found(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "董事長表示，院長施政報告將延後",  # titles are not names
        "他曾經表示反對",  # 曾經 is a word
        "方面表示歡迎",
        "連江縣長出席",  # 連江 is part of 連江縣
        "俄羅斯總統出席峰會",  # a country before a title
        "金價高達新台幣一萬元",
        "全體委員一致通過",
        "高層表示不予置評",
        "官員指出，計畫仍在評估",
    ],
)
def test_no_false_names(text: str) -> None:
    assert names(text) == []


def test_spans_sorted_non_overlapping() -> None:
    text = "總統賴清德與行政院長卓榮泰、立委王美惠今天出席，賴清德致詞時表示，卓榮泰也說"
    spans = find_person_names(text)
    assert spans == sorted(spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))
    assert [text[a:b] for a, b in spans] == ["賴清德", "卓榮泰", "王美惠", "賴清德", "卓榮泰"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("陳林卓榮泰王強表示說總統院長柯拉克（）()A Bab，。、的是在高達新台幣")), max_size=60))
def test_property_valid_spans(text: str) -> None:
    spans = find_person_names(text)
    assert spans == find_person_names(text)  # deterministic
    last = 0
    for a, b in spans:
        assert last <= a < b <= len(text)
        last = b


# --------------------------------------------------------------------------------------------------
# Names the word segmenter's dictionary does not know (invented names; the rules are general).


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("會後，韋振邦決定捐出全部家產。", ["韋振邦"]),  # surname + single-character pieces, a verb after
        ("富商韋振邦捲入風波。", ["韋振邦"]),  # a role noun before (富商), no title
        ("漫畫家江守仁的新作上市。", ["江守仁"]),  # an occupation word ending in 家 before
        ("警方逮捕了嫌犯鄔承恩，鄔承恩坦承犯案。", ["鄔承恩", "鄔承恩"]),  # found once, taken everywhere
        ("，梅爾頓也一直鼓勵學生。", ["梅爾頓"]),  # a transliteration split by the dictionary (梅爾/頓)
        ("日本選手岡部直樹表示很滿意。", ["岡部直樹"]),  # Japanese family name + given-name word
        ("，巴菲特認為市場過熱。", ["巴菲特"]),  # one dictionary word as the subject of a verb of persons
        ("作者艾蜜莉·華森基於自身經驗寫作", ["艾蜜莉·華森"]),  # a dotted name ends where a word ends
        ("分析師雪莉‧王表示", ["雪莉‧王"]),  # … and starts where a word starts
        ("首席科學家艾倫‧莫里特教授表示", ["艾倫‧莫里特"]),  # a one-character piece tagged as an adverb stays
    ],
)
def test_unknown_word_names(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "再創高收入紀錄",  # a surname character and a dictionary word is an ordinary word
        "他曾擔任部長",  # 曾 is an adverb here
        "林業發展很好",  # one dictionary word without a verb of persons after it
        "歡迎大家多加思考。",  # two one-character words, not a transliteration
        "立委主張修勞基法。",  # a law, not a name
        "醫師開立索非布韋。",  # a medicine (-vir)
        "船隊駛入愛琴海。",  # a sea
        "，奇美表示將擴產。",  # reporting verbs are not evidence for one dictionary word (companies report too)
        "美日韓三國",  # one-character country abbreviations
    ],
)
def test_unknown_word_negatives(text: str) -> None:
    assert names(text) == []


# --------------------------------------------------------------------------------------------------
# The fast matching helpers give the same matches as the plain patterns they replace.

_ALPHABET = list("台臺北市中國美日大學協會公司長總統院卓榮泰林陳表示說，。（）AB ab\n")
_texts = st.text(alphabet=st.sampled_from(_ALPHABET), max_size=80)
_words = st.lists(st.text(alphabet=st.sampled_from(_ALPHABET[:24]), min_size=1, max_size=4), min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(_words, _texts, st.integers(1, 5))
def test_word_matcher_is_the_overlapping_trie(words: list[str], text: str, groups: int) -> None:
    plain = re.compile(f"(?=({trie_pattern(words)}))")
    want = ([m.start(1) for m in plain.finditer(text) if m.end(1) > m.start(1)],
            [m.end(1) for m in plain.finditer(text) if m.end(1) > m.start(1)])
    assert WordMatcher(words, groups).find(text) == want


@settings(max_examples=300, deadline=None)
@given(_words, _texts, st.integers(0, 80), st.integers(0, 80))
def test_fast_trie_and_first_char_pattern_match_like_the_plain_pattern(
    words: list[str], text: str, pos: int, endpos: int
) -> None:
    # A pattern with a lookbehind, a trie and a lookahead, as the extractors write them.
    body = "(?<![AB])(?:{})(?:長|總統)?(?![ab])"
    plain = re.compile(body.format(trie_pattern(words)))
    fast = first_char_pattern(body.format(fast_trie(words)), {w[0] for w in words})
    want = [m.span() for m in plain.finditer(text, pos, endpos)]
    assert [m.span(1) for m in iter_first(fast.search, text, pos, endpos)] == want
    assert [m.span() for m in re.finditer(body.format(fast_trie(words)), text[pos:endpos])] == [
        m.span() for m in plain.finditer(text[pos:endpos])
    ]
    two = [w for w in words if len(w) >= 2]
    if two:
        plain2 = re.compile(body.format(trie_pattern(two)))
        fast2 = first_char_pattern(body.format(fast_trie(two)), {w[0] for w in two}, {w[1] for w in two})
        assert [m.span(1) for m in iter_first(fast2.search, text, pos, endpos)] == [
            m.span() for m in plain2.finditer(text, pos, endpos)
        ]


_GAZ_TEXT = st.text(alphabet=st.sampled_from(list("台北市中國美國台灣民進黨國民黨大學林志明表示，在的")), max_size=60)


@settings(max_examples=300, deadline=None)
@given(_GAZ_TEXT, st.data())
def test_gaz_conflict_is_the_windowed_scan(text: str, data: st.DataObject) -> None:
    """_gaz_conflict (from the text's gazetteer hits) answers as a finditer of the place / organisation trie over
    text[start - 8 : end + 8] did."""
    rx = _rx()
    plain = re.compile(trie_pattern(rx.gaz_set))
    if len(text) < 2:
        return
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    for allow_inner in (False, True):
        want = False
        for m in plain.finditer(text, max(0, start - 8), min(len(text), end + 8)):
            s, e = m.span()
            if e <= start or s >= end:
                continue
            if allow_inner and s >= start and e <= end and (s, e) != (start, end):
                continue
            want = True
            break
        assert _gaz_conflict(text, start, end, rx, allow_inner, gazetteer_hits(text)) == want
