"""Spans of probable person names in Chinese text (used by the entity extractor and the word segmenter).

A name is a Chinese name (a surname from `gazetteer/surnames.txt`, single or compound, plus one or two given
characters) or a transliterated foreign name (a run of characters from `name_chars.txt @translit`, e.g.
柯拉克, 川普, or a dotted one, 唐納·川普). Because surname characters are common in ordinary words
(高達, 方面, 曾經), a candidate needs evidence, strongest first:

1. listed in `gazetteer/persons.txt` (well-known people);
2. a title right before it (院長卓榮泰, 總統川普), or a title, honorific, reporting verb or time word right
   after it (卓榮泰表示, 柯拉克主席, 鄭麗君副院長, 陳小姐, 卓榮泰今（27日）), or an English name in brackets
   right after it (柯拉克（Keith Krach）); a dotted transliteration needs nothing else;
3. the same string found with evidence elsewhere in the same text (all occurrences of a proven name count);
4. with no evidence: a common surname and two characters that are both common in given names, bounded on
   both sides by punctuation or a function word (、林志明與…);
5. with no evidence, from the word segmenter's view of the text (`words_of`): a surname plus given characters,
   or a run of transliteration characters, that the dictionary does not know (it leaves them as short pieces:
   韋/振/邦, 梅爾/頓, 岡部/直樹), bounded by words (a verb, particle, role noun 女兒 / 富商 / 漫畫家 … or
   punctuation before; a verb, adverb, particle or punctuation after); or one dictionary word that is a name
   (巴菲特) at a clause start right before a verb whose subject is a person (認為, 決定, 遭到 …).

Given characters never include function words or common verb starters (`@notname`), so 王強表示 gives 王強.
A candidate that crosses or equals a place or organisation from the gazetteers (連江縣長 is not 連江, 俄羅斯總統
is not a person) is dropped; one that merely starts with a place (韓國瑜) is kept when it has evidence 1-3.

Everything is done with a few precompiled regular expressions over the whole text and one pass of the
segmenter's dictionary (rjieba, ~20 MB/s); Python code only runs on the candidates. Spans are non-overlapping
and sorted.
"""

from __future__ import annotations

import re
import bisect
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate
from typing import NamedTuple

from transforms.gazetteer import (
    WordMatcher,
    char_class,
    cjk_class_without,
    fast_trie,
    first_char_pattern,
    iter_first,
    load,
    trie_pattern,
)
from transforms.segmenter import get_segmenter

# Evidence strength of a candidate (higher wins an overlap).
GAZETTEER, EVIDENCE, REPEATED, BARE = 4, 3, 2, 1

