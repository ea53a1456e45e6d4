"""The benchmark: its corpus generator (fast unit tests) and one small end-to-end run of benchmarks/run.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import corpus
from transforms.decode import decode_bytes
from transforms.layout import parse_article
from transforms.model import RejectedInput

REPO = Path(__file__).resolve().parent.parent


def test_corpus_is_a_pure_function_of_seed_and_index() -> None:
    first = list(corpus.iter_articles(60, seed=7))
    again = list(corpus.iter_articles(60, seed=7))
    assert first == again
    assert list(corpus.iter_articles(25, seed=7)) == first[:25]  # a smaller corpus is a prefix
    other = list(corpus.iter_articles(60, seed=8))
    assert sum(a.data == b.data for a, b in zip(first, other)) < 5


def test_corpus_files_parse_except_the_deliberately_bad_ones() -> None:
    articles = list(corpus.iter_articles(400))
    bad = [a for a in articles if a.bad]
    assert 2 <= len(bad) <= 30  # a few percent
    assert {a.bad for a in corpus.iter_articles(2000) if a.bad} == set(corpus.BAD_KINDS)
    for article in articles:
        assert article.relpath.count("/") == 2 and article.relpath.endswith(".txt")  # YYYY/MM/name.txt
        if article.bad:
            with pytest.raises(RejectedInput) as rejected:
                parse_article(decode_bytes(article.data)[0])
            assert rejected.value.reason in corpus.BAD_KINDS[article.bad], article.relpath
            continue
        assert corpus.MIN_BYTES <= len(article.data) <= corpus.MAX_BYTES, article.relpath
        parsed = parse_article(decode_bytes(article.data)[0])
        assert parsed.published_date == article.published
        assert article.relpath.startswith(f"{article.published:%Y/%m}/")
        assert parsed.body_paragraphs, article.relpath


def test_corpus_has_facts_and_layout_variety() -> None:
    texts = [decode_bytes(a.data)[0] for a in corpus.iter_articles(300) if not a.bad]
    joined = "\n".join(texts)
    for feature in ("億元", "%", "今（", "表示", "說：「", "▲", "（圖／", "記者", "／", "綜合報導", "延伸閱讀", "〔記者"):
        assert feature in joined, feature
    assert any(" date " in t and ":" in t.splitlines()[0] for t in texts)  # some with a time


def test_write_and_change_corpus(tmp_path: Path) -> None:
    root = tmp_path / "raw"
    info = corpus.write_corpus(root, 120, seed=3)
    files = sorted(root.rglob("*.txt"))
    assert info.files == len(files) == 120
    assert info.bytes == sum(p.stat().st_size for p in files)
    assert corpus.write_corpus(tmp_path / "again", 120, seed=3).sha256 == info.sha256
    before = {p: p.read_bytes() for p in files}
    changed = corpus.change_articles(root, 120, seed=3, fraction=0.05)
    after = {p: p.read_bytes() for p in files}
    assert changed.files == 6 and sorted(root.rglob("*.txt")) == files
    assert sum(before[p] != after[p] for p in files) == 6


@pytest.mark.e2e
def test_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--articles", "50", "--json", str(out), "--repeat", "2"],
        capture_output=True, text=True, timeout=600, cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    results = json.loads(out.read_text())
    for key in ("articles", "mb", "baseline_s", "full_s", "noop_s", "delta1_s", "peak_rss_mb", "server_start_s", "ratios",
                "stages", "targets", "machine"):
        assert key in results, key
    assert results["articles"] == 50 and results["mb"] > 0
    for stage in ("baseline", "full", "noop", "delta1"):
        assert results["stages"][stage]["wall_s"] > 0 and results["stages"][stage]["peak_rss_mb"] > 0
        assert results["stages"][stage]["outside_transforms_s"] is not None
    assert results["repeat"] == 2
    for stage in ("baseline", "full", "noop", "delta1"):  # every repetition timed; the median's record shown
        runs = results["stages"][stage]["wall_s_runs"]
        assert len(runs) == 2 and results["stages"][stage]["wall_s"] == min(runs)
    assert results["stages"]["noop"]["counts"]["n_new"] == results["stages"]["noop"]["counts"]["n_changed"] == 0
    assert results["stages"]["delta1"]["counts"]["n_changed"] + results["stages"]["delta1"]["counts"]["n_new"] >= 1
    assert "| stage | wall s |" in result.stdout and "| full |" in result.stdout
    assert "Prefect server start-up" in result.stdout
    # Notes other than "targets are for N=20,000" and "the machine was busy" mean a stage did not do its job.
    assert not [n for n in results["notes"] if not n.startswith("The targets are set") and "other processes used" not in n], results["notes"]
