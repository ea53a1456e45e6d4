"""Layout parser: golden test on the seed article, hand-written variants, rejections and a property test.

Every fixture under tests/fixtures/articles/ is invented text written for these tests (except sample_seed.txt,
the project's seed article). Files directly in articles/ are accepted articles (the flow's end-to-end test relies
on that); files in articles/rejects/ are rejected ones.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.layout import parse_article
from transforms.model import ParsedArticle, RejectedInput
from transforms.schema import PARAGRAPH_KINDS, REJECT_REASONS

ARTICLES = Path(__file__).parent / "fixtures" / "articles"
_EDGE_WS = " \t\u3000\u00a0\ufeff\u200b"


def load(name: str) -> str:
    return (ARTICLES / name).read_text(encoding="utf-8")


def parse(name: str) -> ParsedArticle:
    return parse_article(load(name))


def texts(article: ParsedArticle, kind: str) -> list[str]:
    return [p.text for p in article.paragraphs if p.kind == kind]


def assert_invariants(article: ParsedArticle) -> None:
    """The contract the flow relies on."""
    assert article.title and article.title == article.title.strip(_EDGE_WS)
    assert isinstance(article.published_date, dt.date)
    assert article.published_time is None or re.fullmatch(r"[0-2][0-9]:[0-5][0-9]", article.published_time)
    assert [p.paragraph_no for p in article.paragraphs] == list(range(len(article.paragraphs)))
    body = article.body
    assert article.body_paragraphs, "an accepted article has a body"
    for p in article.paragraphs:
        assert p.kind in PARAGRAPH_KINDS
        assert p.text and p.text == p.text.strip(_EDGE_WS) and "\n" not in p.text
        if p.kind == "body":
            assert p.start is not None and p.end is not None
            assert body[p.start : p.end] == p.text
        else:
            assert p.start is None and p.end is None
    assert body == "\n".join(p.text for p in article.body_paragraphs)
    assert len(set(article.image_credits)) == len(article.image_credits)
    assert len(set(article.reporters)) == len(article.reporters)


# ---------------------------------------------------------------------------------------------------------------
# Golden test: the seed article
# ---------------------------------------------------------------------------------------------------------------


def test_seed_article_golden() -> None:
    a = parse("sample_seed.txt")
    assert_invariants(a)
    assert a.published_date == dt.date(2026, 1, 27) and a.published_time is None
    assert a.category == "政治"
    assert a.title == "接見美台商會\u3000卓榮泰：全力與國會溝通軍購特別預算"
    assert a.reporters == ["陳家祥"] and a.dateline == "台北" and a.agency is None
    assert a.image_credits == ["行政院提供"]  # two captions with the same credit, de-duplicated

    kinds = [p.kind for p in a.paragraphs]
    assert kinds == ["caption"] * 2 + ["byline"] + ["body"] * 12 + ["related"] * 2
    captions = texts(a, "caption")
    assert captions[0].startswith("▲▼行政院長卓榮泰接見") and captions[0].endswith("（圖／行政院提供）")
    assert captions[1].startswith("▲行政院長卓榮泰接見")
    assert texts(a, "byline") == ["記者陳家祥／台北報導"]

    body = a.body_paragraphs
    assert body[0].text.startswith("行政院長卓榮泰今（27日）") and body[0].start == 0
    assert body[-1].text.endswith("美方將作為台灣可靠及互相支持的夥伴。")
    assert texts(a, "related") == [
        "01/25 全台詐欺最新數據",
        "【比人類還懂享受】8歲守宮套游泳圈泡溫水\u3000chill到快睡著",
    ]
    assert "全台詐欺" not in a.body and "守宮" not in a.body and "圖／" not in a.body


def test_seed_article_tolerates_crlf_bom_and_missing_blank_lines() -> None:
    text = load("sample_seed.txt")
    reference = parse_article(text)
    compact = "\n".join(line for line in text.split("\n") if line.strip())
    for variant in ("\ufeff" + text.replace("\n", "\r\n"), text.replace("\n", "\r"), compact):
        a = parse_article(variant)
        assert_invariants(a)
        assert a == reference


# ---------------------------------------------------------------------------------------------------------------
# Variants
# ---------------------------------------------------------------------------------------------------------------


def test_two_reporters_photographer_credit_and_time() -> None:
    a = parse("finance_two_reporters_time.txt")
    assert_invariants(a)
    assert (a.published_date, a.published_time, a.category) == (dt.date(2026, 3, 4), "14:05", "財經")
    assert a.reporters == ["林美玲", "陳志豪"] and a.dateline == "台北"
    assert a.image_credits == ["記者張雅婷攝"]
    assert len(a.body_paragraphs) == 3
    assert texts(a, "related") == ["01/28 金管會：保險業年度獲利創新高"]


def test_cna_wire_inline_dateline_and_translator_credit() -> None:
    a = parse("world_cna_wire.txt")
    assert_invariants(a)
    assert a.published_time == "09:07" and a.category == "國際"  # H:MM padded
    assert a.agency == "中央社" and a.reporters == ["王小明"] and a.dateline == "布魯塞爾"
    assert texts(a, "byline") == ["（中央社記者王小明布魯塞爾10日電）", "（譯者：林美玲/核稿：陳志豪）1150211"]
    # the story text of the split lines stays in the body; translators are not reporters
    assert a.body_paragraphs[0].text.startswith("歐洲議會今天以412票贊成")
    assert a.body_paragraphs[-1].text == "法案還需歐盟理事會正式批准，預計明年生效。"
    assert "譯者" not in a.body and "中央社" not in a.body


def test_agency_credit_sport_with_related_block() -> None:
    a = parse("sport_agency_credit.txt")
    assert_invariants(a)
    assert a.category == "體育" and a.agency == "中央社" and a.reporters == [] and a.dateline is None
    assert a.image_credits == ["路透社"]
    assert [p.kind for p in a.paragraphs] == ["caption", "byline"] + ["body"] * 3 + ["related"] * 3


def test_no_captions_no_byline_no_blank_lines() -> None:
    a = parse("society_no_caption_no_byline_compact.txt")
    assert_invariants(a)
    assert a.category == "社會" and a.title.startswith("詐團假冒檢察官")
    assert [p.kind for p in a.paragraphs] == ["body"] * 3
    assert (a.reporters, a.dateline, a.agency, a.image_credits) == ([], None, None, [])


def test_compiled_report_byline() -> None:
    a = parse("life_compiled_report.txt")
    assert_invariants(a)
    assert a.reporters == ["李建國", "張雅婷"] and a.dateline is None and a.agency == "綜合報導"


def test_related_blocks_with_several_lines() -> None:
    a = parse("politics_related_blocks.txt")
    assert_invariants(a)
    assert len(a.body_paragraphs) == 2
    related = texts(a, "related")
    assert related[0] == "★延伸閱讀★" and len(related) == 7
    assert "懶人包" not in a.body and "違章工廠" not in a.body


def test_read_more_captions_without_marker_and_app_adverts() -> None:
    a = parse("ltn_style_readmore_captions.txt")
    assert_invariants(a)
    assert a.category == "life" and a.reporters == ["吳佳穎"] and a.dateline == "台中"
    assert a.image_credits == ["記者吳佳穎攝", "台中市政府提供"]
    kinds = [p.kind for p in a.paragraphs]
    assert kinds == ["caption", "byline", "body", "body", "related", "body", "caption", "caption"] + ["related"] * 3
    # the inline byline is split off; the story text stays
    assert texts(a, "byline") == ["〔記者吳佳穎／台中報導〕"]
    assert a.body_paragraphs[0].text.startswith("台中捷運藍線今天舉行動土典禮")
    assert "請繼續往下閱讀" not in a.body and "APP" not in a.body and "攝）" not in a.body


def test_site_teasers_after_link_line_are_related() -> None:
    a = parse("udn_style_teasers.txt")
    assert_invariants(a)
    assert len(a.body_paragraphs) == 2
    assert len(texts(a, "related")) == 5
    assert "農損" not in a.body and "恆春" not in a.body  # teasers of other stories: false facts if kept


def test_caption_without_marker_but_with_credit() -> None:
    a = parse("finance_caption_credit_no_marker.txt")
    assert_invariants(a)
    assert [p.kind for p in a.paragraphs][:2] == ["caption", "byline"]
    assert a.image_credits == ["翻攝自證交所網站"]
    assert texts(a, "related") == ["熱門點閱", "台股封關行情怎麼走？法人看法分歧"]


def test_missing_category_and_time_with_seconds() -> None:
    a = parse("world_no_category.txt")
    assert_invariants(a)
    assert a.category is None and a.title == "日本眾議院解散\u300011月舉行大選"
    assert a.published_time == "08:15" and len(a.body_paragraphs) == 3


def test_site_suffix_sub_headings_and_legal_notice() -> None:
    a = parse("politics_site_suffix_subheads.txt")
    assert_invariants(a)
    assert a.title == "總預算案卡關\u3000朝野協商再破局"
    assert "● 執政黨：刪減過多影響施政" in texts(a, "body")  # marker sub-headings stay in the story
    assert texts(a, "related") == ["※未經判決確定，應推定為無罪"]


def test_inline_bylines_anywhere_and_author_note() -> None:
    a = parse("society_inline_bylines_and_tail_credit.txt")
    assert_invariants(a)
    assert a.reporters == ["張雅婷", "李建國"] and a.dateline == "桃園"
    assert a.image_credits == ["警方提供"]
    assert texts(a, "byline") == ["【記者張雅婷／桃園報導】", "〔記者李建國／新竹報導〕", "（作者為本報法律顧問）"]
    assert a.body_paragraphs[-1].text == "全案依毒品危害防制條例移送偵辦，檢方將追查金流。"


@pytest.mark.parametrize(
    ("date_line", "expected_time"),
    [
        (" date 2026-01-27", None),
        ("date 2026-01-27 7:05", "07:05"),
        ("\u3000 date 2026-01-27 23:59:59 \u3000", "23:59"),
        (" date ２０２６-０１-２７ １０：３０", "10:30"),  # full-width digits
        (" date 2026/1/27T10:30", "10:30"),
    ],
)
def test_date_line_variants(date_line: str, expected_time: str | None) -> None:
    a = parse_article(f"{date_line}\n政治\n標題一則\n內文第一段。\n")
    assert a.published_date == dt.date(2026, 1, 27) and a.published_time == expected_time


def test_english_credits() -> None:
    text = (
        " date 2026-02-02\nfocus\nPort reopens after storm\n"
        "Cranes stand idle at the container terminal on Monday.\nPhoto: Wang Hsiao-ming, AP\n"
        "By Lin Mei-ling / Staff reporter\nThe port reopened yesterday after a two-day closure.\n"
    )
    a = parse_article(text)
    assert_invariants(a)
    assert [p.kind for p in a.paragraphs] == ["caption", "caption", "byline", "body"]
    assert a.reporters == ["Lin Mei-ling"] and a.image_credits == ["Wang Hsiao-ming, AP"]


def test_story_paragraph_mentioning_download_stays_body() -> None:
    text = " date 2026-02-02\n生活\n健保卡換發\n民眾可下載行動健保APP，線上申請換發新卡，預計下月上線。\n"
    a = parse_article(text)
    assert texts(a, "body") == ["民眾可下載行動健保APP，線上申請換發新卡，預計下月上線。"]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("「防疫專區」請點此，更多相關訊息，帶您第一手掌握。", "related"),  # click instruction, even as a sentence
        ("晚一點我們再公布名單。", "body"),
        ("統計共有300件申請。（資料來源：衛福部）", "body"),  # a data note, not a photo credit
        ("統計共有300件申請。（資料由市府提供）", "body"),
        ("他未經授權進入系統。", "body"),
        ("※ 提醒您：禁止酒駕 飲酒過量有礙健康", "related"),
        ("本文不代表本站立場", "related"),
        ("▲示意圖，與本文無關", "caption"),
        ("施工現場。（圖／讀者提供）", "caption"),
        ("● 第一階段：先行試辦", "body"),
    ],
)
def test_single_line_classification(line: str, kind: str) -> None:
    a = parse_article(f" date 2026-02-02\n生活\n標題一則\n內文第一段。\n{line}\n內文最後一段。\n")
    assert [p.kind for p in a.paragraphs if p.text == line] == [kind]


def test_cna_credit_at_the_end_of_a_paragraph_is_a_byline() -> None:
    a = parse_article(" date 2026-02-02\n國際\n標題一則\n內文第一段。\n市府今天公布最新統計，共300件。（中央社）\n")
    assert texts(a, "body")[-1] == "市府今天公布最新統計，共300件。"
    assert texts(a, "byline") == ["（中央社）"] and a.agency == "中央社" and a.image_credits == []


def test_headline_ending_in_a_picture_tag_is_a_headline() -> None:
    a = parse_article(" date 2026-02-02\n生活\n台北跨年煙火秀（圖）\n內文第一段。\n")
    assert a.title == "台北跨年煙火秀（圖）" and a.category == "生活"


def test_mid_article_related_box_does_not_swallow_the_story() -> None:
    text = " date 2026-02-02\n生活\n標題一則\n內文第一段。\n延伸閱讀：\n另一則新聞標題\n內文第二段，故事繼續說明細節。\n內文第三段。\n"
    a = parse_article(text)
    assert texts(a, "body") == ["內文第一段。", "內文第二段，故事繼續說明細節。", "內文第三段。"]
    assert texts(a, "related") == ["延伸閱讀：", "另一則新聞標題"]


# ---------------------------------------------------------------------------------------------------------------
# Rejections
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("rejects/empty.txt", "empty"),
        ("rejects/no_date_line.txt", "no_date_line"),
        ("rejects/bad_date.txt", "bad_date"),
        ("rejects/bad_time.txt", "bad_date"),
        ("rejects/category_only.txt", "no_headline"),
        ("rejects/no_headline_caption_after_category.txt", "no_headline"),
        ("rejects/headline_only.txt", "no_body"),
        ("rejects/no_body_only_boilerplate.txt", "no_body"),
    ],
)
def test_rejections(name: str, reason: str) -> None:
    with pytest.raises(RejectedInput) as info:
        parse(name)
    assert info.value.reason == reason and info.value.reason in REJECT_REASONS
    assert info.value.detail


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("\ufeff \u3000\u00a0\n\r\n", "empty"),
        (" date 2026-13-01\n政治\n標題\n內文。", "bad_date"),
        (" date 2025-02-29\n政治\n標題\n內文。", "bad_date"),
        (" date 0999-01-01\n政治\n標題\n內文。", "bad_date"),
        (" date 2026-01-01 24:00\n政治\n標題\n內文。", "bad_date"),
        (" date 2026-01-01 10:5\n政治\n標題\n內文。", "bad_date"),
        (" date 2026-01-01 下午\n政治\n標題\n內文。", "no_date_line"),
        ("標題\n date 2026-01-01\n內文。", "no_date_line"),
        (" date 2026-01-01", "no_headline"),
        (" date 2026-01-01\n政治\n記者王小明／台北報導\n內文。", "no_headline"),
        (" date 2026-01-01\n政治\n標題\n▲照片說明。（圖／記者王小明攝）\n記者王小明／台北報導", "no_body"),
    ],
)
def test_rejection_edge_cases(text: str, reason: str) -> None:
    with pytest.raises(RejectedInput) as info:
        parse_article(text)
    assert info.value.reason == reason


def test_leap_day_is_a_valid_date() -> None:
    assert parse_article(" date 2024-02-29\n政治\n標題\n內文。").published_date == dt.date(2024, 2, 29)


# ---------------------------------------------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------------------------------------------

_PIECES = [
    "政治", "標題：某某事件", "記者王小明／台北報導", "▲照片說明。（圖／某機關提供）", "延伸閱讀", "請繼續往下閱讀...",
    "【專題】另一則新聞", "01/25 另一則新聞", "    點我下載APP\u3000", "內文段落，有數字123與人名。", "〔記者林美玲／高雄報導〕內文。",
    "（譯者：甲/核稿：乙）1150101", "● 小標", "中央社", "文／", "／", "（", "）", "…", "...", "\u3000", "\ufeff", "\r",
    " ", "\t", "\u00a0", "\u200b", "date", " date 2026-01-01", "25:61", "2026-02-30", "\n", "\n\n",
]
_article_like = st.builds(
    lambda head, lines: head + "\n" + "\n".join(lines),
    st.sampled_from(
        [" date 2026-01-27", " date 2026-01-27 10:30 \u3000", "date 2026-1-2 9:05:00", " date 2026-02-30", ""]
    ),
    st.lists(st.one_of(st.text(max_size=30), st.lists(st.sampled_from(_PIECES), max_size=6).map("".join)), max_size=12),
)


def _check(text: str) -> None:
    try:
        article = parse_article(text)
    except RejectedInput as exc:
        assert exc.reason in REJECT_REASONS and exc.detail
        return
    assert_invariants(article)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_random_text_only_raises_rejected_input(text: str) -> None:
    _check(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_article_like)
def test_article_like_text_keeps_the_offset_invariants(text: str) -> None:
    _check(text)


def test_parse_is_deterministic_and_pure() -> None:
    text = load("ltn_style_readmore_captions.txt")
    assert parse_article(text) == parse_article(text)


def test_every_rejection_code_has_a_fixture() -> None:
    reasons = set()
    for path in (ARTICLES / "rejects").glob("*.txt"):
        with pytest.raises(RejectedInput) as info:
            parse_article(path.read_text(encoding="utf-8"))
        reasons.add(info.value.reason)
    assert reasons == {"empty", "no_date_line", "bad_date", "no_headline", "no_body"}


def test_every_fixture_is_accepted_or_rejected_with_a_known_reason() -> None:
    for path in sorted(ARTICLES.glob("*.txt")):
        article = parse_article(path.read_text(encoding="utf-8"))  # every top-level fixture is accepted
        assert_invariants(article)
    for path in sorted((ARTICLES / "rejects").glob("*.txt")):
        with pytest.raises(RejectedInput):
            parse_article(path.read_text(encoding="utf-8"))


def test_long_input_is_fast() -> None:
    import time

    text = load("sample_seed.txt")
    big = text + ("這是一段很長的內文，" * 50 + "\n") * 2000 + "／" * 100_000 + "\n"
    started = time.perf_counter()
    assert_invariants(parse_article(big))
    assert time.perf_counter() - started < 5
