#!/usr/bin/env python3
"""Score our number / quantity / time extractors on the Microsoft Recognizers-Text Chinese specs.

Usage::

    .venv/bin/python scripts/eval_recognizers.py --specs /path/to/shared/eval/recognizers-text \
        [--json out.json] [--failures N]

The specs are evaluation data only: nothing is copied into the repository, the path is an
argument, and the project's tests do not use them.

Families and what is run
------------------------
numbers     Number-NumberModel.json        ``transforms.numbers.find_numbers``
percent     Number-PercentModel.json       ``extract_quantities``, kinds percent / percentage_point
                                           / discount (Recognizers reports all three as a percentage)
currency    NumberWithUnit-CurrencyModel   ``extract_quantities``, kind money
dates       DateTime-DateTimeModel.json    ``extract_time_expressions`` with the case's
                                           ReferenceDateTime as the article date

Conversion: every Input is converted from Simplified to Traditional with OpenCC ``s2twp``
(Taiwan phrasing).  Offsets must survive, so the length is checked per case; when ``s2twp``
changes the length, ``s2t`` is tried, then ``s2t`` character by character (a character whose
conversion changes length is kept as is).  The counts of each fallback are reported.

Scoring: an expected span (Start..End inclusive) is *found* when one of our mentions has
exactly that span and the same resolved value (numbers/percent: value; currency: value and
ISO code after the mapping below; dates: see ``date_matches``).  A case *passes* when every
in-scope expected span is found and we report no other mention of that family that does not
overlap an expected span (so negative cases such as 一切 / 四川 / 我的電話號碼是888-000-9999
count).  "recall-only" ignores the extra-mention condition.

Currency mapping: Recognizers resolves 元 / 块 to CNY (mainland).  In Taiwan news 元 is the New
Taiwan dollar, so an expected CNY whose span has 元 and no 人民幣 / ¥ / RMB is compared with
TWD.  ¥/￥ is JPY or CNY; we leave it null, and accept null for an expected CNY on ¥.

Scope rule (span level; a case is out of scope when it has no in-scope span left, except that
negative cases stay in scope unless a rule excludes the whole case).  The rule is about what a
fact table of Taiwan news holds and how Taiwan news writes, not about what we fail:

  whitespace_in_numeral  a space inside the expected span other than one space between an ASCII
                         character and a CJK character that are not both part of the numeral
                         (pangu spacing such as "2008 年", "5 美元", which news sites do use):
                         "7 万5 千4 百", "百 分 之 2" are ASR/tokenised text, not news typography.
  notation               scientific / exponent / SI-suffix notation (2e5, 2^5, 40k, -2.5 M).
  slash_fraction         a/b fractions (1/2, 4 6/3): in Taiwan news a/b is read as a month/day
                         date; we only read it as a date.
  classifier_multiplier  打 (dozen) folded into the value (十打 = 120): we keep the classifier as
                         the unit instead.
  bare_digit_in_prose    a lone Chinese digit inside running text that is neither followed by a
                         measure word nor standing alone (這是五那是四, 三的另一種寫法): lexically
                         ambiguous (一切, 四川, 統一) and not a fact.
  range_upper_only       the spec expects only one end of a written range (5-20% -> 20%); we
                         represent the whole range as one mention (value, value_max).
  approximate_range      negative cases for approximate numerals (百分之二三十): the spec
                         gives no reading; we emit an approximate range by design.
  money_subunit          mainland money units and sub-units 角 / 毛 / 分 / 块 / 銭 (五元三毛,
                         三块), not how Taiwan news writes amounts.
  no_amount              a currency name without an amount (人民幣 美元): not a quantity.
  identifier_number      a digit string longer than 16 digits (order numbers): an identifier,
                         beyond float precision.
  time_of_day            date model types time / timerange / datetime / datetimerange: our
                         time expressions are dates (day granularity at most).
  duration               date model type duration: durations are quantities in our design.
  set                    date model type set (每週, 每年): recurrences, not points in time.
  relative_period        a period counted from the reference (過去十年, 前1週, 後1年, 還剩5分鐘):
                         a duration quantity in our design (過去5年 is a duration).
  imperial_era           years counted in an imperial era (康熙三年, 神龍二年).
  not_resolved           the spec has no resolved value to compare (2月30日, seasons).
  foreign_date_format    D/M/YYYY, M/D/YYYY and YY-MM-DD: not written in Taiwan news.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transforms.numbers import MEASURE_WORD_RE, find_numbers  # noqa: E402
from transforms.quantities import extract_quantities  # noqa: E402
from transforms.timex import extract_time_expressions  # noqa: E402

FILES = {
    "numbers": "Number-NumberModel.json",
    "percent": "Number-PercentModel.json",
    "currency": "NumberWithUnit-CurrencyModel.json",
    "dates": "DateTime-DateTimeModel.json",
}

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NOTATION = re.compile(r"[eE^]|[0-9.]\s*[kKmM](?![a-zA-Z])|[kK]\s*個")
_NUMERAL_CHARS = set("0123456789０１２３４５６７８９零〇一二兩两三四五六七八九十百千萬万億亿兆壹貳參叁肆伍陸柒捌玖拾佰仟")
_LONE_CN = set("零〇一二兩三四五六七八九十壹貳參叁肆伍陸柒捌玖拾")
_SUBUNIT = re.compile(r"[角毛分块塊銭錢]")
_RELATIVE_PERIOD = re.compile(
    r"^(?:從|从)?(?:過去|过去|前|後|后|未來|未来|最近|近|之前|之後|之后|還剩|还剩|上個|上个|下個|下个)\s?"
    r"(?:[0-9一二三四五六七八九十兩两半]*)\s?(?:個|个)?\s?(?:年|月|週|周|星期|天|日|小時|小时|分鐘|分钟|秒)"
)
_ERA = re.compile(r"康熙|雍正|乾隆|嘉慶|道光|咸豐|同治|光緒|宣統|神龍|神龙|貞觀|开元|開元")
_FOREIGN_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|^\d{2}-\d{2}-\d{2}$")
_APPROX_PAIR = re.compile(r"(?:一二|二三|三四|四五|五六|六七|七八|八九)[十百千萬]")
_RANGE_BEFORE = re.compile(r"[0-9０-９]\s?[-~～至到]\s?$")

_OUT_TYPES = {
    "datetimeV2.time": "time_of_day",
    "datetimeV2.timerange": "time_of_day",
    "datetimeV2.datetime": "time_of_day",
    "datetimeV2.datetimerange": "time_of_day",
    "datetimeV2.duration": "duration",
    "datetimeV2.set": "set",
}


def norm(x: str) -> str:
    return unicodedata.normalize("NFKC", x).lower()


# ------------------------------------------------------------------------------------------
# Conversion


class Converter:
    def __init__(self) -> None:
        import opencc

        self.twp = opencc.OpenCC("s2twp")
        self.t = opencc.OpenCC("s2t")
        self.counts = Counter()

    def __call__(self, s: str) -> str:
        out = self.twp.convert(s)
        if len(out) == len(s):
            self.counts["s2twp"] += 1
            return out
        out = self.t.convert(s)
        if len(out) == len(s):
            self.counts["s2t"] += 1
            return out
        self.counts["s2t_charwise"] += 1
        chars = []
        for ch in s:
            c2 = self.t.convert(ch)
            chars.append(c2 if len(c2) == 1 else ch)
        return "".join(chars)


# ------------------------------------------------------------------------------------------
# Scope


def span_reason(family: str, text: str, span: str, start: int, end: int, result: dict) -> str | None:
    """Why an expected span is out of scope (None: in scope). ``end`` is exclusive."""
    if re.search(r"\s", span):
        ok = True
        for m in re.finditer(r"\s+", span):
            a = span[m.start() - 1] if m.start() > 0 else ""
            b = span[m.end()] if m.end() < len(span) else ""
            if not (len(m.group()) == 1 and a and b and (a.isascii() != b.isascii()) and
                    (_CJK.match(a) or _CJK.match(b))) or (a in _NUMERAL_CHARS and b in _NUMERAL_CHARS):
                ok = False
        if not ok:
            return "whitespace_in_numeral"
    if family in ("numbers", "percent", "currency") and _NOTATION.search(norm(span)):
        return "notation"
    if family == "numbers":
        if "/" in norm(span):
            return "slash_fraction"
        if "打" in span:
            return "classifier_multiplier"
        if len(span) == 1 and span in _LONE_CN:
            before = text[start - 1] if start > 0 else ""
            after = text[end] if end < len(text) else ""
            standalone = not (before and _CJK.match(before)) and not (after and _CJK.match(after))
            if not standalone and not MEASURE_WORD_RE.match(text, end):
                return "bare_digit_in_prose"
    if family == "percent":
        if _RANGE_BEFORE.search(text[:start]):
            return "range_upper_only"
    if family == "currency":
        res = result.get("Resolution") or {}
        if res.get("value") is None:
            return "no_amount"
        if _SUBUNIT.search(span):
            return "money_subunit"
        if re.search(r"[0-9]{17,}", span):
            return "identifier_number"
    if family == "dates":
        reason = _OUT_TYPES.get(result.get("TypeName", ""))
        if reason:
            return reason
        values = (result.get("Resolution") or {}).get("values") or []
        if any(v.get("value") == "not resolved" for v in values):
            return "not_resolved"
        if _ERA.search(span):
            return "imperial_era"
        if _FOREIGN_DATE.search(norm(span)):
            return "foreign_date_format"
        if _RELATIVE_PERIOD.match(span):
            return "relative_period"
    return None


def case_reason(family: str, text: str) -> str | None:
    """Whole-case exclusions for negative cases."""
    if family == "percent" and _APPROX_PAIR.search(text):
        return "approximate_range"
    return None


# ------------------------------------------------------------------------------------------
# Our mentions per family: list of (start, end, payload)


def ours(family: str, text: str, ref: dt.date | None):
    if family == "numbers":
        return [(m.start, m.end, m) for m in find_numbers(text)]
    if family == "percent":
        return [(q.start, q.end, q) for q in extract_quantities(text)
                if q.kind in ("percent", "percentage_point", "discount")]
    if family == "currency":
        return [(q.start, q.end, q) for q in extract_quantities(text) if q.kind == "money"]
    return [(m.start, m.end, m) for m in extract_time_expressions(text, ref)]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def expected_currency(iso: str | None, span: str) -> str | None:
    if iso == "CNY":
        if re.search(r"[¥￥]", span):
            return None
        if re.search(r"[元块塊]", span) and not re.search(r"人民幣|人民币|RMB", span, re.I):
            return "TWD"
    return iso


def value_matches(family: str, result: dict, mine) -> bool:
    res = result.get("Resolution") or {}
    if family == "numbers":
        return close(float(res["value"]), mine.value)
    if family == "percent":
        v = float(res["value"].rstrip("%"))
        return mine.value_max is None and close(v, mine.value)
    if family == "currency":
        if res.get("value") is None:
            return False
        want = expected_currency(res.get("isoCurrency"), result["Text"])
        return close(float(res["value"]), mine.value) and mine.currency == want and mine.value_max is None
    return date_matches(res.get("values") or [], mine)


# ------------------------------------------------------------------------------------------
# Dates


def _period(value: str, gran: str) -> tuple[dt.date, dt.date]:
    """[start, end) of one of our values."""
    if gran == "year":
        y = int(value)
        return dt.date(y, 1, 1), dt.date(y + 1, 1, 1)
    if gran == "half":
        y, h = int(value[:4]), int(value[-1])
        return (dt.date(y, 1, 1), dt.date(y, 7, 1)) if h == 1 else (dt.date(y, 7, 1), dt.date(y + 1, 1, 1))
    if gran == "quarter":
        y, q = int(value[:4]), int(value[-1])
        s = dt.date(y, 3 * (q - 1) + 1, 1)
        e = dt.date(y + 1, 1, 1) if q == 4 else dt.date(y, 3 * q + 1, 1)
        return s, e
    if gran == "month":
        y, m = int(value[:4]), int(value[5:7])
        return dt.date(y, m, 1), (dt.date(y + 1, 1, 1) if m == 12 else dt.date(y, m + 1, 1))
    if gran in ("week", "weekend"):
        y, w = int(value[:4]), int(value[6:8])
        monday = dt.date.fromisocalendar(y, w, 1)
        if gran == "weekend":
            return monday + dt.timedelta(days=5), monday + dt.timedelta(days=7)
        return monday, monday + dt.timedelta(days=7)
    d = dt.date.fromisoformat(value)
    return d, d + dt.timedelta(days=1)


def _gran_of(value: str) -> str:
    if re.fullmatch(r"\d{4}", value):
        return "year"
    if re.fullmatch(r"\d{4}-H\d", value):
        return "half"
    if re.fullmatch(r"\d{4}-Q\d", value):
        return "quarter"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return "month"
    if re.fullmatch(r"\d{4}-W\d{2}-WE", value):
        return "weekend"
    if re.fullmatch(r"\d{4}-W\d{2}", value):
        return "week"
    return "day"


def _d(s: str | None) -> dt.date | None:
    if not s:
        return None
    return dt.date.fromisoformat(s[:10])


def date_matches(values: list[dict], m) -> bool:
    """Does our TimeMention agree with any of the spec's resolutions?"""
    for v in values:
        timex = v.get("timex", "")
        if "value" in v:  # a single date
            if m.granularity == "day" and m.value_end is None and m.modifier is None and m.value == v["value"][:10]:
                return True
            continue
        start, end = _d(v.get("start")), _d(v.get("end"))
        if start is None or end is None:  # open-ended: compare the anchor and the direction
            want = "before" if start is None else "after"
            mine = {"before": "before", "until": "before", "after": "after", "since": "after"}.get(m.modifier or "")
            anchor = timex.strip()
            if mine == want and m.value == anchor:
                return True
            continue
        if m.modifier in ("before", "until", "after", "since"):
            continue
        if m.value == timex and m.value_end is None:
            return True
        s0, e0 = _period(m.value, m.granularity)
        if m.value_end is not None:
            e0 = _period(m.value_end, _gran_of(m.value_end))[0]
        if (s0, e0) == (start, end):
            return True
    return False


