"""The plain-text view of one article (`newsfacts show`), from the rows the pipeline writes."""

from __future__ import annotations

import hashlib

from tests.conftest import SAMPLE
from transforms.article import process_file
from transforms.article_text import render_article_text
from transforms.model import RawFile


def test_sample_renders_headline_body_and_every_fact_section() -> None:
    content = SAMPLE.read_bytes()
    rows = process_file(RawFile("s", str(SAMPLE), content, hashlib.sha256(content).hexdigest(), len(content)), "run1").rows
    article = rows["articles"][0]
    text = render_article_text(article, list(reversed(rows["paragraphs"])), rows["entities"], rows["quantities"],
                               rows["time_expressions"], rows["statements"], "run2")
    lines = text.splitlines()
    assert lines[0] == article["title"]
    assert lines[2].endswith("run run1 (as of run2)")
    body = [p["text"] for p in rows["paragraphs"] if p["kind"] == "body"]
    assert lines.index(body[0]) < lines.index(body[-1])  # paragraphs back in their order
    for section in ("entities:", "quantities:", "time expressions:", "statements:"):
        assert section in lines
    assert "  PERSON  卓榮泰" in text


def test_an_article_without_facts_has_no_fact_sections() -> None:
    article = {"title": "標題", "published_date": "2026-01-27", "published_time": None, "category": None,
               "reporters": [], "dateline": None, "agency": None, "source_uri": "a.txt", "content_sha256": "ab" * 32,
               "run_id": "r"}
    text = render_article_text(article, [{"paragraph_no": 0, "kind": "body", "text": "內文。"}], [], [], [], [], "r")
    assert text.splitlines() == ["標題", "2026-01-27 · - · -", f"source a.txt · sha256 {'ab' * 6} · run r (as of r)", "", "內文。"]