_DOTS = "·・‧．•‧"
_BOUNDARY = set("、，。；：！？「」『』（）()《》〈〉“”\"' \t\n\u3000,.;:!?/／")
# Function words that may stand right before / after a bare name (evidence 4).
_BEFORE_OK = set("與和及跟由向對把被讓給請是在為讚找幫替")
_AFTER_OK = set("與和及跟是在於也都曾為說的等被將已則亦對向")
# After a bare foreign name, also verbs that typically follow a subject.
_AFTER_FOREIGN_OK = _AFTER_OK | set("率命認指表提出成死生任擔帶領寫發宣決開又再並便就才卻仍還獲得受遭以所把從到自曾能會更要相稱")
# Endings of transliterated place names (-ia, -land, -burg, -stan): such a run is not taken as a person.
PLACE_LIKE_ENDINGS = ("亞", "蘭", "堡", "坦", "爾斯克", "維爾", "波利斯", "納州")
# Locative words before a bare transliteration: then it is rather a place (在科爾多瓦).
_LOCATIVE_BEFORE = set("在到赴往至從抵經離住近")
# 於 is locative only after these (位於, 生於); 次於, 對於, 由於 are not.
_YU_LOCATIVE = set("位生死設建卒葬居")
# Function characters that end a dotted name on either side.
_DOTTED_STOP = set("的了是在和與及或也都就而但並且則又還再更已曾將會要能讓被把對向從到於為因所之這那該此每各某說表示指")
# Common words that begin with a surname character plus one given character (not names).
_NOT_NAMES = set(
    """高達 高度 高層 高速 高興 高峰 高中 高齡 高價 高額 高溫 高效 高官 高級 高低 高手 高潮 高鐵 高漲 高於 高雄
    許多 許可 曾經 方面 方式 方向 方法 方案 方針 周邊 周年 周末 周遭 周期 周圍 王國 王牌 林業 黃金 江湖 何時 何況
    何謂 安全 安排 安心 安裝 安定 安靜 全國 全球 全面 全部 全體 全力 全民 全新 全年 全台 文化 文件 文字 文章 文明
    石油 金融 金額 金價 金牌 白天 白宮 古代 古蹟 向來 成為 成功 成立 成本 成長 成績 成員 成果 時間 明年 明天 明顯
    明確 華人 華府 常見 常態 馬上 車輛 車站 史上 萬元 萬人 雷達 雷射 包括 包含 包裝 陸續 陸軍 連續 連結 連線 連任
    溫度 溫暖 夏天 夏季 秋天 冬天 洪水 施工 施行 施政 程度 程序 程式 紀錄 紀念 韓國 易於 應該 應用 單位 單純 單一
    管理 管道 關係 關於 關注 關鍵 關稅 康復 田徑 路線 路上 宮殿 房價 房屋 花費 花園 龍頭 黎明 嚴重 嚴格 嚴厲 盛大
    季節 季度 項目 商業 商品 商務 富有 強化 強大 尚未 步驟 容易 權利 權力 權益 席次 景氣 景點 雲端 冷靜 危機 隆重
    邊境 曲線 申請 解決 解釋 符合 練習 留下 留意 巴士 樂觀 司法 計畫 計劃 平台 平均 平衡 衛生 山區 水準 干預 簡單
    簡直 莫名 齊心 齊聚 孔道 范疇 杜絕 葉片 戴上 龐大 童年 毛利 童話 魏晉 夏令 秦朝 唐朝 宋朝 元朝 明朝 清朝 漢朝
    周刊 週刊 蘇聯 朱紅 游泳 游客 余額 傅立 曹操 江南 江北 江西 江蘇 湖南 湖北 何處 孫子 侯選 祝福 祝賀 賀電 喬遷
    凌晨 尤其 董事 唐人 毛病 陶瓷 龍捲 魯莽 伍佰 任何 任務 任期 任職 任命 任內 丁字 熊貓 鄒族 柳橙 翁婿 梁柱 宋體
    潘朵 呂宋 顧客 顧問 顧及 顧慮 葛藤 蔣公 楊柳 陳列 陳述 陳情 陳舊 黃昏 黃色 黃牛 藍色 藍天 藍圖 藍綠 紅色 江山
    馮京 程車 苗栗 蘇澳 邱比 盧布 莊園 莊嚴 胡亂 胡椒 施打 施壓 施放 鍾愛 詹姆 湯匙 湯圓 范圍 殷切 殷勤 麥克 麥當
    賈伯 孟買 卓越 卓著 郭富 喬丹 喬治 駱駝 嚴密 嚴肅 雷同 雷雨 雷電 夏日 秦始 易經 左右 左派 右派 向前 申報""".split()
)


class NameSpan(NamedTuple):
    """A person-name span (a named tuple: thousands are made per batch of articles)."""

    start: int
    end: int
    strength: int  # GAZETTEER | EVIDENCE | REPEATED | BARE
    foreign: bool


@dataclass(frozen=True)
class _Rx:
    title_before: re.Pattern[str]
    cn_after: re.Pattern[str]
    tr_after: re.Pattern[str]
    dotted: re.Pattern[str]
    bare: re.Pattern[str]
    after_ev: re.Pattern[str]
    bare_foreign: re.Pattern[str]
    persons: re.Pattern[str]
    gaz: WordMatcher
    given: frozenset[str]
    common: frozenset[str]
    japanese: frozenset[str]
    other: frozenset[str]
    compound: frozenset[str]
    translit: frozenset[str]
    persons_set: frozenset[str]
    gaz_set: frozenset[str]
    titles: frozenset[str]
    roles: frozenset[str]
    notname: frozenset[str]
    name_first: frozenset[str]
    compound_first: frozenset[str]


