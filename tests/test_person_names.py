"""Person-name spans (transforms.person_names): evidence rules, negatives, invariants and speed."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.person_names import find_person_names


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


def test_throughput() -> None:
    """Runs inside the segmenter: must stay fast (target >= 5 MB/s; a loose floor here against regressions)."""
    para = (
        "行政院長卓榮泰今（27日）接見訪團，他表示，台美雙方已取得實質成果。立委王美惠指出，預算仍有爭議，"
        "國民黨團總召傅崐萁則說，將全力審查。美國總統川普與日本首相石破茂通話，雙方討論印太安全。"
    )
    text = "\n".join(para for _ in range(400))
    find_person_names(text)
    t0 = time.perf_counter()
    find_person_names(text)
    rate = len(text.encode("utf-8")) / 1e6 / (time.perf_counter() - t0)
    assert rate > 1.0, f"{rate:.2f} MB/s"
