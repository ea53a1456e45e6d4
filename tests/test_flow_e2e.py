"""End to end: the real Prefect flow under Prefect's test harness, real Delta tables read back."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from deltalake import DeltaTable

from tests.conftest import FIXTURES, SAMPLE
from transforms import schema
from transforms.rejects import reject_row

pytestmark = pytest.mark.e2e

SAMPLE_ID = "000_1da53921374cfc63"
BAD_FILES: dict[str, bytes] = {
    "bad/empty.txt": b"",
    "bad/whitespace.txt": " \r\n\u3000\n".encode("utf-8"),
    "bad/binary.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    "bad/no_date.txt": "政治\n\n標題\n\n內文第一段。\n".encode("utf-8"),
    "bad/headline_only.txt": " date 2026-01-27\n政治\n\n只有標題沒有內文\n".encode("utf-8"),
    "bad/bad_date.txt": " date 2026-02-30\n政治\n\n標題\n\n內文第一段。\n".encode("utf-8"),
    "bad/latin1.txt": ("caf\xe9 na\xefve r\xe9sum\xe9 \xe0 la carte " * 4).encode("latin-1"),
}
MAX_BYTES = 64 * 1024


def read(dest: Path, name: str) -> pd.DataFrame:
    return DeltaTable(str(dest / name)).to_pandas()


@pytest.fixture(scope="module")
def source_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("raw")
    shutil.copy(SAMPLE, root / SAMPLE.name)
    variants = root / "variants"
    variants.mkdir()
    for path in sorted((FIXTURES / "articles").glob("*.txt")):
        if path.name != "sample_seed.txt" and not path.name.startswith("reject_"):
            shutil.copy(path, variants / path.name)
    # the same story in the encodings and line ends the reader must handle
    text = (FIXTURES / "articles" / "sport_agency_credit.txt").read_text(encoding="utf-8")
    encoded = variants / "encodings"
    encoded.mkdir()
    (encoded / "big5.txt").write_bytes(text.encode("cp950"))
    (encoded / "utf16.txt").write_bytes(text.encode("utf-16"))
    (encoded / "bom_crlf.txt").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    for relative, content in BAD_FILES.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    (root / "bad" / "too_large.txt").write_bytes(SAMPLE.read_bytes() * (MAX_BYTES // SAMPLE.stat().st_size + 1))
    (root / "notes.md").write_text("not an article: ignored (only *.txt are read)", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def first_run(prefect_harness, source_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    from flows.pipeline import newsfacts_flow

    dest = tmp_path_factory.mktemp("processed")
    summary = newsfacts_flow(source=str(source_dir), dest=str(dest), batch_size=3, max_bytes=MAX_BYTES)
    return dest, summary


def test_every_table_exists_with_its_schema(first_run) -> None:
    dest, summary = first_run
    assert summary["status"] == "completed"
    for spec in schema.ALL_TABLES:
        table = DeltaTable(str(dest / spec.name))
        assert table.schema().to_arrow().names == spec.schema.names


def test_good_files_land_and_bad_files_are_rejected_with_reasons(first_run, source_dir: Path) -> None:
    dest, summary = first_run
    articles = read(dest, "articles")
    rejects = read(dest, "rejects")
    n_variants = len(list((source_dir / "variants").rglob("*.txt")))
    assert SAMPLE_ID in set(articles.article_id)
    assert len(articles) == 1 + n_variants, rejects[["source_uri", "reason", "detail"]].to_string()
    reasons = dict(zip(rejects.source_uri.map(lambda u: Path(u).name), rejects.reason))
    assert reasons == {
        "empty.txt": "empty",
        "whitespace.txt": "empty",
        "binary.txt": "binary",
        "no_date.txt": "no_date_line",
        "headline_only.txt": "no_body",
        "bad_date.txt": "bad_date",
        "latin1.txt": "undecodable",
        "too_large.txt": "too_large",
    }
    assert rejects.detail.str.len().min() > 10
    # the three encodings of one story give the same article
    encoded = articles[articles.article_id.str.startswith("variants/encodings/")]
    assert len(encoded) == 3 and encoded.body.nunique() == 1 and encoded.title.nunique() == 1
    assert set(encoded.encoding) == {"cp950", "utf_16", "utf_8_sig"}
    assert summary["n_new"] == len(articles) and summary["n_rejected"] == len(rejects)
    # nothing but the reject is written for a rejected file
    rejected_ids = set(rejects.article_id)
    for name in ("paragraphs", "sentences", "tokens"):
        assert not rejected_ids & set(read(dest, name).article_id)


def test_offsets_hold_for_every_row(first_run) -> None:
    dest, _ = first_run
    bodies = dict(zip(*[read(dest, "articles")[c] for c in ("article_id", "body")]))
    for name in ("paragraphs", "sentences", "tokens"):
        frame = read(dest, name)
        if name == "paragraphs":
            frame = frame[frame.kind == "body"]
        assert len(frame) > 0
        for article_id, text, start, end in zip(frame.article_id, frame.text, frame.start, frame.end):
            assert bodies[article_id][int(start) : int(end)] == text, (name, article_id, text)


def test_sample_article_layout(first_run) -> None:
    dest, _ = first_run
    articles = read(dest, "articles").set_index("article_id")
    sample = articles.loc[SAMPLE_ID]
    assert sample.title == "接見美台商會　卓榮泰：全力與國會溝通軍購特別預算"
    assert list(sample.reporters) == ["陳家祥"] and sample.dateline == "台北"
    assert str(sample.published_date) == "2026-01-27" and sample.category == "政治"
    paragraphs = read(dest, "paragraphs")
    kinds = paragraphs[paragraphs.article_id == SAMPLE_ID].kind.value_counts().to_dict()
    assert kinds == {"body": 12, "caption": 2, "byline": 1, "related": 2}
    assert "全台詐欺" not in sample.body and sample.body.endswith("美方將作為台灣可靠及互相支持的夥伴。")
    tokens = read(dest, "tokens")
    assert set(tokens[tokens.article_id == SAMPLE_ID].pos) and (tokens.pos.str.len() > 0).all()


def test_runs_table_records_the_run(first_run) -> None:
    dest, summary = first_run
    runs = read(dest, "runs")
    row = runs[runs.run_id == summary["run_id"]].iloc[0]
    assert row.status == "completed" and row.finished_at is not None
    assert row.n_new == summary["n_new"] and row.n_rejected == summary["n_rejected"]
    assert dict(row.table_versions) == summary["table_versions"]
    assert row.flow_run_id


def test_rerun_adds_no_rows_and_a_changed_file_replaces_its_rows(first_run, source_dir: Path, tmp_path: Path) -> None:
    from flows.pipeline import newsfacts_flow

    dest, _ = first_run
    # work on a copy so the module's first-run tables stay as they were for the other tests
    source = tmp_path / "raw"
    shutil.copytree(source_dir, source)
    work = tmp_path / "processed"
    shutil.copytree(dest, work)
    before = {name: len(read(work, name)) for name in ("articles", "paragraphs", "sentences", "tokens", "rejects")}

    again = newsfacts_flow(source=str(source), dest=str(work), max_bytes=MAX_BYTES)
    assert (again["n_new"], again["n_changed"], again["n_rejected"]) == (0, 0, 0)
    assert again["n_unchanged"] == before["articles"] + before["rejects"]
    assert {name: len(read(work, name)) for name in before} == before

    sample = source / SAMPLE.name
    text = sample.read_text(encoding="utf-8").replace("美方將作為台灣可靠及互相支持的夥伴。", "美方將作為台灣可靠的夥伴。\n\n新增的一段內文。")
    sample.write_text(text, encoding="utf-8")
    changed = newsfacts_flow(source=str(source), dest=str(work), max_bytes=MAX_BYTES)
    assert (changed["n_new"], changed["n_changed"]) == (0, 1)
    articles = read(work, "articles")
    assert len(articles) == before["articles"]
    body = articles.set_index("article_id").loc[SAMPLE_ID].body
    assert body.endswith("新增的一段內文。")
    paragraphs = read(work, "paragraphs")
    assert (paragraphs[(paragraphs.article_id == SAMPLE_ID) & (paragraphs.kind == "body")].shape[0]) == 13
    for name in ("paragraphs", "sentences", "tokens"):
        frame = read(work, name)
        assert not frame.duplicated(["article_id", *[c for c in frame.columns if c.endswith("_no")]]).any()


def test_readme_reading_examples_run_against_real_tables(first_run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ```python block of the README runs as written (from a folder whose data/processed holds the tables)."""
    import re

    dest, _ = first_run
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert len(blocks) >= 3
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "processed").symlink_to(dest, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    for block in blocks:
        if "pyspark" in block:  # no Spark on the test machine: shown, not run
            continue
        namespace: dict = {}
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own documentation


def test_sample_facts_in_the_tables(first_run) -> None:
    """The structured facts of the sample article, read back from the Delta tables."""
    dest, _ = first_run

    def of_sample(name: str) -> pd.DataFrame:
        frame = read(dest, name)
        return frame[frame.article_id == SAMPLE_ID]

    bodies = dict(zip(*[read(dest, "articles")[c] for c in ("article_id", "body")]))
    body = bodies[SAMPLE_ID]
    for name in ("entities", "quantities", "time_expressions", "statements"):
        frame = of_sample(name)
        assert len(frame) > 0 and (frame.extractor_version == schema.EXTRACTOR_VERSION).all()
        assert all(body[s:e] == t for s, e, t in zip(frame.start, frame.end, frame.text)), name

    money = of_sample("quantities").query("kind == 'money'")
    assert sorted(zip(money.text, money.value, money.currency)) == sorted(
        [("400億美元", 4e10, "USD"), ("400億美元", 4e10, "USD"), ("1000億元", 1e11, "TWD"), ("15兆元", 1.5e13, "TWD"),
         ("120億美元", 1.2e10, "USD")]
    )
    quantities = of_sample("quantities")
    assert (quantities.text == "15%").sum() == 2 and set(quantities[quantities.text == "15%"].value) == {15.0}
    counts = quantities.query("kind == 'count'")
    assert sorted(zip(counts.text, counts.unit)) == [("50萬個", "個"), ("50萬名", "名"), ("5位", "位")]
    durations = dict(zip(quantities.query("kind == 'duration'").text, quantities.query("kind == 'duration'").value))
    assert durations["9個半月"] == 9.5 and durations["5年"] == 5.0
    assert not quantities.text.str.contains("232").any()

    times = of_sample("time_expressions")
    today = times[times.text == "今（27日）"].iloc[0]
    assert today.value == "2026-01-27" and today.is_relative and today.granularity == "day"
    assert dict(zip(times.text, times.value))["2020年5月"] == "2020-05"

    people = of_sample("entities").query("type == 'PERSON'")
    titles = {(n, t) for n, t in zip(people.name, people.title) if t}
    assert {("卓榮泰", "行政院長"), ("柯拉克", "主席"), ("鄭麗君", "副院長")} <= titles
    aliases = dict(zip(people.name, people.alias))
    assert aliases["柯拉克"] == "Keith Krach" and aliases["川普"] == "Donald Trump"
    orgs = of_sample("entities").query("type == 'ORG'")
    assert "USTBC" in dict(zip(orgs.name, orgs.alias))["美國台灣商業協會"]
    assert dict(zip(orgs.name, orgs.alias))["輝達"] == "NVIDIA"

    statements = of_sample("statements")
    speakers = statements.speaker.value_counts().to_dict()
    assert speakers["卓榮泰"] >= 8 and speakers["柯拉克"] >= 3
    assert (statements.content_start >= statements.start).all() and (statements.content_end <= statements.end).all()

    tokens = of_sample("tokens")
    labelled = dict(zip(tokens.text, tokens.fact))
    assert labelled["卓榮泰"] == "PERSON" and labelled["400億美元"] == "money" and labelled["2040年"] == "date"


def test_a_new_pipeline_version_reprocesses_older_articles(first_run, source_dir: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.pipeline import newsfacts_flow

    dest, _ = first_run
    work = tmp_path / "processed"
    shutil.copytree(dest, work)
    n_articles = len(read(work, "articles"))
    monkeypatch.setattr(schema, "PIPELINE_VERSION", "99.0.0")
    upgraded = newsfacts_flow(source=str(source_dir), dest=str(work), max_bytes=MAX_BYTES)
    assert upgraded["n_changed"] == n_articles and upgraded["n_new"] == 0
    articles = read(work, "articles")
    assert len(articles) == n_articles and set(articles.pipeline_version) == {"99.0.0"}
    again = newsfacts_flow(source=str(source_dir), dest=str(work), max_bytes=MAX_BYTES)
    assert again["n_changed"] == 0


def test_a_url_list_source_downloads_keeps_raw_files_and_rejects_failures(prefect_harness, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A text file of URLs as --source, against an HTTP server on the loopback address."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from flows.pipeline import newsfacts_flow

    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    pages = {"/sample": SAMPLE.read_bytes(), "/flaky": SAMPLE.read_bytes().replace("卓榮泰".encode(), "王小明".encode())}
    hits: dict[str, int] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            hits[self.path] = hits.get(self.path, 0) + 1
            if self.path == "/flaky" and hits[self.path] < 2:
                self.send_response(500)
                self.end_headers()
                return
            body = pages.get(self.path)
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        url_list = tmp_path / "urls.txt"
        url_list.write_text(f"# today's articles\n{base}/sample\n{base}/flaky\n{base}/missing\nnot a url\n", encoding="utf-8")
        dest, raw = tmp_path / "processed", tmp_path / "raw"
        summary = newsfacts_flow(source=str(url_list), dest=str(dest), raw_dir=str(raw))
        assert (summary["n_new"], summary["n_rejected"]) == (2, 2)
        articles = read(dest, "articles")
        assert set(articles.source_uri) == {f"{base}/sample", f"{base}/flaky"}
        assert all(a.startswith("fetched/127.0.0.1_") for a in articles.article_id)
        rejects = read(dest, "rejects").set_index("reason")
        assert "404" in rejects.loc["fetch_failed", "detail"] and rejects.loc["fetch_failed", "source_uri"] == f"{base}/missing"
        assert "line 5" in rejects.loc["invalid_url", "detail"]
        kept = sorted(p for p in raw.rglob("*.txt"))
        assert len(kept) == 2 and SAMPLE.read_bytes() in {p.read_bytes() for p in kept}

        again = newsfacts_flow(source=str(url_list), dest=str(dest), raw_dir=str(raw))
        assert again["n_new"] == 0 and again["n_changed"] == 0 and again["n_unchanged"] == 2
        pages["/sample"] = pages["/sample"].replace("美方將作為台灣可靠".encode(), "美方將作為台灣堅定可靠".encode())
        changed = newsfacts_flow(source=str(url_list), dest=str(dest), raw_dir=str(raw))
        assert changed["n_changed"] == 1 and len(read(dest, "articles")) == 2
        assert len(list(raw.rglob("*.txt"))) == 3  # the earlier download is kept, unchanged
        # the raw folder can itself be a source: the downloads are not listed as articles twice
        listed = newsfacts_flow(source=str(raw), dest=str(tmp_path / "from_raw"))
        assert listed["n_new"] == 0
    finally:
        server.shutdown()


def _table_contents(dest: Path) -> dict[str, pd.DataFrame]:
    """Every data table, sorted, without the columns that name the run."""
    out = {}
    for spec in (*schema.CONTENT_TABLES, schema.ARTICLES):
        frame = read(dest, spec.name).drop(columns=["run_id", "processed_at"], errors="ignore")
        keys = [c for c in ("article_id", "paragraph_no", "sentence_no", "token_no", "start", "end", "text") if c in frame]
        out[spec.name] = frame.sort_values(keys).reset_index(drop=True)
    return out


def test_removals_prepared_in_a_helper_give_the_same_tables(first_run, source_dir: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A single-batch run drops the old rows of its changed articles in a helper process while it transforms
    (flows/early_removal.py): the tables must be exactly those of the plain commit, also when a new file of the
    batch is rejected (its id was given to the helper but has no rows)."""
    from flows.pipeline import newsfacts_flow

    dest, _ = first_run
    source = tmp_path / "raw"
    shutil.copytree(source_dir, source)
    for path in sorted((source / "variants").glob("*.txt"))[:3]:
        path.write_text(path.read_text(encoding="utf-8") + "\n\n補充的一段內文，記者再次查證。\n", encoding="utf-8")
    (source / "variants" / "new_bad.txt").write_bytes(b"")
    touched = sorted((source / "variants").glob("*.txt"))[3]
    os.utime(touched, (touched.stat().st_atime, touched.stat().st_mtime + 60))  # a new time, the same content
    changed = {f"variants/{p.stem}" for p in sorted((source / "variants").glob("*.txt"))[:3]} | {"variants/new_bad"}
    tables = {}
    for mode in ("1", "0", "guess", "wrong-guess"):
        work = tmp_path / f"processed-{mode}"
        shutil.copytree(dest, work)
        monkeypatch.setenv("NEWSFACTS_EARLY_REMOVAL", "0" if mode == "0" else "1")
        if mode == "guess":  # the CLI's standby helper, told where to guess the run's articles
            from flows import early_removal

            assert early_removal.guess_replaced_ids(str(work), str(source), MAX_BYTES) == sorted(changed)
            early_removal.start_standby_helper(str(work), str(source), MAX_BYTES)
            # The run must use the guessing helper, not start one of its own.
            monkeypatch.setattr(early_removal, "_start_helper", lambda: pytest.fail("the guess was not used"))
        if mode == "wrong-guess":  # guessed over the unchanged folder: nothing; the run starts a helper of its own
            from flows import early_removal

            monkeypatch.undo()
            monkeypatch.setenv("NEWSFACTS_EARLY_REMOVAL", "1")
            early_removal.start_standby_helper(str(work), str(source_dir), MAX_BYTES)
        summary = newsfacts_flow(source=str(source), dest=str(work), max_bytes=MAX_BYTES)
        assert (summary["n_changed"], summary["n_rejected"]) == (3, 1)
        assert ("commit_waited_for_removal_helper" in summary["stage_seconds"]) == (mode != "0")
        # The guessing helper's plan replaces the flow's own listing; a guess over another folder does not.
        assert ("list" in summary["stage_seconds"]) == (mode != "guess")
        tables[mode] = _table_contents(work)
        new_files = {p.name for p in (work / "tokens").glob("*.parquet")} - {p.name for p in (dest / "tokens").glob("*.parquet")}
        assert new_files <= _referenced(work / "tokens")  # no stray files left behind
    for name in tables["1"]:
        pd.testing.assert_frame_equal(tables["1"][name], tables["0"][name], check_like=True)
        pd.testing.assert_frame_equal(tables["guess"][name], tables["0"][name], check_like=True)
        pd.testing.assert_frame_equal(tables["wrong-guess"][name], tables["0"][name], check_like=True)


def _copies_with_one_article_edited(dest: Path, source_dir: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """Copies of the first run's tables and of its source, one article edited: (tables, source, edited file)."""
    work = tmp_path / "processed"
    shutil.copytree(dest, work)
    source = tmp_path / "raw"
    shutil.copytree(source_dir, source)
    edited = sorted((source / "variants").glob("*.txt"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\n補充的一段內文。\n", encoding="utf-8")
    return work, source, edited


def test_the_helpers_plan_is_used_only_while_the_tables_it_read_stay_put(first_run, source_dir: Path,
                                                                          tmp_path: Path) -> None:
    """The CLI's guessing helper plans the run (listing, state) before the flow holds the lock. The flow uses that
    plan only for the same source and destination and while `articles` and `rejects` are at the versions the
    helper read; else it lists and loads the state itself. Either way the run's counts are those of a plain run."""
    from flows import early_removal, store
    from flows.pipeline import newsfacts_flow

    dest, _ = first_run
    work, source, edited = _copies_with_one_article_edited(dest, source_dir, tmp_path)

    ids, plan = early_removal.guess_run(str(work), str(source), MAX_BYTES)
    assert ids == [f"variants/{edited.stem}"] and plan is not None
    assert [entry.article_id for entry in plan.to_read] == ids and set(plan.articles) == set(ids)
    assert plan.n_unchanged == sum(1 for _ in source.rglob("*.txt")) - 1
    assert plan.usable(str(source), str(work))
    assert not plan.usable(str(source_dir), str(work)) and not plan.usable(str(source), str(dest) + "/")

    # A table moved after the helper read it: the flow makes its own plan.
    early_removal.start_standby_helper(str(work), str(source), MAX_BYTES)
    assert early_removal._standby is not None and early_removal._standby.first_message() is not None
    versions = early_removal.state_versions(str(work))
    unrelated = reject_row("another-run", "elsewhere/gone", "file:///elsewhere/gone.txt", None, "empty", "empty",
                           dt.datetime.now(dt.timezone.utc))
    store.append_rows(str(work), "rejects", schema.to_table(schema.REJECTS, [unrelated]))  # as a concurrent run would
    assert early_removal.state_versions(str(work)) == (versions[0], versions[1] + 1)
    summary = newsfacts_flow(source=str(source), dest=str(work), max_bytes=MAX_BYTES)
    assert "list" in summary["stage_seconds"] and "plan_from_helper" in summary["stage_seconds"]
    assert (summary["n_changed"], summary["n_new"], summary["n_unchanged"]) == (1, 0, plan.n_unchanged)

    # Nothing changed since: the helper's plan is used, and finds nothing to do.
    early_removal.start_standby_helper(str(work), str(source), MAX_BYTES)
    summary = newsfacts_flow(source=str(source), dest=str(work), max_bytes=MAX_BYTES)
    early_removal.stop_standby_helper()
    assert "list" not in summary["stage_seconds"] and "plan_from_helper" in summary["stage_seconds"]
    assert (summary["n_changed"], summary["n_new"], summary["n_unchanged"]) == (0, 0, plan.n_unchanged + 1)


def test_the_removal_helper_plans_and_removes_without_pandas(first_run, source_dir: Path, tmp_path: Path) -> None:
    """The helper's guess and removals import neither pandas, pyarrow.dataset nor httpx (0.25 s of its start, on
    the path of a run that replaces a few articles): flows.table_state, no Python-to-Arrow conversions."""
    import subprocess
    import sys

    dest, _ = first_run
    work, source, edited = _copies_with_one_article_edited(dest, source_dir, tmp_path)
    probe = (
        "import sys\n"
        "from flows import early_removal\n"
        f"ids, plan = early_removal.guess_run({str(work)!r}, {str(source)!r}, None)\n"
        f"removed = early_removal.prepare_encoded({str(work)!r}, early_removal.removal_tables(), ids)\n"
        "assert len(ids) == 1 and plan is not None and removed['paragraphs'][2] >= 1, (ids, removed)\n"
        "print(sorted(m for m in ('pandas', 'pyarrow.dataset', 'httpx', 'prefect') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout == "[]\n", result.stderr[-2000:]


def _referenced(table_dir: Path) -> set[str]:
    return {Path(uri).name for uri in DeltaTable(str(table_dir)).file_uris()}


def test_helper_removals_are_discarded_when_the_table_moved_or_the_helper_failed(first_run, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from flows import store
    from flows.early_removal import EarlyRemoval

    dest, _ = first_run
    work = tmp_path / "processed"
    shutil.copytree(dest, work)
    spec = schema.TABLES["paragraphs"]
    table_dir = work / spec.name
    # An article sharing its file with others: dropping it rewrites that file.
    article_id, other_id = next(ids[:2] for ids in (sorted(set(pq.read_table(table_dir / name).column("article_id").to_pylist()))
                                                    for name in sorted(_referenced(table_dir))) if len(ids) >= 2)
    files_before = {p.name for p in table_dir.glob("*.parquet")}

    early = EarlyRemoval(str(work), [spec.name], [article_id])
    early._process.wait(timeout=120)  # type: ignore[union-attr]  (done: its small answer fits the pipe)
    assert {p.name for p in table_dir.glob("*.parquet")} - files_before  # uncommitted: no version has them
    version = DeltaTable(str(table_dir)).version()
    store.commit_replacing_articles(str(work), spec.name, [], [other_id])  # the table moves on
    assert DeltaTable(str(table_dir)).version() == version + 1
    assert early.take() is None and not early.taken
    assert {p.name for p in table_dir.glob("*.parquet")} - files_before <= _referenced(table_dir)  # deleted again

    broken = EarlyRemoval(str(tmp_path / "no-such-dest"), [spec.name], [article_id])
    assert broken.take() is None  # the helper raised: the commit prepares its own
    assert broken.take() is None  # and only once


def test_a_standby_helper_serves_the_next_removal_or_ends_unused(first_run, source_dir: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from flows import early_removal

    dest, _ = first_run
    work = tmp_path / "processed"
    shutil.copytree(dest, work)
    table_dir = work / "paragraphs"
    article_id = sorted(set(pq.read_table(table_dir / sorted(_referenced(table_dir))[0]).column("article_id").to_pylist()))[0]

    early_removal.start_standby_helper()
    standby = early_removal._standby
    assert standby is not None
    early_removal.start_standby_helper()  # one at a time
    assert early_removal._standby is standby
    early = early_removal.EarlyRemoval(str(work), ["paragraphs"], [article_id])
    assert early._process is standby.process and early_removal._standby is None  # taken, not a second process
    removals = early.take()
    assert removals is not None and removals["paragraphs"].rewritten >= 1
    early.close()

    import pickle

    early_removal.start_standby_helper(str(work), str(tmp_path / "no-such-source"), None, 1)
    failed = early_removal._standby
    assert failed is not None and failed.process.wait(timeout=60) != 0  # a source it cannot list: no guess, no harm
    early_removal.stop_standby_helper()
    source = tmp_path / "raw"
    shutil.copytree(source_dir, source)
    for path in sorted((source / "variants").glob("*.txt"))[:2]:
        path.write_text(path.read_text(encoding="utf-8") + "\n\n補充的一段內文。\n", encoding="utf-8")
    early_removal.start_standby_helper(str(work), str(source), None, 1)
    several = early_removal._standby
    assert several is not None and several.process.wait(timeout=60) == 0
    message = pickle.load(several.process.stdout)  # two changed articles, batches of one: several batches
    assert message[0] == "guess" and len(message[1]) == 2 and message[2].n_unchanged > 0
    assert several.process.stdout.read() == b""  # it stopped after its guess: a run of several batches has no helper
    early_removal.stop_standby_helper()

    early_removal.start_standby_helper()
    unused = early_removal._standby
    assert unused is not None
    early_removal.stop_standby_helper()  # no request: it exits quietly
    assert unused.process.returncode == 0 and early_removal._standby is None