@cache
def _rx() -> _Rx:
    g = load()
    sur1 = char_class(g.surnames_common | g.surnames_other)
    # fast_trie: the same matches as trie_pattern, with first-character classes in front (docs in gazetteer).
    surc = fast_trie(g.surnames_compound)
    giv = cjk_class_without(g.notname_chars)
    t = char_class(g.translit_chars)
    titles = fast_trie(list(g.titles))
    after_words = fast_trie(
        list(g.titles) + list(g.honorifics) + list(g.kin) + list(g.verbs)
        + ["今天", "今日", "昨天", "昨日", "今（", "昨（", "今(", "昨(", "日前", "稍早", "等人", "本人", "一行", "夫婦"]
    )
    adv = "(?:也|則|亦|並|又|再|更|曾|已|都|就|今|昨)?"
    latin_person = r"\s*[（(]\s*[A-Z][A-Za-z'’.\-]*(?:[ ·\-]+[A-Z][A-Za-z'’.\-]*)+\s*[，,、;；)）]"
    jp = fast_trie(g.surnames_japanese)
    sur_first = char_class({w[0] for w in g.surnames_compound | g.surnames_japanese} | g.surnames_common | g.surnames_other)
    cn = f"(?={sur_first})(?:{surc}|{jp}|{sur1}){giv}{{1,2}}"
    tr = f"{t}{{2,6}}"
    # first_char_pattern (searched with iter_first): group 1 is the whole match, the pattern's own groups follow.
    first_sur = {w[0] for w in g.surnames_compound | g.surnames_japanese} | g.surnames_common | g.surnames_other
    # Title + name (Chinese or foreign); the title is consumed, the name is group 2.
    # (Its second character: a title's, or a name's first after a one-character title.)
    title_second = {w[1] for w in g.titles if len(w) > 1} | (
        first_sur | g.translit_chars if any(len(w) == 1 for w in g.titles) else set()
    )
    title_before = first_char_pattern(
        f"(?:{titles})({cn}|{t}{{2,6}}(?![·・‧．•]))", {w[0] for w in g.titles}, title_second
    )
    after_ev = re.compile(f"{adv}(?:{after_words})")
    # Chinese name + evidence after it.
    # (Its second character: a given-name character after a one-character surname, or a family name's.)
    cn_second = cjk_class_without(
        g.notname_chars - {w[1] for w in g.surnames_compound | g.surnames_japanese if len(w) > 1}
    )
    cn_after = first_char_pattern(
        f"({cn})(?={adv}(?:{after_words})|{latin_person}|\\s*[（(]\\s*[A-Z])", first_sur, cn_second
    )
    # Foreign name + title / honorific (any length) or verb (3+ chars) or an English person name after it.
    title_hon = fast_trie(list(g.titles) + list(g.honorifics))
    verbs = fast_trie(list(g.verbs))
    tr_after = first_char_pattern(
        f"(?<!{t})({tr})(?={adv}(?:{title_hon})|{latin_person})|(?<!{t})({t}{{3,6}})(?={adv}(?:{verbs}))",
        g.translit_chars,
    )
    # Dotted names: any ideographs but function words on either side of the dot.
    # Parts after the first dot may also hold given-name characters (瑪莉·珍·華森).
    tg = char_class((g.translit_chars | g.given_chars | g.surnames_common) - _DOTTED_STOP)
    dotted = first_char_pattern(
        f"(?:{t}{{1,6}}(?:[{_DOTS}]{tg}{{1,8}})+|{t}{{2,6}}[一二三四五六七八九十]{{1,3}}世)", g.translit_chars
    )
    # A bare run of 3-6 transliteration characters (隆美爾, 希特勒): checked for boundaries in code.
    bare_foreign = first_char_pattern(f"(?<!{t}){t}{{3,6}}(?!{t})", g.translit_chars)
    givpos = char_class(g.given_chars)
    surcom = char_class(g.surnames_common)
    bare = first_char_pattern(
        f"(?={sur_first})(?:{surc}|{surcom}){givpos}{{2}}(?!{givpos})",
        first_sur,
        {w[1] for w in g.surnames_compound} | g.given_chars,
    )
    persons = first_char_pattern(
        fast_trie(g.persons),
        {w[0] for w in g.persons},
        {w[1] for w in g.persons} if all(len(w) >= 2 for w in g.persons) else None,
    )
    gaz_words = [w for w in list(g.places) + list(g.orgs) if not w.isascii() and len(w) >= 2]
    # One matcher for the Chinese names of all three lists (the entity extractor uses the persons too).
    gaz = WordMatcher(w for w in list(g.persons) + gaz_words if not w.isascii() and len(w) >= 2)
    return _Rx(
        title_before=title_before,
        cn_after=cn_after,
        tr_after=tr_after,
        dotted=dotted,
        bare=bare,
        after_ev=after_ev,
        bare_foreign=bare_foreign,
        persons=persons,
        gaz=gaz,
        given=g.given_chars,
        common=g.surnames_common,
        japanese=g.surnames_japanese,
        other=g.surnames_other,
        compound=g.surnames_compound | g.surnames_japanese,
        translit=g.translit_chars,
        persons_set=frozenset(g.persons),
        gaz_set=frozenset(gaz_words),
        titles=frozenset(g.titles) | frozenset(g.honorifics),
        roles=frozenset(g.roles) | frozenset(g.titles) | frozenset(g.kin),
        notname=g.notname_chars,
        name_first=frozenset(g.translit_chars | g.surnames_common | {w[0] for w in g.surnames_compound | g.surnames_japanese}),
        compound_first=frozenset(w[0] for w in g.surnames_compound | g.surnames_japanese),
    )


