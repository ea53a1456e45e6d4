"""transforms.numbers: parse_number, find_numbers, calendar_year (pure; no shared data)."""

from __future__ import annotations

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.numbers import find_numbers, normalize, parse_number
from transforms.quantities import extract_quantities

# --------------------------------------------------------------------------------------------
# Renderers used by the property tests

_DIG = "零一二三四五六七八九"
_MAGS = [(10**12, "兆"), (10**8, "億"), (10**4, "萬")]


def _small_cn(n: int, two: bool, leading: bool, one_ten: bool) -> str:
    """1..9999 in Chinese. two: write 2 as 兩 before 百/千; one_ten: 一十 for a leading 10-19."""
    assert 0 < n < 10000
    out = []
    units = [(1000, "千"), (100, "百"), (10, "十"), (1, "")]
    zero = False
    started = False
    for u, ch in units:
        d = (n // u) % 10
        if d == 0:
            if started:
                zero = True
            continue
        if zero:
            out.append("零")
            zero = False
        if u == 10 and d == 1 and not started and leading and not one_ten:
            out.append("十")
        else:
            digit = "兩" if (d == 2 and two and u in (100, 1000)) else _DIG[d]
            out.append(digit + ch)
        started = True
    return "".join(out)


def render_cn(n: int, two: bool = False, one_ten: bool = False) -> str:
    """Chinese numeral for 0 <= n <= 10**16, with 零 for gaps (一萬零五) and 萬兆 for 10**16."""
    if n == 0:
        return "零"
    if n == 10**16:
        return "一萬兆"
    parts = []
    rest = n
    need_zero = False
    started = False
    for mag, ch in _MAGS:
        g = rest // mag
        rest %= mag
        if g == 0:
            if started:
                need_zero = True
            continue
        if started and (need_zero or g < 1000):
            parts.append("零")
        big_two = two and g == 2
        parts.append(("兩" if big_two else _small_cn(g, two, not started, one_ten)) + ch)
        started = True
        need_zero = False
    if rest:
        if started and (need_zero or rest < 1000):
            parts.append("零")
        parts.append(_small_cn(rest, two, not started, one_ten))
    return "".join(parts)


def render_arabic(n: int, commas: bool = True, fullwidth: bool = False) -> str:
    s = f"{n:,}" if commas else str(n)
    if fullwidth:
        s = s.translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))
    return s


def render_mixed(n: int, commas: bool = True) -> str:
    """Arabic groups with 兆/億/萬: 1,158萬, 3億2000萬, 1億零500."""
    if n < 10**4:
        return render_arabic(n, commas)
    parts = []
    rest = n
    started = False
    gap = False
    for mag, ch in _MAGS:
        g = rest // mag
        rest %= mag
        if g == 0:
            if started:
                gap = True
            continue
        if started and gap:
            parts.append("零")
            gap = False
        parts.append(render_arabic(g, commas) + ch)
        started = True
    if rest:
        if gap or rest < 10:
            parts.append("零")  # 3萬零5: a lone digit after 萬 would read 3萬5 = 35000
        parts.append(render_arabic(rest, commas))
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# Examples


@pytest.mark.parametrize(
    "text,value",
    [
        ("1,158萬", 11_580_000.0),
        ("三千五百萬", 35_000_000.0),
        ("９．８兆", 9.8e12),
        ("9.8兆", 9.8e12),
        ("兩百", 200.0),
        ("一百二十", 120.0),
        ("一萬零五", 10_005.0),
        ("3千", 3000.0),
        ("3億2000萬", 320_000_000.0),
        ("１５", 15.0),
        ("４，５６５", 4565.0),
        ("1,050,000,000", 1_050_000_000.0),
        ("4.78萬億", 4.78e12),
        ("四萬萬", 4e8),
        ("百三", 130.0),
        ("三百五", 350.0),
        ("一萬三", 13_000.0),
        ("十五點七", 15.7),
        ("零點五", 0.5),
        ("兩千三點一", 2300.1),
        ("壹佰伍拾", 150.0),
        ("肆佰陸拾", 460.0),
        ("五兆六十二億四萬五千二", 5_006_200_045_200.0),
        ("二〇二六", 2026.0),
        ("十多萬", 100_000.0),
        ("500餘萬", 5_000_000.0),
        ("二十幾萬", 200_000.0),
        ("負三十二", -32.0),
        ("-10000", -10000.0),
        ("三分之一", 1 / 3),
        ("一又二分之一", 1.5),
        ("廿一", 21.0),
    ],
)
def test_parse_number_examples(text, value):
    assert parse_number(text) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(
    "text",
    ["百分之十五", "15%", "", "萬", "萬萬", "千萬", "兩兩", "一切", "abc", "3人", "五十千", "2020年"],
)
def test_parse_number_rejects(text):
    assert parse_number(text) is None


def test_normalize_keeps_length_and_offsets():
    s = "營收１，２３４億元，年增１５．５％，達４，５６５"
    n = normalize(s)
    assert len(n) == len(s)
    assert "1,234" in n and "15.5%" in n and "4,565" in n
    assert normalize("你好，世界") == "你好，世界"  # an ordinary comma stays


