"""Time expressions (dates) in Traditional-Chinese (Taiwan) news sentences, resolved to ISO values.

Pure and deterministic: no I/O, no clock (relative expressions are resolved against the
``published`` date passed in), module-level precompiled regexes only.

``extract_time_expressions(text, published) -> list[TimeMention]``

Values (``value`` and, for ranges, ``value_end``):
    ``YYYY`` (year), ``YYYY-Hn`` (half year, 上半年 = H1), ``YYYY-Qn`` (quarter, only after a
    year: 2025年第3季, 今年首季), ``YYYY-MM`` (month), ``YYYY-Www`` (ISO week: 上週, 本週, 下週),
    ``YYYY-Www-WE`` (weekend: 上週末), ``YYYY-MM-DD`` (day).
``granularity``: year | half | quarter | month | week | weekend | day.
``is_relative``: True when the value depends on the article date (今天, 去年, 上週, 週三,
    1月27日 without a year, 27日 alone, 5天前 ...); False for fully written dates (2020年5月,
    民國115年, 2026/1/27).
``value_end``: end of a range, same formats (1月10日至12日, 1995-1997年, 3月到5月), else None.
``modifier``: how the expression bounds time, else None:
    since (自/從 X, X起, X以來, X開始, X及以後), after (X之後, X以後, X後),
    before (X之前, X以前, X前), until (截至/截止/直到 X, X為止, X止, X及以前, X或之前),
    start / mid / end (X初, X中, X底/末; 上旬 / 中旬 / 下旬).
    The span includes the modifier words.

Resolution rules (see docs/facts-quantities.md):
    * M月D日 / M月 without a year: the article's year, unless that puts the date 9 months or
      more away from the article date, then the adjacent year nearer to it (an article of
      2026-01-05 saying 12月20日 means 2025-12-20).  An invalid day (2月29日 in 2017) takes the
      nearest year where it exists.
    * D日 alone: the date with that day of month nearest to the article date (previous, same
      or next month; the article's month on a tie).
    * 今（27日） / 今(27)日 / 昨（26）日 / 明（6）日 / 前（25）日: 今 = article date, 昨 -1,
      明 +1, 前 -2; when a day number is written it wins: the date with that day nearest to
      that base (articles written before midnight and published after it).
    * 週一..週日 / 星期X / 禮拜X alone: the nearest such day (within 3 days either side);
      上週X / 本週X / 下週X: that day of the previous / current / next ISO week.
    * Bare years 100-150年 are ROC years (see ``transforms.numbers.calendar_year``).
Not handled (left out on purpose): times of day, durations (quantities), recurring sets (每週),
lunar and imperial calendars, decades (90年代), vague words (近日, 日前, 最近), M/D/YYYY.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from transforms.model import record
from transforms.numbers import Numeral, calendar_year, normalize, parse_number, scan_numerals_cached, url_spans

__all__ = ["TimeMention", "extract_time_expressions", "GRANULARITIES", "MODIFIERS"]

GRANULARITIES = ("year", "half", "quarter", "month", "week", "weekend", "day")
MODIFIERS = ("since", "after", "before", "until", "start", "mid", "end")


@record
class TimeMention:
    start: int
    end: int
    text: str  # == input[start:end]
    value: str  # ISO: YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM, YYYY-Www, YYYY-Www-WE, YYYY-MM-DD
    granularity: str  # year | half | quarter | month | week | weekend | day
    is_relative: bool  # resolved against the article date
    value_end: str | None = None  # end of a range (same formats), else None
    modifier: str | None = None  # since | after | before | until | start | mid | end


# --------------------------------------------------------------------------------------------
# Patterns

_MON = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]|元)"
_DAY = r"(?:3[01]|[12][0-9]|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|廿[一二三四五六七八九]?|卅一?|[一二三四五六七八九])"
_DAY2 = r"(?:3[01]|[12][0-9]|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|廿[一二三四五六七八九]?|卅一?)"  # no lone CN digit
_CONN = r"\s?(?:起?至|起?到|~|-|—|–)\s?"
_BOUND = r"(?P<b>上旬|中旬|下旬|初(?![步次期衷審選級始賽生版稿一二三四五六七八九十])|底|末|中(?=$|[，。、；：！？,.;:!?\s)）」』]|前|後|時|起|以前|以後|之前|之後))?"
# year (Arabic or Chinese) followed by 年, with an optional era
_YEAR_HEAD = r"(?P<era>民國前|民國|民国|中華民國|西元|公元|明治|大正|昭和|平成|令和)?\s?(?P<y>[0-9]{1,4}|[〇零○一二三四五六七八九]{2,4}|[一二三四五六七八九十百]{1,6})\s?年(?P<yd>度)?"
_YEAR_CONT = (
    rf"(?:(?:的)?(?P<q>第[一二三四1-4]季度?|[一二三四1-4]季度|Q[1-4]|首季|[上下前後]半年)"
    rf"|\s?(?P<mr1>{_MON})\s?月?{_CONN}(?P<mr2>{_MON})\s?月(?!\s?{_DAY}\s?[日號])"
    rf"|\s?(?P<m>{_MON})\s?月份?(?:\s?(?:(?P<dr1>{_DAY}){_CONN}(?P<dr2>{_DAY})|(?P<d>{_DAY}))\s?[日號])?)?"
)
_REL_YEAR_HEAD = r"(?P<ry>大前年|大後年|今年|去年|明年|前年|後年|本年|來年)(?P<yd>度)?"

_P_PAREN_DAY = re.compile(r"(?P<w>今|昨|明|前)\s?[（(]\s?(?P<d>[0-9]{1,2}|" + _DAY + r")\s?日?\s?[）)](?:\s?[日天])?")
_P_REL_DAY = re.compile(r"大前天|大後天|前天|後天|今天|昨天|明天|今日|昨日|明日|今晨|今早|今晚|今夜|昨晚|昨夜|昨晨|明早|明晚|今午|昨午")
_P_YEAR = re.compile(_YEAR_HEAD + _YEAR_CONT + _BOUND)
_P_REL_YEAR = re.compile(_REL_YEAR_HEAD + _YEAR_CONT + _BOUND)
_P_SLASH = re.compile(
    r"(?P<y>[0-9]{4}|1[0-4][0-9])(?P<sep>[/.\-])(?P<m>1[0-2]|0?[1-9])(?P=sep)(?P<d>3[01]|[12][0-9]|0?[1-9])(?![0-9/]|\.[0-9]|:)"
)
_P_YEAR_RANGE = re.compile(r"(?P<y1>[0-9]{4})\s?(?:-|–|—|~|至|到)\s?(?P<y2>[0-9]{4})\s?年")
_P_MD = re.compile(
    rf"(?P<m>{_MON})\s?月份?(?:\s?(?:(?P<dr1>{_DAY}){_CONN}(?P<dr2>{_DAY})|(?P<d>{_DAY}))\s?[日號])?" + _BOUND
)
_P_MRANGE = re.compile(rf"(?P<m1>{_MON})\s?{_CONN}(?P<m2>{_MON})\s?月(?!\s?{_DAY}\s?[日號])")
_P_REL_MONTH = re.compile(
    rf"(?P<rm>上上個月|下下個月|上個月|下個月|這個月|本月|上月|下月|這月)(?:\s?(?P<d>{_DAY})\s?[日號])?" + _BOUND
)
_P_WEEK = re.compile(r"(?P<wp>上上個?|下下個?|上個?|下個?|本|這個?)?(?P<wu>週|周|星期|禮拜)(?P<wd>[一二三四五六日天1-7]|末)?")
_P_HALF = re.compile(r"(?P<h>上半年|下半年)")
_P_BOUND_BARE = re.compile(r"(?P<bb>年初(?![一二三四五六七八九十])|年底|年末|月初(?![一二三四五六七八九十])|月底|月末|上旬|中旬|下旬|年中(?=$|[，。、；：！？,.;:!?\s]|前|後|時|起))")
_P_OFFSET = re.compile(
    r"(?P<on>[0-9]+|[一二三四五六七八九十兩]+|半)\s?(?P<ou>天|週|周|星期|個星期|個禮拜|禮拜|個月|年)(?P<oh>半)?"
    r"(?P<od>以前|以後|之前|之後|前|後)(?![後往進夕者提景途線面身所任述來去方端期])"
)
_P_DAY = re.compile(rf"(?P<d>{_DAY2})\s?日(?![本圓元幣商籍方系語文股經韓台美中遊內間曆記誌報僑軍相產])")
_P_MSLASH = re.compile(r"(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12][0-9]|0?[1-9])(?![0-9/%]|\.[0-9]|:)")

# Candidate positions: a superset of where one of the patterns can start (speed: most
# characters of a sentence are skipped by this one C-level search).  The first character is
# matched by one plain character class (the regex engine then scans for it without trying the
# alternatives at every position); a lookbehind on that character selects the alternative.
# An Arabic digit is a candidate only at the start of a number (every handler of a pattern that
# starts with a digit rejects a digit or "." before it) and only when the digits (and optional
# spaces) are followed by a character that one of those patterns needs next (``_DIGIT_NEXT``:
# 年 月 日 天 週 周 星(期) 個(月) 禮(拜), a date separator / . -, a range connector 至 到 起至 ~ – —);
# that character, group ``nx``, also selects the patterns tried (``_DIGIT_DISPATCH``).
_DIGIT_NEXT = "/.-–—~至到起年月日天週周星個禮"
_CNN = "〇零○一二三四五六七八九十百兩廿卅"
# the first characters of the alternatives, in order
_TRIGGER_FIRST = (
    "0123456789" + _CNN + "半" + "今昨明前後大" + "去本來" + "上下這本" + "週周星禮" + "民中西公明大昭平令" + "年月"
    + "上中下" + "元"
)
_TRIGGER_RE = re.compile(
    "[" + "".join(sorted(set(_TRIGGER_FIRST))) + "]"
    r"(?:(?<=[0-9])(?<![0-9.][0-9])(?=[0-9]*\s*(?P<nx>[" + re.escape(_DIGIT_NEXT) + "]))"
    rf"|(?<=[{_CNN}半])(?=[{_CNN}]{{0,6}}\s?(?:年|月|日|天|週|周|星期|禮拜|個|至|到|-|~|—|–|起))"
    r"|(?<=[今昨明前後大])(?=\s?[天日年（(晨早晚夜午]|前|後)"
    r"|(?<=[去本來])(?=年|月)"
    r"|(?<=[上下這本])(?=[上下]?個?(?:週|周|星期|禮拜|月|半年|旬))"
    r"|(?<=[週周])(?=[一二三四五六日天末1-7])"
    r"|(?<=星)期(?=[一二三四五六日天末1-7])|(?<=禮)拜(?=[一二三四五六日天末1-7])"
    r"|(?<=民)[國国]|(?<=中)華民國|(?<=[西公])元|(?<=明)治|(?<=大)正|(?<=昭)和|(?<=平)成|(?<=令)和"
    r"|(?<=[年月])(?=[初底末中])"
    r"|(?<=[上中下])(?=旬)"
    r"|(?<=元)(?=\s?月))"
)

_PREFIX_MOD_RE = re.compile(r"(自從|自|從|截至|截止到|截止|直到|迄)\s?$")
_PREFIX_MOD = {"自從": "since", "自": "since", "從": "since", "截至": "until", "截止到": "until", "截止": "until",
               "直到": "until", "迄": "until"}
_SUFFIX_MOD_RE = re.compile(
    r"\s?(或之前|或之後|或以前|或以後|及以前|及以後|及之前|及之後|之前|以前|之後|以後|以來|開始|為止|"
    r"起(?![訴跑飛來床火步點源價草見碼伏因義身])|止(?![血痛步])|前(?![後往進夕者提景途線面身所任述來去方端期])|"
    r"後(?![來續面方者果勤援盾端期台]))"
)
_SUFFIX_MOD = {
    "或之前": "until", "或以前": "until", "及以前": "until", "及之前": "until", "為止": "until", "止": "until",
    "之前": "before", "以前": "before", "前": "before",
    "之後": "after", "以後": "after", "後": "after",
    "或之後": "since", "或以後": "since", "及以後": "since", "及之後": "since", "以來": "since", "起": "since",
    "開始": "since",
}
_RANGE_CONN_RE = re.compile(_CONN)
_LUNAR_BEFORE_RE = re.compile(r"(?:農曆|农历|陰曆|舊曆)\s?$")
_BETWEEN_CONN_RE = re.compile(r"\s?(?:和|與|跟|及)\s?")
_BETWEEN_END_RE = re.compile(r"\s?(?:之間|間)")
_NAME_AFTER_REL_DAY = ("今日頭條", "今日新聞", "今日美國", "今日俄羅斯", "明日之星", "明日之後", "明日世界", "昨日之")
_TITLE_RE = re.compile(r"《[^》]{0,60}》|〈[^〉]{0,60}〉")
_DURATION_BEFORE_DAY_RE = re.compile(r"(?:為期|連續|長達|近|約|逾|每|數|第|共|前|後|短短|僅|只|這|那|頭|最後)\s?$")
_CN_NUM_BEFORE = frozenset("〇零○一二三四五六七八九十百千兩")

_CN_SMALL = {"一": 1, "二": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "元": 1}
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
            "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_BOUND_MOD = {"初": "start", "上旬": "start", "中": "mid", "中旬": "mid", "底": "end", "末": "end", "下旬": "end"}


def _small(s: str) -> int | None:
    """1..31 written in Arabic or Chinese (十二, 二十七, 三十一)."""
    if s.isdigit():
        return int(s)
    if s in _CN_SMALL:
        return _CN_SMALL[s]
    v = parse_number(s)
    return int(v) if v is not None and v == int(v) else None


# --------------------------------------------------------------------------------------------
# Date arithmetic


def _valid(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _resolve_md(pub: dt.date, m: int, d: int) -> dt.date | None:
    """M月D日 without a year (see module docstring)."""
    same = _valid(pub.year, m, d)
    if same is not None and abs((same - pub).days) < 270:
        return same
    cands = [c for c in (_valid(pub.year - 1, m, d), same, _valid(pub.year + 1, m, d)) if c is not None]
    if not cands and m == 2 and d == 29:  # 2月29日: the nearest leap year
        cands = [c for k in range(-4, 5) if (c := _valid(pub.year + k, 2, 29)) is not None]
    if not cands:
        return None
    return min(cands, key=lambda c: abs((c - pub).days))


def _resolve_m(pub: dt.date, m: int) -> tuple[int, int]:
    diff = m - pub.month
    if diff >= 9:
        return pub.year - 1, m
    if diff <= -9:
        return pub.year + 1, m
    return pub.year, m


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + k
    return idx // 12, idx % 12 + 1


def _nearest_day(base: dt.date, d: int, window: int = 40) -> dt.date | None:
    """The date with day-of-month ``d`` nearest to ``base`` (previous/same/next month)."""
    best = None
    for k in (0, -1, 1):
        y, m = _add_months(base.year, base.month, k)
        c = _valid(y, m, d)
        if c is None:
            continue
        dist = abs((c - base).days)
        if dist > window:
            continue
        if best is None or dist < best[0]:
            best = (dist, c)
    return best[1] if best else None


def _iso_week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _week_monday(pub: dt.date, offset_weeks: int) -> dt.date:
    return pub - dt.timedelta(days=pub.weekday()) + dt.timedelta(weeks=offset_weeks)


# --------------------------------------------------------------------------------------------
# Mentions under construction


@dataclass(slots=True)
class _M:
    start: int
    end: int
    value: str
    gran: str
    rel: bool
    modifier: str | None = None
    value_end: str | None = None
    # components, for ranges that inherit year / month from the first element
    y: int | None = None
    m: int | None = None


def _ym_value(y: int, m: int | None, d: int | None) -> tuple[str, str] | None:
    if m is None:
        return f"{y:04d}", "year"
    if not 1 <= m <= 12:
        return None
    if d is None:
        return f"{y:04d}-{m:02d}", "month"
    if _valid(y, m, d) is None:
        return None
    return f"{y:04d}-{m:02d}-{d:02d}", "day"


def _apply_cont(mm: re.Match, y: int, rel: bool, pub: dt.date, s: int) -> _M | None:
    """Year known; add 第3季 / 上半年 / M月 / M月D日 / M月D1至D2日 and 初/中/底."""
    q = mm.group("q")
    e = mm.end()
    mod = None
    b = mm.group("b")
    if b:
        mod = _BOUND_MOD[b]
    if q:
        if "半" in q:
            h = 1 if q[0] in "上前" else 2
            return _M(s, e, f"{y:04d}-H{h}", "half", rel, mod, y=y)
        if q == "首季":
            n = 1
        else:
            n = _QUARTER[q.lstrip("第Q")[0]]
        return _M(s, e, f"{y:04d}-Q{n}", "quarter", rel, mod, y=y)
    if mm.group("mr1"):
        m1, m2 = _small(mm.group("mr1")), _small(mm.group("mr2"))
        if m1 is None or m2 is None or not 1 <= m1 < m2 <= 12:
            return None
        return _M(s, e, f"{y:04d}-{m1:02d}", "month", rel, mod, f"{y:04d}-{m2:02d}", y=y, m=m1)
    ms = mm.group("m")
    if ms is None:
        return _M(s, e, f"{y:04d}", "year", rel, mod, y=y)
    mo = _small(ms)
    if mo is None:
        return None
    if mm.group("dr1"):
        d1, d2 = _small(mm.group("dr1")), _small(mm.group("dr2"))
        v1, v2 = _ym_value(y, mo, d1), _ym_value(y, mo, d2)
        if v1 is None or v2 is None or d2 <= d1:
            return None
        return _M(s, e, v1[0], "day", rel, mod, v2[0], y=y, m=mo)
    d = _small(mm.group("d")) if mm.group("d") else None
    v = _ym_value(y, mo, d)
    if v is None:
        return None
    return _M(s, e, v[0], v[1], rel, mod, y=y, m=mo)


class _Ctx:
    __slots__ = ("t", "pub", "nums", "titles")

    def __init__(self, t: str, pub: dt.date) -> None:
        self.t = t
        self.pub = pub
        self.nums: dict[int, Numeral] | None = None
        self.titles = [m.span() for m in _TITLE_RE.finditer(t)] if ("《" in t or "〈" in t) else []
        self.titles += url_spans(t)

    def numeral_at(self, s: int) -> Numeral | None:
        if self.nums is None:
            self.nums = {n.start: n for n in scan_numerals_cached(self.t)}
        return self.nums.get(s)


# Handlers: (ctx, match) -> _M | None


def _h_paren_day(c: _Ctx, mm: re.Match) -> _M | None:
    off = {"今": 0, "昨": -1, "明": 1, "前": -2}[mm.group("w")]
    base = c.pub + dt.timedelta(days=off)
    d = _small(mm.group("d"))
    if d is None or not 1 <= d <= 31:
        return None
    day = base if base.day == d else _nearest_day(base, d, window=20)
    if day is None:
        return None
    return _M(mm.start(), mm.end(), day.isoformat(), "day", True)


_REL_DAY_OFF = {"大前天": -3, "大後天": 3, "前天": -2, "後天": 2, "今天": 0, "昨天": -1, "明天": 1, "今日": 0, "昨日": -1,
                "明日": 1, "今晨": 0, "今早": 0, "今晚": 0, "今夜": 0, "昨晚": -1, "昨夜": -1, "昨晨": -1, "明早": 1,
                "明晚": 1, "今午": 0, "昨午": -1}


def _h_rel_day(c: _Ctx, mm: re.Match) -> _M | None:
    s = mm.start()
    t = c.t
    w = mm.group()
    for name in _NAME_AFTER_REL_DAY:
        if t.startswith(name, s):
            return None
    if w == "後天" and (t.startswith("性", mm.end()) or t[max(0, s - 2):s] in ("先天", "先天或", "先天與")):
        return None
    if w == "後天" and "先天" in t[max(0, s - 4):s]:
        return None
    day = c.pub + dt.timedelta(days=_REL_DAY_OFF[w])
    return _M(s, mm.end(), day.isoformat(), "day", True)


def _h_year(c: _Ctx, mm: re.Match) -> _M | None:
    s = mm.start()
    ys = mm.start("y")
    if ys > 0 and (c.t[ys - 1].isdigit() or c.t[ys - 1] in ".,"):
        return None
    num = c.numeral_at(ys)
    if num is None or num.end != mm.end("y"):
        return None
    ypos = c.t.index("年", num.end)
    y = calendar_year(c.t, num, ypos)
    if y is None:
        return None
    if c.t.startswith("代", ypos + 1):
        return None  # 1990年代: a decade
    if mm.group("era") is None and s > 0 and c.t[s - 1] in "第":
        return None
    return _apply_cont(mm, y, False, c.pub, s)


_REL_YEAR_OFF = {"大前年": -3, "大後年": 3, "今年": 0, "去年": -1, "明年": 1, "前年": -2, "後年": 2, "本年": 0, "來年": 1}


def _h_rel_year(c: _Ctx, mm: re.Match) -> _M | None:
    s = mm.start()
    w = mm.group("ry")
    if w == "前年" and s > 0 and c.t[s - 1] in _CN_NUM_BEFORE | set("0123456789"):
        return None
    if w == "後年" and s > 0 and c.t[s - 1] in "前之":
        return None
    y = c.pub.year + _REL_YEAR_OFF[w]
    return _apply_cont(mm, y, True, c.pub, s)


def _h_slash(c: _Ctx, mm: re.Match) -> _M | None:
    s = mm.start()
    t = c.t
    if s > 0 and (t[s - 1].isdigit() or t[s - 1] in "/."):
        return None
    y = int(mm.group("y"))
    if len(mm.group("y")) == 3:
        if not 100 <= y <= 150:
            return None
        y += 1911
    elif not 1800 <= y <= 2199:
        return None
    v = _ym_value(y, int(mm.group("m")), int(mm.group("d")))
    if v is None:
        return None
    return _M(s, mm.end(), v[0], "day", False, y=y, m=int(mm.group("m")))


def _h_year_range(c: _Ctx, mm: re.Match) -> _M | None:
    s = mm.start()
    if s > 0 and (c.t[s - 1].isdigit() or c.t[s - 1] in ".,"):
        return None
    y1, y2 = int(mm.group("y1")), int(mm.group("y2"))
    if not (1500 <= y1 < y2 <= 2199):
        return None
    return _M(s, mm.end(), f"{y1:04d}", "year", False, None, f"{y2:04d}", y=y1)


def _h_md(c: _Ctx, mm: re.Match) -> _M | None:
    s = mm.start()
    t = c.t
    if s > 0:
        prev = t[s - 1]
        if prev.isdigit() or prev in ".,/個个每第" or prev in _CN_NUM_BEFORE:
            return None
        if prev == "年" and s > 1 and (t[s - 2].isdigit() or t[s - 2] in _CN_NUM_BEFORE or t[s - 2] == "半"):
            return None  # 有期徒刑3年6月: months of a duration
    ms = mm.group("m")
    if ms == "元" and s > 0 and (t[s - 1] in "0123456789萬億千百" or t[s - 1] in _CN_NUM_BEFORE):
        return None
    mend = mm.end("m")
    if t.startswith("月天", mend) or t.startswith("月薪", mend) or t.startswith("月費", mend) or t.startswith("月租", mend):
        return None
    mo = _small(ms)
    if mo is None or not 1 <= mo <= 12:
        return None
    pub = c.pub
    b = mm.group("b")
    mod = _BOUND_MOD[b] if b else None
    if mm.group("dr1"):
        d1, d2 = _small(mm.group("dr1")), _small(mm.group("dr2"))
        a = _resolve_md(pub, mo, d1)
        if a is None or d2 is None or d2 <= d1:
            return None
        bday = _valid(a.year, mo, d2)
        if bday is None:
            return None
        return _M(s, mm.end(), a.isoformat(), "day", True, mod, bday.isoformat(), y=a.year, m=mo)
    if mm.group("d"):
        d = _small(mm.group("d"))
        if d is None:
            return None
        day = _resolve_md(pub, mo, d)
        if day is None:
            return None
        return _M(s, mm.end(), day.isoformat(), "day", True, mod, y=day.year, m=mo)
    y, m = _resolve_m(pub, mo)
    return _M(s, mm.end(), f"{y:04d}-{m:02d}", "month", True, mod, y=y, m=m)


def _h_mrange(c: _Ctx, mm: re.Match) -> _M | None:
    """1至11月 (the first month written without 月)."""
    s = mm.start()
    t = c.t
    if s > 0 and (t[s - 1].isdigit() or t[s - 1] in ".,/個个每第年" or t[s - 1] in _CN_NUM_BEFORE):
        return None
    m1, m2 = _small(mm.group("m1")), _small(mm.group("m2"))
    if m1 is None or m2 is None or not 1 <= m1 < m2 <= 12:
        return None
    y, _ = _resolve_m(c.pub, m1)
    return _M(s, mm.end(), f"{y:04d}-{m1:02d}", "month", True, None, f"{y:04d}-{m2:02d}", y=y, m=m1)


_REL_MONTH_OFF = {"上上個月": -2, "下下個月": 2, "上個月": -1, "下個月": 1, "這個月": 0, "本月": 0, "上月": -1, "下月": 1,
                  "這月": 0}


def _h_rel_month(c: _Ctx, mm: re.Match) -> _M | None:
    s = mm.start()
    if s > 0 and c.t[s - 1] in "以如之":
        return None
    y, m = _add_months(c.pub.year, c.pub.month, _REL_MONTH_OFF[mm.group("rm")])
    b = mm.group("b")
    mod = _BOUND_MOD[b] if b else None
    if mm.group("d"):
        d = _small(mm.group("d"))
        v = _ym_value(y, m, d)
        if v is None:
            return None
        return _M(s, mm.end(), v[0], "day", True, mod, y=y, m=m)
    return _M(s, mm.end(), f"{y:04d}-{m:02d}", "month", True, mod, y=y, m=m)


_WEEK_PREFIX_OFF = {"上上": -2, "下下": 2, "上": -1, "下": 1, "本": 0, "這": 0}
_WEEK_WORD_BLOCK = "邊遭期刊報轉知全圍年歲長記會"


def _h_week(c: _Ctx, mm: re.Match) -> _M | None:
    s = mm.start()
    t = c.t
    if s > 0 and t[s - 1] in "每以如之":
        return None
    wp = mm.group("wp")
    wd = mm.group("wd")
    e = mm.end()
    if wp is None and wd is None:
        return None
    if wd is None and t[e:e + 1] and t[e] in _WEEK_WORD_BLOCK:
        return None
    if wd is not None and wd.isdigit() and mm.group("wu") != "週":
        return None
    pub = c.pub
    if wp is None:
        if wd == "末":
            return None
        target = _WEEKDAY[wd]
        delta = (target - pub.weekday() + 3) % 7 - 3
        day = pub + dt.timedelta(days=delta)
        return _M(s, e, day.isoformat(), "day", True)
    off = _WEEK_PREFIX_OFF[wp.rstrip("個")]
    monday = _week_monday(pub, off)
    if wd is None:
        return _M(s, e, _iso_week(monday), "week", True)
    if wd == "末":
        return _M(s, e, _iso_week(monday) + "-WE", "weekend", True)
    day = monday + dt.timedelta(days=_WEEKDAY[wd])
    return _M(s, e, day.isoformat(), "day", True)


def _h_half(c: _Ctx, mm: re.Match) -> _M | None:
    s = mm.start()
    if s > 0 and c.t[s - 1] in "年今去明本":
        return None
    h = 1 if mm.group("h")[0] == "上" else 2
    return _M(s, mm.end(), f"{c.pub.year:04d}-H{h}", "half", True, y=c.pub.year)


def _h_bound_bare(c: _Ctx, mm: re.Match) -> _M | None:
    s = mm.start()
    t = c.t
    if s > 0 and (t[s - 1].isdigit() or t[s - 1] in _CN_NUM_BEFORE or t[s - 1] in "今去明本前後每全整半當上下同該隔翌次個正臘元"):
        return None
    w = mm.group("bb")
    pub = c.pub
    if w[0] == "年":
        return _M(s, mm.end(), f"{pub.year:04d}", "year", True, _BOUND_MOD[w[1]], y=pub.year)
    if w[0] == "月":
        return _M(s, mm.end(), f"{pub.year:04d}-{pub.month:02d}", "month", True, _BOUND_MOD[w[1]],
                  y=pub.year, m=pub.month)
    return _M(s, mm.end(), f"{pub.year:04d}-{pub.month:02d}", "month", True, _BOUND_MOD[w], y=pub.year, m=pub.month)


def _h_offset(c: _Ctx, mm: re.Match) -> _M | None:
    s = mm.start()
    t = c.t
    if s > 0 and (t[s - 1].isdigit() or t[s - 1] in ".,第" or t[s - 1] in _CN_NUM_BEFORE):
        return None
    on = mm.group("on")
    unit = mm.group("ou")
    if on == "半":
        n = 0.5
    else:
        v = parse_number(on)
        if v is None:
            return None
        n = v
        if unit == "年":
            num = c.numeral_at(s)
            if num is not None and calendar_year(t, num, t.index("年", num.end)) is not None:
                return None
    if mm.group("oh"):
        n += 0.5
    sign = -1 if mm.group("od") in ("前", "以前", "之前") else 1
    pub = c.pub
    # An offset that lands outside the calendar (7022130禮拜前, 3000000年後) is not a date: no mention, no error.
    try:
        if unit in ("天",):
            if n != int(n):
                return None
            day = pub + dt.timedelta(days=sign * int(n))
            return _M(s, mm.end(), day.isoformat(), "day", True)
        if unit in ("週", "周", "星期", "個星期", "個禮拜", "禮拜"):
            if n != int(n):
                return None
            return _M(s, mm.end(), _iso_week(pub + dt.timedelta(weeks=sign * int(n))), "week", True)
    except OverflowError:
        return None
    months = n * 12 if unit == "年" else n
    if months != int(months):
        return None
    if unit == "年" and n == int(n):
        y = pub.year + sign * int(n)
        return _M(s, mm.end(), f"{y:04d}", "year", True, y=y) if dt.MINYEAR <= y <= dt.MAXYEAR else None
    y, m = _add_months(pub.year, pub.month, sign * int(months))
    return _M(s, mm.end(), f"{y:04d}-{m:02d}", "month", True, y=y, m=m) if dt.MINYEAR <= y <= dt.MAXYEAR else None


def _h_day(c: _Ctx, mm: re.Match) -> _M | None:
    s = mm.start()
    t = c.t
    if s > 0 and (t[s - 1].isdigit() or t[s - 1] in ".,/月" or t[s - 1] in _CN_NUM_BEFORE):
        return None
    if _DURATION_BEFORE_DAY_RE.search(t, max(0, s - 3), s):
        return None
    d = _small(mm.group("d"))
    if d is None or not 1 <= d <= 31:
        return None
    day = _nearest_day(c.pub, d)
    if day is None:
        return None
    return _M(s, mm.end(), day.isoformat(), "day", True, y=day.year, m=day.month)


_MSLASH_BLOCK_AFTER = frozenset("的之分倍人票名位個件次元%")


def _h_mslash(c: _Ctx, mm: re.Match) -> _M | None:
    s = mm.start()
    t = c.t
    if s > 0 and (t[s - 1].isdigit() or t[s - 1] in "/.-:" or (t[s - 1].isascii() and t[s - 1].isalpha())):
        return None
    if s > 0 and t[s - 1] in "分比率約":
        return None
    e = mm.end()
    if e < len(t) and t[e] in _MSLASH_BLOCK_AFTER:
        return None
    mo, d = int(mm.group("m")), int(mm.group("d"))
    day = _resolve_md(c.pub, mo, d)
    if day is None:
        return None
    return _M(s, e, day.isoformat(), "day", True, y=day.year, m=mo)


# Priority order at one position.
_PATTERNS = (
    (_P_PAREN_DAY, _h_paren_day),
    (_P_REL_DAY, _h_rel_day),
    (_P_SLASH, _h_slash),
    (_P_YEAR_RANGE, _h_year_range),
    (_P_YEAR, _h_year),
    (_P_OFFSET, _h_offset),
    (_P_REL_YEAR, _h_rel_year),
    (_P_MD, _h_md),
    (_P_MRANGE, _h_mrange),
    (_P_REL_MONTH, _h_rel_month),
    (_P_WEEK, _h_week),
    (_P_HALF, _h_half),
    (_P_BOUND_BARE, _h_bound_bare),
    (_P_DAY, _h_day),
    (_P_MSLASH, _h_mslash),
)
_FIRST_CHARS: dict[str, tuple] = {}
_DIGIT_DISPATCH: dict[str, tuple] = {}  # at a digit: the patterns to try, by the character after the digits


def _first_chars() -> None:
    """Dispatch table: which patterns can start with which character (speed)."""
    digits = "0123456789"
    cn_num = "〇零○一二三四五六七八九十百兩"
    table = {
        _P_PAREN_DAY: "今昨明前",
        _P_REL_DAY: "大前後今昨明",
        _P_SLASH: digits,
        _P_YEAR_RANGE: digits,
        _P_YEAR: digits + cn_num + "民西公中明大昭平令",
        _P_OFFSET: digits + cn_num + "半",
        _P_REL_YEAR: "大今去明前後本來",
        _P_MD: digits + cn_num + "元",
        _P_MRANGE: digits + cn_num + "元",
        _P_REL_MONTH: "上下這本",
        _P_WEEK: "上下本這週周星禮",
        _P_HALF: "上下",
        _P_BOUND_BARE: "年月上中下",
        _P_DAY: digits + cn_num + "廿卅",
        _P_MSLASH: digits,
    }
    chars = set("".join(table.values()))
    for ch in chars:
        _FIRST_CHARS[ch] = tuple((p, h) for p, h in _PATTERNS if ch in table[p])
    # At a digit: the character after the digits (and spaces) that each pattern needs there.
    digit_next = {
        _P_SLASH: "/.-",
        _P_YEAR_RANGE: "-–—~至到",
        _P_YEAR: "年",
        _P_OFFSET: "天週周星個禮年",
        _P_MD: "月",
        _P_MRANGE: "起至到~-—–",
        _P_DAY: "日",
        _P_MSLASH: "/",
    }
    for ch in _DIGIT_NEXT:
        _DIGIT_DISPATCH[ch] = tuple((p, h) for p, h in _FIRST_CHARS["0"] if ch in digit_next[p])


_first_chars()

# Patterns allowed as the second element of a range (X至Y), with what they inherit.
_RANGE_B = (
    (_P_PAREN_DAY, _h_paren_day),
    (_P_REL_DAY, _h_rel_day),
    (_P_SLASH, _h_slash),
    (_P_YEAR, _h_year),
    (_P_REL_YEAR, _h_rel_year),
    (_P_MD, _h_md),
    (_P_REL_MONTH, _h_rel_month),
    (_P_WEEK, _h_week),
    (re.compile(rf"(?P<d>{_DAY})\s?[日號]"), None),
)


def _range_end(c: _Ctx, a: _M, p: int) -> _M | None:
    """The second element of a range starting at ``p``, resolved with ``a``'s year/month."""
    t = c.t
    if a.y is None and a.gran in ("day", "month"):
        a.y, a.m = int(a.value[:4]), int(a.value[5:7])
    for pat, h in _RANGE_B:
        mm = pat.match(t, p)
        if mm is None:
            continue
        if h is None:  # bare day: inherit year and month from a
            if a.gran != "day" or a.y is None or a.m is None:
                continue
            d = _small(mm.group("d"))
            v = _ym_value(a.y, a.m, d) if d else None
            if v is None or v[0] <= a.value:
                continue
            return _M(p, mm.end(), v[0], "day", a.rel, y=a.y, m=a.m)
        if h is _h_md:
            # M月(D日) after a dated first element: a's year, or the next one if it would go backwards
            if a.y is None or a.gran not in ("day", "month") or mm.group("dr1") or mm.group("b"):
                continue
            mo = _small(mm.group("m"))
            if mo is None or not 1 <= mo <= 12:
                continue
            d = _small(mm.group("d")) if mm.group("d") else None
            v = _ym_value(a.y, mo, d)
            if v is not None and v[0] < a.value[: len(v[0])]:
                v = _ym_value(a.y + 1, mo, d)
            if v is None:
                continue
            return _M(p, mm.end(), v[0], v[1], a.rel, y=int(v[0][:4]), m=mo)
        b = h(c, mm)
        if b is not None:
            return b
    return None


