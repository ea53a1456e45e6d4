"""transforms.quantities.extract_quantities (pure; no shared data)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from transforms.quantities import KINDS, QUALIFIERS, QuantityMention, extract_quantities


def q1(text: str) -> QuantityMention:
    got = extract_quantities(text)
    assert len(got) == 1, got
    return got[0]


def summary(text: str):
    return [(q.text, q.kind, q.value, q.value_max, q.unit, q.currency, q.qualifier) for q in extract_quantities(text)]


# --------------------------------------------------------------------------------------------
# Golden: sentences of the sample article (2026-01-27, 接見美台商會)

SAMPLE = [
    (
        "他表示，台美雙方近期在對等關稅及半導體待遇上已取得實質成果，爭取到15%對等關稅及232條款優惠，"
        "維持我國與競爭國家的公平競爭力。",
        [("15%", "percent", 15.0, None, "%", None, None)],
    ),
    (
        "關於賴總統提出的400億美元軍事採購特別預算，卓表示，儘管國會仍有不同意見，但行政團隊將全力溝通並提供詳細資訊，"
        "展現自我防衛的決心與能力。",
        [("400億美元", "money", 4e10, None, "美元", "USD", None)],
    ),
    (
        "卓榮泰指出，台美雙方歷經9個半月的對等關稅談判，已在第一階段「台美投資合作備忘錄（MOU）」取得具體成果。",
        [("9個半月", "duration", 9.5, None, "月", None, None)],
    ),
    (
        "在行政院鄭麗君副院長與楊珍妮政務委員所率談判團隊的共同努力下，成功為台灣爭取到15%的對等關稅，"
        "維持我國與競爭國家的公平競爭力。",
        [("15%", "percent", 15.0, None, "%", None, None)],
    ),
    ("此外，在半導體及衍生性產品方面，更獲得美國「232條款」的最優惠待遇。", []),
    (
        "針對產業升級，卓榮泰表示，賴清德總統致力推動「AI新十大建設」，政府預計投入1000億元資金，"
        "目標在2040年創造50萬個工作機會、培育50萬名優秀人才，並帶動15兆元產值。",
        [
            ("1000億元", "money", 1e11, None, "元", "TWD", None),
            ("50萬個", "count", 5e5, None, "個", None, None),
            ("50萬名", "count", 5e5, None, "名", None, None),
            ("15兆元", "money", 1.5e13, None, "元", "TWD", None),
        ],
    ),
    (
        "另外，卓榮泰也進一步指出台美雙向對話的重要性，除了2025年計有5位美國州長訪台，促進雙方實質的合作關係。",
        [("5位", "count", 5.0, None, "位", None, None)],
    ),
    (
        "最後，關於賴總統提出的400億美元軍事採購特別預算，卓榮泰表示，儘管國會仍有不同意見，但行政團隊將全力溝通並提供詳細資訊。",
        [("400億美元", "money", 4e10, None, "美元", "USD", None)],
    ),
    (
        "隨後，柯拉克主席致詞時表示，過去5年以來台美關係有長足進展，台積電也在2020年5月宣布赴美投資120億美元。",
        [
            ("5年", "duration", 5.0, None, "年", None, None),
            ("120億美元", "money", 1.2e10, None, "美元", "USD", None),
        ],
    ),
    ("「科技貿易暨投資合作架構」自2021年開始促進雙方產業更深入的交流。", []),
    ("在2025年「選擇美國投資高峰會」上，台灣已是最大的國外代表團。", []),
]


@pytest.mark.parametrize("sentence,expected", SAMPLE)
def test_golden_sample_article(sentence, expected):
    assert summary(sentence) == expected


def test_offsets_are_into_the_input():
    s = "行政院預計投入１０００億元，約有３成民眾支持。"
    for q in extract_quantities(s):
        assert s[q.start:q.end] == q.text
    assert [q.text for q in extract_quantities(s)] == ["１０００億元", "３成"]


# --------------------------------------------------------------------------------------------
# Numbers inside quantities


@pytest.mark.parametrize(
    "text,value",
    [
        ("2,000家", 2000.0),
        ("１，２３４人", 1234.0),
        ("3.5萬人", 35_000.0),
        ("三千五百萬人", 35_000_000.0),
        ("兩百人", 200.0),
        ("一百二十名", 120.0),
        ("1,158萬人", 11_580_000.0),
        ("9.8兆元", 9.8e12),
        ("3千人", 3000.0),
        ("3億2000萬元", 3.2e8),
        ("１５．５萬元", 155_000.0),
    ],
)
def test_numeral_forms(text, value):
    assert q1(text).value == pytest.approx(value)


# --------------------------------------------------------------------------------------------
# Money


@pytest.mark.parametrize(
    "text,currency,value",
    [
        ("1000億元", "TWD", 1e11),
        ("新台幣1000億元", "TWD", 1e11),
        ("新臺幣500元", "TWD", 500.0),
        ("台幣3萬元", "TWD", 30_000.0),
        ("5306億台幣", "TWD", 5.306e11),
        ("NT$1,000", "TWD", 1000.0),
        ("400億美元", "USD", 4e10),
        ("100萬美金", "USD", 1e6),
        ("US$5億", "USD", 5e8),
        ("3萬日圓", "JPY", 30_000.0),
        ("3萬日幣", "JPY", 30_000.0),
        ("1萬日元", "JPY", 10_000.0),
        ("8億元人民幣", "CNY", 8e8),
        ("人民幣50元", "CNY", 50.0),
        ("20億歐元", "EUR", 2e9),
        ("1.95港元", "HKD", 1.95),
        ("100港幣", "HKD", 100.0),
        ("5000韓元", "KRW", 5000.0),
        ("500萬英鎊", "GBP", 5e6),
        ("50澳幣", "AUD", 50.0),
        ("50加幣", "CAD", 50.0),
        ("1000泰銖", "THB", 1000.0),
        ("10萬越南盾", "VND", 100_000.0),
        ("10新加坡幣", "SGD", 10.0),
        ("1.0092瑞士法郎", "CHF", 1.0092),
        ("50美分", "USD", 0.5),
    ],
)
def test_money_currencies(text, currency, value):
    q = q1(text)
    assert (q.kind, q.currency) == ("money", currency)
    assert q.value == pytest.approx(value)
    assert q.text == text


def test_money_dollar_sign_is_ambiguous():
    q = q1("每件$20")
    assert (q.kind, q.value, q.currency, q.text) == ("money", 20.0, None, "$20")


def test_prefix_currency_does_not_swallow_another_unit():
    assert summary("4人民幣5美元") == [
        ("4人民幣", "money", 4.0, None, "人民幣", "CNY", None),
        ("5美元", "money", 5.0, None, "美元", "USD", None),
    ]


def test_bare_magnitude_number():
    assert summary("人口2,300萬") == [("2,300萬", "number", 2.3e7, None, None, None, None)]


# --------------------------------------------------------------------------------------------
# Percentages


@pytest.mark.parametrize(
    "text,kind,value,unit",
    [
        ("15%", "percent", 15.0, "%"),
        ("１５％", "percent", 15.0, "%"),
        ("百分之十五", "percent", 15.0, "%"),
        ("百分之2.4", "percent", 2.4, "%"),
        ("百分之百", "percent", 100.0, "%"),
        ("千分之2.4", "percent", 0.24, "‰"),
        ("3成", "percent", 30.0, "成"),
        ("兩成五", "percent", 25.0, "成"),
        ("三成半", "percent", 35.0, "成"),
        ("9.5成", "percent", 95.0, "成"),
        ("0.1個百分點", "percentage_point", 0.1, "個百分點"),
        ("3個百分點", "percentage_point", 3.0, "個百分點"),
        ("8折", "discount", 80.0, "折"),
        ("75折", "discount", 75.0, "折"),
        ("九五折", "discount", 95.0, "折"),
        ("負3.9%", "percent", -3.9, "%"),
        ("-22.2%", "percent", -22.2, "%"),
    ],
)
def test_percent_forms(text, kind, value, unit):
    q = q1(text)
    assert (q.kind, q.unit) == (kind, unit)
    assert q.value == pytest.approx(value)
    assert q.text == text


def test_not_percentages():
    assert extract_quantities("一成不變") == []
    assert extract_quantities("十折") == []
    assert extract_quantities("折舊3年") == [] or all(q.kind != "discount" for q in extract_quantities("折舊3年"))


def test_fraction():
    q = q1("三分之一的民眾")
    assert (q.kind, q.text) == ("fraction", "三分之一")
    assert q.value == pytest.approx(1 / 3)


# --------------------------------------------------------------------------------------------
# Counts, durations, ages, other units


@pytest.mark.parametrize(
    "text,unit,value",
    [("50萬名", "名", 5e5), ("2,000家", "家", 2000.0), ("5位", "位", 5.0), ("50萬個", "個", 5e5), ("兩名", "名", 2.0),
     ("3例", "例", 3.0), ("66架", "架", 66.0), ("10萬戶", "戶", 1e5), ("3萬5千張", "張", 35_000.0)],
)
def test_counts_keep_classifier(text, unit, value):
    q = q1(text)
    assert (q.kind, q.unit, q.value) == ("count", unit, value)


@pytest.mark.parametrize(
    "text,unit,value",
    [
        ("9個半月", "月", 9.5),
        ("3個月", "月", 3.0),
        ("5年", "年", 5.0),
        ("過去5年", "年", 5.0),
        ("半年", "年", 0.5),
        ("一年半", "年", 1.5),
        ("3天", "天", 3.0),
        ("2小時", "小時", 2.0),
        ("兩個半小時", "小時", 2.5),
        ("10週", "週", 10.0),
        ("30分鐘", "分鐘", 30.0),
        ("有期徒刑3年6月", "年", 3.5),
        ("長達100年", "年", 100.0),
    ],
)
def test_durations(text, unit, value):
    q = q1(text)
    assert (q.kind, q.unit) == ("duration", unit)
    assert q.value == pytest.approx(value)


@pytest.mark.parametrize(
    "text",
    ["2020年", "2020年5月", "民國115年", "115年度預算", "113年", "二〇二六年", "5年前", "3天後", "5月", "27日", "上半年",
     "1990年代", "三年級", "250週年"],
)
def test_years_dates_and_offsets_are_not_durations(text):
    assert extract_quantities(text) == []


def test_ages():
    assert summary("8歲守宮") == [("8歲", "age", 8.0, None, "歲", None, None)]
    assert summary("65歲以上") == [("65歲", "age", 65.0, None, "歲", None, "over")]
    assert summary("3歲半") == [("3歲半", "age", 3.5, None, "歲", None, None)]


@pytest.mark.parametrize(
    "text,kind,unit",
    [("50公里", "distance", "公里"), ("30坪", "area", "坪"), ("75公斤", "weight", "公斤"), ("3公升", "volume", "公升"),
     ("30℃", "temperature", "℃"), ("攝氏12度", "temperature", "℃"), ("成長3倍", "multiple", "倍"),
     ("100億度電", "energy", "度電")],
)
def test_other_units(text, kind, unit):
    q = q1(text)
    assert (q.kind, q.unit) == (kind, unit)


# --------------------------------------------------------------------------------------------
# Ranges and approximations


@pytest.mark.parametrize(
    "text,value,value_max,unit",
    [
        ("3至5億元", 3e8, 5e8, "元"),
        ("3到5成", 30.0, 50.0, "成"),
        ("3~5%", 3.0, 5.0, "%"),
        ("3%至5%", 3.0, 5.0, "%"),
        ("100-200人", 100.0, 200.0, "人"),
        ("1,000萬至2,000萬元", 1e7, 2e7, "元"),
        ("19歲至24歲", 19.0, 24.0, "歲"),
        ("二三十人", 20.0, 30.0, "人"),
    ],
)
def test_ranges(text, value, value_max, unit):
    q = q1(text)
    assert (q.value, q.value_max, q.unit, q.qualifier) == (value, value_max, unit, "range")
    assert q.text == text


@pytest.mark.parametrize(
    "text,span,qualifier",
    [
        ("約400億美元", "400億美元", "approx"),
        ("大約3成", "3成", "approx"),
        ("100人左右", "100人", "approx"),
        ("逾50萬人", "50萬人", "over"),
        ("超過3天", "3天", "over"),
        ("65歲以上", "65歲", "over"),
        ("400多人", "400多人", "over"),
        ("10餘萬人", "10餘萬人", "over"),
        ("近3成", "3成", "under"),
        ("不到半年", "半年", "under"),
        ("未滿18歲", "18歲", "under"),
        ("近千人", "千人", "under"),
        ("上百人", "百人", "over"),
    ],
)
def test_qualifiers(text, span, qualifier):
    q = q1(text)
    assert (q.text, q.qualifier) == (span, qualifier)
    assert q.qualifier in QUALIFIERS


# --------------------------------------------------------------------------------------------
# Not quantities


@pytest.mark.parametrize(
    "text",
    [
        "爭取到232條款優惠",
        "依刑法第12條",
        "第3季營收",
        "撥打0800-123-456",
        "請撥02-2345-6789",
        "搭載A18晶片",
        "iPhone 16 開賣",
        "台積電2330",
        "上午10:30開會",
        "下午3點半",
        "2026年1月27日",
        "車禍導致一名男子死亡",
        "新冠肺炎COVID-19",
        "十分重要",
        "千萬不要",
        "萬一發生",
        "兩岸關係",
        "網址 https://example.com/a?x=30%25&y=2020",
    ],
)
def test_not_quantities(text):
    assert extract_quantities(text) == [], extract_quantities(text)


def test_vocabulary_is_documented():
    texts = ["15%", "3個百分點", "8折", "三分之一", "5人", "3天", "8歲", "3倍", "1公里", "1坪", "1公斤", "1公升", "30℃",
             "1度電", "1萬", "1元"]
    kinds = {q.kind for t in texts for q in extract_quantities(t)}
    assert kinds == set(KINDS) - set()


# --------------------------------------------------------------------------------------------
# Properties: any input, offsets valid, deterministic

_ALPHABET = st.sampled_from(list(
    "0123456789０１２３４５６７８９,.，．%％-~/:（）() 零一二兩三四五六七八九十百千萬億兆半多餘點分之年月日天週個名人元"
    "美新台幣成折百歲以上約逾近至到第條款民國去今上下"
))


def test_approximate_pair_of_discount_digits_scales_both_ends() -> None:
    """七八折 is 70-80 % of the price: the upper digit of an approximate pair is a discount digit too (found by the
    property test below: 一二折 once gave 10 to 2)."""
    (q,) = extract_quantities("打七八折出售")
    assert (q.kind, q.value, q.value_max, q.qualifier) == ("discount", 70.0, 80.0, "range")
    (q,) = extract_quantities("一二折")
    assert (q.value, q.value_max) == (10.0, 20.0)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, min_size=0, max_size=20).map("".join))
@example("一二折")
def test_property_offsets_and_determinism(text):
    got = extract_quantities(text)
    assert got == extract_quantities(text)
    prev_end = -1
    for q in got:
        assert text[q.start:q.end] == q.text and q.text
        assert q.kind in KINDS
        assert q.qualifier is None or q.qualifier in QUALIFIERS
        assert q.start >= prev_end  # ordered, no overlaps
        prev_end = q.end
        if q.value_max is not None:
            assert q.value_max >= q.value
