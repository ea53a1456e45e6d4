"""transforms.timex.extract_time_expressions (pure; no shared data)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.timex import GRANULARITIES, MODIFIERS, TimeMention, extract_time_expressions

PUB = dt.date(2026, 1, 27)  # a Tuesday


def tx(text: str, pub: dt.date = PUB):
    return [(m.text, m.value, m.granularity, m.is_relative) for m in extract_time_expressions(text, pub)]


def one(text: str, pub: dt.date = PUB) -> TimeMention:
    got = extract_time_expressions(text, pub)
    assert len(got) == 1, got
    return got[0]


# --------------------------------------------------------------------------------------------
# Golden: the sample article (published 2026-01-27)


@pytest.mark.parametrize(
    "sentence,expected",
    [
        ("行政院長卓榮泰今（27日）接見美國台灣商業協會訪團一行。", [("今（27日）", "2026-01-27", "day", True)]),
        ("目標在2040年創造50萬個工作機會", [("2040年", "2040", "year", False)]),
        ("台積電也在2020年5月宣布赴美投資120億美元。", [("2020年5月", "2020-05", "month", False)]),
        ("除了2025年計有5位美國州長訪台", [("2025年", "2025", "year", False)]),
        ("柯拉克主席提到，今年適逢美國獨立250週年", [("今年", "2026", "year", True)]),
        ("過去5年以來台美關係有長足進展", []),
        ("歷經9個半月的對等關稅談判", []),
        ("01/25 全台詐欺最新數據", [("01/25", "2026-01-25", "day", True)]),
    ],
)
def test_golden_sample_article(sentence, expected):
    assert tx(sentence) == expected


# --------------------------------------------------------------------------------------------
# Absolute


@pytest.mark.parametrize(
    "text,value,granularity,relative",
    [
        ("2020年5月", "2020-05", "month", False),
        ("2040年", "2040", "year", False),
        ("2026年1月27日", "2026-01-27", "day", False),
        ("２０２６年１月２７日", "2026-01-27", "day", False),
        ("2026年1月27號", "2026-01-27", "day", False),
        ("1月27日", "2026-01-27", "day", True),
        ("民國115年", "2026", "year", False),
        ("民國115年1月27日", "2026-01-27", "day", False),
        ("民國38年", "1949", "year", False),
        ("115年", "2026", "year", False),
        ("115年度預算", "2026", "year", False),
        ("114年1月起", "2025-01", "month", False),
        ("99年5月", "2010-05", "month", False),
        ("二〇二六年", "2026", "year", False),
        ("二零零四年八月十五日", "2004-08-15", "day", False),
        ("民國一百一十五年一月", "2026-01", "month", False),
        ("2026/1/27", "2026-01-27", "day", False),
        ("2026-01-27", "2026-01-27", "day", False),
        ("115/1/27", "2026-01-27", "day", False),
        ("1/27", "2026-01-27", "day", True),
        ("27日", "2026-01-27", "day", True),
        ("元月1日", "2026-01-01", "day", True),
        ("2025年第3季", "2025-Q3", "quarter", False),
        ("昭和7年", "1932", "year", False),
        ("令和6年5月", "2024-05", "month", False),
    ],
)
def test_absolute(text, value, granularity, relative):
    m = one(text)
    assert (m.value, m.granularity, m.is_relative) == (value, granularity, relative)
    assert m.text == text or text.startswith(m.text)


def test_month_day_without_year_uses_nearest_year_within_nine_months():
    assert one("12月20日", dt.date(2026, 1, 5)).value == "2025-12-20"
    assert one("10月1日", dt.date(2026, 3, 1)).value == "2026-10-01"
    assert one("2月29日", dt.date(2017, 3, 22)).value == "2016-02-29"


def test_month_after_a_year_word_is_kept_but_not_after_a_duration():
    assert tx("以當年7月1日為準") == [("7月1日", "2026-07-01", "day", True)]
    assert tx("判處有期徒刑3年6月") == []


def test_day_alone_is_the_nearest_such_day():
    assert one("27日", dt.date(2026, 1, 27)).value == "2026-01-27"
    assert one("30日", dt.date(2026, 2, 2)).value == "2026-01-30"
    assert one("3日", dt.date(2026, 1, 30)).value == "2026-02-03"


# --------------------------------------------------------------------------------------------
# Relative


@pytest.mark.parametrize(
    "text,pub,value,granularity",
    [
        ("今（27日）", PUB, "2026-01-27", "day"),
        ("今(27)日", PUB, "2026-01-27", "day"),
        ("今（27）日", PUB, "2026-01-27", "day"),
        ("今（5）日", dt.date(2026, 2, 5), "2026-02-05", "day"),
        ("今（26）日", PUB, "2026-01-26", "day"),  # the written day wins over the article date
        ("今天", PUB, "2026-01-27", "day"),
        ("今日", PUB, "2026-01-27", "day"),
        ("明（6）日", dt.date(2026, 2, 5), "2026-02-06", "day"),
        ("明天", PUB, "2026-01-28", "day"),
        ("明日", PUB, "2026-01-28", "day"),
        ("昨（26）日", PUB, "2026-01-26", "day"),
        ("昨日", PUB, "2026-01-26", "day"),
        ("昨天", PUB, "2026-01-26", "day"),
        ("前天", PUB, "2026-01-25", "day"),
        ("前（25）日", PUB, "2026-01-25", "day"),
        ("今年", PUB, "2026", "year"),
        ("去年", PUB, "2025", "year"),
        ("明年", PUB, "2027", "year"),
        ("前年", PUB, "2024", "year"),
        ("上月", PUB, "2025-12", "month"),
        ("上個月", PUB, "2025-12", "month"),
        ("本月", PUB, "2026-01", "month"),
        ("下月", PUB, "2026-02", "month"),
        ("上週", PUB, "2026-W04", "week"),
        ("上周", PUB, "2026-W04", "week"),
        ("本週", PUB, "2026-W05", "week"),
        ("下週", PUB, "2026-W06", "week"),
        ("上週末", PUB, "2026-W04-WE", "weekend"),
        ("今年3月", PUB, "2026-03", "month"),
        ("去年12月20日", PUB, "2025-12-20", "day"),
        ("今年上半年", PUB, "2026-H1", "half"),
        ("明年第一季", PUB, "2027-Q1", "quarter"),
        ("週一", PUB, "2026-01-26", "day"),
        ("週三", PUB, "2026-01-28", "day"),
        ("星期五", PUB, "2026-01-30", "day"),
        ("禮拜天", PUB, "2026-01-25", "day"),  # nearest Sunday: 2 days back
        ("週六", PUB, "2026-01-24", "day"),
        ("上週五", PUB, "2026-01-23", "day"),
        ("下週二", PUB, "2026-02-03", "day"),
        ("5天前", PUB, "2026-01-22", "day"),
        ("3個月後", PUB, "2026-04", "month"),
        ("5年前", PUB, "2021", "year"),
    ],
)
def test_relative(text, pub, value, granularity):
    m = one(text, pub)
    assert (m.value, m.granularity, m.is_relative) == (value, granularity, True)


def test_year_end_and_boundaries():
    m = one("去年底")
    assert (m.value, m.granularity, m.modifier) == ("2025", "year", "end")
    m = one("2月中旬")
    assert (m.value, m.granularity, m.modifier) == ("2026-02", "month", "mid")
    m = one("上月底")
    assert (m.value, m.modifier) == ("2025-12", "end")


# --------------------------------------------------------------------------------------------
# Ranges and modifiers


@pytest.mark.parametrize(
    "text,value,value_end",
    [
        ("1月10日至12日", "2026-01-10", "2026-01-12"),
        ("1月27至29日", "2026-01-27", "2026-01-29"),
        ("1月27日至2月3日", "2026-01-27", "2026-02-03"),
        ("1995-1997年", "1995", "1997"),
        ("3月到5月", "2026-03", "2026-05"),
        ("今年1至11月", "2026-01", "2026-11"),
        ("2019年6月1日-6月30日", "2019-06-01", "2019-06-30"),
        ("從2016年至2018年", "2016", "2018"),
        ("2015年和2018年之間", "2015", "2018"),
        ("明（28）日起至2月3日", "2026-01-28", "2026-02-03"),
        ("8月至2月", "2026-08", "2027-02"),
    ],
)
def test_ranges(text, value, value_end):
    m = one(text)
    assert (m.text, m.value, m.value_end) == (text, value, value_end)


@pytest.mark.parametrize(
    "text,span,modifier",
    [
        ("自2018年以來", "自2018年以來", "since"),
        ("自今年7月1日起實施", "自今年7月1日起", "since"),
        ("2021年開始", "2021年開始", "since"),
        ("2018年之後", "2018年之後", "after"),
        ("2015年前", "2015年前", "before"),
        ("截至2025年", "截至2025年", "until"),
        ("2019年4月4日或之前", "2019年4月4日或之前", "until"),
    ],
)
def test_modifiers(text, span, modifier):
    m = one(text)
    assert (m.text, m.modifier) == (span, modifier)
    assert m.modifier in MODIFIERS


# --------------------------------------------------------------------------------------------
# Not time expressions


@pytest.mark.parametrize(
    "text",
    [
        "過去5年",
        "9個半月",
        "5年",
        "有期徒刑3年6月",
        "撥打888-000-9999",
        "伺服器192.168.255.255",
        "1/2的努力",
        "100元月費",
        "五月天演唱會",
        "每週一",
        "今日頭條",
        "《明日之後》",
        "1990年代",
        "第5年",
        "台積電2330",
        "上午10:30",
        "農曆正月初一",
    ],
)
def test_not_time_expressions(text):
    assert extract_time_expressions(text, PUB) == []


# --------------------------------------------------------------------------------------------
# Properties: dates 1912..2100 written in the supported forms resolve back to themselves

_DATES = st.dates(min_value=dt.date(1912, 1, 1), max_value=dt.date(2100, 12, 31))


def _check(text: str, pub: dt.date, want: dt.date) -> None:
    got = extract_time_expressions(text, pub)
    assert len(got) == 1, (text, got)
    m = got[0]
    assert (m.start, m.end, m.text) == (0, len(text), text)
    assert (m.value, m.granularity) == (want.isoformat(), "day")


@settings(max_examples=300, deadline=None)
@given(d=_DATES, pad=st.booleans())
def test_property_absolute_forms(d, pad):
    mm, dd = (f"{d.month:02d}", f"{d.day:02d}") if pad else (str(d.month), str(d.day))
    pub = dt.date(2026, 1, 27)
    _check(f"{d.year}年{mm}月{dd}日", pub, d)
    _check(f"民國{d.year - 1911}年{mm}月{dd}日", pub, d)
    _check(f"{d.year}/{mm}/{dd}", pub, d)
    assert not extract_time_expressions(f"{d.year}年{mm}月{dd}日", pub)[0].is_relative


@settings(max_examples=300, deadline=None)
@given(d=_DATES, shift=st.integers(min_value=-269, max_value=269))
def test_property_month_day_with_published_year(d, shift):
    pub = d + dt.timedelta(days=shift)
    if pub.year != d.year:
        pub = d
    _check(f"{d.month}月{d.day}日", pub, d)


@settings(max_examples=300, deadline=None)
@given(d=_DATES)
def test_property_relative_days(d):
    _check(f"今（{d.day}日）", d, d)
    _check(f"今（{d.day}）日", d, d)
    _check("昨日", d + dt.timedelta(days=1), d)
    _check("明日", d - dt.timedelta(days=1), d)
    _check(f"昨（{d.day}）日", d + dt.timedelta(days=1), d)


_ALPHABET = st.sampled_from(list(
    "0123456789０１２３４５６７８９/-.（）() 零〇一二三四五六七八九十廿年月日號天週周星期禮拜今昨明前後去本上下這個"
    "民國西元初底中旬起止自從截至到和之間半季第"
))


@settings(max_examples=300, deadline=None)
@given(text=st.lists(_ALPHABET, max_size=20).map("".join), pub=_DATES)
def test_property_any_input(text, pub):
    got = extract_time_expressions(text, pub)
    assert got == extract_time_expressions(text, pub)
    prev = -1
    for m in got:
        assert text[m.start:m.end] == m.text and m.text
        assert m.granularity in GRANULARITIES
        assert m.modifier is None or m.modifier in MODIFIERS
        assert m.start >= prev
        prev = m.end
        if m.granularity == "day":
            dt.date.fromisoformat(m.value)
        if m.value_end is not None:
            assert m.value_end >= m.value[: len(m.value_end)] or len(m.value_end) != len(m.value)


def test_digit_dispatch_covers_every_next_character():
    """A digit trigger is dispatched by the character after the digits: every such character has
    patterns, and every pattern that can start with a digit is reachable."""
    from transforms.timex import _DIGIT_DISPATCH, _DIGIT_NEXT, _FIRST_CHARS

    assert set(_DIGIT_DISPATCH) == set(_DIGIT_NEXT)
    assert all(_DIGIT_DISPATCH[ch] for ch in _DIGIT_NEXT)
    reachable = {p for pats in _DIGIT_DISPATCH.values() for p, _ in pats}
    assert reachable == {p for p, _ in _FIRST_CHARS["0"]}


@pytest.mark.parametrize("text", ["1,158萬人", "營收2330億元", "123456", "50%", "第12條"])
def test_numbers_that_are_not_dates_are_no_candidates(text):
    from transforms.numbers import normalize as norm
    from transforms.timex import _TRIGGER_RE

    assert _TRIGGER_RE.search(norm(text)) is None
    assert extract_time_expressions(text, PUB) == []


@pytest.mark.parametrize("text", ["7022130禮拜前", "99999999天後", "3000000年前", "500000個月後", "9999999週前"])
def test_offsets_outside_the_calendar_are_not_dates_and_never_raise(text: str) -> None:
    assert extract_time_expressions(text, dt.date(2026, 1, 27)) == []