def _surname_len(name: str, rx: _Rx) -> int:
    return 2 if name[:2] in rx.compound else 1


def _plausible_cn(name: str, rx: _Rx, strict: bool) -> bool:
    """Is `name` (surname + given) a plausible Chinese name? `strict` when the evidence is weaker."""
    k = _surname_len(name, rx)
    given = name[k:]
    if not given:
        return False
    if k == 1 and name[:2] in _NOT_NAMES:
        return False
    if name in rx.titles or given in rx.titles or name[-2:] in rx.titles:
        return False
    if len(given) == 1:
        # Two-character names need a common surname and a typical given character.
        return (k == 2 or name[0] in rx.common) and given in rx.given
    hits = sum(c in rx.given for c in given)
    if k == 2 and name[:2] in rx.japanese:  # a Japanese family name (evidence tiers only)
        return True
    if strict:
        return hits >= 1 and (k == 2 or name[0] in rx.common or hits == 2)
    return hits >= 1 or k == 2


@lru_cache(maxsize=1 << 15)
def _plausible(name: str, strict: bool) -> bool:
    """_plausible_cn, cached (the same names come back in every article)."""
    return _plausible_cn(name, _rx(), strict)


def _after_title(text: str, start: int, end: int, rx: _Rx) -> int:
    """Move `start` past a title that ends inside the run (主席柯拉克: the run 席柯拉克 starts with 席)."""
    for i in range(end - 2, start, -1):
        for j in range(max(0, i - 6), i - 1):
            if text[j:i] in rx.titles and j < start:
                return i
    return start


@dataclass(frozen=True)
class GazHits:
    """Where the Chinese names of the gazetteers (people, places, organisations) start in a text, ascending,
    with the end of the longest name starting there."""

    starts: list[int]
    ends: list[int]


@lru_cache(maxsize=32)
def gazetteer_hits(text: str) -> GazHits:
    """The gazetteer names of `text` (cached for the last texts: person names and entities both use them)."""
    return GazHits(*_rx().gaz.find(text))


def _gaz_conflict(text: str, start: int, end: int, rx: _Rx, allow_inner: bool, hits: GazHits) -> bool:
    """Does a gazetteer place/organisation cross or cover [start, end)? (One strictly inside is allowed
    when `allow_inner`.)

    The places / organisations are those a left-to-right, longest-first, non-overlapping scan of
    text[start - 8 : end + 8] meets (as `re.finditer` of their trie over that window would)."""
    lo = max(0, start - 8)
    hi = min(len(text), end + 8)
    starts, ends = hits.starts, hits.ends
    gz = rx.gaz_set
    pos = lo
    for i in range(bisect.bisect_left(starts, lo), len(starts)):
        s = starts[i]
        if s >= hi:
            break
        if s < pos:
            continue
        e = ends[i]
        if e > hi or text[s:e] not in gz:
            # The longest name here is a person's or runs past the window: the longest place / organisation
            # that fits.
            for e in range(min(e - 1, hi), s + 1, -1):
                if text[s:e] in gz:
                    break
            else:
                continue
        if e <= start or s >= end:
            pos = e
            continue
        inside = s >= start and e <= end and (s, e) != (start, end)
        if inside and allow_inner:
            pos = e
            continue
        return True
    return False


