"""Quantities in Traditional-Chinese (Taiwan) news sentences: money, percentages, counts, ...

Pure and deterministic (no I/O, precompiled regexes, no per-call heavy objects).
``extract_quantities(text)`` returns one ``QuantityMention`` per quantity, offsets into ``text``.
The vocabulary (kinds, units, currencies, qualifiers) is documented in docs/facts-quantities.md.

Span: the number and its unit(s), including a currency written before the number
(``新台幣1000億元``), internal approximation marks (``400多人``, ``10餘萬``) and a sign
(``負3.9%``); qualifier words outside the number (``約``, ``逾``, ``以上``) are *not* in the span,
they are recorded in ``qualifier``.

Kinds
    money (value in the currency's main unit, ``currency`` ISO 4217 or None for ``$``/``¥``),
    percent (value in percent; from ``%``, ``百分之``, ``成``, ``千分之`` = value/10 ...),
    percentage_point (``個百分點``), discount (``8折`` -> 80: percent of the original price),
    fraction (``三分之一`` -> 0.333, ratio), count (``unit`` = the classifier), duration
    (``unit`` 年/月/週/天/小時/分鐘/秒/世紀), age (歲), multiple (倍), distance, area, weight,
    volume, temperature, energy, number (a bare number with 萬/億/兆 and no unit: ``1600萬``).
Not quantities
    years and dates (2020年, 5月, 27日: see ``transforms.timex``), ordinals (第3季, 第12條),
    law articles (232條款), identifiers/codes (A18, iPhone 16, 0800..., 888-000-9999,
    192.168.1.1), bare numbers without unit or magnitude (tickers such as 2330), times of day
    (3點, 10:30), durations used as time offsets (5年前, 3天後: timex), the indefinite 一
    (一名男子, 一次).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from transforms.model import record
from transforms.numbers import (
    ERA_BEFORE_RE,
    ERA_NAME_LAST,
    Numeral,
    calendar_year,
    in_spans,
    is_identifier_context,
    normalize,
    scan_numerals,
    scan_numerals_cached,
    url_spans,
)

__all__ = ["QuantityMention", "extract_quantities", "KINDS", "QUALIFIERS"]

KINDS = (
    "money", "percent", "percentage_point", "discount", "fraction", "count", "duration", "age",
    "multiple", "distance", "area", "weight", "volume", "temperature", "energy", "number",
)
QUALIFIERS = ("approx", "over", "under", "range")


@record
class QuantityMention:
    start: int
    end: int
    text: str  # == input[start:end]
    kind: str
    value: float  # the (lower) value
    value_max: float | None  # upper bound of a range, else None
    unit: str | None
    currency: str | None  # ISO 4217 for money
    qualifier: str | None  # approx | over | under | range


# --------------------------------------------------------------------------------------------
# Unit vocabulary: surface -> (kind, unit, currency, factor)

_CURRENCY_WORDS = {
    "元": "TWD", "塊錢": "TWD",
    "新台幣": "TWD", "新臺幣": "TWD", "台幣": "TWD", "臺幣": "TWD",
    "美元": "USD", "美金": "USD", "美圓": "USD",
    "日圓": "JPY", "日元": "JPY", "日幣": "JPY",
    "人民幣": "CNY",
    "歐元": "EUR",
    "港幣": "HKD", "港元": "HKD", "港圓": "HKD",
    "韓元": "KRW", "韓圜": "KRW", "韓幣": "KRW",
    "英鎊": "GBP",
    "澳幣": "AUD", "澳元": "AUD",
    "加幣": "CAD", "加元": "CAD",
    "紐幣": "NZD", "紐元": "NZD",
    "新加坡幣": "SGD", "新幣": "SGD", "星幣": "SGD",
    "泰銖": "THB",
    "越南盾": "VND", "越盾": "VND",
    "印尼盾": "IDR",
    "馬幣": "MYR", "令吉": "MYR",
    "菲律賓披索": "PHP", "披索": "PHP",
    "印度盧比": "INR", "盧比": "INR",
    "盧布": "RUB",
    "瑞士法郎": "CHF", "瑞郎": "CHF",
    "奈拉": "NGN",
    "里拉": "TRY",
    "南非幣": "ZAR", "蘭特": "ZAR",
}

_UNITS: dict[str, tuple[str, str | None, str | None, Decimal]] = {}


def _add(kind: str, unit: str | None, words: str, currency: str | None = None, factor: str = "1") -> None:
    for w in words.split():
        _UNITS[w] = (kind, unit if unit is not None else w, currency, Decimal(factor))


for _w, _c in _CURRENCY_WORDS.items():
    _add("money", "元" if _w in ("元", "塊錢") else _w, _w, _c)
_add("money", "美分", "美分", "USD", "0.01")
_add("money", "比特幣", "比特幣 個比特幣", None)
_add("percent", "%", "%")
_add("percentage_point", "個百分點", "個百分點 百分點")
_add("percent", "成", "成", factor="10")
_add("discount", "折", "折")
_add("age", "歲", "歲 週歲 周歲 足歲 虛歲")
_add("multiple", "倍", "倍")
_add("duration", "年", "年")
_add("duration", "月", "個月")
_add("duration", "週", "週 周 星期 個星期 禮拜 個禮拜")
_add("duration", "天", "天")
_add("duration", "小時", "小時 個小時 鐘頭 個鐘頭")
_add("duration", "分鐘", "分鐘")
_add("duration", "秒", "秒 秒鐘")
_add("duration", "世紀", "個世紀")
_add("count", "個", "個 个")
_add("count", "台", "台 臺")
_add("count", None, "名 位 家 人 件 次 間 所 座 輛 架 艘 隻 頭 匹 條 張 本 部 棟 戶 例 起 場 項 種 款 支 枝 顆 粒 片 枚 "
     "批 組 套 對 雙 份 筆 口 株 棵 箱 包 瓶 杯 罐 盒 袋 股 票 席 檔 篇 封 則 首 層 道 趟 班 國 校 隊 所 "
     "人次 架次 艘次 輛次 縣市 萬人次 餐 顆 道")
_add("distance", None, "公里 公尺 公分 公釐 毫米 奈米 微米 英里 哩 海里 浬 千米 米 英尺 呎 英吋 吋")
_add("area", None, "平方公里 平方公尺 平方米 平方千米 平方英里 平方英哩 平方英尺 平方呎 坪 公頃")
_add("weight", None, "公噸 噸 公斤 公克 毫克 千克 克 磅 台斤 盎司")
_add("volume", None, "公升 毫升 立方公尺 立方米 桶")
_add("temperature", "℃", "℃ °C")
_add("energy", None, "度電 千瓦時 瓩時")

_UNIT_RE = re.compile("|".join(re.escape(w) for w in sorted(_UNITS, key=len, reverse=True)))

# A unit word followed by these characters is part of another word (232條款, 3台北, 人口).
_BLOCK_AFTER = {
    "條": "款例文件約碼", "台": "灣北中南東西幣積電股語商美日大鐵塑化聯綜視企資籍胞海澎廠",
    "人": "民口數員士物才生類權氣工身格心間事手力命形選馬", "名": "單稱義字額人牌校次列下醫模將嘴店",
    "位": "置於數元居階在", "家": "庭人長屬族中裡園具電鄉暴用事務", "次": "要長數級年日月元",
    "間": "諜接隔斷", "所": "以有得謂在屬長需示述致", "座": "位談標右", "架": "構設上空",
    "張": "貼力開", "本": "土身來月週年屆期季案人質地國報次市縣校會院部黨", "部": "長分門會隊署落位份屬",
    "戶": "籍口外政頭", "例": "如外行子", "場": "所地館景合面內外", "項": "目", "種": "類子植族下",
    "款": "項式", "支": "持出援付撐票應柱部局", "片": "面段刻商場名中尾頭", "批": "評判准示發貨",
    "組": "織成合長員裝閣", "套": "房裝用", "對": "於方象手外話抗岸此應策比立照決等台美中日", "份": "子額量",
    "筆": "記者電", "口": "罩岸號味頭徑中袋氣述試", "股": "東價票份市權利息民王本", "票": "價房數選據券卡",
    "席": "次位捲", "國": "家際內民軍防會安立營產小中道旗界土務籍外人企是宴賓語片", "道": "路理歉德具教",
    "班": "機次級長底表", "首": "都相長次度位先要屆季日批波府選映發", "層": "級面次", "校": "長園方內外友區務",
    "隊": "長員伍友", "檔": "案期", "篇": "幅章", "則": "是為有在以", "封": "鎖面閉存號殺頂", "包": "括含裝容商機租",
    "瓶": "頸子", "株": "式", "起": "訴跑飛來床火步點源價", "頭": "條號版等獎部髮銜痛", "天": "然氣空王使下后",
    "週": "年歲刊報邊遭期轉知全圍末", "周": "年歲刊報邊遭期轉知全圍末", "年": "代級紀齡輕終金薪資假貨節夜會報鑑曆份",
    "成": "", "折": "舊損扣合算返騰服射衷價現抵", "噸": "位", "磅": "礡", "米": "粉酒飯其蘭", "秒": "殺",
    "倍": "數", "克": "服拉難制里羅勞", "呎": "", "吋": "", "個": "人性案別體",
}
# 成 after a lone Chinese digit: words, not percentages (一成不變, 八成是 are left alone only
# for the listed words).
_CHENG_WORD_AFTER = "長立員本功績果交熟年就效份分品型都真形語敗為"

_UNIT_CONT_RE = re.compile(r"半|多")  # 年半, 歲半, 年多
_CHENG_TAIL_RE = re.compile(r"[一二三四五六七八九]|[1-9](?![0-9])|半")
_MONEY_TAIL_RE = re.compile(r"人民幣|新台幣|新臺幣|台幣|臺幣|美金|港幣|日幣")
_CUR_PREFIXES = (
    "新台幣", "新臺幣", "台幣", "臺幣", "美金", "人民幣", "日幣", "港幣", "NT$", "US$", "HK$", "S$", "A$", "C$", "NTD", "TWD",
    "USD", "RMB", "CNY", "JPY", "EUR", "GBP", "HKD", "$", "€", "£", "¥", "￥",
)
_CUR_PREFIX_RE = re.compile("(?:" + "|".join(re.escape(w) for w in _CUR_PREFIXES) + r")\s?$")
_PREFIX_CUR = {
    "NT$": "TWD", "NTD": "TWD", "TWD": "TWD", "US$": "USD", "USD": "USD", "HK$": "HKD", "HKD": "HKD",
    "S$": "SGD", "A$": "AUD", "C$": "CAD", "RMB": "CNY", "CNY": "CNY", "JPY": "JPY", "EUR": "EUR",
    "GBP": "GBP", "$": None, "€": "EUR", "£": "GBP", "¥": None, "￥": None,
}
_TEMP_PREFIX_RE = re.compile(r"(攝氏|華氏)(零下)?\s?$")
_PCT_PREFIX_RE = re.compile(r"(百萬萬|百萬|千萬|萬萬|十萬|百|佰|千|仟|萬|億)\s?分\s?之\s?$")
_PCT_DEN = {"百": 100, "佰": 100, "千": 1000, "仟": 1000, "萬": 10**4, "十萬": 10**5, "百萬": 10**6, "千萬": 10**7,
            "萬萬": 10**8, "億": 10**8, "百萬萬": 10**10}
_PCT_UNIT = {"百": "%", "佰": "%", "千": "‰", "仟": "‰", "萬": "‱"}
_RANGE_CONN_RE = re.compile(r"\s?(?:至|到|~|-|—|–|～)\s?")
_OFFSET_AFTER_RE = re.compile(r"(?:以前|以後|之前|之後|前|後)(?!後|往|進|夕|者|提|景|途|線|面|身|所|任|述|來|去|方|端|期)")
_PRE_QUAL_RE = re.compile(
    r"(約莫|大約|大概|約略|(?<![簽合條契預公規相邀節制特和婚赴守違解租續背踐立盟誓約])約|將近|接近|(?<![最附])近|逾|超過|超出|多於|高於|低於|少於|不到|不足|未滿|未達|至少|最少|最多|"
    r"上看|突破|數)有?\s?$"
)
_PRE_QUAL = {
    "約莫": "approx", "大約": "approx", "大概": "approx", "約略": "approx", "約": "approx", "數": "approx",
    "將近": "under", "接近": "under", "近": "under", "不到": "under", "不足": "under", "未滿": "under",
    "未達": "under", "少於": "under", "低於": "under", "最多": "under",
    "逾": "over", "超過": "over", "超出": "over", "多於": "over", "高於": "over", "至少": "over", "最少": "over",
    "上看": "over", "突破": "over",
}

# Speed: the regexes above that end in ``\s?$`` are searched in a few characters before a number;
# they can only match when the character just before the number is the last character of one of
# their words (or whitespace), so that one character is checked first.
_CUR_PREFIX_LAST = frozenset(w[-1] for w in _CUR_PREFIXES)
_PRE_QUAL_LAST = frozenset([w[-1] for w in _PRE_QUAL] + ["有"])
# A number becomes a quantity through what follows it only when the next character can start a
# unit, 個/个 (個半月), 多/餘/來 (400多人), a range connector, 度 (攝氏12度) or is a space; else
# only a currency before it or a magnitude (萬/億/兆) in it makes it one.
_AFTER_NUM_FIRST = frozenset([w[0] for w in _UNITS] + list("個个多餘余來至到~-—–～度"))
_D0 = Decimal(0)
_D1 = Decimal(1)
_DHALF = Decimal("0.5")
_POST_QUAL_RE = re.compile(r"以上|以下|左右|上下|前後|之多|以內|之內|內|不等|出頭|許|起|多|餘")
_POST_QUAL_FIRST = frozenset("以左上前之內不出許起多餘")  # first characters of those words (fast path)
_POST_QUAL = {
    "以上": "over", "多": "over", "餘": "over", "起": "over", "出頭": "over",
    "以下": "under", "以內": "under", "之內": "under", "內": "under",
    "左右": "approx", "上下": "approx", "前後": "approx", "許": "approx", "不等": "approx", "之多": None,
}
_HALF_RE = re.compile(r"(?<![上下前後個个])半(個(?:月|小時|鐘頭|星期|禮拜|世紀)|年(?!報|度)|天|小時|鐘頭)")
_HALF_UNIT = {"個月": "月", "個小時": "小時", "個鐘頭": "小時", "個星期": "週", "個禮拜": "週", "個世紀": "世紀",
              "年": "年", "天": "天", "小時": "小時", "鐘頭": "小時"}
_NUM_CHARS = frozenset("0123456789零〇○一二三四五六七八九十百千萬億兆兩")
_HUNDRED_PCT_RE = re.compile(r"百分之百")
_YEAR_MONTHS_RE = re.compile(r"(1[01]|[1-9]|十一|十|[一二三四五六七八九兩])個?月")
_MONTHS_CN = {"一": 1, "二": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "十一": 11}
# 上百人, 近千人, 逾萬人, 數千名, 破億: a bare magnitude after an approximation word
_BARE_MAG_RE = re.compile(r"(?<!成千)(?<!成百)(上|近|逾|破|數|將近|超過|約)(十萬|百萬|千萬|百|千|萬|億)")
_BARE_MAG = {"百": 100, "千": 1000, "萬": 10**4, "億": 10**8, "十萬": 10**5, "百萬": 10**6, "千萬": 10**7}
_BARE_MAG_QUAL = {"上": "over", "近": "under", "逾": "over", "破": "over", "數": "approx", "將近": "under",
                  "超過": "over", "約": "approx"}
_HALF_PCT_RE = re.compile(r"(?<=打)(對折)|(?<![上下前後一兩])(半成|半折)(?![為長立員本功績果交熟])")


@dataclass(slots=True)
class _Unit:
    kind: str
    unit: str | None
    currency: str | None
    factor: Decimal
    add: Decimal  # + 0.5 for 年半, 個半月, 三成半 ...
    end: int
    qual: str | None  # internal 多 (個多月, 年多)
    tail_value: Decimal | None = None  # 兩成五: extra percent after 成
    ustart: int = -1  # where the unit word starts


def _unit_at(t: str, p: int, num: Numeral | None) -> _Unit | None:
    """The unit written at position ``p`` (just after a number), or None."""
    allow_space = num is not None and num.arabic and p < len(t) and t[p] == " "
    q = p + 1 if allow_space else p
    # 個半月 / 個多月 / 個半小時: 個 + 半|多 + duration unit
    if t.startswith("個", q) or t.startswith("个", q):
        nxt = t[q + 1:q + 2]
        if nxt in ("半", "多"):
            m = _UNIT_RE.match(t, q + 2)
            if m and _UNITS[m.group()][0] == "duration":
                kind, unit, cur, fac = _UNITS[m.group()]
                if m.group() in ("年", "天"):  # 個半年 is not written; 個多月 needs 月
                    return None
                return _Unit(kind, unit, cur, fac, _DHALF if nxt == "半" else _D0, m.end(),
                             "over" if nxt == "多" else None, ustart=m.start())
            if t.startswith("月", q + 2):
                return _Unit("duration", "月", None, _D1, _DHALF if nxt == "半" else _D0,
                             q + 3, "over" if nxt == "多" else None, ustart=q + 2)
    m = _UNIT_RE.match(t, q)
    if m is None:
        return None
    w = m.group()
    end = m.end()
    kind, unit, cur, fac = _UNITS[w]
    nxt = t[end:end + 1]
    block = _BLOCK_AFTER.get(w)
    if block and nxt and nxt in block:
        return None
    if w == "成" and num is not None and num.single_cn and nxt and nxt in _CHENG_WORD_AFTER:
        return None
    if w == "成" and t.startswith("不變", end):
        return None
    if w == "周" and num is not None and num.single_cn:
        return None  # 四周 = all around
    u = _Unit(kind, unit, cur, fac, _D0, end, None, ustart=m.start())
    if w == "成":
        tm = _CHENG_TAIL_RE.match(t, end)
        if tm:
            g = tm.group()
            u.tail_value = Decimal(5 if g == "半" else (int(g) if g.isdigit() else "一二三四五六七八九".index(g) + 1))
            u.end = tm.end()
    elif kind in ("duration", "age"):
        cm = _UNIT_CONT_RE.match(t, end)
        if cm:
            if cm.group() == "半":
                u.add = _DHALF  # 一年半, 3歲半
            else:
                u.qual = "over"  # 1年多
            u.end = cm.end()
    elif kind == "money" and w in ("元", "塊錢"):
        tm = _MONEY_TAIL_RE.match(t, end)
        if tm:
            u.currency = _CURRENCY_WORDS[tm.group()]
            u.end = tm.end()
    return u


def _decimal(v) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(v)


def _skip_numeral(t: str, num: Numeral) -> bool:
    """Numbers that are never the start of a quantity (ordinals, codes, times, dates)."""
    s, e = num.start, num.end
    before = t[s - 1] if s > 0 else ""
    after = t[e] if e < len(t) else ""
    if before == "第" or (before == " " and s > 1 and t[s - 2] == "第"):
        return True
    if before in "/:" and s > 1 and t[s - 2].isdigit():
        return True
    if after in "/:" and e + 1 < len(t) and t[e + 1].isdigit():
        return True
    if num.arabic and not num.chinese and num.raw[0] == "0" and len(num.raw) > 1 and num.raw[1].isdigit():
        return True  # 0800, 02, 09xx: codes and phone numbers
    if num.financial and num.single_cn and not t.endswith("分之", 0, s):
        return True
    if before and (before in ERA_NAME_LAST or before.isspace()) and ERA_BEFORE_RE.search(t, max(0, s - 3), s):
        return True  # 成化三年: a year of an imperial era
    return False


def _is_lone_one(num: Numeral) -> bool:
    return num.single_cn and num.raw == "一"


def extract_quantities(text: str) -> list[QuantityMention]:
    """All quantities in ``text`` (one sentence or any string), ordered by start offset."""
    if not text:
        return []
    t = normalize(text)
    nums = scan_numerals_cached(t)
    urls = url_spans(t)
    if urls:
        nums = [x for x in nums if not in_spans(x.start, urls)]
    out: list[QuantityMention] = []
    taken_until = 0
    n = len(nums)
    i = 0
    while i < n:
        num = nums[i]
        if num.start < taken_until:
            i += 1
            continue
        res = _quantity(t, text, nums, i)
        if res is None:
            i += 1
            continue
        q, nxt = res
        if q is not None:
            out.append(q)
            taken_until = q.end
        i = max(nxt, i + 1)
    # 半年, 半個月, 半小時 (no numeral)
    if "半" in t:
        for m in _HALF_RE.finditer(t):
            s = m.start()
            if any(o.start <= s < o.end for o in out):
                continue
            if s > 0 and t[s - 1] in _NUM_CHARS:
                continue
            e = m.end()
            if _OFFSET_AFTER_RE.match(t, e):
                continue
            qual = _qualifier(t, s, e, None)
            out.append(QuantityMention(s, e, text[s:e], "duration", 0.5, None, _HALF_UNIT[m.group(1)], None, qual))
    if "百" in t or "千" in t or "萬" in t or "億" in t:
        for m in _BARE_MAG_RE.finditer(t):
            s = m.start(2)
            if any(o.start <= s < o.end for o in out):
                continue
            mag = _BARE_MAG[m.group(2)]
            u = _unit_at(t, m.end(), None)
            if u is None:
                if mag < 10**4 or t[m.end():m.end() + 1] in _NUM_CHARS:
                    continue
                kind, unit, cur, qe = "number", None, None, m.end()
            else:
                if u.kind not in ("money", "count", "weight", "distance", "area", "volume", "energy"):
                    continue
                kind, unit, cur, qe = u.kind, u.unit, u.currency, u.end
            if t[m.end():m.end() + 1] in _NUM_CHARS:
                continue
            out.append(QuantityMention(s, qe, text[s:qe], kind, float(mag), None, unit,
                                       cur if kind == "money" else None, _BARE_MAG_QUAL[m.group(1)]))
    if "對折" in t or "半成" in t or "半折" in t:
        for m in _HALF_PCT_RE.finditer(t):
            s, e = m.span(m.lastindex)
            if any(o.start < e and s < o.end for o in out):
                continue
            w = m.group(m.lastindex)
            kind, unit, val = ("percent", "成", 5.0) if w == "半成" else ("discount", "折", 50.0)
            out.append(QuantityMention(s, e, text[s:e], kind, val, None, unit, None, _qualifier(t, s, e, None)))
    if "百分之百" in t:
        for m in _HUNDRED_PCT_RE.finditer(t):
            s, e = m.span()
            if any(o.start < e and s < o.end for o in out):
                continue
            out.append(QuantityMention(s, e, text[s:e], "percent", 100.0, None, "%", None, _qualifier(t, s, e, None)))
    out.sort(key=lambda q: q.start)
    return out


def _qualifier(t: str, s: int, e: int, internal: str | None, kind: str | None = None) -> str | None:
    pre = None
    c = t[s - 1] if s > 0 else ""
    m = _PRE_QUAL_RE.search(t, max(0, s - 4), s) if c and (c in _PRE_QUAL_LAST or c.isspace()) else None
    if m and not (kind == "duration" and m.group(1) == "近"):  # 近5年來 = the last 5 years
        pre = _PRE_QUAL[m.group(1)]
    post = None
    pm = _POST_QUAL_RE.match(t, e) if t[e:e + 1] in _POST_QUAL_FIRST else None
    if pm:
        post = _POST_QUAL.get(pm.group())
    if internal and not pre and not post:
        return internal
    if pre and post and pre != post:
        return "approx" if "approx" in (pre, post) else pre
    return pre or post or internal


def _signed(t: str, s: int, value: Decimal) -> tuple[int, Decimal]:
    if s > 0:
        c = t[s - 1]
        if c in "負负":
            return s - 1, -value
        if c == "-" and (s < 2 or not (t[s - 2].isalnum() or t[s - 2] in ")）")):
            return s - 1, -value
    return s, value


def _discount_scale(value: Decimal) -> Decimal:
    """A discount digit as percent of the price: 8 (8折) -> 80; 75 (75折) stays."""
    return value * 10 if value < 10 else value


def _quantity(t: str, text: str, nums: Sequence[Numeral], i: int):
    """The quantity starting with numeral ``nums[i]``: (QuantityMention | None, next index) or None."""
    num = nums[i]
    s, e = num.start, num.end
    # currency written before the number (新台幣1000億元, US$5, $20)
    prefix_cur = None
    has_prefix = False
    ps = s
    before = t[s - 1] if s > 0 else ""
    if before and (before in _CUR_PREFIX_LAST or before.isspace()):
        pm = _CUR_PREFIX_RE.search(t, max(0, s - 4), s)
        if pm:
            w = pm.group().rstrip()
            has_prefix = True
            prefix_cur = _PREFIX_CUR[w] if w in _PREFIX_CUR else _CURRENCY_WORDS[w]
            ps = pm.start()
    if num.arabic and not has_prefix and is_identifier_context(t, s, e):
        return None
    if _skip_numeral(t, num):
        return None
    if num.raw.endswith("千") and len(num.raw) > 1 and t[e:e + 1] in ("米", "克", "瓦"):
        short = [x for x in scan_numerals(t[:e - 1]) if x.start == s]
        if not short:
            return None
        num = short[0]
        e = num.end
    pct_before = before == "之" or before.isspace()  # 百分之 / 千分之 may be written before the number
    c = t[e:e + 1]
    if not (has_prefix or pct_before or num.big != 1 or c in _AFTER_NUM_FIRST or c.isspace()):
        return None  # no unit, fraction, range or temperature can follow (1月, 3日, 一些): not a quantity
    value = _decimal(num.value)
    vmax = _decimal(num.value_max) if num.value_max is not None else None
    internal_qual = "approx" if num.value_max is not None else ("over" if num.approx else None)

    # fraction: N分之M
    if t.startswith("分之", e) and i + 1 < len(nums) and nums[i + 1].start == e + 2 and value != 0:
        nxt = nums[i + 1]
        val = _decimal(nxt.value) / value
        qe = nxt.end
        return (QuantityMention(s, qe, text[s:qe], "fraction", float(val), None, None, None,
                                _qualifier(t, s, qe, None)), i + 2)

    # percentage written before the number: 百分之十五, 千分之2.4
    pm = _PCT_PREFIX_RE.search(t, max(0, s - 6), s) if pct_before else None
    if pm and not (pm.start() > 0 and t[pm.start() - 1] in _NUM_CHARS):
        den = _PCT_DEN[pm.group(1)]
        fac = Decimal(100) / Decimal(den)
        qs = pm.start()
        qe = e
        v2 = None
        rm = _RANGE_CONN_RE.match(t, e)
        if rm and i + 1 < len(nums) and nums[i + 1].start == rm.end():
            n2 = nums[i + 1]
            v2 = _decimal(n2.value) * fac
            qe = n2.end
            nxt_i = i + 2
        else:
            nxt_i = i + 1
        qs, val = _signed(t, qs, value * fac)
        if vmax is not None and v2 is None:
            v2 = vmax * fac
        qual = "range" if v2 is not None else _qualifier(t, qs, qe, internal_qual)
        return (QuantityMention(qs, qe, text[qs:qe], "percent", float(val), float(v2) if v2 is not None else None,
                                _PCT_UNIT.get(pm.group(1), pm.group(1) + "分之"), None, qual), nxt_i)

    # the unit after the number, possibly after 多/餘 (400多人) or a range (3至5億元)
    p = e
    apx = t[p:p + 1]  # 多 / 餘 / 來 between the number and the unit
    if apx and apx in "多餘余來":
        u = _unit_at(t, p + 1, num)
        if u is not None:
            internal_qual = "approx" if apx == "來" else "over"
        else:
            u = _unit_at(t, p, num)
    else:
        u = _unit_at(t, p, num)

    lo_num = None  # lower bound numeral of a range whose upper bound carries the unit
    j = i + 1
    if u is None:
        rm = _RANGE_CONN_RE.match(t, e)
        if rm and i + 1 < len(nums) and nums[i + 1].start == rm.end() and not _skip_numeral(t, nums[i + 1]):
            n2 = nums[i + 1]
            if rm.group().strip() == "-" and not (num.arabic and n2.arabic):
                return None
            u2 = _unit_at(t, n2.end, n2)
            if u2 is not None or n2.big > 1:
                lo_num = num
                num = n2
                e = n2.end
                u = u2
                j = i + 2
                value = _decimal(n2.value)
                vmax = None
                internal_qual = "over" if n2.approx else None
    if u is not None and u.unit == "年" and u.kind == "duration":
        if calendar_year(t, num, u.ustart) is not None:
            return (None, j)  # a calendar year: timex
    if u is not None and u.unit == "年" and u.kind == "duration" and not u.add and not u.qual:
        cm = _YEAR_MONTHS_RE.match(t, u.end)
        if cm:
            mo = _MONTHS_CN.get(cm.group(1)) or (int(cm.group(1)) if cm.group(1).isdigit() else None)
            if mo is not None and 1 <= mo <= 11:
                u.add = Decimal(mo) / Decimal(12)
                u.end = cm.end()
    if u is not None and u.kind == "duration" and _OFFSET_AFTER_RE.match(t, u.end):
        return (None, j)  # 5年前, 3天後: a time offset, see timex
    if u is None and t.startswith("度", e) and _TEMP_PREFIX_RE.search(t, max(0, s - 5), s):
        u = _Unit("temperature", "℃", None, _D1, _D0, e + 1, None, ustart=e)

    if u is None:
        if has_prefix:
            kind, unit, cur, fac = "money", None, prefix_cur, _D1
            qe = e
        elif num.big > 1 and not num.positional:
            kind, unit, cur, fac = "number", None, None, _D1
            qe = e
        else:
            return None
        add = _D0
        tail = None
        uqual = None
    else:
        kind, unit, cur, fac = u.kind, u.unit, u.currency, u.factor
        qe = u.end
        add = u.add
        tail = u.tail_value
        uqual = u.qual
        if kind == "money" and has_prefix and unit in ("元", None):
            cur = prefix_cur
        elif has_prefix:
            has_prefix = False  # 人民幣 5美元: the prefix belongs to something else
    if not (kind == "money" and has_prefix):
        ps = s if lo_num is None else lo_num.start  # the span starts at the number
    elif lo_num is not None:
        ps = min(ps, lo_num.start)

    # lone Chinese digits need a real unit; 一 alone is the indefinite article (一名男子)
    if num.positional and not num.single_cn and num.chinese and kind != "discount":
        return None
    if _is_lone_one(num) and lo_num is None and kind in ("count", "duration", "age", "multiple") and add == 0:
        return None
    if num.single_cn and kind == "number":
        return None

    # value
    if kind == "discount":
        if num.positional and not num.single_cn:  # 三八折, 九五折
            base = value
        elif value < 10:
            base = value * 10
        elif value < 100 and value == int(value) and value != 10:
            base = value
        else:
            return None
        if base <= 0 or base >= 100:
            return None
        val = base
    else:
        val = value * fac + add * fac
        if tail is not None:
            val += tail
    lo = None
    if lo_num is not None:
        lv = _decimal(lo_num.value)
        if lo_num.big == 1 and num.big > 1 and lv * num.big <= value:
            lv = lv * num.big  # 3至5億元: 3 -> 3億
        lo = lv * fac if kind != "discount" else _discount_scale(lv)
        if lo > val:
            return None

    qs = ps
    if lo is not None:
        qs, lo = _signed(t, qs, lo)  # 負3至5%: the sign belongs to the first number
    else:
        qs, val = _signed(t, qs, val)

    # a second quantity with the same unit after a connector: 3%至5%, 3億元至5億元
    v_max = None
    if lo is not None:
        v_max = val
        val = lo
    elif vmax is not None:  # an approximate pair of digits: 三四百萬, 七八折
        v_max = vmax * fac if kind != "discount" else _discount_scale(vmax)
    else:
        rm = _RANGE_CONN_RE.match(t, qe)
        if rm and j < len(nums) and nums[j].start == rm.end():
            n2 = nums[j]
            u2 = _unit_at(t, n2.end, n2)
            if u2 is not None and u2.kind == kind and u2.unit == unit and not _skip_numeral(t, n2):
                ok = not (rm.group().strip() == "-" and not (num.arabic and n2.arabic))
                if u2.unit == "年" and calendar_year(t, n2, u2.ustart) is not None:
                    ok = False
                if ok:
                    v2 = _decimal(n2.value) * u2.factor + u2.add * u2.factor
                    if u2.tail_value is not None:
                        v2 += u2.tail_value
                    if v2 >= val:
                        v_max = v2
                        qe = u2.end
                        j += 1
                        if u2.currency and kind == "money" and unit == "元" and u2.currency != cur:
                            cur = u2.currency

    if v_max is not None:
        qual = "range"
    else:
        qual = _qualifier(t, qs, qe, internal_qual or uqual, kind)
    if kind == "temperature":
        tp = _TEMP_PREFIX_RE.search(t, max(0, qs - 5), qs)
        if tp and tp.group(2):
            val = -val
    return (QuantityMention(qs, qe, text[qs:qe], kind, float(val), float(v_max) if v_max is not None else None,
                            unit, cur if kind == "money" else None, qual), j)