def extract_time_expressions(text: str, published: dt.date) -> list[TimeMention]:
    """All time expressions in ``text`` (one sentence or any string), resolved against ``published``."""
    if not text:
        return []
    if isinstance(published, dt.datetime):
        published = published.date()
    t = normalize(text)
    search = _TRIGGER_RE.search
    tm = search(t)
    if tm is None:
        return []  # no candidate position (most sentences): nothing else to do
    c = _Ctx(t, published)
    out: list[_M] = []
    pos = 0
    n = len(t)
    while pos < n:
        if pos:
            tm = search(t, pos)
            if tm is None:
                break
        s = tm.start()
        found = None
        nx = tm.group("nx")
        for pat, h in (_FIRST_CHARS.get(t[s], ()) if nx is None else _DIGIT_DISPATCH[nx]):
            mm = pat.match(t, s)
            if mm is None:
                continue
            r = h(c, mm)
            if r is not None:
                found = r
                break
        if found is None:
            pos = s + 1
            continue
        if c.titles and any(a <= found.start < b for a, b in c.titles):
            pos = found.end
            continue
        if _LUNAR_BEFORE_RE.search(t, max(0, found.start - 3), found.start):
            pos = found.end  # 農曆 dates are not Gregorian dates; we do not convert them
            continue
        _finish(c, found)
        out.append(found)
        pos = found.end
    return [
        TimeMention(m.start, m.end, text[m.start:m.end], m.value, m.gran, m.rel, m.value_end, m.modifier)
        for m in out
    ]