def name_spans(text: str) -> list[NameSpan]:
    """Person-name spans with their evidence strength, non-overlapping, sorted by start."""
    rx = _rx()
    hits = gazetteer_hits(text)
    cands: list[NameSpan] = []
    for m in iter_first(rx.persons.search, text):
        cands.append(NameSpan(m.start(1), m.end(1), GAZETTEER, False))

    def add_cn(s: int, e: int, strength: int, strict: bool) -> None:
        # Prefer a reading followed by evidence (發言人毛寧回應 → 毛寧), else the longest plausible one.
        k = _surname_len(text[s:e], rx)
        ends = list(range(e, s + k, -1))
        ends.sort(key=lambda end: rx.after_ev.match(text, end) is None)
        for end in ends:
            name = text[s:end]
            if _plausible(name, strict) and not _gaz_conflict(text, s, end, rx, allow_inner=True, hits=hits):
                cands.append(NameSpan(s, end, strength, False))
                return

    for m in iter_first(rx.title_before.search, text):
        s, e = m.span(2)
        name = text[s:e]
        if name[0] in rx.translit and rx.translit.issuperset(name) and not _plausible(name, True):
            if not _gaz_conflict(text, s, e, rx, allow_inner=False, hits=hits):
                cands.append(NameSpan(s, e, EVIDENCE, True))
            continue
        add_cn(s, e, EVIDENCE, strict=False)
    for m in iter_first(rx.cn_after.search, text):
        s, e = m.span(2)
        name = text[s:e]
        if _plausible(name, True) and not _gaz_conflict(text, s, e, rx, allow_inner=True, hits=hits):
            cands.append(NameSpan(s, e, EVIDENCE, False))
    for m in iter_first(rx.tr_after.search, text):
        s, e = m.span(2) if m.group(2) else m.span(3)
        s = _after_title(text, s, e, rx)
        if e - s >= 2 and not _gaz_conflict(text, s, e, rx, allow_inner=False, hits=hits):
            cands.append(NameSpan(s, e, EVIDENCE, True))
    # (A dotted name needs a dot or 世: most texts have neither.)
    dotted = iter_first(rx.dotted.search, text) if any(d in text for d in _DOTS + "世") else ()
    for m in dotted:
        s, e = m.span(1)
        if e < len(text) and _is_han(text[e - 1]) and _is_han(text[e]) and any(d in m.group(1) for d in _DOTS):
            # The last part stops before a function word or verb that the match ran into
            # (艾蜜莉·華森基於… → 艾蜜莉·華森, 羅伯·卡特成立… → 羅伯·卡特); a noun it runs into is kept.
            ws = words_of(text)
            last_dot = max(text.rfind(d, s, e) for d in _DOTS)
            k = bisect.bisect_right(ws.starts, e - 1) - 1
            if k >= 0 and ws.starts[k] > last_dot + 1 and ws.ends[k] > e and len(ws.words[k]) >= 2 and (
                ws.tags[k] in _FUNCTION_POS or ws.tags[k] in ("Vt", "Vi")
            ):
                e = ws.starts[k]
            k = bisect.bisect_right(ws.starts, last_dot + 1)
            while k < len(ws.starts) and ws.ends[k] <= e:
                if len(ws.words[k]) >= 2 and (ws.tags[k] in _FUNCTION_POS or ws.tags[k] in ("Vt", "Vi")):
                    e = ws.starts[k]
                    break
                k += 1
        if s > 0 and _is_han(text[s - 1]):
            # The first part starts where a dictionary word starts (雪莉‧王, not 莉‧王).
            ws = words_of(text)
            k = bisect.bisect_right(ws.starts, s) - 1
            if k >= 0 and ws.starts[k] < s < ws.ends[k] and s - ws.starts[k] <= 2 and ws.tags[k] not in _FUNCTION_POS:
                s = ws.starts[k]
        cands.append(NameSpan(s, e, EVIDENCE, True))

    # Evidence 4: bare names bounded by punctuation / function words.
    bare: list[NameSpan] = []
    for m in iter_first(rx.bare.search, text):
        s, e = m.span(1)
        before = text[s - 1] if s > 0 else " "
        after = text[e] if e < len(text) else " "
        if (before in _BOUNDARY or before in _BEFORE_OK or before.isascii()) and (
            after in _BOUNDARY or after in _AFTER_OK or after.isascii()
        ):
            name = m.group(1)
            if name[:2] in _NOT_NAMES or name[1:] in _NOT_NAMES:
                continue
            if not _gaz_conflict(text, s, e, rx, allow_inner=False, hits=hits):
                bare.append(NameSpan(s, e, BARE, False))

    # Evidence 4 for transliterations: a run of 3+ characters bounded like a bare name, not after a locative.
    for m in iter_first(rx.bare_foreign.search, text):
        s, e = m.span(1)
        before = text[s - 1] if s > 0 else " "
        after = text[e] if e < len(text) else " "
        run = m.group(1)
        locative = before in _LOCATIVE_BEFORE or (before == "於" and s > 1 and text[s - 2] in _YU_LOCATIVE)
        if locative or run.endswith(PLACE_LIKE_ENDINGS):
            continue
        if any(a == b for a, b in zip(run, run[1:])) or all(c in _COUNTRY_ABBREVIATIONS for c in run):
            continue  # 許許多多, 美日韓
        if (before in _BOUNDARY or before in _BEFORE_OK or before.isascii()) and (
            after in _BOUNDARY or after in _AFTER_FOREIGN_OK or after.isascii()
        ):
            if not _gaz_conflict(text, s, e, rx, allow_inner=False, hits=hits):
                bare.append(NameSpan(s, e, BARE, True))

    bare.extend(_unknown_word_names(text, rx, hits))

    # Evidence 3: other occurrences of the names found above.
    proven = {text[c.start : c.end] for c in cands + bare if c.end - c.start >= 2}
    for name in sorted(proven):  # a few names per text: str.find beats compiling a pattern each time
        foreign = not _plausible(name, False)
        at = text.find(name)
        while at >= 0:
            cands.append(NameSpan(at, at + len(name), REPEATED, foreign))
            at = text.find(name, at + len(name))
    return _select(cands + bare)


