"""The analysts' HTML report and the run-summary renderings (transforms/report.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from transforms.report import REPORT_COLUMNS, _nice_ticks, fmt_zh_amount, rejects_table_rows, render_report, render_run_summary_markdown
from transforms.schema import TABLES, to_table

UTC = dt.timezone.utc
GENERATED = dt.datetime(2026, 1, 28, 9, 30, tzinfo=UTC)
EVIL = "<script>alert(1)</script>"
CHARTS = ["articles_per_day", "articles_per_category", "top_people", "top_orgs", "money_by_currency", "rejects_by_reason", "runs"]
ROOT = Path(__file__).parent.parent


# --------------------------------------------------------------------------------------------
# Data


def _article(i: int, day: dt.date, category: str | None) -> dict:
    return {
        "article_id": f"2026/01/a{i:03d}",
        "source_uri": f"/data/raw/2026/01/a{i:03d}.txt",
        "content_sha256": "0" * 64,
        "published_date": day,
        "category": category,
        "title": f"標題{i}",
        "body": "內文",
        "pipeline_version": "0.2.0",
        "run_id": "r1",
    }


def _fact(article: int, **row) -> dict:
    return {"article_id": f"2026/01/a{article:03d}", "sentence_no": 0, "text": row.get("name", "x"), "start": 0, "end": 1,
            "extractor_version": "0.1.0", **row}  # fmt: skip


def _person(article: int, name: str, title: str | None = None) -> dict:
    return _fact(article, type="PERSON", name=name, title=title)


def _org(article: int, name: str) -> dict:
    return _fact(article, type="ORG", name=name)


def _money(article: int, value: float, currency: str | None, unit: str = "元") -> dict:
    return _fact(article, kind="money", value=value, currency=currency, unit=unit)


D1, D2, D3 = dt.date(2025, 12, 30), dt.date(2026, 1, 27), dt.date(2026, 1, 29)


def full_tables() -> dict[str, pa.Table]:
    categories = ["政治", "政治", "政治", "財經", "財經", "國際", None, "政治", EVIL]
    days = [D2, D2, D2, D3, D3, D1, D1, D3, D3]
    articles = [_article(i, d, c) for i, (d, c) in enumerate(zip(days, categories))]
    entities = (
        [_person(0, "卓榮泰", "行政院長")] * 3 + [_person(1, "卓榮泰", None), _person(2, "卓榮泰", "閣揆")]
        + [_person(3, "賴清德", "總統")] * 2 + [_person(4, "賴清德", "總統"), _person(4, "賴清德", "主席")]
        + [_person(5, "黃仁勳", "執行長"), _person(6, "黃仁勳", "執行長"), _person(7, EVIL, "<b>官</b>")]
        + [_org(0, "行政院")] * 4 + [_org(1, "台積電")] * 2 + [_org(2, "美國台灣商業協會")]
        + [_fact(0, type="GPE", name="台北")] * 9  # a place: in neither chart
    )  # fmt: skip
    quantities = [
        _money(0, 4e10, "TWD"),          # 2026-01: 400億
        _money(1, 2e8, "TWD"),           # 2026-01: + 2億
        _money(5, 1.5e12, "TWD"),        # 2025-12: 1.5兆
        _money(3, 3.5e9, "USD", "美元"),  # 2026-01: 35億
        _money(5, 1e6, "USD", "美元"),    # 2025-12
        _money(4, 5e9, "JPY", "日圓"),    # 2026-01
        _money(0, 12, None, "比特幣"),    # no ISO code
        _fact(0, kind="percent", value=30.0, unit="%"),
        _money(99, 7e7, "TWD"),          # article not in `articles`: left out
        _money(2, float("nan"), "TWD"),  # not a number: left out
    ]  # fmt: skip
    t0 = dt.datetime(2026, 1, 27, 8, 0, tzinfo=UTC)
    runs = [
        {"run_id": "20260127T080000Z-aaa", "started_at": t0, "finished_at": t0 + dt.timedelta(seconds=12), "status": "completed",
         "n_new": 6, "n_changed": 0, "n_unchanged": 0, "n_rejected": 2, "pipeline_version": "0.2.0"},
        {"run_id": "20260128T080000Z-bbb", "started_at": t0 + dt.timedelta(days=1), "finished_at": t0 + dt.timedelta(days=1, seconds=3),
         "status": "failed", "n_new": 0, "n_changed": 0, "n_unchanged": 0, "n_rejected": 0, "pipeline_version": "0.2.0",
         "error": "SourceError: source does not exist: /mnt/<news>"},
        {"run_id": "20260129T080000Z-ccc", "started_at": t0 + dt.timedelta(days=2), "finished_at": t0 + dt.timedelta(days=2, seconds=95),
         "status": "completed", "n_new": 3, "n_changed": 1, "n_unchanged": 6, "n_rejected": 3, "pipeline_version": "0.2.0"},
    ]  # fmt: skip
    rejects = [
        _reject("20260127T080000Z-aaa", "/data/raw/empty.txt", "empty", "file has no bytes", t0),
        _reject("20260127T080000Z-aaa", "/data/raw/bin.txt", "binary", "NUL bytes", t0 + dt.timedelta(seconds=1)),
        _reject("20260129T080000Z-ccc", "https://example.com/x.txt", "empty", "file has no bytes", t0 + dt.timedelta(days=2)),
        _reject("20260129T080000Z-ccc", '/data/raw/"><img src=x onerror=alert(1)>.txt', "no_date_line", "第一行不是日期：政治",
                t0 + dt.timedelta(days=2, seconds=5)),
        _reject("20260129T080000Z-ccc", "/data/raw/e2.txt", "empty", "file has no bytes | only spaces", t0 + dt.timedelta(days=2, seconds=5)),
    ]  # fmt: skip
    return {
        "articles": to_table(TABLES["articles"], articles),
        "entities": to_table(TABLES["entities"], entities),
        "quantities": to_table(TABLES["quantities"], quantities),
        "time_expressions": TABLES["time_expressions"].schema.empty_table(),
        "statements": TABLES["statements"].schema.empty_table(),
        "runs": to_table(TABLES["runs"], runs),
        "rejects": to_table(TABLES["rejects"], rejects),
    }


def _reject(run_id: str, uri: str, reason: str, detail: str, at: dt.datetime) -> dict:
    return {"run_id": run_id, "source_uri": uri, "reason": reason, "detail": detail, "rejected_at": at}


# --------------------------------------------------------------------------------------------
# A small DOM-ish view of the page


class Page(HTMLParser):
    """Collects tags with their attributes, and text with the chart (svg data-chart) and classes it sits in."""

    VOID = {"meta", "br", "img", "link", "input", "hr", "rect", "line", "path", "circle"}

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.texts: list[tuple[str, str | None, tuple[str, ...], str]] = []  # (text, chart, classes, tag)
        self.stack: list[tuple[str, dict]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag not in self.VOID:
            self.stack.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not data.strip():
            return
        chart = next((a.get("data-chart") for t, a in reversed(self.stack) if t == "svg"), None)
        classes = tuple(c for _t, a in self.stack for c in (a.get("class") or "").split())
        self.texts.append((data, chart, classes, self.stack[-1][0] if self.stack else ""))

    def charts(self) -> list[str]:
        return [a.get("data-chart") for t, a in self.tags if t == "svg"]

    def chart_texts(self, chart: str, cls: str | None = None, tag: str | None = None) -> list[str]:
        return [t for t, c, classes, tg in self.texts if c == chart and (cls is None or cls in classes) and (tag is None or tg == tag)]

    def all_text(self) -> str:
        return "\n".join(t for t, *_ in self.texts)


@pytest.fixture(scope="module")
def page_html() -> str:
    return render_report(full_tables(), GENERATED, title="週報 <test>")


@pytest.fixture(scope="module")
def page(page_html) -> Page:
    return Page(page_html)


# --------------------------------------------------------------------------------------------
# The page


def test_page_is_html_with_one_svg_per_chart(page_html, page):
    assert page_html.startswith("<!DOCTYPE html>")
    assert page.charts() == CHARTS
    assert ("meta", {"charset": "utf-8"}) in page.tags
    # every chart has an accessible title as its first child
    assert all(t == "title" for t in (page.tags[i + 1][0] for i, (tag, _a) in enumerate(page.tags) if tag == "svg"))
    assert "週報 &lt;test&gt;" in page_html and "Generated 2026-01-28T09:30:00+00:00" in page.all_text()


def test_headline_figures(page):
    text = page.all_text()
    for expected in ("Articles", "9", "2025-12-30 – 2026-01-29", "31 days", "Runs", "3", "Rejects", "5"):
        assert expected in text
    assert "latest completed, 2026-01-29 08:00:00 UTC" in text


def test_articles_per_day_counts_every_day_of_the_range(page):
    tips = page.chart_texts("articles_per_day", tag="title")[1:]
    assert "2026-01-27: 3 articles" in tips and "2025-12-30: 2 articles" in tips and "2026-01-29: 4 articles" in tips
    assert len(tips) == 3  # one bar per day that has articles ...
    labels = page.chart_texts("articles_per_day", cls="tick")
    assert labels[:5] == ["0", "1", "2", "3", "4"]  # y axis: whole numbers up to the busiest day
    assert "2025-12-30" in labels and "2026-01-02" in labels  # ... on an x axis of all 31 days, empty ones too
    assert "Busiest day: 2026-01-29 with 4" in page.all_text()


def test_articles_per_category_as_written(page):
    text = page.all_text()
    assert "政治 4" in text and "財經 2" in text and "國際 1" in text and "(no category) 1" in text
    assert f"{EVIL} 1" in text  # a category is data: shown as text
    tips = page.chart_texts("articles_per_category", tag="title")
    assert "2026-01-27 · 政治: 3" in tips and "2026-01-29 · 財經: 2" in tips


def test_top_people_in_order_with_their_most_used_title(page):
    assert page.chart_texts("top_people", cls="lbl") == ["卓榮泰", "賴清德", "黃仁勳", EVIL]
    notes = page.chart_texts("top_people", cls="muted")
    assert notes == [" · 行政院長", " · 總統", " · 執行長", " · <b>官</b>"]
    tips = page.chart_texts("top_people", tag="title")
    assert "卓榮泰: 5 mentions in 3 articles; title most used: 行政院長 (3×)" in tips


def test_top_orgs_in_order_and_places_left_out(page):
    assert page.chart_texts("top_orgs", cls="lbl") == ["行政院", "台積電", "美國台灣商業協會"]
    assert "台北" not in page.all_text()


def test_money_per_currency_panel_per_month(page):
    heads = page.chart_texts("money_by_currency", cls="strong")
    assert heads == ["TWD 新台幣", "USD 美元", "JPY 日圓", "比特幣 (no ISO code)"]  # by number of mentions, then ISO first
    tips = page.chart_texts("money_by_currency", tag="title")
    assert "2026-01 · TWD 新台幣: 402億 (40,200,000,000) in 2 mentions" in tips
    assert "2025-12 · TWD 新台幣: 1.5兆 (1,500,000,000,000) in 1 mention" in tips
    assert "2026-01 · USD 美元: 35億 (3,500,000,000) in 1 mention" in tips
    assert "2026-01 · JPY 日圓: 50億 (5,000,000,000) in 1 mention" in tips
    assert page.chart_texts("money_by_currency", cls="tick")[-2:] == ["2025-12", "2026-01"]
    assert "1 money mentions whose article is not in articles are left out" in page.all_text()


def test_rejects_by_reason_and_latest(page, page_html):
    assert page.chart_texts("rejects_by_reason", cls="lbl") == ["empty", "binary", "no_date_line"]
    assert "File has no bytes, or only whitespace." in page.all_text()
    rows = [t for t, _c, classes, tag in page.texts if tag == "td" and "nowrap" in classes and t.startswith("2026-01-29 08:00:")]
    assert rows == ["2026-01-29 08:00:05", "2026-01-29 08:00:05", "2026-01-29 08:00:00"]


def test_runs_chart_and_table(page):
    tips = page.chart_texts("runs", tag="title")
    assert any(t.startswith("20260128T080000Z-bbb · failed") for t in tips)
    assert "20260129T080000Z-ccc · duration: 1 min 35 s" in tips
    cells = [t for t, _c, _cl, tag in page.texts if tag == "code" and t.startswith("2026012")]
    assert cells == ["20260129T080000Z-ccc", "20260128T080000Z-bbb", "20260127T080000Z-aaa"]  # newest first
    text = page.all_text()
    assert "12.0 s" in text and "3.0 s" in text
    assert "SourceError: source does not exist: /mnt/<news>" in text  # as text, escaped in the source


def test_runs_one_row_per_run_its_latest_state():
    tables = full_tables()
    runs = tables["runs"].to_pylist()
    stale = {**runs[2], "status": "running", "finished_at": None, "n_new": None}
    tables["runs"] = to_table(TABLES["runs"], [stale] + runs + [stale])
    page = Page(render_report(tables, GENERATED))
    cells = [t for t, _c, _cl, tag in page.texts if tag == "code" and t.startswith("2026012")]
    assert cells == ["20260129T080000Z-ccc", "20260128T080000Z-bbb", "20260127T080000Z-aaa"]
    assert "20260129T080000Z-ccc · duration: 1 min 35 s" in page.chart_texts("runs", tag="title")


def test_text_is_escaped_and_nothing_is_injected(page_html, page):
    tags = {t for t, _a in page.tags}
    assert "script" not in tags and "img" not in tags and "b" not in tags
    assert not any(k.startswith("on") for _t, a in page.tags for k in a)
    assert EVIL not in page_html and "&lt;script&gt;alert(1)&lt;/script&gt;" in page_html
    assert '"><img' not in page_html


def test_self_contained_no_external_urls(page_html, page):
    for tag, attrs in page.tags:
        for key in ("src", "href", "xlink:href", "action", "srcset", "poster"):
            value = (attrs.get(key) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//", "ftp:")), (tag, key, value)
    assert {t for t, _a in page.tags}.isdisjoint({"script", "link", "img", "iframe", "object", "embed"})
    assert "@import" not in page_html and "url(" not in page_html
    csp = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and csp[0].startswith("default-src 'none'")
    assert "https://example.com/x.txt" in page.all_text()  # data may hold a URL, as text only


def test_deterministic_across_processes(page_html):
    """Same input, same page: also with another hash seed (no set or dict-of-hash order reaches the output)."""
    assert render_report(full_tables(), GENERATED, title="週報 <test>") == page_html
    code = (
        "import hashlib, sys; sys.path.insert(0, %r); from tests.test_report import full_tables, GENERATED; "
        "from transforms.report import render_report; "
        "print(hashlib.sha256(render_report(full_tables(), GENERATED, title='週報 <test>').encode()).hexdigest())"
    ) % str(ROOT)
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=ROOT)
        digests.add(out.stdout.strip())
    assert digests == {hashlib.sha256(page_html.encode()).hexdigest()}


@pytest.mark.parametrize("tables", [{}, None, {name: spec.schema.empty_table() for name, spec in TABLES.items()}], ids=["missing", "none", "empty"])
def test_no_data(tables):
    html = render_report(tables, GENERATED)
    page = Page(html)
    assert page.charts() == []
    notes = [t for t, _c, classes, _tag in page.texts if "nodata" in classes]
    assert len(notes) == 7  # per day, per category, people, orgs, money, rejects, runs
    assert all(n.startswith("No data: ") for n in notes)
    if tables:
        assert "No data: table articles is empty." in notes


def test_missing_columns_degrade_per_section():
    tables = full_tables()
    tables["articles"] = tables["articles"].drop_columns(["category"])
    tables["entities"] = tables["entities"].drop_columns(["title", "article_id"])
    tables["quantities"] = tables["quantities"].drop_columns(["currency"])
    tables["runs"] = tables["runs"].select(["run_id", "status"])
    tables["rejects"] = tables["rejects"].drop_columns(["reason"])
    page = Page(render_report(tables, GENERATED))
    assert page.charts() == ["articles_per_day", "top_people", "top_orgs", "money_by_currency", "runs"]
    notes = [t for t, _c, classes, _tag in page.texts if "nodata" in classes]
    assert "No data: table articles has no column category." in notes
    assert "No data: table rejects has no column reason." in notes
    assert page.chart_texts("top_people", cls="lbl")[0] == "卓榮泰" and page.chart_texts("top_people", cls="muted") == []
    assert page.chart_texts("money_by_currency", cls="strong")[0] == "元 (no ISO code)"  # the unit stands in for the code


def test_report_columns_are_all_it_reads(page_html):
    """Reading only REPORT_COLUMNS (no article bodies) gives the same page."""
    tables = {name: table.select(list(REPORT_COLUMNS[name])) for name, table in full_tables().items()}
    assert render_report(tables, GENERATED, title="週報 <test>") == page_html
    for name, columns in REPORT_COLUMNS.items():
        assert set(columns) <= set(TABLES[name].schema.names)


def test_other_string_encodings_are_read():
    """polars gives large_string (or string_view), some Parquet readers dictionaries: same page."""
    tables = full_tables()
    expected = render_report(tables, GENERATED)
    converted = {}
    for name, table in tables.items():
        for i, field in enumerate(table.schema):
            if pa.types.is_string(field.type):
                new_type = pa.large_string() if i % 2 else pa.dictionary(pa.int32(), pa.string())
                table = table.set_column(i, pa.field(field.name, new_type), pc.cast(table[field.name], new_type))
        converted[name] = table
    assert render_report(converted, GENERATED) == expected


def test_scales_by_aggregating_first():
    """A 3-year span and a long tail of names: the page stays small (bars capped, area for a long daily series)."""
    n_days, n_articles, n_names = 1100, 20_000, 5_000
    ids = [f"a{i}" for i in range(n_articles)]
    day0 = dt.date(2023, 1, 1)
    articles = pa.table({
        "article_id": ids,
        "published_date": pa.array([day0 + dt.timedelta(days=i % n_days) for i in range(n_articles)], pa.date32()),
        "category": [f"類別{i % 20}" for i in range(n_articles)],
    })  # fmt: skip
    entities = pa.table({
        "article_id": [ids[i % n_articles] for i in range(200_000)],
        "type": ["PERSON" if i % 3 else "ORG" for i in range(200_000)],
        "name": [f"名{(i * 7919) % n_names}" for i in range(200_000)],
        "title": [None if i % 4 else "部長" for i in range(200_000)],
    })  # fmt: skip
    quantities = pa.table({
        "article_id": ids,
        "kind": ["money"] * n_articles,
        "value": [1e8 * (1 + i % 7) for i in range(n_articles)],
        "currency": [["TWD", "USD", "JPY", "EUR", "CNY", "KRW", "GBP", "HKD"][i % 8] for i in range(n_articles)],
    })  # fmt: skip
    html = render_report({"articles": articles, "entities": entities, "quantities": quantities}, GENERATED)
    page = Page(html)
    assert page.charts() == ["articles_per_day", "articles_per_category", "top_people", "top_orgs", "money_by_currency"]
    assert len(html) < 400_000
    assert len(page.chart_texts("top_people", cls="lbl")) == 15
    per_day_bars = [a for t, a in page.tags if t == "rect"]
    assert len(per_day_bars) < 2_000
    assert "Articles per month, stacked by" in page.all_text()
    assert len(page.chart_texts("money_by_currency", cls="strong")) == 6
    assert "Not drawn: 2 rarer currencies (in the table)." in page.all_text()


def test_a_stray_date_decades_off_widens_the_buckets():
    articles = to_table(TABLES["articles"], [_article(0, dt.date(1900, 1, 1), "政治"), _article(1, D2, "政治")])
    page = Page(render_report({"articles": articles}, GENERATED))
    assert page.charts() == ["articles_per_day", "articles_per_category"]
    assert " weeks from 1900-01-01 to 2026-01-27 (a week without articles counts 0)" in page.all_text()
    assert "Articles per year, stacked by" in page.all_text()


@pytest.mark.parametrize(
    "value, expected",
    [(4e10, "400億"), (1.25e12, "1.25兆"), (2e8, "2億"), (12_345, "1.23萬"), (5_000, "5,000"), (0, "0"), (3.5, "3.5"),
     (-2.5e9, "-25億"), (1e16, "10,000兆"), (None, "—")],
)  # fmt: skip
def test_chinese_amounts(value, expected):
    assert fmt_zh_amount(value) == expected


@pytest.mark.parametrize(
    "vmax, integer, expected",
    [(4, True, [0, 1, 2, 3, 4]), (7, True, [0, 2, 4, 6, 8]), (1, True, [0, 1]), (0, True, [0, 1]),
     (1.5e12, False, [0, 5e11, 1e12, 1.5e12]), (9.5e9, False, [0, 2.5e9, 5e9, 7.5e9, 1e10])],
)  # fmt: skip
def test_nice_ticks(vmax, integer, expected):
    assert _nice_ticks(vmax, integer=integer) == pytest.approx(expected)


# --------------------------------------------------------------------------------------------
# Prefect artifacts


def test_rejects_table_rows_newest_first():
    rejects = full_tables()["rejects"]
    rows = rejects_table_rows(rejects)
    assert [r["source_uri"] for r in rows] == [
        '/data/raw/"><img src=x onerror=alert(1)>.txt', "/data/raw/e2.txt", "https://example.com/x.txt", "/data/raw/bin.txt", "/data/raw/empty.txt",
    ]  # fmt: skip
    assert rows[0] == {
        "source_uri": '/data/raw/"><img src=x onerror=alert(1)>.txt',
        "reason": "no_date_line",
        "detail": "第一行不是日期：政治",
        "rejected_at": "2026-01-29T08:00:05+00:00",
    }
    assert [r["source_uri"] for r in rejects_table_rows(rejects, run_id="20260127T080000Z-aaa")] == ["/data/raw/bin.txt", "/data/raw/empty.txt"]
    assert len(rejects_table_rows(rejects, limit=2)) == 2
    assert rejects_table_rows(rejects, run_id="nope") == []
    assert rejects_table_rows(TABLES["rejects"].schema.empty_table()) == []
    assert rejects_table_rows(None) == []
    assert rejects_table_rows(rejects.drop_columns(["run_id"]), run_id="20260127T080000Z-aaa") == []
    partial = rejects_table_rows(rejects.select(["source_uri", "reason"]))
    assert partial[0] == {"source_uri": "/data/raw/\"><img src=x onerror=alert(1)>.txt", "reason": "no_date_line", "detail": None, "rejected_at": None}


SUMMARY = {
    "run_id": "20260129T080000Z-ccc",
    "status": "completed",
    "n_new": 3,
    "n_changed": 1,
    "n_unchanged": 1234,
    "n_rejected": 3,
    "rows_written": {"articles": 4, "entities": 57, "rejects": 3, "paragraphs": 40},
    "table_versions": {"paragraphs": 2, "entities": 2, "articles": 2, "rejects": 1},
    "rejects_by_reason": {"empty": 2, "no_date_line": 1},
    "elapsed_s": 14.234,
    "error": None,
}


def test_run_summary_markdown():
    md = render_run_summary_markdown(SUMMARY)
    assert md.startswith("# newsfacts run `20260129T080000Z-ccc`: completed")
    for row in ("| new | 3 |", "| changed | 1 |", "| unchanged | 1,234 |", "| rejected | 3 |"):
        assert row in md
    assert "**elapsed:** 14.2 s" in md
    assert md.index("| `empty` | 2 | File has no bytes") < md.index("| `no_date_line` | 1 |")
    tables = [line.split("|")[1].strip() for line in md.splitlines() if line.startswith("| ") and line.count("|") == 4 and "---" not in line]
    assert tables[-5:] == ["table", "articles", "paragraphs", "entities", "rejects"]  # schema order
    assert "| entities | 57 | 2 |" in md
    assert "Error" not in md and "Rejected files" not in md


def test_run_summary_markdown_failed_with_rejects_escaped():
    summary = {**SUMMARY, "status": "failed", "error": "OSError: <disk> | full\nsecond line", "rows_written": {}, "table_versions": {}}
    rejects = rejects_table_rows(full_tables()["rejects"], run_id="20260129T080000Z-ccc")
    md = render_run_summary_markdown(summary, rejects)
    assert "**Error:** OSError: &lt;disk&gt; \\| full second line" in md
    assert "## Tables" not in md
    assert "| /data/raw/e2.txt | `empty` | file has no bytes \\| only spaces |" in md
    assert '/data/raw/"&gt;&lt;img src=x onerror=alert(1)&gt;.txt' in md
    assert all(line.count("|") - line.count("\\|") == 4 for line in md.splitlines() if line.startswith("| /data"))
    many = render_run_summary_markdown(summary, rejects * 20)
    assert "… and 10 more (see the `rejects` table)." in many


def test_run_summary_markdown_optional_parts():
    summary = {**SUMMARY, "n_pruned": 2, "stage_seconds": {"list": 0.125, "transform": 3.5}, "recovered_from": ["20260128T080000Z-bbb"],
               "schema_changes": ["runs: added n_pruned"]}  # fmt: skip
    md = render_run_summary_markdown(summary)
    assert "| pruned | 2 |" in md
    assert "## Time per stage" in md and "| list | 0.12 |" in md and "| transform | 3.50 |" in md
    assert "`20260128T080000Z-bbb`" in md and "- runs: added n\\_pruned" in md
    assert "| pruned |" not in render_run_summary_markdown(SUMMARY)


def test_runs_show_pruned_only_when_something_was_pruned(page):
    assert "pruned" not in page.all_text()
    tables = full_tables()
    runs = tables["runs"].to_pylist()
    runs[2]["n_pruned"] = 4
    table = to_table(TABLES["runs"], runs)
    if "n_pruned" not in table.column_names:  # a schema without the column (it came with `--prune`)
        table = table.append_column("n_pruned", pa.array([r.get("n_pruned") for r in runs], pa.int64()))
    tables["runs"] = table
    page = Page(render_report(tables, GENERATED))
    assert "pruned" in page.chart_texts("runs", cls="lbl")
    assert "20260129T080000Z-ccc · pruned: 4" in page.chart_texts("runs", tag="title")
    assert "pruned" in [t for t, _c, _cl, tag in page.texts if tag == "th"]


def test_run_summary_markdown_minimal():
    md = render_run_summary_markdown({"run_id": "r", "status": "running"})
    assert "| new | — |" in md and "**elapsed:** —" in md


# --------------------------------------------------------------------------------------------
# In a real browser, when there is one


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )


@pytest.mark.skipif(_chromium() is None, reason="no chromium on this machine")
def test_renders_in_headless_chromium(tmp_path, page_html):
    page_file, png = tmp_path / "report.html", tmp_path / "report.png"
    page_file.write_text(page_html, encoding="utf-8")
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1100,3000",
           f"--screenshot={png}", page_file.as_uri()]  # fmt: skip
    try:
        subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        pytest.skip("chromium did not finish in 120 s")
    assert png.exists()
    data = png.read_bytes()
    # this page gives ~270 kB; a blank page of that size ~16 kB, a heading and a line of text ~21 kB
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 100_000