def _finish(c: _Ctx, m: _M) -> None:
    """Extend ``m`` in place with a range end (X至Y, X和Y之間) and prefix / suffix modifiers."""
    t = c.t
    pre = _PREFIX_MOD_RE.search(t, max(0, m.start - 3), m.start)
    if m.value_end is None:
        rm = _RANGE_CONN_RE.match(t, m.end)
        b = None
        if rm and rm.end() < len(t):
            b = _range_end(c, m, rm.end())
            if b is not None and b.value < m.value:
                b = None
        if b is None:
            bm = _BETWEEN_CONN_RE.match(t, m.end)
            if bm:
                b = _range_end(c, m, bm.end())
                if b is not None:
                    em = _BETWEEN_END_RE.match(t, b.end)
                    if em is None or b.value < m.value:
                        b = None
                    else:
                        b.end = em.end()
        if b is not None:
            m.value_end = b.value
            m.end = b.end
            if pre and pre.group(1) in ("從", "自", "自從"):
                m.start = pre.start()
            return
    if m.value_end is not None and pre and pre.group(1) in ("從", "自", "自從"):
        m.start = pre.start()
        return
    if m.modifier is not None:
        return  # 初 / 中 / 底 already say where in the period; no prefix / suffix on top
    sm = _SUFFIX_MOD_RE.match(t, m.end)
    if sm and not (sm.group(1) in ("前", "後") and _offset_like(t, m)):
        m.modifier = _SUFFIX_MOD[sm.group(1)]
        m.end = sm.end()
    if pre:
        pm = _PREFIX_MOD[pre.group(1)]
        if m.modifier is None or pm == "until":
            m.modifier = pm
        m.start = pre.start()


def _offset_like(t: str, m: _M) -> bool:
    """今天前 / 昨天後: relative day words do not take a bare 前/後 modifier."""
    return t[m.start:m.end] in _REL_DAY_OFF