# ------------------------------------------------------------------------------------------


def evaluate(specs: Path, n_failures: int) -> dict:
    conv = Converter()
    report: dict = {"families": {}, "conversion": None}
    failures: dict[str, list] = defaultdict(list)
    for family, fname in FILES.items():
        cases = json.loads((specs / fname).read_text(encoding="utf-8"))
        span_reasons = Counter()
        case_reasons = Counter()
        n_in = n_pass = n_recall = 0
        spans_in = spans_found = 0
        for idx, c in enumerate(cases):
            src = c["Input"]
            text = conv(src)
            ref = None
            if family == "dates":
                r = (c.get("Context") or {}).get("ReferenceDateTime")
                if not r:
                    case_reasons["no_reference_date"] += 1
                    continue
                ref = dt.date.fromisoformat(r[:10])
            expected = []
            out_spans = []
            for r in c["Results"]:
                s, e = r["Start"], r["End"] + 1
                span = text[s:e]
                if norm(span) != norm(conv(r["Text"])) and norm(src[s:e]) != norm(r["Text"]):
                    span_reasons["offset_mismatch"] += 1
                    out_spans.append((s, e))
                    continue
                reason = span_reason(family, text, span, s, e, r)
                if reason:
                    span_reasons[reason] += 1
                    out_spans.append((s, e))
                else:
                    expected.append((s, e, r))
            if not expected:
                if c["Results"]:
                    case_reasons["all_spans_out_of_scope"] += 1
                    continue
                cr = case_reason(family, text)
                if cr:
                    case_reasons[cr] += 1
                    continue
            n_in += 1
            mine = ours(family, text, ref)
            found_all = True
            missing = []
            for s, e, r in expected:
                spans_in += 1
                hit = [p for (a, b, p) in mine if a == s and b == e and value_matches(family, r, p)]
                if hit:
                    spans_found += 1
                else:
                    found_all = False
                    missing.append((text[s:e], r.get("Resolution")))
            covered = [(s, e) for s, e, _ in expected] + out_spans
            extras = [(text[a:b], _show(p)) for (a, b, p) in mine
                      if not any(a < e2 and s2 < b for s2, e2 in covered)]
            if found_all:
                n_recall += 1
            if found_all and not extras:
                n_pass += 1
            elif len(failures[family]) < n_failures:
                got = [(text[a:b], _show(p)) for (a, b, p) in mine]
                failures[family].append({"case": idx, "input": text, "ref": str(ref) if ref else None,
                                         "missing": missing, "extra": extras, "got": got})
        report["families"][family] = {
            "cases": len(cases),
            "in_scope": n_in,
            "passed": n_pass,
            "pass_rate": round(n_pass / n_in, 4) if n_in else None,
            "passed_recall_only": n_recall,
            "recall_only_rate": round(n_recall / n_in, 4) if n_in else None,
            "expected_spans_in_scope": spans_in,
            "spans_found": spans_found,
            "excluded_cases": dict(case_reasons),
            "excluded_spans": dict(span_reasons),
        }
    report["conversion"] = dict(conv.counts)
    report["failures"] = failures
    return report


