"""Numbers written in Traditional-Chinese (Taiwan) news text: parse and locate them.

Pure and deterministic: no I/O, module-level precompiled regexes only.  Two memo caches
(numerals by run text; the last normalised / scanned sentence) only hold results of pure
functions, so they never change an output (``clear_caches()`` empties them).

Public API
----------
``parse_number(text) -> float | None``
    The value of a string that is exactly one number: Arabic (``1,158``, ``9.8``, full-width
    ``９．８``, ``４，５６５``), Chinese (``三千五百萬``, ``兩百``, ``一萬零五``, financial
    ``壹佰``), mixed (``1,158萬``, ``3億2000萬``, ``4.78萬億``), digit-by-digit (``二〇二六``),
    approximate internal forms (``十多萬``, ``500餘萬`` -> the lower bound), fractions
    (``三分之一``, ``一又二分之一``) and a leading sign (``負``, ``-``).  ``None`` for anything
    else, including percentages (``百分之十五``, ``15%``: those are quantities, see
    ``transforms.quantities``).
``find_numbers(text) -> list[NumberMention]``
    Every number written in ``text`` (the "number finder"): offsets into ``text``, value.
    Skips identifiers (``A18``, ``iPhone 16``, IP addresses, ``888-000-9999``), numeral
    characters used as words (``一切``, ``四川``, ``萬一``, ``千萬``) and digit sequences that are
    not numbers (``九九``).
``normalize(text) -> str``
    Same-length normalisation used by the extractors: full-width digits and ``．％－／：～＄``
    become ASCII, a full-width comma between full-width digit groups becomes ``,``.
``scan_numerals(t)``, ``scan_numerals_cached(t)``, ``Numeral``, ``calendar_year(...)``
    Building blocks shared with ``quantities`` and ``timex`` (the cached scan returns a shared
    tuple: both extractors scan the same sentence).

Why not cn2an alone
-------------------
cn2an (a dependency, used in the tests as an oracle) parses standard Chinese numerals, but it
rejects forms that Taiwan news prints every day: ``兆`` (10^12), Arabic digits with thousands
commas mixed with a magnitude (``1,158萬``), stacked magnitudes (``4.78萬億``, ``四萬萬``),
``兩`` in strict mode, abbreviated forms (``百三``), and it only parses a string that is already a
number (about 11 µs per call), whereas the extractors must *find* the numbers in a sentence.
Finding requires tokenising the numeral anyway, and the value falls out of that same scan, so
the value computation here is our own (exact integer/Decimal arithmetic, one float conversion
at the end, so every integer up to 10^16 is returned as the nearest float).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

__all__ = [
    "parse_number",
    "find_numbers",
    "normalize",
    "NumberMention",
    "Numeral",
    "scan_numerals",
    "scan_numerals_cached",
    "clear_caches",
    "calendar_year",
    "MEASURE_WORD_RE",
    "url_spans",
    "in_spans",
    "is_identifier_context",
    "ERA_BEFORE_RE",
    "ERA_NAME_LAST",
]

# --------------------------------------------------------------------------------------------
# Normalisation (length preserving, so offsets stay valid)

_FW_FROM = "０１２３４５６７８９．％－／：～＄−"
_FW_TABLE = str.maketrans(_FW_FROM, "0123456789.%-/:~$-")
# Any character that normalisation changes (the comma only changes between full-width digits).
_FW_ANY_RE = re.compile("[" + re.escape(_FW_FROM) + "]")
_FW_COMMA_RE = re.compile(r"(?<=[０-９])，(?=[０-９]{3}(?![０-９]))")
# One-entry cache: the extractors normalise the same sentence one after the other.
_norm_last: tuple[str, str] = ("", "")


def normalize(text: str) -> str:
    """Full-width digits and number punctuation to ASCII; length and offsets are preserved.

    A full-width comma ``，`` is the ordinary Chinese comma, so it only becomes a thousands
    separator between full-width digits with exactly three digits after it (``４，５６５``).
    """
    global _norm_last
    if _FW_ANY_RE.search(text) is None:
        return text  # nothing to change (most sentences): no str.translate pass
    last = _norm_last
    if last[0] == text:
        return last[1]
    t = text
    if "，" in t:
        t = _FW_COMMA_RE.sub(",", t)
    t = t.translate(_FW_TABLE)
    _norm_last = (text, t)
    return t


# --------------------------------------------------------------------------------------------
# Tokens

_CN_DIGITS = {
    "零": 0, "〇": 0, "○": 0,
    "一": 1, "壹": 1,
    "二": 2, "貳": 2, "贰": 2, "弍": 2, "兩": 2, "两": 2, "倆": 2, "俩": 2,
    "三": 3, "參": 3, "叁": 3, "叄": 3, "参": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陸": 6, "陆": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
_ZERO_CHARS = frozenset("零〇○")
# Characters allowed in a digit-by-digit reading (二〇二六) and after 點 (三點一四).
_POSITIONAL = frozenset("零〇○一二三四五六七八九")
_DEC_DIGITS = frozenset("零〇○一二三四五六七八九壹貳贰參叁叄肆伍陸陆柒捌玖")
_FINANCIAL = frozenset("壹貳贰參叁叄肆伍陸陆柒捌玖拾佰仟")
_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_TENS = {"廿": 20, "卄": 20, "卅": 30, "卌": 40}  # 廿一 = 21 (dates, older texts)
_BIG = {"萬": 10**4, "万": 10**4, "億": 10**8, "亿": 10**8, "兆": 10**12}

_CN_CLASS = "零〇○一壹二貳贰弍兩两倆俩三參叁叄参四肆五伍六陸陆七柒八捌九玖十拾百佰千仟萬万億亿兆廿卄卅卌"
_AR = r"(?:[0-9]+(?:,[0-9]{3}(?![0-9]))*(?:\.[0-9]+)?|(?<![0-9.])\.[0-9]+)"
_DEC_AHEAD = "零〇○一二三四五六七八九壹貳贰參叁叄肆伍陸陆柒捌玖"  # 點 is a decimal point before these
_APX_AHEAD = "十拾百佰千仟萬万億亿兆"  # 多 / 餘 / 幾 are inside a numeral before these
_TOK_RE = re.compile(
    rf"(?P<ar>{_AR})"
    rf"|(?P<cn>[{_CN_CLASS}])"
    rf"|(?P<dec>[點点](?=[{_DEC_AHEAD}]))"
    rf"|(?P<apx>[多餘余幾几](?=[{_APX_AHEAD}]))"
)
# A run of adjacent tokens (what ``_tokens`` groups into one run), found in one C-level scan.
# Same language as ``(?:<_TOK_RE>)+``, written to start with a plain character class so that the
# regex engine skips non-candidate characters without trying the alternatives at each position:
# the first character is consumed by the class, and a lookbehind on it selects the alternative
# of ``_TOK_RE`` it starts (``(?<![0-9.]\.)`` is ``_AR``'s ``(?<![0-9.])\.`` seen from after the dot).
_TOK = rf"{_AR}|[{_CN_CLASS}]|[點点](?=[{_DEC_AHEAD}])|[多餘余幾几](?=[{_APX_AHEAD}])"
_RUN_RE = re.compile(
    rf"[0-9.{_CN_CLASS}點点多餘余幾几]"
    rf"(?:(?<=[0-9])[0-9]*(?:,[0-9]{{3}}(?![0-9]))*(?:\.[0-9]+)?"
    rf"|(?<=\.)(?<![0-9.]\.)[0-9]+"
    rf"|(?<=[{_CN_CLASS}])"
    rf"|(?<=[點点])(?=[{_DEC_AHEAD}])"
    rf"|(?<=[多餘余幾几])(?=[{_APX_AHEAD}]))"
    rf"(?:{_TOK})*"
)

# Longest Arabic digit run read as a number (10^24 is far beyond any amount in the news).
MAX_DIGITS = 24

# kinds: 'ar' Arabic, 'd' digit 1-9 (and 兩), 'z' zero char, 's' 十百千, 'b' 萬億兆,
#        'dec' 點, 'apx' 多/餘, 'ji' 幾
_Token = tuple  # (kind, value, start, end, raw)


def _tokens(t: str) -> list[list[_Token]]:
    """Runs of adjacent numeral tokens in normalised text ``t``."""
    runs: list[list[_Token]] = []
    cur: list[_Token] = []
    last_end = -1
    for m in _TOK_RE.finditer(t):
        s, e = m.span()
        kind = m.lastgroup
        raw = m.group()
        if kind == "ar":
            digits = raw.replace(",", "")
            if len(digits) > MAX_DIGITS:
                # A run this long is a code or garbage, never a quantity (and int() refuses > 4300 digits).
                if cur:
                    runs.append(cur)
                    cur = []
                last_end = -1
                continue
            tok = ("ar", Decimal(digits) if "." in digits else int(digits), s, e, raw)
        elif kind == "cn":
            if raw in _CN_DIGITS:
                v = _CN_DIGITS[raw]
                tok = ("z" if raw in _ZERO_CHARS else "d", v, s, e, raw)
            elif raw in _SMALL:
                tok = ("s", _SMALL[raw], s, e, raw)
            elif raw in _TENS:
                tok = ("ty", _TENS[raw], s, e, raw)
            else:
                tok = ("b", _BIG[raw], s, e, raw)
        elif kind == "dec":
            tok = ("dec", None, s, e, raw)
        elif raw in "幾几":
            tok = ("ji", None, s, e, raw)
        else:
            tok = ("apx", None, s, e, raw)
        if s != last_end and cur:
            runs.append(cur)
            cur = []
        cur.append(tok)
        last_end = e
    if cur:
        runs.append(cur)
    return runs


class Numeral(NamedTuple):
    """One numeral found in normalised text (internal building block; immutable)."""

    start: int
    end: int
    value: Decimal | int
    value_max: Decimal | int | None  # 二三十 -> 20..30
    approx: bool  # internal 多/餘/幾 (十多萬): value is a lower bound
    big: int  # multiplier of the last 萬/億/兆 applied (1 if none); mantissa = value / big
    arabic: bool  # contains Arabic digits
    chinese: bool  # contains Chinese numeral characters
    positional: bool  # digit-by-digit reading (二〇二六, 一九九一) or a bare single digit
    single_cn: bool  # exactly one Chinese digit character (一, 兩, 五)
    financial: bool  # uses financial numerals (壹貳參...)
    cn_decimal: bool  # uses 點
    raw: str

    @property
    def is_int(self) -> bool:
        return self.value == int(self.value)


def _eval(toks: list[_Token]):
    """Value of a token sequence that is one numeral, or None.

    Returns (value, value_max, approx, big, positional).
    """
    n = len(toks)
    kinds = [t[0] for t in toks]
    # Digit-by-digit reading: 二〇二六, 一九九一 (no units).  兩 / financial digits never.
    if all(k in ("d", "z") for k in kinds):
        if n == 1:
            return toks[0][1], None, False, 1, True
        if n == 2 and kinds[0] == "d" and toks[1][1] == toks[0][1] + 1 and toks[0][4] not in _FINANCIAL:
            return toks[0][1], toks[1][1], True, 1, False  # 兩三(天), 七八(成): approximately 2 to 3
        if all(t[4] in _POSITIONAL for t in toks):
            return int("".join(str(t[1]) for t in toks)), None, False, 1, True
        return None
    # Approximate pair of adjacent digits: 二三十 (20-30), 三四百萬, 十五六 (15-16), 一百二三十.
    limit = kinds.index("dec") if "dec" in kinds else n  # digits after 點 are decimals
    for k in range(limit - 1):
        if kinds[k] == "d" and kinds[k + 1] == "d":
            if toks[k + 1][1] != toks[k][1] + 1 or toks[k][4] in _FINANCIAL:
                return None
            lo = _eval(toks[:k + 1] + toks[k + 2:])
            hi = _eval(toks[:k] + toks[k + 1:])
            if lo is None or hi is None or lo[1] is not None or hi[1] is not None:
                return None
            return lo[0], hi[0], True, lo[3], False
    groups: list[list] = []  # [unit, total]
    section = 0
    pending = None
    pend_single = False
    frac = None
    last_small = None
    last_unit = None
    zero = False
    approx = False
    prev = None
    big = 1
    i = 0
    while i < n:
        k, v, _s, _e, raw = toks[i]
        if k == "z":
            if prev in ("d", "ar", "z", "dec", "ji"):
                return None
            zero = True
            prev = "z"
        elif k == "d":
            if prev in ("d", "ar", "dec", "ji"):
                return None
            pending = v
            pend_single = True
            prev = "d"
        elif k == "ji":
            if prev in ("d", "ar", "dec", "ji"):
                return None
            pending = 1 if prev is None else 0
            pend_single = False
            approx = True
            prev = "ji"
        elif k == "ar":
            if prev in ("d", "ar", "dec", "ji"):
                return None
            pending = v
            pend_single = isinstance(v, int) and v < 10 and "." not in raw
            prev = "ar"
        elif k == "ty":  # 廿 / 卅: a complete tens value
            if prev not in (None, "z", "b") or (last_small is not None and last_small <= 10):
                return None
            section += v
            pending = None
            pend_single = False
            last_small = 10
            last_unit = 10
            zero = False
            prev = "s"
        elif k == "s":
            if prev in ("s", "dec", "apx"):
                return None
            if last_small is not None and v >= last_small:
                return None
            if pending is None:
                if v == 10 and prev in (None, "z", "b"):
                    d = 1
                elif prev is None and n == 2 and kinds[1] == "d":  # 百三, 千三
                    d = 1
                else:
                    return None
            else:
                d = pending
            section += d * v
            pending = None
            pend_single = False
            last_small = v
            last_unit = v
            zero = False
            prev = "s"
        elif k == "b":
            if prev == "b" and pending is None and section == 0 and frac is None:
                # stacked magnitudes: 萬萬 = 億, 萬億 = 兆
                if not groups or groups[-1][0] > v:
                    return None
                u0, t0 = groups.pop()
                if groups and groups[-1][0] <= u0 * v:
                    return None
                groups.append([u0 * v, t0 * v])
                last_unit = u0 * v
                big = u0 * v
            else:
                if pending is None and section == 0 and frac is None:
                    return None
                tmp = section + (pending or 0) + (frac or 0)
                while groups and groups[-1][0] < v:
                    tmp += groups.pop()[1]
                if groups and groups[-1][0] == v:
                    return None
                groups.append([v, tmp * v])
                big = v
                last_unit = v
            section = 0
            pending = None
            pend_single = False
            frac = None
            last_small = None
            zero = False
            prev = "b"
        elif k == "dec":
            if prev not in ("d", "s", "b", "z") or frac is not None:
                return None
            j = i + 1
            digs = []
            while j < n and toks[j][0] in ("d", "z") and toks[j][4] in _DEC_DIGITS:
                digs.append(str(toks[j][1]))
                j += 1
            if not digs:
                return None
            frac = Decimal("0." + "".join(digs))
            if pend_single and pending is not None and last_unit is not None and not zero:
                pending = pending * (last_unit // 10)  # 兩千三點一 = 2300.1
                pend_single = False
            i = j
            prev = "dec"
            continue
        else:  # apx 多/餘: only between a number and a unit
            if prev not in ("s", "d", "ar"):
                return None
            approx = True
            prev = "apx"
        i += 1
    if prev == "apx":
        return None
    if prev == "z" and not groups and section == 0 and pending is None:
        return 0, None, False, 1, True  # 零
    if pending is not None and pend_single and not zero and last_unit is not None and prev in ("d", "ar"):
        pending = pending * (last_unit // 10)  # 一萬三 = 13000, 三百五 = 350, 十五 = 15
    total = sum(t for _, t in groups) + section + (pending or 0) + (frac or 0)
    if prev == "ji" and last_unit is None:
        return None
    return total, None, approx, big, False


def _numeral(toks: list[_Token], res) -> Numeral:
    value, vmax, approx, big, positional = res
    arabic = chinese = False
    raw_parts = []
    cn_decimal = False
    for tok in toks:
        if tok[0] == "ar":
            arabic = True
        else:
            chinese = True
            if tok[0] == "dec":
                cn_decimal = True
        raw_parts.append(tok[4])
    raw = "".join(raw_parts)
    return Numeral(
        toks[0][2], toks[-1][3], value, vmax, approx, big, arabic, chinese, positional,
        len(toks) == 1 and toks[0][0] in ("d", "z", "s"),
        chinese and not _FINANCIAL.isdisjoint(raw),
        cn_decimal,
        raw,
    )


def _run_numerals(run: str) -> tuple[Numeral, ...]:
    """The numerals of one run of numeral tokens (offsets relative to the run).

    A run is cut into the longest valid numerals, left to right (五十千 -> 五十, then 千 alone
    is not a numeral and is dropped).
    """
    out: list[Numeral] = []
    for toks in _tokens(run):  # more than one run only around an over-long digit string
        i = 0
        n = len(toks)
        while i < n:
            found = None
            for j in range(n, i, -1):
                res = _eval(toks[i:j])
                if res is not None:
                    found = (j, res)
                    break
            if found is None:
                i += 1
                continue
            j, res = found
            out.append(_numeral(toks[i:j], res))
            i = j
    return tuple(out)


# Numerals of a run depend on the run's text alone (the tokeniser's lookarounds never reach
# outside a run: a run ends where no token starts, and a token at the start of a run was
# accepted in context), so they are memoised by run text: news repeats the same few numerals.
_RUN_CACHE: dict[str, tuple[Numeral, ...]] = {}
_RUN_CACHE_MAX = 20000
_scan_last: tuple[str, tuple[Numeral, ...]] = ("", ())
_new_numeral = tuple.__new__


def scan_numerals_cached(t: str) -> tuple[Numeral, ...]:
    """``scan_numerals(t)`` as a tuple, cached for the last text (quantities and timex scan the
    same normalised sentence one after the other)."""
    global _scan_last
    last = _scan_last
    if last[0] == t:
        return last[1]
    out: list[Numeral] = []
    cache = _RUN_CACHE
    for m in _RUN_RE.finditer(t):
        run = m.group()
        nums = cache.get(run)
        if nums is None:
            if len(cache) >= _RUN_CACHE_MAX:
                cache.clear()
            nums = cache[run] = _run_numerals(run)
        a = m.start()
        if a == 0:
            out.extend(nums)
        else:
            for x in nums:
                out.append(_new_numeral(Numeral, (x[0] + a, x[1] + a) + x[2:]))
    res = tuple(out)
    _scan_last = (t, res)
    return res


def clear_caches() -> None:
    """Forget the memoised runs and the last normalised / scanned text (benchmarks: a cold start)."""
    global _scan_last, _norm_last
    _RUN_CACHE.clear()
    _scan_last = ("", ())
    _norm_last = ("", "")


def scan_numerals(t: str) -> list[Numeral]:
    """All numerals in normalised text ``t`` (no context filtering), left to right.

    A run of numeral characters is cut into the longest valid numerals, left to right
    (五十千 -> 五十, then 千 alone is not a numeral and is dropped).
    """
    return list(scan_numerals_cached(t))


# --------------------------------------------------------------------------------------------
# parse_number

_SIGN_RE = re.compile(r"^(?:負|负|-)\s*")
_FRACTION_WHOLE_RE = re.compile(r"^(?:(?P<whole>.+?)又)?(?P<den>.+?)分之(?P<num>.+)$")


def _whole_numeral(s: str):
    runs = _tokens(s)
    if len(runs) != 1:
        return None
    run = runs[0]
    if run[0][2] != 0 or run[-1][3] != len(s):
        return None
    res = _eval(run)
    if res is None or res[1] is not None:
        return None  # not one number (二三十 is a range)
    return res[0]


def parse_number(text: str) -> float | None:
    """The value of ``text`` if it is exactly one number, else None.

    ``'1,158萬'`` -> 11580000.0, ``'三千五百萬'`` -> 35000000.0, ``'９．８兆'`` -> 9.8e12,
    ``'兩百'`` -> 200.0, ``'三分之一'`` -> 0.333..., ``'百分之十五'`` -> None (a percentage).
    Approximate forms give their lower bound (``'十多萬'`` -> 100000.0).
    """
    if not text:
        return None
    s = normalize(text).strip()
    if not s:
        return None
    neg = False
    m = _SIGN_RE.match(s)
    if m:
        neg = True
        s = s[m.end():]
        if not s:
            return None
    if "分之" in s:
        fm = _FRACTION_WHOLE_RE.match(s)
        if fm is None:
            return None
        den = _whole_numeral(fm.group("den"))
        num = _whole_numeral(fm.group("num"))
        if den is None or num is None or den == 0:
            return None
        val = Decimal(num) / Decimal(den)
        if fm.group("whole") is not None:
            w = _whole_numeral(fm.group("whole"))
            if w is None:
                return None
            val += w
    else:
        val = _whole_numeral(s)
        if val is None:
            return None
    try:
        f = float(val)
    except OverflowError:  # e.g. 萬萬萬… stacked beyond float range
        return None
    return -f if neg else f


# --------------------------------------------------------------------------------------------
# Finding numbers in running text

# Measure words and units that may follow a lone Chinese digit (一隻, 三雙, 九年, 五台山 ...).
# Kept deliberately to classifiers and units: a lone 一..九 followed by anything else is a
# word (一切, 四川, 統一), not a number.
MEASURE_WORD_RE = re.compile(
    r"(?:個|个|名|位|人|家|間|件|次|隻|只|條|张|張|本|部|台|臺|輛|架|艘|頭|匹|棟|座|所|戶|顆|粒|片|枚|支|枝|根|把|"
    r"塊|块|對|对|雙|双|副|套|組|批|份|項|種|类|類|款|場|屆|期|回|趟|遍|起|例|筆|封|首|篇|段|句|頁|章|節|堂|門|層|"
    r"樓|級|年|月|天|日|週|周|星期|禮拜|小時|鐘頭|分鐘|秒|歲|元|角|毛|噸|吨|公斤|斤|公里|公尺|米|公分|里|倍|成|折|"
    r"%|美元|美金|歐元|日圓|日元|日幣|港元|港幣|英鎊|人民幣|韓元|澳幣|加幣|泰銖|瑞士法郎|法郎|盧比|盧布|"
    r"國|縣|市|校|席|票|股|碗|杯|瓶|罐|盒|袋|箱|包|口|尾|株|棵|輪|局|盤|班|道)"
)

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_BEFORE_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*[ \-_]?$")


@dataclass(frozen=True, slots=True)
class NumberMention:
    """A number in text: ``text == input[start:end]``."""

    start: int
    end: int
    text: str
    value: float


_URL_RE = re.compile(r"(?:https?://|www\.)[!-~]+")


def url_spans(t: str) -> list[tuple[int, int]]:
    """Spans of URLs in ``t`` (numbers inside them are not numbers of the text)."""
    if "http" not in t and "www." not in t:
        return []
    return [m.span() for m in _URL_RE.finditer(t)]


def in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


_HYPHEN_CHAIN_RE = re.compile(r"[0-9]+(?:-[0-9]+){2,}")


_ASCII_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Only these characters just before / after the digits can make them an identifier (fast path).
_ID_BEFORE = frozenset(_ASCII_LETTERS + "_#@ -.")
_ID_AFTER = frozenset(_ASCII_LETTERS + ".-")


def is_identifier_context(t: str, s: int, e: int) -> bool:
    """True when the Arabic digits t[s:e] belong to an identifier, code or address.

    A18, iPhone 16, COVID-19, 5G, 192.168.1.1, 888-000-9999, #3.
    """
    if (s == 0 or t[s - 1] not in _ID_BEFORE) and (e >= len(t) or t[e] not in _ID_AFTER):
        return False
    if s > 0:
        c = t[s - 1]
        if c.isascii() and (c.isalpha() or c in "_#@"):
            return True
        if c in " -_" and _LATIN_BEFORE_RE.search(t, max(0, s - 12), s):
            return True
        if c == "." and s > 1 and t[s - 2].isdigit():
            return True  # 1.2.3 / IP
    if e < len(t):
        c = t[e]
        if c.isascii() and c.isalpha():
            return True
        if c == "." and e + 1 < len(t) and t[e + 1].isdigit():
            return True
    if (s > 0 and t[s - 1] == "-") or (e < len(t) and t[e] == "-"):
        # a chain of 3+ hyphenated digit groups is a phone number or code
        a = s
        while a > 0 and (t[a - 1].isdigit() or t[a - 1] == "-"):
            a -= 1
        b = e
        while b < len(t) and (t[b].isdigit() or t[b] == "-"):
            b += 1
        if _HYPHEN_CHAIN_RE.search(t, a, b):
            return True
    return False


def _lone_digit_ok(t: str, num: Numeral) -> bool:
    """A single Chinese digit counts as a number only before a measure word or standing alone."""
    if num.financial:
        return False
    e = num.end
    if MEASURE_WORD_RE.match(t, e):
        return True
    before = t[num.start - 1] if num.start > 0 else ""
    after = t[e] if e < len(t) else ""
    return not (before and _CJK_RE.match(before)) and not (after and _CJK_RE.match(after))


_FRACTION_RE = re.compile(r"\s*分\s*之\s*")
_MIXED_RE = re.compile(r"\s*又\s*")
_TIME_AFTER_CN_DECIMAL_RE = re.compile(r"[分刻整鐘滴]")


def find_numbers(text: str) -> list[NumberMention]:
    """Every number written in ``text``, with offsets into ``text``.

    Fractions (``三分之一``, ``一又二分之一``) are one number; in ``百分之十五`` the number is
    ``十五`` (the percentage itself is a quantity).
    """
    t = normalize(text)
    nums = scan_numerals(t)
    urls = url_spans(t)
    if urls:
        nums = [x for x in nums if not in_spans(x.start, urls)]
    out: list[NumberMention] = []
    i = 0
    n = len(nums)
    while i < n:
        num = nums[i]
        s, e = num.start, num.end
        value = Decimal(num.value) if not isinstance(num.value, Decimal) else num.value
        if num.arabic and is_identifier_context(t, s, e):
            i += 1
            continue
        # fraction: N 分之 M (M may carry 負), optionally W 又 N 分之 M
        fm = _FRACTION_RE.match(t, e)
        if fm and i + 1 < n and value != 0:
            p = fm.end()
            num_neg = t[p:p + 1] in ("負", "负")
            nxt = nums[i + 1]
            if nxt.start == p + (1 if num_neg else 0):
                val = Decimal(nxt.value) / value
                if num_neg:
                    val = -val
                fs = s
                if out and _MIXED_RE.fullmatch(t, out[-1].end, s):
                    w = out.pop()
                    wv = Decimal(repr(w.value))
                    val = wv + val if wv >= 0 else wv - val
                    fs = w.start
                if t[fs - 1:fs] in ("負", "负"):
                    fs -= 1
                    val = -val
                out.append(NumberMention(fs, nxt.end, text[fs:nxt.end], float(val)))
                i += 2
                continue
        if num.value_max is not None and not num.big > 1 and not MEASURE_WORD_RE.match(t, e):
            i += 1
            continue  # 略知一二, 二三事
        if num.single_cn and not _lone_digit_ok(t, num) and not _MIXED_RE.match(t, e):
            i += 1
            continue
        if num.positional and not num.single_cn and not num.arabic:
            # digit-by-digit Chinese: only years (二〇二六年) or with a zero (一〇一)
            if not (t.startswith("年", e) or any(c in _ZERO_CHARS for c in num.raw)):
                i += 1
                continue
        if num.cn_decimal and _TIME_AFTER_CN_DECIMAL_RE.match(t, e):
            i += 1
            continue  # 三點五分 is a time, 一點一滴 an idiom
        # sign
        if s > 0 and (t[s - 1] in "負负" or (t[s - 1] == "-" and (s < 2 or not (t[s - 2].isalnum() or t[s - 2] == "-")))):
            s -= 1
            value = -value
        out.append(NumberMention(s, e, text[s:e], float(value)))
        i += 1
    return out


# --------------------------------------------------------------------------------------------
# Is "<numeral>年" a calendar year?  Shared by quantities (durations) and timex (dates).

_ERA_BEFORE_RE = re.compile(r"(民國前|民國|民国|中華民國|西元|公元)\s?$")
_ORDINAL_BEFORE_RE = re.compile(r"第\s?$")
_JP_ERA = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}
_JP_ERA_BEFORE_RE = re.compile(r"(明治|大正|昭和|平成|令和)\s?$")
# Other era names: a year in them is neither a Gregorian year nor a duration.
_ERA_NAMES = (
    "康熙", "雍正", "乾隆", "嘉慶", "道光", "咸豐", "同治", "光緒", "宣統", "洪武", "永樂", "萬曆", "崇禎", "貞觀", "開元", "天寶",
    "神龍", "成化", "弘治", "正德", "嘉靖", "隆慶", "天啟", "順治", "元和", "建武", "永和",
)
ERA_BEFORE_RE = re.compile("(?:" + "|".join(_ERA_NAMES) + r")\s?$")
# The last characters of those era names: ERA_BEFORE_RE can only match at a number whose
# preceding character is one of them (or whitespace); checked first, for speed.
ERA_NAME_LAST = frozenset(w[-1] for w in _ERA_NAMES)
_MONTH_AFTER_RE = re.compile(r"\s?(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]|元)\s?月")
# Words that make "N年" a length of time (過去5年, 長達100年, 100年來, 建校120年).
_DURATION_BEFORE_RE = re.compile(
    r"(?:過去|过去|未來|未来|長達|长达|為期|为期|將近|接近|近|逾|超過|超过|約|大約|共|連續|连续|歷經|历经|花了|花費|"
    r"耗時|歷時|經過|相隔|時隔|睽違|間隔|滿|已有|有|達|至少|最近|這|每|任期|服刑|徒刑|判刑|刑期|成立|創立|創校|建校|"
    r"建國|開業|創業|存在|長|短短|僅|只|前|後|再|多|數|幾|好|這麼|那麼|才)\s?$"
)
_SENTENCE_BEFORE_RE = re.compile(r"(?:徒刑|判刑|判處|處|刑期|服刑|改判|求刑|減刑|褫奪公權|共|合計|歷時|為期|長達)\s?$")
_DURATION_AFTER_RE = re.compile(
    r"(?:來|以來|多|餘|之久|內|之內|以內|間|之間|左右|後|前|期間|的時間|的歷史|歷史|週年|周年|老店|老字號|刑|徒刑|"
    r"有期|級|代|半|以上|以下|上下|前後|的光陰|光陰|的努力|的經驗|經驗|資歷|時間)"
)


def calendar_year(t: str, num: Numeral, year_pos: int) -> int | None:
    """The Gregorian year if ``num`` followed by 年 (at ``year_pos``) is a calendar year, else None.

    Rules (Taiwan news), in order:

    1. after 民國 -> ROC year + 1911 (民國前N年 -> 1912 - N); after 西元/公元 -> as written;
    2. after 第 -> None (ordinal: 第3年);
    3. digit-by-digit with a leading zero, two digits (08年, 零八年) -> 2000 + N;
       four Chinese digits (二〇二六年) -> as written;
    4. Arabic 1500..2199 -> that year (2020年);
    5. followed by a month (115年1月, 18年10月) or 年度 -> a year: >= 1000 as written,
       100..199 ROC, 30..99 ROC (89年5月 = 2000), 0..29 -> 2000 + N;
    6. Arabic 100..150 with no duration cue around it (過去/長達/近/逾/約 ... before,
       來/以來/多/內/間/左右/前/後/歷史/週年 ... after) -> ROC year (115年預算 = 2026);
    7. Japanese era years (昭和7年, 令和6年) -> Gregorian;
    8. anything else is not a calendar year (5年, 五年, 300年: durations).

    Four-digit Arabic 1000..1499 is a year unless a duration cue is around it (長達1000年).
    """
    if not num.is_int:
        return None
    v = int(num.value)
    before = t[max(0, num.start - 6):num.start]
    m = _ERA_BEFORE_RE.search(before)
    if m:
        era = m.group(1)
        if era == "民國前":
            return 1912 - v if v >= 1 else None
        if era in ("民國", "民国", "中華民國"):
            return 1911 + v if 1 <= v <= 200 else None
        return v if v >= 1 else None
    if _ORDINAL_BEFORE_RE.search(before):
        return None
    jm = _JP_ERA_BEFORE_RE.search(before)
    if jm:
        return _JP_ERA[jm.group(1)] + v if v >= 1 else None
    if num.approx or num.value_max is not None:
        return None
    raw = num.raw
    if num.positional and not num.single_cn:
        if len(raw) == 2 and (raw[0] in "0零〇○"):
            return 2000 + v
        if len(raw) == 4:
            return v
    if num.arabic and not num.chinese and len(raw) == 2 and raw[0] == "0":
        return 2000 + v
    if num.arabic and not num.chinese and len(raw) == 4 and 1000 <= v <= 2199:
        if v >= 1500:
            return v
        if not (_DURATION_BEFORE_RE.search(before) or _DURATION_AFTER_RE.match(t, year_pos + 1)):
            return v
    after_pos = year_pos + 1
    if _MONTH_AFTER_RE.match(t, after_pos) or t.startswith("度", after_pos):
        if _SENTENCE_BEFORE_RE.search(before) or (v < 10 and not raw.startswith("0")):
            return None  # 有期徒刑3年6月: a prison term, not a date
        if v >= 1000:
            return v if v <= 2199 else None
        if 100 <= v <= 199 or 30 <= v <= 99:
            return 1911 + v
        if 0 <= v <= 29:
            return 2000 + v
        return None
    if num.arabic and not num.chinese and 100 <= v <= 150:
        if _DURATION_BEFORE_RE.search(before) or _DURATION_AFTER_RE.match(t, after_pos):
            return None
        return 1911 + v
    return None
