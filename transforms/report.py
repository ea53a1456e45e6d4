"""The analysts' HTML report and the run-summary renderings (pure: Arrow tables in, strings out).

`render_report` turns the Delta tables (as Arrow tables) into one self-contained HTML page: inline CSS, inline
SVG charts drawn here from the data, no script, no external URL (a Content-Security-Policy forbids loading
anything), printable. Aggregation is done with pyarrow compute before anything is drawn, so 100k articles and
millions of entity rows cost a few group-bys; the page itself stays small (bars capped at the top N, time
buckets widened on long spans). Every text from the data is escaped with `html.escape`.

`render_run_summary_markdown` and `rejects_table_rows` feed Prefect artifacts (markdown and table).

Everything is deterministic for the same input and `generated_at`: every sort has a full tie-break, floating
sums are taken single-threaded in input order, and no set or hash order reaches the output.

What each chart shows: docs/report.md.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from transforms.schema import ALL_TABLES, REJECT_REASONS

TOP_N = 15  # bars in the people / organisations charts
TOP_CATEGORIES = 8  # categories drawn in their own colour; the rest are summed as "other"
TOP_CURRENCIES = 6  # currency panels in the money chart
LATEST_REJECTS = 30  # rows of the latest-rejects table
LATEST_RUNS = 25  # rows of the runs table
CHART_RUNS = 40  # runs drawn in the runs chart
MAX_DAYS = 20_000  # a daily axis longer than this (a stray date decades off) is drawn per week, month or year
MAX_BARS = 200  # a daily series longer than this is drawn as one path (no tooltip per day)

MAX_BAR_W = 56  # widest column, so that a few buckets do not make slabs
WIDTH = 960  # SVG user units; the SVG scales to the page width
FONT = 12

PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f")
OTHER_COLOUR = "#bab0ac"
NONE_COLOUR = "#dcd7d3"
STATUS_COLOURS = {"completed": "#59a14f", "failed": "#e15759", "running": "#4e79a7", "abandoned": "#f28e2b"}

CURRENCY_NAMES = {
    "TWD": "新台幣", "USD": "美元", "JPY": "日圓", "CNY": "人民幣", "EUR": "歐元", "HKD": "港幣", "KRW": "韓元",
    "GBP": "英鎊", "AUD": "澳幣", "CAD": "加幣", "NZD": "紐幣", "SGD": "新加坡幣", "THB": "泰銖", "VND": "越南盾",
    "IDR": "印尼盾", "MYR": "馬幣", "PHP": "菲律賓披索", "INR": "印度盧比", "RUB": "盧布", "CHF": "瑞士法郎",
    "NGN": "奈拉", "TRY": "里拉", "ZAR": "南非幣",
}  # fmt: skip

# The only columns the report reads, per table: pass them to the reader (e.g. `DeltaTable(...).to_pyarrow_table(
# columns=list(REPORT_COLUMNS[name]))`) so that `articles.body` and the like are never loaded for a report.
REPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("article_id", "published_date", "category"),
    "entities": ("article_id", "type", "name", "title"),
    "quantities": ("article_id", "kind", "value", "currency", "unit"),
    "time_expressions": ("article_id",),
    "statements": ("article_id",),
    "runs": ("run_id", "started_at", "finished_at", "status", "n_new", "n_changed", "n_unchanged", "n_rejected", "n_pruned", "error"),
    "rejects": ("run_id", "source_uri", "reason", "detail", "rejected_at"),
}


# --------------------------------------------------------------------------------------------
# Formatting


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _fmt_int(value: float | int | None) -> str:
    if value is None:
        return "—"
    return f"{int(round(value)):,}"


def _trim(number: float) -> str:
    """At most 3 significant digits (more for large integers), no trailing zeros: 4.5, 12.3, 400, 1,234."""
    a = abs(number)
    if a >= 100:
        text = f"{number:,.0f}"
    elif a >= 10:
        text = f"{number:.1f}"
    else:
        text = f"{number:.2f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_zh_amount(value: float | None) -> str:
    """An amount the way Chinese readers write it: 萬 (1e4), 億 (1e8), 兆 (1e12). 4e10 -> 400億, 1.25e12 -> 1.25兆."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    a = abs(value)
    for div, unit in ((1e12, "兆"), (1e8, "億"), (1e4, "萬")):
        if a >= div:
            return _trim(value / div) + unit
    return _trim(value)


def _count(n: int, word: str) -> str:
    """1 mention, 2 mentions, 1,234 articles."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _fmt_duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, sec = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {sec:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _fmt_ts(value: object, seconds: bool = True, utc_suffix: bool = True) -> str:
    """A timestamp in UTC (naive ones are taken as UTC): 2026-01-27 08:00:00 UTC."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc)
        text = value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
        return text + " UTC" if utc_suffix else text
    return str(value)