def test_find_numbers_spans_and_values():
    text = "二百五, 二百五, 還有二百五。"
    got = [(m.start, m.end, m.text, m.value) for m in find_numbers(text)]
    assert got == [(0, 3, "二百五", 250.0), (5, 8, "二百五", 250.0), (12, 15, "二百五", 250.0)]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("一切都好", []),
        ("我家在四川", []),
        ("萬一發生意外", []),
        ("千萬不要", []),
        ("陽光九九是食物品牌", []),
        ("小明有十個手指頭", [10.0]),
        ("iPhone 16 和 A18 晶片", []),
        ("請撥888-000-9999", []),
        ("伺服器 192.168.255.255", []),
        ("百分之五十五點五七九", [55.579]),
        ("一百分之二", [0.02]),
        ("1,100.9億", [110_090_000_000.0]),
    ],
)
def test_find_numbers_filters(text, expected):
    assert [m.value for m in find_numbers(text)] == pytest.approx(expected)


# --------------------------------------------------------------------------------------------
# Properties

_INTS = st.one_of(
    st.integers(min_value=0, max_value=10**16),
    st.integers(min_value=0, max_value=10**5),
    st.sampled_from([0, 1, 2, 10, 11, 20, 100, 101, 110, 1000, 1001, 10_000, 10_005, 100_000_000, 10**12, 10**16]),
)


@settings(max_examples=400, deadline=None)
@given(n=_INTS, commas=st.booleans(), fullwidth=st.booleans())
def test_property_arabic_roundtrip(n, commas, fullwidth):
    s = render_arabic(n, commas, fullwidth)
    assert parse_number(s) == float(n)
    q = extract_quantities(s + "元")
    assert len(q) == 1 and q[0].kind == "money" and q[0].value == float(n)
    assert (q[0].start, q[0].end) == (0, len(s) + 1)


@settings(max_examples=400, deadline=None)
@given(n=_INTS, two=st.booleans(), one_ten=st.booleans())
def test_property_chinese_roundtrip(n, two, one_ten):
    s = render_cn(n, two, one_ten)
    assert parse_number(s) == float(n), s
    q = extract_quantities(s + "元")
    assert len(q) == 1 and q[0].value == float(n) and q[0].text == s + "元", (s, q)


@settings(max_examples=400, deadline=None)
@given(n=_INTS, commas=st.booleans())
def test_property_mixed_roundtrip(n, commas):
    s = render_mixed(n, commas)
    assert parse_number(s) == float(n), s
    q = extract_quantities(s + "名")
    assert len(q) == 1 and q[0].kind == "count" and q[0].value == float(n), (s, q)
    assert q[0].text == s + "名"


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=1, max_value=10**11))
def test_property_agrees_with_cn2an(n):
    """Our parser agrees with cn2an on the standard forms cn2an accepts (simplified 万/亿)."""
    s = cn2an.an2cn(n)
    assert parse_number(s) == float(cn2an.cn2an(s, "strict"))


def test_renderer_examples():
    assert render_cn(10_005) == "一萬零五"
    assert render_cn(35_000_000) == "三千五百萬"
    assert render_cn(200, two=True) == "兩百"
    assert render_cn(100_000_005) == "一億零五"
    assert render_mixed(11_580_000) == "1,158萬"
    assert render_mixed(320_000_000) == "3億2,000萬"
    assert render_mixed(30_005) == "3萬零5"


# --------------------------------------------------------------------------------------------
# Internals of the numeral scan (speed-ups that must not change what is found)

_SCAN_ALPHABET = st.sampled_from(list(
    "0123456789０１２３４５６７８９,.，．%-/ 零〇○一二兩三四五六七八九十百千萬億兆壹貳參拾佰仟廿卅"
    "點点多餘余幾几分之又年月元人第"
))
_SCAN_TEXTS = st.lists(_SCAN_ALPHABET, max_size=24).map("".join)


def _token_runs(t: str) -> list[tuple[int, int]]:
    """Runs of adjacent ``_TOK_RE`` tokens: the reference for ``_RUN_RE``."""
    from transforms.numbers import _TOK_RE

    runs: list[list[int]] = []
    for m in _TOK_RE.finditer(t):
        if runs and runs[-1][1] == m.start():
            runs[-1][1] = m.end()
        else:
            runs.append([m.start(), m.end()])
    return [(a, b) for a, b in runs]


@settings(max_examples=500, deadline=None)
@given(text=_SCAN_TEXTS)
def test_run_regex_finds_the_token_runs(text):
    from transforms.numbers import _RUN_RE

    t = normalize(text)
    assert [m.span() for m in _RUN_RE.finditer(t)] == _token_runs(t)


@settings(max_examples=500, deadline=None)
@given(text=_SCAN_TEXTS, prefix=_SCAN_TEXTS)
def test_scan_numerals_memo_is_transparent(text, prefix):
    """Numerals memoised per run (and the last-text cache) equal a scan of the whole text."""
    from transforms.numbers import _run_numerals, clear_caches, scan_numerals

    t = normalize(text)
    direct = list(_run_numerals(t))  # the whole text tokenised and cut in one go, no memo
    clear_caches()
    assert scan_numerals(t) == direct
    scan_numerals(normalize(prefix) + "，" + t)  # memoises the runs of t at other offsets
    assert scan_numerals(t) == direct
    assert scan_numerals(t) == direct  # last-text cache


@settings(max_examples=300, deadline=None)
@given(text=_SCAN_TEXTS)
def test_normalize_fast_path_matches_translation(text):
    import re

    ref = re.sub(r"(?<=[０-９])，(?=[０-９]{3}(?![０-９]))", ",", text)
    ref = ref.translate(str.maketrans("０１２３４５６７８９．％－／：～＄−", "0123456789.%-/:~$-"))
    assert normalize(text) == ref
    assert normalize(text) == ref  # cached