# Segmenter tags (docs/segmentation.md) of words that may stand right before / after a name.
_LEFT_POS = frozenset("C P T ASP Vt ADV Nd".split())
_RIGHT_POS = frozenset("Vt Vi ADV P C T ASP POST".split())
# Occupations written as a word ending in one of these (漫畫家, 研究員, 律師, 歌手, 記者) stand before names.
_ROLE_ENDINGS = tuple("家員師手者匠")
# Nouns of time before a subject (當時, 此時, 期間, 後來, 起初).
_TIME_ENDINGS = tuple("時期間後來初前")
# Time words that may follow a subject (…今天表示, …昨天晚間宣布).
_TIME_WORDS = frozenset(
    "今天 昨天 明天 今日 昨日 日前 稍早 上午 下午 晚間 早上 當天 近日 今年 去年 明年 當時 隨後 後來 日後 最近 目前 此後 其後".split()
)
# Verbs whose subject is a person (thinking, life events, personal acts; not the reporting verbs that
# companies and agencies also take): a dictionary word that is a name may be taken as one right before them
# (…，巴菲特認為…, 梅爾頓也一直鼓勵…).
_HUMAN_VERBS = frozenset(
    """認為 相信 決定 說 說道 回憶 回答 答應 同意 擔心 喜歡 愛上 討厭 懷疑 試圖 打算 嫁給 娶 結婚 離婚 出生 去世 逝世
    病逝 過世 擔任 出任 就任 當選 辭職 退休 入獄 被捕 遭到 認識 寫 寫道 創作 主演 飾演 執導 演唱 會見 接見 拜訪 率領
    帶領 鼓勵 告訴 騙 殺 逮捕 處死 推測 記述 主持 襲擊 抵禦 稱讚 領導 創立 創辦 發明 自稱 畢業 就讀 留學 投降""".split()
)
# Characters that never continue a name found by the segmenter (adverbs and particles glued to it).
_NOT_GIVEN_EXTRA = set("卻仍便才即乃竟僅只另皆均其與及向於由被把將讓給等人們者來")
# One-character abbreviations of countries (美日韓, 台美日): a run made only of them is not a name.
_COUNTRY_ABBREVIATIONS = set("美澳菲日韓台臺中俄英法德義印越泰星馬紐加歐非蒙")
_COUNTRY_ABBREVIATIONS_SET = frozenset(_COUNTRY_ABBREVIATIONS)
# Verbs of movement before a transliteration make it a place (返回, 前往, 抵達, 進入, 來到).
_MOVE_ENDINGS = tuple("往到達回入抵赴至返離經")
# Transliterated medicine names (-vir: 索非布韋), geographical names (愛琴海) and laws (…法) are not people.
_THING_ENDINGS = ("韋", "海", "灣", "港", "山", "河", "島", "城", "州", "江", "湖", "法")
_NOT_PERSON_ENDINGS = PLACE_LIKE_ENDINGS + _THING_ENDINGS
# Tags of function words (they end an unknown piece).
_FUNCTION_POS = frozenset("P C T ASP ADV DET POST".split())
_SINGLE_LATIN_BRACKET = re.compile(r"[（(]\s*[A-Za-z][A-Za-z'’.\-]*\s*[）)]")