def _iso(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def _text_width(text: str, size: float = FONT) -> float:
    """Rough rendered width: CJK and other wide characters are 1 em, the rest about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


def _clip(text: str, max_width: float, size: float = FONT) -> str:
    if _text_width(text, size) <= max_width:
        return text
    out, width = [], _text_width("…", size)
    for ch in text:
        width += _text_width(ch, size)
        if width > max_width:
            break
        out.append(ch)
    return "".join(out) + "…"


def _n(x: float) -> str:
    """An SVG coordinate: one decimal, no trailing zero."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _nice_ticks(vmax: float, count: int = 4, integer: bool = False) -> list[float]:
    """0 and round steps (1, 2, 2.5, 5 x 10^k) up to the first step at or above vmax."""
    if not vmax or vmax <= 0 or math.isnan(vmax):
        return [0.0, 1.0]
    raw = vmax / count
    mag = 10 ** math.floor(math.log10(raw))
    step = 10 * mag
    for m in (1, 2, 2.5, 5, 10):
        if integer and m == 2.5:
            continue
        if m * mag >= raw:
            step = m * mag
            break
    if integer:
        step = max(1.0, round(step))
    n = max(1, math.ceil(vmax / step - 1e-9))
    return [i * step for i in range(n + 1)]


# --------------------------------------------------------------------------------------------
# Input helpers


# Columns read as text; other string encodings (large_string, string_view from polars, dictionary from some
# Parquet readers) are cast to plain `string` so that every compute kernel accepts them.
_TEXT_COLUMNS = frozenset(
    "article_id category type name title kind currency unit reason source_uri detail run_id status error".split()
)


def _get(tables: dict | None, name: str) -> pa.Table | None:
    table = (tables or {}).get(name)
    if table is None:
        return None
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    elif not isinstance(table, pa.Table):
        table = pa.table(table)  # pandas DataFrame, dict of columns ...
    for i, field in enumerate(table.schema):
        if field.name in _TEXT_COLUMNS and not pa.types.is_string(field.type):
            t = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
            if pa.types.is_large_string(t) or pa.types.is_string(t) or str(t) == "string_view":
                table = table.set_column(i, field.name, pc.cast(table[field.name], pa.string()))
    return table


def _missing(table: pa.Table | None, name: str, columns: Sequence[str]) -> str | None:
    """Why a section over `columns` of `table` cannot be drawn, or None when it can."""
    if table is None:
        return f"table {name} was not provided"
    absent = [c for c in columns if c not in table.column_names]
    if absent:
        return f"table {name} has no column {', '.join(absent)}"
    if table.num_rows == 0:
        return f"table {name} is empty"
    return None


def _as_date32(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """The column as date32 (from date64, timestamp or ISO strings); all null when it cannot be read as dates."""
    if pa.types.is_date32(column.type):
        return column
    try:
        return pc.cast(column, pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return pa.nulls(len(column), pa.date32())


def _day_counts(dates: pa.ChunkedArray | pa.Array) -> list[tuple[dt.date, int]]:
    """(date, rows) for every date present, in date order; nulls dropped."""
    table = pa.table({"d": _as_date32(dates)})
    table = table.filter(pc.is_valid(table["d"]))
    grouped = table.group_by("d").aggregate([("d", "count")]).sort_by("d")
    return list(zip(grouped["d"].to_pylist(), grouped["d_count"].to_pylist()))


# --------------------------------------------------------------------------------------------
# Time buckets


def _bucket_start(day: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return day
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return dt.date(day.year, 1, 1)


def _next_bucket(start: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return start + dt.timedelta(days=1)
    if unit == "week":
        return start + dt.timedelta(days=7)
    if unit == "month":
        return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return dt.date(start.year + 1, 1, 1)


def _buckets(first: dt.date, last: dt.date, unit: str) -> list[dt.date]:
    """Every bucket from the one holding `first` to the one holding `last`, empty ones included."""
    out, current, end = [], _bucket_start(first, unit), _bucket_start(last, unit)
    while current <= end:
        out.append(current)
        current = _next_bucket(current, unit)
    return out


def _bucket_count(first: dt.date, last: dt.date, unit: str) -> int:
    if unit == "day":
        return (last - first).days + 1
    if unit == "week":
        return (_bucket_start(last, "week") - _bucket_start(first, "week")).days // 7 + 1
    if unit == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return last.year - first.year + 1


def _choose_unit(first: dt.date, last: dt.date, max_buckets: int, units: Sequence[str]) -> str:
    for unit in units:
        if _bucket_count(first, last, unit) <= max_buckets:
            return unit
    return units[-1]


def _bucket_label(start: dt.date, unit: str) -> str:
    if unit in ("day", "week"):
        return start.isoformat()
    if unit == "month":
        return start.strftime("%Y-%m")
    return str(start.year)


_UNIT_WORDS = {"day": "day", "week": "week (Monday to Sunday)", "month": "month", "year": "year"}


# --------------------------------------------------------------------------------------------
# SVG pieces


def _svg_open(chart: str, title: str, height: float) -> str:
    return (
        f'<svg data-chart="{_esc(chart)}" viewBox="0 0 {WIDTH} {_n(height)}" role="img" '
        f'aria-label="{_esc(title)}" font-size="{FONT}"><title>{_esc(title)}</title>'
    )


def _text(x: float, y: float, content: str, anchor: str = "start", cls: str = "", extra: str = "") -> str:
    attrs = f' class="{cls}"' if cls else ""
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    return f'<text x="{_n(x)}" y="{_n(y)}"{attrs}{extra}>{content}</text>'


@dataclass(frozen=True)
class _Bar:
    label: str
    value: float
    note: str = ""  # grey text after the value (e.g. the title most used)
    tooltip: str = ""


def _hbar_svg(chart: str, title: str, bars: Sequence[_Bar], colour: str, value_fmt: Callable = _fmt_int) -> str:
    row_h, top = 24, 6
    labels = [_clip(b.label, 240) for b in bars]
    left = min(252, max(_text_width(lbl) for lbl in labels) + 16)
    tails = [value_fmt(b.value) + (f" · {b.note}" if b.note else "") for b in bars]
    right = min(300, max(_text_width(t) for t in tails) + 14)
    bar_w = WIDTH - left - right
    vmax = max(b.value for b in bars) or 1
    height = top * 2 + row_h * len(bars)
    out = [_svg_open(chart, title, height)]
    for i, (bar, label) in enumerate(zip(bars, labels)):
        y = top + i * row_h
        w = max(1.0, bar.value / vmax * bar_w)
        tip = bar.tooltip or f"{bar.label}: {value_fmt(bar.value)}"
        out.append(
            f'<g><title>{_esc(tip)}</title>'
            + _text(left - 8, y + 16, _esc(label), "end", "lbl")
            + f'<rect x="{_n(left)}" y="{_n(y + 4)}" width="{_n(w)}" height="{row_h - 8}" fill="{colour}" rx="2"/>'
            + _text(left + w + 6, y + 16, _esc(value_fmt(bar.value)) + (f'<tspan class="muted"> · {_esc(bar.note)}</tspan>' if bar.note else ""))
            + "</g>"
        )
    out.append("</svg>")
    return "".join(out)


def _x_labels(labels: Sequence[str], x0: float, band: float, axis_y: float, plot_w: float) -> list[str]:
    """Evenly thinned x-axis labels under buckets of width `band` starting at x0; ticks hang from `axis_y`."""
    if not labels:
        return []
    widest = max(_text_width(label, FONT - 1) for label in labels) + 14
    fit = max(1, int(plot_w // widest))
    step = max(1, math.ceil(len(labels) / fit))
    out = []
    for i in range(0, len(labels), step):
        x = x0 + (i + 0.5) * band
        out.append(f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(axis_y)}" y2="{_n(axis_y + 4)}" class="axis"/>')
        out.append(_text(x, axis_y + 16, _esc(labels[i]), "middle", "tick"))
    return out


def _y_axis(ticks: Sequence[float], fmt: Callable, left: float, right: float, y_of: Callable) -> list[str]:
    out = []
    for t in ticks:
        y = y_of(t)
        out.append(f'<line x1="{_n(left)}" x2="{_n(right)}" y1="{_n(y)}" y2="{_n(y)}" class="{"axis" if t == 0 else "grid"}"/>')
        out.append(_text(left - 6, y + 4, _esc(fmt(t)), "end", "tick"))
    return out


@dataclass(frozen=True)
class _Series:
    name: str
    colour: str
    values: Sequence[float]


def _columns_svg(
    chart: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[_Series],
    tooltip: Callable[[int, int], str],
    value_fmt: Callable = _fmt_int,
    height: float = 240,
    integer: bool = True,
) -> str:
    """Columns over time buckets, stacked when there are several series; a long single series is one path."""
    n = len(labels)
    totals = [sum(s.values[i] for s in series) for i in range(n)]
    ticks = _nice_ticks(max(totals, default=0), integer=integer)
    left = max(_text_width(value_fmt(t), FONT - 1) for t in ticks) + 14
    top, bottom, right = 10, 24, 10
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    band = plot_w / max(n, 1)

    def y_of(v: float) -> float:
        return top + plot_h - v / ticks[-1] * plot_h

    out = [_svg_open(chart, title, height)]
    out += _y_axis(ticks, value_fmt, left, WIDTH - right, y_of)
    if len(series) == 1 and n > MAX_BARS:
        # Too many buckets for one element (and tooltip) each: all bars as one path, a dot on the peak.
        values = series[0].values
        base = y_of(0)
        bars = "".join(
            f"M{_n(left + i * band)},{_n(base)}v{_n(y_of(v) - base)}h{_n(band)}v{_n(base - y_of(v))}z"
            for i, v in enumerate(values)
            if v > 0
        )
        out.append(f'<path d="{bars}" fill="{series[0].colour}"/>')
        peak = max(range(n), key=lambda i: (values[i], -i))
        out.append(
            f'<circle cx="{_n(left + (peak + 0.5) * band)}" cy="{_n(y_of(values[peak]) - 4)}" r="3" fill="{series[0].colour}">'
            f"<title>{_esc(tooltip(peak, 0))}</title></circle>"
        )
    else:
        gap = max(band * 0.15, band - MAX_BAR_W) if band >= 4 else 0.0
        for i in range(n):
            acc = 0.0
            parts = []
            for s_index, s in enumerate(series):
                v = s.values[i]
                if v <= 0:
                    continue
                y1, y2 = y_of(acc + v), y_of(acc)
                parts.append(
                    f'<rect x="{_n(left + i * band + gap / 2)}" y="{_n(y1)}" width="{_n(max(0.6, band - gap))}" '
                    f'height="{_n(max(0.5, y2 - y1))}" fill="{s.colour}"><title>{_esc(tooltip(i, s_index))}</title></rect>'
                )
                acc += v
            out += parts
    out += _x_labels(labels, left, band, y_of(0), plot_w)
    out.append("</svg>")
    return "".join(out)


def _legend(items: Iterable[tuple[str, str]]) -> str:
    spans = "".join(f'<span><i style="background:{colour}"></i>{_esc(name)}</span>' for name, colour in items)
    return f'<div class="legend">{spans}</div>'


# --------------------------------------------------------------------------------------------
# Sections


def _doc_html(text: str) -> str:
    """Escaped text whose `backticked` parts (as in the schema docs) become <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _esc(text))


def _nodata(reason: str) -> str:
    return f'<p class="nodata">No data: {_esc(reason)}.</p>'


def _figure(svg: str, caption: str, extra: str = "") -> str:
    return f"<figure>{svg}{extra}<figcaption>{caption}</figcaption></figure>"


def _headline(tables: dict) -> str:
    articles, runs, rejects = _get(tables, "articles"), _get(tables, "runs"), _get(tables, "rejects")
    cards: list[tuple[str, str, str]] = []

    n_articles = articles.num_rows if articles is not None else None
    cards.append(("Articles", _fmt_int(n_articles), "" if articles is not None else "table not provided"))

    span_note, span = "", "—"
    if articles is not None and "published_date" in articles.column_names and articles.num_rows:
        dates = _as_date32(articles["published_date"])
        lo, hi = pc.min(dates).as_py(), pc.max(dates).as_py()
        if lo is not None:
            span = f"{lo.isoformat()} – {hi.isoformat()}" if lo != hi else lo.isoformat()
            span_note = f"{(hi - lo).days + 1:,} days"
    cards.append(("Published", span, span_note))

    run_value, run_note = "—", ""
    if runs is not None and "run_id" in runs.column_names:
        run_value = _fmt_int(pc.count_distinct(runs["run_id"]).as_py() if runs.num_rows else 0)
        latest = _latest_run(runs)
        if latest:
            run_note = f"latest {latest.get('status') or '?'}, {_fmt_ts(latest.get('started_at'))}"
    cards.append(("Runs", run_value, run_note))

    rej_value, rej_note = "—", ""
    if rejects is not None:
        rej_value = _fmt_int(rejects.num_rows)
        if "reason" in rejects.column_names and rejects.num_rows:
            rej_note = _count(pc.count_distinct(rejects["reason"]).as_py(), "reason")
    cards.append(("Rejects", rej_value, rej_note))

    facts = []
    for name, word in (("entities", "entity mentions"), ("quantities", "quantities"), ("time_expressions", "dates"), ("statements", "statements")):
        table = _get(tables, name)
        if table is not None:
            facts.append(f"{_fmt_int(table.num_rows)} {word}")
    html_cards = "".join(
        f'<div class="card"><div class="k">{_esc(k)}</div><div class="v">{_esc(v)}</div><div class="s">{_esc(s)}</div></div>'
        for k, v, s in cards
    )
    facts_line = f'<p class="muted">Facts: {_esc(", ".join(facts))}.</p>' if facts else ""
    return f'<section id="summary"><h2>Summary</h2><div class="cards">{html_cards}</div>{facts_line}</section>'


def _articles_section(tables: dict) -> str:
    articles = _get(tables, "articles")
    parts = ['<section id="articles"><h2>Articles</h2>', "<h3>Articles per day</h3>"]
    reason = _missing(articles, "articles", ["published_date"])
    if reason:
        parts.append(_nodata(reason))
        parts.append("<h3>Articles per category</h3>" + _nodata(reason) + "</section>")
        return "".join(parts)

    dates = _as_date32(articles["published_date"])
    per_day = _day_counts(dates)
    if not per_day:
        parts.append(_nodata("no article has a published_date"))
        parts.append("<h3>Articles per category</h3>" + _nodata("no article has a published_date") + "</section>")
        return "".join(parts)
    first, last = per_day[0][0], per_day[-1][0]
    # Days, unless a stray date stretches the range over decades (then weeks, months or years).
    unit = _choose_unit(first, last, MAX_DAYS, ("day", "week", "month", "year"))
    buckets = _buckets(first, last, unit)
    index = {b: i for i, b in enumerate(buckets)}
    values = [0] * len(buckets)
    for day, n in per_day:
        values[index[_bucket_start(day, unit)]] += n
    labels = [_bucket_label(b, unit) for b in buckets]
    busiest = max(per_day, key=lambda p: (p[1], -p[0].toordinal()))
    svg = _columns_svg(
        "articles_per_day",
        "Articles per day",
        labels,
        [_Series("articles", PALETTE[0], values)],
        lambda i, _s: f"{labels[i]}: {_count(values[i], 'article')}",
    )
    caption = (
        f"Articles by <code>published_date</code>, {_count(len(buckets), unit)} from {first.isoformat()} to {last.isoformat()}"
        f" (a {unit} without articles counts 0). Busiest day: {busiest[0].isoformat()} with {busiest[1]:,}."
    )
    parts.append(_figure(svg, caption))

    parts.append("<h3>Articles per category</h3>")
    if "category" not in articles.column_names:
        parts.append(_nodata("table articles has no column category") + "</section>")
        return "".join(parts)
    parts.append(_category_chart(articles, dates, first, last))
    parts.append("</section>")
    return "".join(parts)


_NONE = "\x00none"  # group key of a missing category (NUL cannot occur in a parsed text)
_OTHER = "\x00other"


def _category_chart(articles: pa.Table, dates, first: dt.date, last: dt.date) -> str:
    category = pc.fill_null(pc.cast(articles["category"], pa.string()), _NONE)
    table = pa.table({"d": dates, "c": category})
    table = table.filter(pc.is_valid(table["d"]))
    grouped = table.group_by(["d", "c"]).aggregate([("c", "count")])
    rows = list(zip(grouped["d"].to_pylist(), grouped["c"].to_pylist(), grouped["c_count"].to_pylist()))
    totals: dict[str, int] = {}
    for _d, c, n in rows:
        key = c if c.strip() else _NONE
        totals[key] = totals.get(key, 0) + n
    ranked = sorted((k for k in totals if k != _NONE), key=lambda k: (-totals[k], k))
    shown = ranked[:TOP_CATEGORIES]
    n_other = len(ranked) - len(shown)
    keys = list(shown) + ([_OTHER] if n_other else []) + ([_NONE] if _NONE in totals else [])
    other_total = sum(totals[k] for k in ranked[TOP_CATEGORIES:])

    def name(key: str) -> str:
        if key == _OTHER:
            return f"(other: {n_other} categories)"
        if key == _NONE:
            return "(no category)"
        return key

    colours = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(shown)}
    colours[_OTHER], colours[_NONE] = OTHER_COLOUR, NONE_COLOUR

    unit = _choose_unit(first, last, 100, ("day", "week", "month", "year"))
    buckets = _buckets(first, last, unit)
    index = {b: i for i, b in enumerate(buckets)}
    matrix = {k: [0] * len(buckets) for k in keys}
    shown_set = {k: True for k in shown}
    for d, c, n in rows:
        key = c if c.strip() else _NONE
        if key != _NONE and key not in shown_set:
            key = _OTHER
        matrix[key][index[_bucket_start(d, unit)]] += n
    labels = [_bucket_label(b, unit) for b in buckets]
    series = [_Series(name(k), colours[k], matrix[k]) for k in keys]

    def tip(i: int, s: int) -> str:
        prefix = f"week of {labels[i]}" if unit == "week" else labels[i]
        return f"{prefix} · {series[s].name}: {series[s].values[i]:,}"

    svg = _columns_svg("articles_per_category", "Articles per category", labels, series, tip)
    legend = _legend(
        (f"{name(k)} {(other_total if k == _OTHER else totals[k]):,}", colours[k]) for k in keys
    )
    colouring = (
        f"the {len(shown)} largest categories have their own colour, the other {n_other} are summed"
        if n_other
        else "each category has its own colour"
    )
    caption = f"Articles per {_UNIT_WORDS[unit]}, stacked by <code>category</code> as written; {colouring}. Legend: total articles."
    return _figure(svg, caption, legend)


def _entity_section(tables: dict) -> str:
    entities = _get(tables, "entities")
    parts = ['<section id="entities"><h2>People and organisations</h2>']
    for etype, heading, chart, colour in (
        ("PERSON", "Most mentioned people", "top_people", PALETTE[0]),
        ("ORG", "Most mentioned organisations", "top_orgs", PALETTE[1]),
    ):
        parts.append(f"<h3>{heading}</h3>")
        reason = _missing(entities, "entities", ["type", "name"])
        if reason:
            parts.append(_nodata(reason))
            continue
        parts.append(_top_entities(entities, etype, chart, heading, colour))
    parts.append("</section>")
    return "".join(parts)


def _top_entities(entities: pa.Table, etype: str, chart: str, heading: str, colour: str) -> str:
    cols = ["name"] + [c for c in ("article_id", "title") if c in entities.column_names]
    rows = entities.select(cols + ["type"]).filter(pc.and_(pc.equal(entities["type"], etype), pc.is_valid(entities["name"])))
    rows = rows.select(cols)
    if rows.num_rows == 0:
        return _nodata(f"no {etype} mention in entities")
    aggs = [("name", "count")] + ([("article_id", "count_distinct")] if "article_id" in cols else [])
    counts = rows.group_by("name").aggregate(aggs)
    n_names = counts.num_rows
    top = counts.sort_by([("name_count", "descending"), ("name", "ascending")]).slice(0, TOP_N).to_pylist()

    titles: dict[str, tuple[str, int]] = {}
    if etype == "PERSON" and "title" in cols:
        names = pa.array([r["name"] for r in top], pa.string())
        with_title = rows.filter(pc.and_(pc.is_in(rows["name"], value_set=names), pc.is_valid(rows["title"])))
        by_title = with_title.group_by(["name", "title"]).aggregate([("title", "count")]).to_pylist()
        for r in sorted(by_title, key=lambda r: (r["name"], -r["title_count"], r["title"])):
            titles.setdefault(r["name"], (r["title"], r["title_count"]))

    bars = []
    for r in top:
        articles = r.get("article_id_count_distinct")
        title = titles.get(r["name"])
        tip = f"{r['name']}: {_count(r['name_count'], 'mention')}" + (f" in {_count(articles, 'article')}" if articles is not None else "")
        if title:
            tip += f"; title most used: {title[0]} ({title[1]:,}×)"
        bars.append(_Bar(r["name"], r["name_count"], title[0] if title else "", tip))
    svg = _hbar_svg(chart, heading, bars, colour)
    what = "people (PERSON)" if etype == "PERSON" else "organisations (ORG)"
    caption = (
        f"Mentions of the {len(bars)} most mentioned {what} of {n_names:,}, by canonical <code>name</code>"
        + ("; grey: the <code>title</code> written most often next to the name" if etype == "PERSON" else "")
        + ". Hover a bar for the number of articles."
    )
    return _figure(svg, caption)


def _currency_label(key: str, is_iso: bool) -> str:
    if is_iso:
        name = CURRENCY_NAMES.get(key)
        return f"{key} {name}" if name else key
    return f"{key} (no ISO code)"


def _money_section(tables: dict) -> str:
    parts = ['<section id="money"><h2>Money by currency</h2>']
    quantities, articles = _get(tables, "quantities"), _get(tables, "articles")
    reason = _missing(quantities, "quantities", ["kind", "value", "article_id"]) or _missing(
        articles, "articles", ["article_id", "published_date"]
    )
    if reason:
        return "".join(parts) + _nodata(reason) + "</section>"
    try:
        values = pc.cast(quantities["value"], pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return "".join(parts) + _nodata("quantities.value is not numeric") + "</section>"
    # null, NaN and infinite values are left out (a single NaN would blank a whole panel)
    money = quantities.set_column(quantities.schema.get_field_index("value"), "value", values)
    money = money.filter(pc.and_(pc.equal(money["kind"], "money"), pc.is_finite(money["value"])))
    if money.num_rows == 0:
        return "".join(parts) + _nodata("no money quantity") + "</section>"

    currency = money["currency"] if "currency" in money.column_names else pa.nulls(money.num_rows, pa.string())
    unit = money["unit"] if "unit" in money.column_names else pa.nulls(money.num_rows, pa.string())
    is_iso = pc.is_valid(currency)
    key = pc.coalesce(pc.cast(currency, pa.string()), pc.cast(unit, pa.string()), pa.scalar("?"))
    index = pc.index_in(money["article_id"], value_set=articles["article_id"])
    dates = pc.take(_as_date32(articles["published_date"]), index)
    joined = pa.table({"d": dates, "k": key, "iso": is_iso, "v": money["value"]})
    orphans = joined.num_rows - pc.count(joined["d"]).as_py()
    joined = joined.filter(pc.is_valid(joined["d"]))
    if joined.num_rows == 0:
        return "".join(parts) + _nodata("no money quantity belongs to an article in articles") + "</section>"

    grouped = joined.group_by(["d", "k", "iso"], use_threads=False).aggregate([("v", "sum"), ("v", "count")])
    grouped = grouped.sort_by([("k", "ascending"), ("iso", "ascending"), ("d", "ascending")])
    rows = grouped.to_pylist()
    first = min(r["d"] for r in rows)
    last = max(r["d"] for r in rows)
    unit_name = _choose_unit(first, last, 240, ("month", "year"))
    buckets = _buckets(first, last, unit_name)
    index_of = {b: i for i, b in enumerate(buckets)}

    stats: dict[tuple[str, bool], dict] = {}
    for r in rows:
        s = stats.setdefault((r["k"], r["iso"]), {"n": 0, "total": 0.0, "sums": [0.0] * len(buckets), "ns": [0] * len(buckets)})
        i = index_of[_bucket_start(r["d"], unit_name)]
        s["sums"][i] += r["v_sum"]
        s["ns"][i] += r["v_count"]
        s["n"] += r["v_count"]
        s["total"] += r["v_sum"]
    ranked = sorted(stats, key=lambda k: (-stats[k]["n"], not k[1], k[0]))
    shown, rest = ranked[:TOP_CURRENCIES], ranked[TOP_CURRENCIES:]
    labels = [_bucket_label(b, unit_name) for b in buckets]
    svg = _money_svg(shown, stats, labels)

    table_rows = "".join(
        f"<tr><td>{_esc(_currency_label(k, iso))}</td><td class=num>{stats[(k, iso)]['n']:,}</td>"
        f"<td class=num>{_esc(fmt_zh_amount(stats[(k, iso)]['total']))}</td>"
        f"<td class=num>{_esc(_fmt_int(stats[(k, iso)]['total']))}</td></tr>"
        for k, iso in ranked[:20]
    )
    more = f"<p class=muted>… and {len(ranked) - 20} more currencies.</p>" if len(ranked) > 20 else ""
    table = (
        '<div class="tablewrap"><table class="data"><thead><tr><th>currency</th><th class=num>mentions</th><th class=num>total (萬 / 億 / 兆)</th>'
        f"<th class=num>total</th></tr></thead><tbody>{table_rows}</tbody></table></div>{more}"
    )
    caption = (
        f"Sum of <code>quantities.value</code> where <code>kind</code> = money, per currency and {_UNIT_WORDS[unit_name]} of the "
        "article's <code>published_date</code>. Each currency has its own panel and scale, in its own unit; amounts are "
        "written with 萬 = 10<sup>4</sup>, 億 = 10<sup>8</sup>, 兆 = 10<sup>12</sup>. Every mention counts, so an amount "
        "repeated in an article is summed again; ranges count their lower bound."
        + (f" Not drawn: {len(rest)} rarer currencies (in the table)." if rest else "")
        + (f" {orphans:,} money mentions whose article is not in articles are left out." if orphans else "")
    )
    return "".join(parts) + _figure(svg, caption) + table + "</section>"


def _money_svg(shown: Sequence[tuple[str, bool]], stats: dict, labels: Sequence[str]) -> str:
    panel_h, head, bottom = 124, 30, 24
    n = len(labels)
    tick_sets = [_nice_ticks(max(stats[k]["sums"]) or 1, count=3) for k in shown]
    left = max(_text_width(fmt_zh_amount(t), FONT - 1) for ticks in tick_sets for t in ticks) + 14
    right = 10
    plot_w = WIDTH - left - right
    band = plot_w / max(n, 1)
    gap = max(band * 0.15, band - MAX_BAR_W) if band >= 4 else 0.0
    height = len(shown) * panel_h + bottom
    out = [_svg_open("money_by_currency", "Money by currency over time", height)]
    for p, (key, ticks) in enumerate(zip(shown, tick_sets)):
        s = stats[key]
        top = p * panel_h + head
        plot_h = panel_h - head - 10

        def y_of(v: float, top: float = top, plot_h: float = plot_h, ticks: list = ticks) -> float:
            return top + plot_h - v / ticks[-1] * plot_h

        colour = PALETTE[p % len(PALETTE)]
        label = _currency_label(*key)
        out.append(
            _text(left, top - 14, f'<tspan class="strong">{_esc(label)}</tspan>'
                  f'<tspan class="muted"> · total {_esc(fmt_zh_amount(s["total"]))} · {_count(s["n"], "mention")}</tspan>')
        )
        out += _y_axis(ticks, fmt_zh_amount, left, WIDTH - right, y_of)
        for i in range(n):
            v = s["sums"][i]
            if v <= 0:
                continue
            y1 = y_of(v)
            tip = f"{labels[i]} · {label}: {fmt_zh_amount(v)} ({_fmt_int(v)}) in {_count(s['ns'][i], 'mention')}"
            out.append(
                f'<rect x="{_n(left + i * band + gap / 2)}" y="{_n(y1)}" width="{_n(max(0.6, band - gap))}" '
                f'height="{_n(max(0.5, y_of(0) - y1))}" fill="{colour}"><title>{_esc(tip)}</title></rect>'
            )
    out += _x_labels(labels, left, band, len(shown) * panel_h - 10, plot_w)
    out.append("</svg>")
    return "".join(out)


def _rejects_section(tables: dict) -> str:
    rejects = _get(tables, "rejects")
    parts = ['<section id="rejects"><h2>Rejected inputs</h2><h3>Rejects by reason</h3>']
    reason = _missing(rejects, "rejects", ["reason"])
    if reason:
        return "".join(parts) + _nodata(reason) + "</section>"
    grouped = rejects.group_by("reason").aggregate([("reason", "count")]).to_pylist()
    grouped = sorted((r for r in grouped if r["reason"] is not None), key=lambda r: (-r["reason_count"], r["reason"]))
    bars = [
        _Bar(r["reason"], r["reason_count"], "", f"{r['reason']}: {r['reason_count']:,} — {REJECT_REASONS.get(r['reason'], 'unknown reason code')}")
        for r in grouped[:TOP_N]
    ]
    if bars:
        svg = _hbar_svg("rejects_by_reason", "Rejects by reason", bars, PALETTE[2])
        meanings = "".join(
            f"<li><code>{_esc(r['reason'])}</code>: {_doc_html(REJECT_REASONS.get(r['reason'], 'unknown reason code'))}</li>"
            for r in grouped[:TOP_N]
        )
        parts.append(_figure(svg, f"Rows of <code>rejects</code> per <code>reason</code> (all runs).<ul class=reasons>{meanings}</ul>"))
    else:
        parts.append(_nodata("no reject has a reason"))

    parts.append("<h3>Latest rejects</h3>")
    if "source_uri" not in rejects.column_names and "detail" not in rejects.column_names:
        return "".join(parts) + _nodata("table rejects has no column source_uri or detail") + "</section>"
    rows = rejects_table_rows(rejects, limit=LATEST_REJECTS)
    body = "".join(
        f"<tr><td class=nowrap>{_esc(_fmt_ts(_parse_iso(r['rejected_at']), utc_suffix=False))}</td><td class=wrap>{_esc(r['source_uri'] or '—')}</td>"
        f"<td><code>{_esc(r['reason'] or '—')}</code></td><td class=wrap>{_esc(_clip_chars(r['detail'] or '', 400))}</td></tr>"
        for r in rows
    )
    note = f"<p class=muted>The latest {len(rows)} of {rejects.num_rows:,} rejects.</p>" if rejects.num_rows > len(rows) else ""
    parts.append(
        '<div class="tablewrap"><table class="data"><thead><tr><th>rejected at (UTC)</th><th>source_uri</th><th>reason</th><th>detail</th></tr></thead>'
        f"<tbody>{body}</tbody></table></div>{note}"
    )
    parts.append("</section>")
    return "".join(parts)


def _clip_chars(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _parse_iso(value: str | None) -> dt.datetime | str | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return value


_RUN_COLUMNS = REPORT_COLUMNS["runs"]
# Article counts per run: (column, label, colour); `pruned` is shown only when some run pruned something.
_RUN_COUNTS = (
    ("n_new", "new", PALETTE[4]),
    ("n_changed", "changed", PALETTE[0]),
    ("n_unchanged", "unchanged", OTHER_COLOUR),
    ("n_rejected", "rejected", PALETTE[2]),
    ("n_pruned", "pruned", PALETTE[8]),
)


def _run_counts(rows: list[dict]) -> list[tuple[str, str, str]]:
    return [c for c in _RUN_COUNTS if c[0] != "n_pruned" or any(r.get("n_pruned") for r in rows)]


def _run_rows(runs: pa.Table) -> list[dict]:
    """One row per run id (its latest state), oldest first."""
    cols = [c for c in _RUN_COLUMNS if c in runs.column_names]
    best: dict[str, dict] = {}
    floor = dt.datetime.min.replace(tzinfo=dt.timezone.utc)

    def rank(r: dict) -> tuple:
        finished = r.get("finished_at")
        if isinstance(finished, dt.datetime) and finished.tzinfo is None:
            finished = finished.replace(tzinfo=dt.timezone.utc)
        return (r.get("status") not in (None, "running"), finished is not None, finished or floor)

    for r in runs.select(cols).to_pylist():
        if r.get("run_id") is None:
            continue
        old = best.get(r["run_id"])
        if old is None or rank(r) > rank(old):
            best[r["run_id"]] = r

    def order(r: dict) -> tuple:
        started = r.get("started_at")
        if isinstance(started, dt.datetime) and started.tzinfo is None:
            started = started.replace(tzinfo=dt.timezone.utc)
        return (started is None, started or floor, r["run_id"])

    out = sorted(best.values(), key=order)
    for r in out:
        started, finished = r.get("started_at"), r.get("finished_at")
        r["duration_s"] = (finished - started).total_seconds() if isinstance(started, dt.datetime) and isinstance(finished, dt.datetime) else None
    return out


def _latest_run(runs: pa.Table) -> dict | None:
    if "run_id" not in runs.column_names or runs.num_rows == 0:
        return None
    rows = _run_rows(runs)
    return rows[-1] if rows else None


def _runs_section(tables: dict) -> str:
    runs = _get(tables, "runs")
    parts = ['<section id="runs"><h2>Runs</h2>']
    reason = _missing(runs, "runs", ["run_id"])
    if reason:
        return "".join(parts) + _nodata(reason) + "</section>"
    rows = _run_rows(runs)
    if not rows:
        return "".join(parts) + _nodata("no run has a run_id") + "</section>"
    counts = _run_counts(rows)
    parts.append(_figure(_runs_svg(rows[-CHART_RUNS:], counts), _runs_caption(rows, counts)))
    head = "".join(
        f"<th{' class=num' if numeric else ''}>{h}</th>"
        for h, numeric in (("run", False), ("started (UTC)", False), ("duration", True), ("status", False),
                           *((label, True) for _c, label, _colour in counts), ("error", False))
    )  # fmt: skip
    body = []
    for r in reversed(rows[-LATEST_RUNS:]):
        status = r.get("status") or "—"
        cells = [
            f"<td class=runid><code>{_esc(r['run_id'])}</code></td>",
            f"<td class=nowrap>{_esc(_fmt_ts(r.get('started_at'), seconds=False, utc_suffix=False))}</td>",
            f"<td class=num>{_esc(_fmt_duration(r['duration_s']))}</td>",
            f'<td class=nowrap><span class="status" style="background:{STATUS_COLOURS.get(status, OTHER_COLOUR)}"></span>{_esc(status)}</td>',
            *(f"<td class=num>{_fmt_int(r.get(c))}</td>" for c, _label, _colour in counts),
            f"<td class=\"wrap err\">{_esc(_clip_chars(r.get('error') or '', 300))}</td>",
        ]
        body.append("<tr>" + "".join(cells) + "</tr>")
    note = f"<p class=muted>The latest {LATEST_RUNS} of {len(rows):,} runs.</p>" if len(rows) > LATEST_RUNS else ""
    parts.append(f'<div class="tablewrap"><table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>{note}')
    parts.append("</section>")
    return "".join(parts)


def _runs_caption(rows: list[dict], counts: list[tuple[str, str, str]]) -> str:
    shown = min(len(rows), CHART_RUNS)
    statuses: dict[str, int] = {}
    for r in rows:
        statuses[r.get("status") or "?"] = statuses.get(r.get("status") or "?", 0) + 1
    by_status = ", ".join(f"{n:,} {s}" for s, n in sorted(statuses.items(), key=lambda p: (-p[1], p[0])))
    labels = _words([label for _c, label, _colour in counts])
    return (
        f"The {'last ' if shown < len(rows) else ''}{shown} runs, oldest left: articles {labels} per run, "
        "and the run's duration (<code>finished_at</code> − <code>started_at</code>); each row has its own scale, its maximum at "
        f"the right. The bottom strip is the status. All runs: {_esc(by_status)}."
    )


def _words(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _runs_svg(rows: list[dict], counts: list[tuple[str, str, str]]) -> str:
    metrics = [*counts, ("duration_s", "duration", PALETTE[6])]
    row_h, left, right, top = 34, 86, 96, 6
    n = len(rows)
    plot_w = WIDTH - left - right
    band = plot_w / n
    gap = max(band * 0.2, band - MAX_BAR_W) if band >= 4 else 0.0
    height = top + row_h * len(metrics) + 26
    out = [_svg_open("runs", "Runs over time", height)]
    for m, (col, label, colour) in enumerate(metrics):
        y0 = top + m * row_h
        values = [r.get(col) for r in rows]
        vmax = max((v for v in values if v is not None), default=0) or 0
        fmt = _fmt_duration if col == "duration_s" else _fmt_int
        out.append(_text(left - 8, y0 + row_h - 10, label, "end", "lbl"))
        out.append(_text(WIDTH - right + 8, y0 + row_h - 10, _esc(f"max {fmt(vmax) if values else '—'}"), "start", "tick"))
        base = y0 + row_h - 6
        out.append(f'<line x1="{left}" x2="{WIDTH - right}" y1="{_n(base)}" y2="{_n(base)}" class="axis"/>')
        for i, (r, v) in enumerate(zip(rows, values)):
            if not v or vmax <= 0:
                continue
            h = max(1.0, v / vmax * (row_h - 10))
            tip = f"{r['run_id']} · {label}: {fmt(v)}"
            out.append(
                f'<rect x="{_n(left + i * band + gap / 2)}" y="{_n(base - h)}" width="{_n(max(0.6, band - gap))}" '
                f'height="{_n(h)}" fill="{colour}"><title>{_esc(tip)}</title></rect>'
            )
    y = top + row_h * len(metrics) + 2
    out.append(_text(left - 8, y + 11, "status", "end", "lbl"))
    for i, r in enumerate(rows):
        status = r.get("status") or "?"
        tip = f"{r['run_id']} · {status} · started {_fmt_ts(r.get('started_at'))} · {_fmt_duration(r['duration_s'])} · " + ", ".join(
            f"{label} {_fmt_int(r.get(c))}" for c, label, _colour in counts
        )
        out.append(
            f'<rect x="{_n(left + i * band + gap / 2)}" y="{_n(y)}" width="{_n(max(0.6, band - gap))}" height="14" '
            f'fill="{STATUS_COLOURS.get(status, OTHER_COLOUR)}"><title>{_esc(tip)}</title></rect>'
        )
    out.append("</svg>")
    return "".join(out)


# --------------------------------------------------------------------------------------------
# The page

_CSS = """
:root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--soft:#f6f8fa}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0 auto;max-width:1040px;padding:24px 28px 40px;color:var(--fg);background:#fff;line-height:1.5;
font-family:system-ui,-apple-system,"Segoe UI","Noto Sans TC","Noto Sans CJK TC","PingFang TC","Microsoft JhengHei","Heiti TC",sans-serif}
h1{font-size:1.75rem;margin:0}
h2{font-size:1.3rem;margin:2rem 0 .6rem;padding-bottom:.25rem;border-bottom:2px solid var(--line)}
h3{font-size:1.02rem;margin:1.2rem 0 .4rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em;background:var(--soft);padding:0 .2em;border-radius:3px}
.muted,.meta{color:var(--muted)}
.meta{margin:.2rem 0 0;font-size:.9rem}
nav{margin:.8rem 0 0;font-size:.9rem}
nav a{color:#0969da;text-decoration:none;margin-right:1rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:var(--soft)}
.card .k{font-size:.8rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:1.5rem;font-weight:600;font-variant-numeric:tabular-nums;line-height:1.3}
.card .s{font-size:.82rem;color:var(--muted);min-height:1.2em}
figure{margin:.4rem 0 1rem;break-inside:avoid;page-break-inside:avoid}
figcaption{font-size:.85rem;color:var(--muted);margin-top:.3rem}
figcaption ul{margin:.3rem 0 0;padding-left:1.2rem}
svg{display:block;width:100%;height:auto;overflow:visible}
svg text{fill:var(--fg);font-family:inherit}
svg .tick{font-size:11px;fill:var(--muted)}
svg .muted{fill:var(--muted)}
svg .strong{font-weight:600}
svg .grid{stroke:#eaeef2;stroke-width:1}
svg .axis{stroke:#8c959f;stroke-width:1}
svg g:hover rect,svg rect:hover{opacity:.8}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:.85rem;margin-top:.3rem}
.legend i,.status{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.35em;vertical-align:-.05em}
table.data{border-collapse:collapse;width:100%;font-size:.84rem;margin:.4rem 0}
table.data th,table.data td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
table.data th{background:var(--soft);font-weight:600}
table.data .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.data .nowrap{white-space:nowrap}
table.data .wrap{overflow-wrap:anywhere}
table.data .runid{white-space:nowrap}
table.data .err{min-width:9em}
.tablewrap{overflow-x:auto}
table.data tr{break-inside:avoid;page-break-inside:avoid}
.nodata{color:var(--muted);font-style:italic;border:1px dashed var(--line);border-radius:6px;padding:8px 12px}
footer{margin-top:2.5rem;font-size:.8rem;color:var(--muted)}
@media print{
 @page{size:A4;margin:14mm}
 body{max-width:none;padding:0;font-size:10.5pt}
 nav{display:none}
 .tablewrap{overflow:visible}
 table.data .runid{white-space:normal;overflow-wrap:anywhere;min-width:8em}
 h2{break-after:avoid;page-break-after:avoid}
 h3{break-after:avoid;page-break-after:avoid}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""

_SECTIONS = (("summary", "Summary"), ("articles", "Articles"), ("entities", "People and organisations"),
             ("money", "Money"), ("rejects", "Rejects"), ("runs", "Runs"))  # fmt: skip


def render_report(tables: dict[str, pa.Table], generated_at: dt.datetime, title: str = "newsfacts report") -> str:
    """The analysts' report: one self-contained HTML page (inline CSS and SVG, no script, no external URL).

    `tables` maps table names (articles, entities, quantities, time_expressions, statements, runs, rejects) to
    Arrow tables as read from the Delta tables; any may be absent, empty or lack a column, and its section then
    says so instead of drawing. Pure and deterministic for the same input and `generated_at`.
    """
    tables = tables or {}
    generated = generated_at.isoformat(timespec="seconds") if isinstance(generated_at, dt.datetime) else str(generated_at)
    nav = "".join(f'<a href="#{sid}">{_esc(name)}</a>' for sid, name in _SECTIONS)
    body = [
        _headline(tables),
        _articles_section(tables),
        _entity_section(tables),
        _money_section(tables),
        _rejects_section(tables),
        _runs_section(tables),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-Hant-TW">\n<head>\n<meta charset="utf-8">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="newsfacts transforms.report">\n<title>{_esc(title)}</title>\n'
        f"<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{_esc(title)}</h1><p class=meta>Generated {_esc(generated)}</p><nav>{nav}</nav></header>\n"
        + "\n".join(body)
        + "\n<footer>Charts are drawn from the Delta tables described in docs/tables.md; what each one shows: docs/report.md. "
        "Hover a bar for its exact value.</footer>\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------------------------
# Prefect artifacts


def rejects_table_rows(rejects: pa.Table | None, run_id: str | None = None, limit: int = 500) -> list[dict]:
    """Rows for a Prefect table artifact: source_uri, reason, detail, rejected_at (ISO 8601), newest first.

    Only the rejects of `run_id` when given (none when the table has no run_id column). Ties on rejected_at are
    broken by source_uri, so the order is stable. Missing columns give None values.
    """
    if rejects is None or rejects.num_rows == 0 or limit <= 0:
        return []
    if run_id is not None:
        if "run_id" not in rejects.column_names:
            return []
        rejects = rejects.filter(pc.equal(rejects["run_id"], run_id))
        if rejects.num_rows == 0:
            return []
    keys = [(c, "descending" if c == "rejected_at" else "ascending") for c in ("rejected_at", "source_uri", "reason") if c in rejects.column_names]
    if keys:
        rejects = rejects.take(pc.sort_indices(rejects, sort_keys=keys))  # nulls last (the default)
    rejects = rejects.slice(0, limit)
    columns = {c: rejects[c].to_pylist() if c in rejects.column_names else [None] * rejects.num_rows for c in ("source_uri", "reason", "detail", "rejected_at")}
    return [
        {
            "source_uri": columns["source_uri"][i],
            "reason": columns["reason"][i],
            "detail": columns["detail"][i],
            "rejected_at": _iso(columns["rejected_at"][i]),
        }
        for i in range(rejects.num_rows)
    ]


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|~#"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;", "\n": " ", "\r": " "})


def _md(value: object) -> str:
    """Text safe in a markdown paragraph or table cell: no markup, no raw HTML, no line break."""
    return str(value).translate(_MD_SPECIAL)


def _md_code(value: object) -> str:
    text = str(value).replace("\n", " ")
    return f"`{text}`" if "`" not in text and "|" not in text else _md(text)


_MD_REJECTS = 50


def render_run_summary_markdown(summary: dict, rejects: list[dict] | None = None) -> str:
    """Markdown for a Prefect artifact: the run's counts, rejects by reason, rows and versions per table, time, status.

    `summary` is the flow's run summary (run_id, status, n_new, n_changed, n_unchanged, n_rejected, rows_written,
    table_versions, rejects_by_reason, elapsed_s, error; optional: n_pruned, stage_seconds, recovered_from,
    schema_changes); `rejects` optionally lists the run's rejected files (rows as from `rejects_table_rows`), of
    which the first 50 are shown. Missing keys are shown as "—" or leave their part out.
    """
    status = summary.get("status") or "unknown"
    elapsed = summary.get("elapsed_s")
    lines = [f"# newsfacts run {_md_code(summary.get('run_id', '?'))}: {_md(status)}", ""]
    if summary.get("error"):
        lines += [f"**Error:** {_md(summary['error'])}", ""]
    lines += [
        f"**Status:** {_md(status)} · **elapsed:** {f'{elapsed:.1f} s' if isinstance(elapsed, (int, float)) else '—'}",
        "",
        "| articles | files |",
        "|---|---:|",
    ]
    for key, word in (("n_new", "new"), ("n_changed", "changed"), ("n_unchanged", "unchanged"), ("n_rejected", "rejected")):
        lines.append(f"| {word} | {_fmt_int(summary.get(key))} |")
    if summary.get("n_pruned") is not None:
        lines.append(f"| pruned | {_fmt_int(summary['n_pruned'])} |")
    lines.append("")
    if summary.get("recovered_from"):
        lines += ["**Recovered:** rolled back the unfinished run(s) " + ", ".join(_md_code(r) for r in summary["recovered_from"]) + ".", ""]
    if summary.get("schema_changes"):
        lines += ["**Schema changes:**", "", *(f"- {_md(change)}" for change in summary["schema_changes"]), ""]

    by_reason = summary.get("rejects_by_reason") or {}
    if by_reason:
        lines += ["## Rejects by reason", "", "| reason | files | meaning |", "|---|---:|---|"]
        for reason, n in sorted(by_reason.items(), key=lambda p: (-(p[1] or 0), str(p[0]))):
            meaning = REJECT_REASONS.get(reason, "unknown reason code").replace("|", "\\|")  # our own markdown
            lines.append(f"| {_md_code(reason)} | {_fmt_int(n)} | {meaning} |")
        lines.append("")

    written = summary.get("rows_written") or {}
    versions = summary.get("table_versions") or {}
    if written or versions:
        order = [t.name for t in ALL_TABLES]
        names = sorted(set(written) | set(versions), key=lambda t: (order.index(t) if t in order else len(order), t))
        lines += ["## Tables", "", "| table | rows written | version |", "|---|---:|---:|"]
        for name in names:
            version = versions.get(name)
            lines.append(f"| {_md(name)} | {_fmt_int(written.get(name, 0))} | {'—' if version is None else version} |")
        lines.append("")

    stages = summary.get("stage_seconds") or {}
    if stages:
        lines += ["## Time per stage", "", "| stage | seconds |", "|---|---:|"]
        lines += [f"| {_md(stage)} | {'—' if sec is None else f'{sec:.2f}'} |" for stage, sec in stages.items()]
        lines.append("")

    if rejects:
        lines += ["## Rejected files", "", "| source | reason | detail |", "|---|---|---|"]
        for row in rejects[:_MD_REJECTS]:
            detail = _clip_chars(str(row.get("detail") or ""), 300)
            lines.append(f"| {_md(row.get('source_uri') or '—')} | {_md_code(row.get('reason') or '—')} | {_md(detail)} |")
        if len(rejects) > _MD_REJECTS:
            lines.append("")
            lines.append(f"… and {len(rejects) - _MD_REJECTS:,} more (see the `rejects` table).")
        lines.append("")
    return "\n".join(lines)
