"""Entity mentions (transforms.entities): the seed article's gold, invented variant articles, rules, invariants."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.entities import _BREAK_WORDS, EntityMention, _rx, _stem_start, _whole_word_matches, extract_entities
from transforms.gazetteer import trie_pattern
from transforms.layout import parse_article
from transforms.model import Paragraph, Sentence
from transforms.sentences import split_sentences
from transforms.statements import StatementMention, extract_statements

# --------------------------------------------------------------------------------------------------
# Helpers shared with test_statements.py: invented articles under tests/fixtures/facts and their gold.

FACTS = Path(__file__).parent / "fixtures" / "facts"
FIXTURE_NAMES = sorted(p.stem for p in FACTS.glob("*.txt"))


@dataclass
class Article:
    body: str
    sentences: list[Sentence]
    captions: list[str]


def article_from_lines(lines: list[str]) -> Article:
    captions = [line[len("caption:") :].strip() for line in lines if line.startswith("caption:")]
    paras = [line.strip() for line in lines if line.strip() and not line.startswith("caption:")]
    body = "\n".join(paras)
    paragraphs, pos = [], 0
    for i, text in enumerate(paras):
        paragraphs.append(Paragraph(paragraph_no=i, kind="body", text=text, start=pos, end=pos + len(text)))
        pos += len(text) + 1
    return Article(body, split_sentences(body, paragraphs), captions)


def load_fixture(name: str) -> tuple[Article, dict]:
    art = article_from_lines((FACTS / f"{name}.txt").read_text(encoding="utf-8").splitlines())
    gold = json.loads((FACTS / f"{name}.json").read_text(encoding="utf-8"))
    return art, gold


@dataclass
class Score:
    found: int = 0
    total: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.total if self.total else 1.0


def score_entities(mentions: list[EntityMention], gold: dict) -> Score:
    sc = Score()
    by_text: dict[str, list[EntityMention]] = {}
    for m in mentions:
        by_text.setdefault(m.text, []).append(m)
    for g in gold["entities"]:
        sc.total += 1
        ms = [m for m in by_text.get(g["text"], []) if m.type == g["type"]]
        if not ms:
            got = [(m.type) for m in by_text.get(g["text"], [])]
            sc.problems.append(f"missing {g['type']} {g['text']} (got types {got})")
            continue
        ok = True
        for key in ("name", "alias"):
            if key in g and not any(getattr(m, key) == g[key] for m in ms):
                sc.problems.append(f"{g['text']}: {key} {[getattr(m, key) for m in ms]} != {g[key]!r}")
                ok = False
        if "title" in g and ms[0].title != g["title"]:
            sc.problems.append(f"{g['text']}: title {ms[0].title!r} != {g['title']!r}")
            ok = False
        sc.found += ok
    for text in gold.get("absent", []):
        if text in by_text:
            sc.problems.append(f"spurious {by_text[text][0].type} {text}")
    return sc


def score_statements(statements: list[StatementMention], gold: dict) -> Score:
    sc = Score()
    for g in gold["statements"]:
        sc.total += 1
        hit = [
            s
            for s in statements
            if s.speaker == g["speaker"] and s.verb == g["verb"] and s.content.startswith(g["content"])
        ]
        if not hit:
            near = [(s.speaker, s.verb, s.content[:12]) for s in statements if s.verb == g["verb"]]
            sc.problems.append(f"missing statement {g} (same verb: {near})")
        elif hit[0].is_direct_quote != g["quote"]:
            sc.problems.append(f"{g}: is_direct_quote {hit[0].is_direct_quote}")
        else:
            sc.found += 1
    return sc


def run(name: str) -> tuple[Score, Score, list[EntityMention], list[StatementMention]]:
    art, gold = load_fixture(name)
    mentions = extract_entities(art.body, art.sentences, art.captions)
    statements = extract_statements(art.body, art.sentences, mentions)
    return score_entities(mentions, gold), score_statements(statements, gold), mentions, statements


SEED = Path(__file__).parent / "fixtures" / "articles" / "sample_seed.txt"


def seed_mentions() -> tuple[str, list[EntityMention]]:
    art = parse_article(SEED.read_text(encoding="utf-8"))
    body = art.body
    sentences = split_sentences(body, art.body_paragraphs)
    captions = [p.text for p in art.paragraphs if p.kind == "caption"]
    return body, extract_entities(body, sentences, captions)


def mentions_of(text: str, captions: tuple[str, ...] = ()) -> list[EntityMention]:
    art = article_from_lines(text.splitlines())
    return extract_entities(art.body, art.sentences, captions)


def find(mentions: list[EntityMention], text: str, type_: str | None = None) -> list[EntityMention]:
    return [m for m in mentions if m.text == text and (type_ is None or m.type == type_)]


# --------------------------------------------------------------------------------------------------
# Gold: the seed article


def test_seed_people() -> None:
    _, ms = seed_mentions()
    people = {}
    for m in ms:
        if m.type == "PERSON":
            people.setdefault(m.name, []).append(m)
    assert {"卓榮泰", "柯拉克", "韓儒伯", "鄭麗君", "楊珍妮", "賴清德", "川普"} <= set(people)
    titles = {name: {m.title for m in group} for name, group in people.items()}
    assert "行政院長" in titles["卓榮泰"]
    assert "主席" in titles["柯拉克"]
    assert "會長" in titles["韓儒伯"]
    assert "副院長" in titles["鄭麗君"]
    assert "政務委員" in titles["楊珍妮"]
    assert "總統" in titles["賴清德"]
    assert "總統" in titles["川普"]
    assert {m.alias for m in people["柯拉克"]} == {"Keith Krach"}
    assert {m.alias for m in people["韓儒伯"]} == {"Rupert Hammond-Chambers"}
    assert {m.alias for m in people["川普"]} == {"Donald Trump"}
    # Short forms resolve to the full name: 卓院長, 卓 (before 表示), 賴總統 (written before 賴清德 appears).
    assert {m.text for m in people["卓榮泰"]} >= {"卓榮泰", "卓院長", "卓"}
    assert {m.text for m in people["賴清德"]} >= {"賴清德", "賴總統"}
    assert find(ms, "卓院長")[0].title == "院長"
    # Byline names are not in the body; nobody else is a person.
    assert set(people) == {"卓榮泰", "柯拉克", "韓儒伯", "鄭麗君", "楊珍妮", "賴清德", "川普"}


def test_seed_organisations_and_places() -> None:
    body, ms = seed_mentions()
    orgs = {m.text: m for m in ms if m.type == "ORG"}
    for text in ("美國台灣商業協會", "美台商業協會", "行政院", "台積電", "聯發科", "環球晶", "輝達", "超微半導體",
                 "美光", "科林研發中心", "台灣電力公司", "西屋公司", "AWS", "Google"):
        assert text in orgs, text
    ustbc = "US-Taiwan Business Council; USTBC"
    assert orgs["美國台灣商業協會"].alias == ustbc
    assert orgs["美台商業協會"].name == "美國台灣商業協會" and orgs["美台商業協會"].alias == ustbc
    assert orgs["輝達"].alias == "NVIDIA"
    assert orgs["超微半導體"].alias == "AMD"
    assert orgs["美光"].alias == "Micron"
    assert orgs["科林研發中心"].alias == "Lam Research"
    assert all(m.alias == "Westinghouse Electric" for m in find(ms, "西屋公司"))
    places = {(m.text, m.type) for m in ms if m.type in ("GPE", "LOC")}
    assert {("美國", "GPE"), ("台灣", "GPE"), ("印太地區", "LOC")} <= places
    # No bracketed English is inside an entity; 會議/機會 and the quoted plan names are not organisations.
    for m in ms:
        assert body[m.start : m.end] == m.text
        assert "（" not in m.text and "(" not in m.text
    assert not {t for t in orgs if t.endswith(("高峰會", "機會", "備忘錄"))}
    spans = [(m.start, m.end) for m in ms]
    assert spans == sorted(spans) and all(b <= a for (_, b), (a, _) in zip(spans, spans[1:]))


def test_seed_sentence_numbers() -> None:
    art = parse_article(SEED.read_text(encoding="utf-8"))
    sentences = split_sentences(art.body, art.body_paragraphs)
    for m in extract_entities(art.body, sentences):
        s = sentences[m.sentence_no]
        assert s.start <= m.start and m.end <= s.end


# --------------------------------------------------------------------------------------------------
# Gold: invented articles in other sections (tests/fixtures/facts)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_entities(name: str) -> None:
    score, _, _, _ = run(name)
    assert not score.problems, "\n".join(score.problems)


# --------------------------------------------------------------------------------------------------
# Rules


def test_alias_on_every_mention_and_english_reuse() -> None:
    ms = mentions_of("美國在台協會（American Institute in Taiwan，AIT）今天發布聲明。AIT指出，美國在台協會將持續合作。")
    # The English names in the bracket are mentions of the entity too (where it is written), then AIT alone.
    assert [m.text for m in ms if m.type == "ORG"] == [
        "美國在台協會", "American Institute in Taiwan", "AIT", "AIT", "美國在台協會"
    ]
    assert {m.alias for m in ms if m.type == "ORG"} == {"American Institute in Taiwan; AIT"}
    assert {m.name for m in ms if m.type == "ORG"} == {"美國在台協會"}


def test_bracket_alias_is_a_mention_of_the_same_entity() -> None:
    text = "英國首相戴維斯（Alan Davies）表示，將放寬防疫措施。星辰能源公司（Stellar Energy, SEC）也宣布擴產。"
    art = article_from_lines([text])
    ms = extract_entities(art.body, art.sentences)
    alias = find(ms, "Alan Davies")
    assert alias and alias[0].type == "PERSON" and alias[0].name == "戴維斯" and alias[0].title is None
    assert art.body[alias[0].start : alias[0].end] == "Alan Davies"
    assert [(m.text, m.name) for m in ms if m.type == "ORG"] == [
        ("星辰能源公司", "星辰能源公司"), ("Stellar Energy", "星辰能源公司"), ("SEC", "星辰能源公司")
    ]
    # The speaker is the person, not the English name in the bracket.
    st = extract_statements(art.body, art.sentences, ms)
    assert [(s.speaker, s.verb) for s in st][:1] == [("戴維斯", "表示")]
    # Not an alias: a bracket after something that is not an entity.
    assert not find(mentions_of("簽署合作備忘錄（MOU）。"), "MOU")


def test_places_with_a_known_place_before_the_suffix() -> None:
    ms = mentions_of("巴西聖保羅州與新墨西哥州都在斐濟群島之外，他移居巴塔哥尼亞高原。")
    places = [(m.text, m.type) for m in ms if m.type in ("GPE", "LOC")]
    assert ("巴西聖保羅州", "GPE") in places and ("新墨西哥州", "GPE") in places
    assert ("斐濟群島", "LOC") in places and ("巴塔哥尼亞高原", "LOC") in places


def test_place_suffix_words_that_are_not_names() -> None:
    # 廣東話 is a language, 遼寧號 a ship, 美國軍艦 is not an army called 美國軍 (美國 stays a place).
    ms = mentions_of("廈門市民都說廣東話，遼寧號航艦通過，美國軍艦也在附近。")
    assert [(m.text, m.type) for m in ms] == [("廈門", "GPE"), ("美國", "GPE")]


def test_unlisted_place_after_a_known_place() -> None:
    ms = mentions_of("他們在德國維斯巴赫設立了工廠，在馬洛斯商場開幕後關閉。")
    assert [(m.text, m.type) for m in ms] == [("德國維斯巴赫", "GPE")]


def test_facilities_hotels_and_temples() -> None:
    ms = mentions_of("墾丁福華飯店與鹿港天后宮都取消活動，防疫旅館則照常營運。")
    assert [(m.text, m.type) for m in ms if m.type == "LOC"] == [("墾丁福華飯店", "LOC"), ("鹿港天后宮", "LOC")]


def test_org_suffix_rules() -> None:
    ms = mentions_of("國家統計局公布數據，勞動黨成立，洛杉磯湖人隊今天獲勝，其中國民黨籍議員也到場。")
    assert [m.text for m in ms if m.type == "ORG"] == ["國家統計局", "勞動黨", "洛杉磯湖人隊", "國民黨"]
    # 僵局, 局勢, 布局, 局處, 團隊 are words; a party office is named with 黨部 (not 中央黨 + 部).
    ms = mentions_of("談判陷入僵局，整體局勢影響產業布局，各局處首長與中央黨部開會，研究團隊也出席。")
    assert [m.text for m in ms if m.type == "ORG"] == ["中央黨部"]


def test_suffix_rule_does_not_cut_a_person() -> None:
    ms = mentions_of("漫畫家江守仁的新作上市。")
    assert [(m.text, m.type) for m in ms] == [("江守仁", "PERSON")]


def test_alias_half_width_brackets_and_unknown_org() -> None:
    ms = mentions_of("星辰能源科技公司(Stellar Energy Tech Inc.)宣布擴產。")
    org = find(ms, "星辰能源科技公司", "ORG")
    assert org and org[0].alias == "Stellar Energy Tech Inc."


def test_caption_gives_alias_and_full_name() -> None:
    captions = ("▲經濟部長郭明宏（Kuo Ming-hung）出席論壇。",)
    ms = mentions_of("郭部長今天表示，出口表現優於預期。", captions)
    person = find(ms, "郭部長", "PERSON")
    assert person and person[0].name == "郭明宏" and person[0].alias == "Kuo Ming-hung"
    assert person[0].title == "部長"


def test_person_titles_before_and_after() -> None:
    ms = mentions_of("台北市長蔣萬安與國民黨主席朱立倫出席，陳建宏教授也到場。")
    assert find(ms, "蔣萬安")[0].title == "台北市長"
    assert find(ms, "朱立倫")[0].title == "國民黨主席"
    assert find(ms, "陳建宏")[0].title == "教授"


def test_short_form_prefers_same_surname_nearest() -> None:
    ms = mentions_of("立委林美玲與林志明議員出席。林議員表示，預算應該刪減。")
    short = find(ms, "林議員")
    assert short and short[0].name == "林志明"


def test_org_suffix_false_positives() -> None:
    text = "這次會議提供許多機會，社會各界關注。該公司的資料中心與子公司都在研發中心附近，地方政府表示支持。"
    ms = mentions_of(text)
    assert [m.text for m in ms if m.type == "ORG"] == []


def test_org_by_suffix_and_company_prefix() -> None:
    ms = mentions_of("美商遠景動力公司與台灣永續發展協會簽約，國立中正大學也參與。")
    orgs = [m.text for m in ms if m.type == "ORG"]
    assert orgs == ["遠景動力公司", "台灣永續發展協會", "國立中正大學"]


def test_places_tai_variants_and_admin_merge() -> None:
    ms = mentions_of("臺北市信義區與台北市大安區都停電，新北市府也在臺中成立應變中心。")
    places = [(m.text, m.type, m.name) for m in ms if m.type in ("GPE", "LOC")]
    assert ("臺北市信義區", "GPE", "台北市信義區") in places
    assert ("台北市大安區", "GPE", "台北市大安區") in places
    assert ("臺中", "GPE", "台中市") in places
    assert find(ms, "新北市府", "ORG")


def test_demonyms_are_not_places() -> None:
    ms = mentions_of("多名日本人與美國籍旅客受傷，台灣人口持續減少。")
    assert [m.text for m in ms if m.type == "GPE"] == ["台灣"]


def test_place_before_institution_is_one_org() -> None:
    ms = mentions_of("日本外務省與南韓國防部都發表聲明。")
    assert [m.text for m in ms if m.type == "ORG"] == ["日本外務省", "南韓國防部"]


# --------------------------------------------------------------------------------------------------
# Invariants, determinism, speed


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(
    ["卓榮泰", "院長", "表示", "，", "。", "美國", "台灣", "協會", "公司", "（USTBC）", "(AMD)", "他", "說", "臺北市",
     "區", "的", "會議", "柯拉克", "主席", "「", "」", "Google", "\n", "賴總統", "卓", "政府", "軍", "隊", "山", "路"]),
    max_size=40))
def test_property_offsets(parts: list[str]) -> None:
    art = article_from_lines("".join(parts).splitlines())
    ms = extract_entities(art.body, art.sentences)
    assert ms == extract_entities(art.body, art.sentences)
    last = 0
    for m in ms:
        assert art.body[m.start : m.end] == m.text and last <= m.start < m.end
        assert m.type in ("PERSON", "ORG", "GPE", "LOC")
        last = m.end


def test_org_name_part_starts_after_adverbs_and_verbs_before_a_known_name() -> None:
    ms = mentions_of("如果國家藥品監督局批准，支持者也將拜訪台中市黨部。")
    assert [m.text for m in ms if m.type == "ORG"] == ["國家藥品監督局", "台中市黨部"]


def test_facilities_need_a_name_not_a_phrase() -> None:
    ms = mentions_of("昨天也租用防疫旅館，並借用移動式基地台；戰機移駐台中清泉崗基地，海軍基隆軍艦出港。")
    assert [(m.text, m.type) for m in ms if m.type in ("LOC", "GPE")] == [("台中清泉崗基地", "LOC")]


def test_administration_named_after_a_person_keeps_the_person() -> None:
    ms = mentions_of("法國馬克宏政府宣布新措施。")
    assert [(m.text, m.type) for m in ms] == [("法國", "GPE"), ("馬克宏", "PERSON")]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet=st.sampled_from(list("ABab1 .-")), min_size=1, max_size=5), min_size=1, max_size=6),
    st.text(alphabet=st.sampled_from(list("ABab1 .-台，")), max_size=60),
)
def test_whole_word_matches_are_the_alias_pattern(words: list[str], text: str) -> None:
    """English aliases used on their own are found as the per-article pattern found them."""
    plain = re.compile(f"(?<![A-Za-z0-9])(?:{trie_pattern(words)})(?![A-Za-z0-9])")
    assert _whole_word_matches(text, dict.fromkeys(words)) == [m.span() for m in plain.finditer(text)]


_STEM_TEXT = st.text(alphabet=st.sampled_from(list("台灣協會能源自由共和的是在包括成立Ab1 \n，（")), max_size=40)


@settings(max_examples=300, deadline=None)
@given(_STEM_TEXT, st.data())
def test_stem_start_is_the_stem_pattern(text: str, data: st.DataObject) -> None:
    """The name part before a suffix starts where the stem pattern and the break words put it."""
    rx = _rx()
    end = data.draw(st.integers(0, len(text)))
    lo = max(0, end - 16)
    m = rx.stem.search(text, lo, end)
    want = end
    if m:
        want = m.start()
        for bw in re.compile(trie_pattern(_BREAK_WORDS)).finditer(text, max(0, want - 1), end):
            want = max(want, bw.end())
    assert _stem_start(text, end, rx, 16, 0) == want