def _show(p) -> str:
    if hasattr(p, "kind"):
        return f"{p.kind}:{p.value}{'-' + str(p.value_max) if p.value_max is not None else ''} {p.unit or ''} {p.currency or ''}".strip()
    if hasattr(p, "granularity"):
        extra = f"..{p.value_end}" if p.value_end else ""
        return f"{p.value}{extra} {p.granularity}{' ' + p.modifier if p.modifier else ''}"
    return f"{p.value}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--specs", required=True, type=Path, help="folder with the four Chinese spec files")
    ap.add_argument("--json", type=Path, help="write the full report as JSON here")
    ap.add_argument("--failures", type=int, default=0, help="print up to N failing cases per family")
    args = ap.parse_args(argv)
    report = evaluate(args.specs, args.failures)
    print(f"{'family':10} {'cases':>5} {'in-scope':>8} {'passed':>6} {'rate':>6}  {'recall-only':>11}  excluded")
    for fam, r in report["families"].items():
        excl = dict(r["excluded_spans"])
        for k, v in r["excluded_cases"].items():
            excl[f"case:{k}"] = v
        print(f"{fam:10} {r['cases']:5d} {r['in_scope']:8d} {r['passed']:6d} {r['pass_rate']:6.1%}  "
              f"{r['recall_only_rate']:11.1%}  {excl}")
    print("conversion:", report["conversion"])
    if args.failures:
        for fam, fl in report["failures"].items():
            for f in fl:
                print(f"\n[{fam} #{f['case']}] {f['input']!r} ref={f['ref']}")
                if f["missing"]:
                    print("   missing:", f["missing"])
                if f["extra"]:
                    print("   extra:  ", f["extra"])
                print("   got:    ", f["got"])
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