def _unknown_word_names(text: str, rx: _Rx, hits: GazHits) -> list[NameSpan]:
    """Names the word segmenter does not know (the classic unknown-word approach): a surname followed by
    one or two characters that the dictionary leaves as single-character pieces (韋/振/邦), or a run of
    transliteration pieces (梅爾/頓, 瓦倫/提/克), bounded on both sides by words: before it punctuation, a
    function word, a verb, a time word or a role noun (女兒, 富商, 漫畫家); after it punctuation, a verb, an
    adverb, a preposition or a particle (…決定, …的, …與)."""
    ws = words_of(text)
    words, tags, starts, ends = ws.words, ws.tags, ws.starts, ws.ends
    n = len(words)
    out: list[NameSpan] = []
    translit = rx.translit

    def left_ok(i: int, foreign: bool) -> bool:
        if i == 0:
            return True
        p, pt = words[i - 1], tags[i - 1]
        if pt in ("PUNC", "SP"):
            return p not in _DOTS
        if p in _LOCATIVE_BEFORE or p in ("位於", "於"):
            return False
        if foreign and (
            (len(p) == 1 and pt not in _FUNCTION_POS)  # a lone character before: the unknown piece may start there
            or (pt == "Vt" and p.endswith(_MOVE_ENDINGS))  # 返回…, 抵達…: a place
        ):
            return False
        if pt == "N" and (_is_role(p, rx) or (len(p) >= 2 and p.endswith(_TIME_ENDINGS))):
            return True
        if not foreign and len(p) == 1 and pt == "ADV":
            return False  # a lone adverb character may belong to the word before
        if p in "年月日" and i >= 2 and tags[i - 2] == "NUM":
            return True  # 2002年韋振邦
        return pt in _LEFT_POS

    def right_ok(j: int, short: bool) -> bool:
        """Is the word at j a possible end of the name? (`short`: a two-character name, which a following
        single character could still belong to.)"""
        if j >= n:
            return True
        q, qt = words[j], tags[j]
        if qt in ("PUNC", "SP"):
            if q in _DOTS:
                return False
            # A single Latin word in brackets names a place or a thing rather than a person (瓦朗斯（Valence）).
            return not _SINGLE_LATIN_BRACKET.match(text, starts[j])
        if len(q) == 1 and (
            (qt not in _FUNCTION_POS or q in rx.given) if short else qt in ("N", "X", "Vi", "M", "NUM")
        ):
            return False  # the unknown piece goes on (韋/振/邦 is not 韋振)
        return qt in _RIGHT_POS or q in _TIME_WORDS

    def subject_of_human_verb(i: int) -> bool:
        """Does the word at i open a clause and stand right before a verb whose subject is a person
        (…，巴菲特認為…, 梅爾頓也一直鼓勵…)?"""
        if i > 0 and not (tags[i - 1] in ("PUNC", "SP") or words[i - 1] in _TIME_WORDS):
            return False
        j = i + 1
        while j < n and j <= i + 2 and tags[j] == "ADV" and words[j] not in _HUMAN_VERBS:
            j += 1
        return j < n and words[j] in _HUMAN_VERBS

    first = rx.name_first
    common, given, notname, compound, japanese_names = rx.common, rx.given, rx.notname, rx.compound, rx.japanese
    all_translit = translit.issuperset  # all(c in translit for c in word), in C
    all_given = given.issuperset
    all_abbreviations = _COUNTRY_ABBREVIATIONS_SET.issuperset
    compound_first = rx.compound_first
    non_names = _NOT_NAMES
    titles = rx.titles
    for i in [i for i, w in enumerate(words) if w[0] in first]:
        w = words[i]
        ch = w[0]
        s = starts[i]
        # Transliterations: a maximal run of pieces made only of transliteration characters.
        if ch in translit and (i == 0 or not all_translit(words[i - 1])):
            j = i
            while j < n and all_translit(words[j]):
                j += 1
            e = ends[j - 1]
            if (
                (j - i >= 2 or 3 <= e - s)  # one dictionary word (希特勒) only from three characters on
                and 2 <= e - s <= 6
                and (e - s > 2 or all(x in ("N", "X") for x in tags[i:j]))  # two one-character verbs are words
            ):
                run = text[s:e]
                if (
                    not run.endswith(_NOT_PERSON_ENDINGS)
                    and not any(a == b for a, b in zip(run, run[1:]))
                    and not all_abbreviations(run)
                    and left_ok(i, True)
                    and right_ok(j, e - s == 2)
                    and not _gaz_conflict(text, s, e, rx, allow_inner=False, hits=hits)
                ):
                    out.append(NameSpan(s, e, BARE, True))
        lw = len(w)
        tag = tags[i]
        # One dictionary word that is a name (巴菲特): only as the subject of a verb of persons.
        if (lw == 2 or lw == 3) and tag == "N" and (
            (all_translit(w) and not all_abbreviations(w))
            or (ch in common and all_given(w[1:]) and w[:2] not in non_names)
        ):
            e = ends[i]
            if (
                w not in titles
                and not w.endswith(_NOT_PERSON_ENDINGS)
                and subject_of_human_verb(i)
                and not _gaz_conflict(text, s, e, rx, allow_inner=False, hits=hits)
            ):
                out.append(NameSpan(s, e, BARE, ch in translit))
        # Chinese names: a surname piece read as a noun, then one or two given characters in short pieces
        # (a two-character dictionary word after a one-character surname is an ordinary word: 高/收入, 曾/參與).
        # Japanese family names (澤/田, 大津) may be followed by a two-character given-name word (俊郎, 祐樹).
        if ch in compound_first:
            k = 3 if text[s : s + 3] in compound else 2 if text[s : s + 2] in compound else 1
        else:
            k = 1
        if k == 1:
            if ch not in common or (tag != "N" and tag != "X") or lw > 2:
                continue
            japanese = ch in japanese_names
        else:
            japanese = text[s : s + k] in japanese_names
            if lw > k and not (japanese and lw <= k + 2):
                continue  # the first word runs past the family name (司馬遷 is fine, 上官方面 is not)
        if not left_ok(i, False):
            continue
        j = i
        while j < n and ends[j] - s <= k + 2:
            piece, pt, ps = words[j], tags[j], starts[j]
            e = ends[j]
            j += 1
            if e - s <= k:
                continue  # still in the family name
            if ps >= s + k:  # a piece of the given name
                if pt in ("PUNC", "SP", "NUM", "M", "FW") or (k == 1 and len(piece) == 2 and ps == s + 1):
                    break
                if pt in _FUNCTION_POS and not (
                    japanese and ((piece in ("之", "也") and ps > s + k) or (pt in ("ADV", "A") and piece[0] not in notname))
                ):
                    break
            name = text[s:e]
            given_part = name[k:]
            if any(
                (c in notname or c in _NOT_GIVEN_EXTRA or not ("\u3400" <= c <= "\u9fff"))
                and not (japanese and c in "之也" and c == given_part[-1] and len(given_part) == 2)
                for c in given_part
            ):
                break
            if given.isdisjoint(given_part) or name[:2] in non_names or name in titles:
                continue
            if j == i + 1 and not (japanese and lw > k):
                continue  # one dictionary word (林業, 黃金) is not an unknown name
            if right_ok(j, len(given_part) == 1 and not japanese) and not _gaz_conflict(
                text, s, e, rx, allow_inner=japanese, hits=hits
            ):
                out.append(NameSpan(s, e, BARE, False))
    return out


@dataclass(frozen=True)
class Words:
    """Dictionary words of a text: parallel lists of the words, their tags (the segmenter's dictionary tags;
    PUNC for punctuation, SP for whitespace, X for an unknown ideograph, NUM, FW) and offsets."""

    words: list[str]
    tags: list[str]
    starts: list[int]
    ends: list[int]


_TAG_MAP = {"m": "NUM", "eng": "FW"}
_SPECIAL_TAGS = frozenset(("x", *_TAG_MAP))


@lru_cache(maxsize=32)
def words_of(text: str) -> Words:
    """The dictionary words of `text` as the word segmenter's dictionary sees them, without its
    post-dictionary rules (which do not matter for names). Uses the segmenter's own rjieba instance when it
    has one (about 20 MB/s, no second copy of the dictionary), else `tokenize`. Cached for the last texts
    (the entity extractor asks for the same text again)."""
    seg = get_segmenter()
    jieba = getattr(seg, "_jieba", None)
    if jieba is None:
        toks = seg.tokenize(text)
        return Words([t.text for t in toks], [t.pos for t in toks], [t.start for t in toks], [t.end for t in toks])
    pairs = jieba.tag(text, False)
    words = [w for w, _ in pairs]
    ends = list(accumulate(map(len, words)))
    starts = [0, *ends[:-1]] if ends else []
    tags = [
        t if t not in _SPECIAL_TAGS else _TAG_MAP.get(t) or ("SP" if w.isspace() else "X" if _is_han(w[0]) else "PUNC")
        for w, t in pairs
    ]
    return Words(words, tags, starts, ends)


def _is_role(word: str, rx: _Rx) -> bool:
    """A noun for a person (女兒, 富商, 主席) or an occupation word (漫畫家, 研究員, 領銜人)."""
    if word in rx.roles:
        return True
    return len(word) >= 2 and word.endswith(_ROLE_ENDINGS) or len(word) >= 3 and word.endswith("人")


def _all_translit(word: str, rx: _Rx) -> bool:
    return all(c in rx.translit for c in word)


def _is_han(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff"


def _select(cands: list[NameSpan]) -> list[NameSpan]:
    cands.sort(key=lambda c: (-c.strength, -(c.end - c.start), c.start))
    taken: list[NameSpan] = []
    occupied = bytearray(max((c.end for c in cands), default=0) + 1)
    for c in cands:
        if occupied.find(1, c.start, c.end) >= 0:
            continue
        taken.append(c)
        occupied[c.start : c.end] = b"\x01" * (c.end - c.start)
    taken.sort(key=lambda c: c.start)
    return taken


def find_person_names(text: str) -> list[tuple[int, int]]:
    """(start, end) of probable person names in `text`, non-overlapping, sorted."""
    return [(c.start, c.end) for c in name_spans(text)]
