"""Maintenance and schema evolution on real Delta tables (no Prefect needed: the storage layer directly)."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet  # noqa: F401  (pa.parquet)
import pytest
from deltalake import DeltaTable, write_deltalake
from deltalake.schema import Field

import newsfacts
from flows import store
from flows.maintenance import run_maintenance
from flows.runlog import new_run_id
from tests.conftest import SAMPLE
from transforms import schema
from transforms.article import process_batch
from transforms.model import RawFile

TABLES = ("articles", "tokens")


def raw_article(i: int) -> RawFile:
    text = SAMPLE.read_text(encoding="utf-8").replace("卓榮泰", f"卓榮泰{i % 7}", 1) + f"\n第{i}則補充。\n"
    content = text.encode("utf-8")
    return RawFile(f"a{i:04d}", f"/src/a{i:04d}.txt", content, hashlib.sha256(content).hexdigest(), len(content))


def commit_run(dest: str, raws: list[RawFile], tables: dict[str, pa.Table] | None = None) -> str:
    """One pipeline-like run of the storage layer: stage, commit each table once, record the run."""
    now = dt.datetime.now(dt.timezone.utc)
    run_id = new_run_id(now)
    if tables is None:
        result = process_batch(raws, run_id, now)
        tables, ids = result.tables, result.written_ids
    else:
        ids = [raw.article_id for raw in raws]
        tables = {name: t.filter(pc.is_in(t["article_id"], pa.array(ids))) for name, t in tables.items()}
    staging = store.Staging(run_id)
    try:
        staging.add({name: tables[name] for name in TABLES})
        for name in TABLES:
            store.commit_replacing_articles(dest, name, staging.files(name), ids)
    finally:
        staging.cleanup()
    store.upsert_runs(dest, [{
        "run_id": run_id, "started_at": now, "finished_at": dt.datetime.now(dt.timezone.utc), "status": "completed",
        "pipeline_version": schema.PIPELINE_VERSION, "table_versions": store.data_versions(dest),
    }])
    return run_id


def read_seconds(dest: str, name: str, repeats: int = 9) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        newsfacts.read_table(name, dest=dest, format="arrow")
        best = min(best, time.perf_counter() - started)
    return best


COPIES = 5  # articles per small run: 1,000 articles, about 0.9 M token rows in all


def replicated_rows(raws: list[RawFile]) -> dict[str, pa.Table]:
    """The rows of `raws`, transformed once, copied COPIES times under new article ids (`a0001~k`)."""
    rows = process_batch(raws, "precomputed", dt.datetime.now(dt.timezone.utc)).tables
    out = {}
    for name in TABLES:
        table = rows[name]
        copies = []
        for k in range(COPIES):
            ids = pc.binary_join_element_wise(table["article_id"], pa.scalar(str(k)), "~")
            copies.append(table.set_column(table.schema.get_field_index("article_id"), "article_id", ids))
        out[name] = pa.concat_tables(copies)
    return out


def copies_of(raw: RawFile) -> list[RawFile]:
    return [RawFile(f"{raw.article_id}~{k}", raw.source_uri, raw.content, raw.content_sha256, raw.size) for k in range(COPIES)]


@pytest.fixture(scope="module")
def many_small_runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("maintenance")
    raws = [raw_article(i) for i in range(200)]
    # The same rows in one run and in 200 small runs (transformed once: this test is about storage).
    rows = replicated_rows(raws)
    one = str(root / "one_run")
    store.create_missing_tables(one)
    commit_run(one, [c for raw in raws for c in copies_of(raw)], rows)
    many = str(root / "many_runs")
    store.create_missing_tables(many)
    run_ids = [commit_run(many, copies_of(raw), rows) for raw in raws]
    return {"one": one, "many": many, "run_ids": run_ids}


def test_maintain_compacts_and_reads_cost_like_one_run(many_small_runs: dict) -> None:
    """The 1.5x bound is checked on `tokens`, where reading is dominated by data. On a 200-row table the fixed
    cost of the log dominates instead (a checkpoint keeps 7 days of tombstones): there the figures are printed."""
    one, many = many_small_runs["one"], many_small_runs["many"]
    assert len(DeltaTable(f"{many}/tokens").file_uris()) == 200
    before = {name: read_seconds(many, name) for name in TABLES}
    result = run_maintenance(many)
    tables = {r["table"]: r for r in result["tables"]}
    assert tables["tokens"]["files_before"] == 200 and tables["tokens"]["files_after"] == 1
    for name in TABLES:
        assert newsfacts.read_table(name, dest=many).shape == newsfacts.read_table(name, dest=one).shape
        after, baseline = read_seconds(many, name), read_seconds(one, name)
        print(f"{name}: read {before[name]:.4f}s after 200 runs, {after:.4f}s after maintain, {baseline:.4f}s after one run")
        if name == "tokens":
            assert after <= 1.5 * baseline, f"{name}: {after:.4f}s after maintain vs {baseline:.4f}s for one run"
        assert after < before[name]
    # the maintenance run is the newest consistent snapshot
    assert newsfacts.snapshot(dest=many).run_id == result["run_id"]


def test_as_of_reads_inside_the_retention_period_survive_maintenance(many_small_runs: dict) -> None:
    many = many_small_runs["many"]
    early = many_small_runs["run_ids"][4]
    run_maintenance(many)  # default retention: 7 days, so nothing an early run needs is vacuumed
    articles = newsfacts.read_table("articles", as_of=early, dest=many)
    assert sorted(articles.article_id) == sorted(f"a{i:04d}~{k}" for i in range(5) for k in range(COPIES))


def test_vacuum_with_zero_retention_removes_replaced_files(tmp_path: Path) -> None:
    dest = str(tmp_path)
    store.create_missing_tables(dest)
    first = commit_run(dest, [raw_article(1)])
    changed = raw_article(2)
    commit_run(dest, [RawFile("a0001", "/src/a0001.txt", changed.content, changed.content_sha256, changed.size)])
    result = run_maintenance(dest, retention_hours=0)
    assert {r["table"]: r["vacuumed"] for r in result["tables"]}["tokens"] >= 1
    with pytest.raises(Exception):
        newsfacts.read_table("tokens", as_of=first, dest=dest)  # its files are gone: documented


def test_a_new_column_is_added_to_existing_tables_and_old_versions_stay_readable(tmp_path: Path) -> None:
    dest = str(tmp_path)
    # Tables as an older pipeline version wrote them: tokens without `fact`, runs without `n_pruned`.
    old_tokens = pa.schema([f for f in schema.TOKENS.schema if f.name != "fact"])
    old_runs = pa.schema([f for f in schema.RUNS.schema if f.name not in ("n_pruned", "stage_seconds")])
    DeltaTable.create(f"{dest}/tokens", old_tokens)
    DeltaTable.create(f"{dest}/runs", old_runs)
    write_deltalake(f"{dest}/tokens", pa.Table.from_pylist(
        [{"article_id": "old", "sentence_no": 0, "token_no": 0, "text": "舊", "pos": "N", "start": 0, "end": 1}],
        schema=old_tokens), mode="append")
    assert DeltaTable(f"{dest}/tokens").version() == 1

    store.create_missing_tables(dest)
    added = store.evolve_schemas(dest)
    assert "tokens.fact" in added and "runs.n_pruned" in added
    current = store.read_table(dest, "tokens").to_pylist()
    assert current == [{"article_id": "old", "sentence_no": 0, "token_no": 0, "text": "舊", "pos": "N", "start": 0,
                        "end": 1, "fact": None}]
    old = store.read_table(dest, "tokens", version=1)
    assert old.schema.names == old_tokens.names and old.num_rows == 1
    # new rows with the new column land next to the old ones
    commit_run(dest, [raw_article(3)])
    tokens = store.read_table(dest, "tokens").to_pandas()
    assert tokens.fact.notna().any() and tokens[tokens.article_id == "old"].fact.isna().all()
    assert store.evolve_schemas(dest) == []  # idempotent


def test_rewording_a_column_description_does_not_break_existing_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dest = str(tmp_path)
    store.create_missing_tables(dest)
    commit_run(dest, [raw_article(1)])
    reworded = pa.schema([f.with_metadata({b"doc": b"a new description"}) for f in schema.TOKENS.schema])
    import dataclasses

    monkeypatch.setitem(schema.TABLES, "tokens", dataclasses.replace(schema.TOKENS, schema=reworded))
    changed = raw_article(2)
    commit_run(dest, [RawFile("a0001", "/src/a0001.txt", changed.content, changed.content_sha256, changed.size)])
    assert set(store.read_table(dest, "tokens").column("article_id").to_pylist()) == {"a0001"}


def test_a_change_after_maintenance_splits_the_compacted_file_it_touches(tmp_path: Path) -> None:
    """After `maintain` a table is one large file; replacing one article must not leave a large file that every
    later change rewrites whole: the kept rows go back into files of at most `articles_per_file` articles."""
    from flows.delta_files import articles_per_file

    dest = str(tmp_path)
    store.create_missing_tables(dest)
    raws = [raw_article(i) for i in range(45)]
    commit_run(dest, raws)
    run_maintenance(dest, retention_hours=0)
    assert len(DeltaTable(f"{dest}/tokens").file_uris()) == 1
    edited = raw_article(100)
    commit_run(dest, [RawFile("a0003", "/src/a0003.txt", edited.content, edited.content_sha256, edited.size)])

    per_file = articles_per_file("tokens")
    files = [uri.removeprefix("file://") for uri in DeltaTable(f"{dest}/tokens").file_uris()]
    ids_per_file = [set(pa.parquet.read_table(f, columns=["article_id"]).column("article_id").to_pylist()) for f in files]
    assert len(files) == 1 + -(-44 // per_file)  # the staged file of a0003, and the 44 kept articles split
    assert all(len(ids) <= per_file for ids in ids_per_file)
    tokens = newsfacts.read_table("tokens", dest=dest, format="arrow")
    assert sorted(set(tokens.column("article_id").to_pylist())) == sorted(r.article_id for r in raws)
    expected = process_batch([edited], "x", dt.datetime.now(dt.timezone.utc)).tables["tokens"]
    mine = tokens.filter(pc.equal(tokens["article_id"], "a0003"))
    assert mine.column("text").to_pylist() == expected.column("text").to_pylist()


def test_a_retried_commit_keeps_the_staged_rows(tmp_path: Path) -> None:
    """The commit task retries on I/O errors: the staged files must still be there for the second attempt (they
    are linked into the table, not moved), and the same commit twice gives the rows once."""
    dest = str(tmp_path)
    store.create_missing_tables(dest)
    raws = [raw_article(i) for i in range(3)]
    now = dt.datetime.now(dt.timezone.utc)
    result = process_batch(raws, "r", now)
    staging = store.Staging("r")
    try:
        staging.add({"tokens": result.tables["tokens"]})
        staged = {"tokens": staging.files("tokens")}
        store.commit_tables_replacing_articles(dest, staged, result.written_ids)
        assert staging.files("tokens") == staged["tokens"]
        store.commit_tables_replacing_articles(dest, staged, result.written_ids)
    finally:
        staging.cleanup()
    tokens = store.read_table(dest, "tokens")
    assert tokens.num_rows == result.tables["tokens"].num_rows


def test_small_table_reads_equal_dataset_reads(tmp_path: Path) -> None:
    """read_small_table (file by file, no pyarrow.dataset) gives what read_table gives, also for files written
    before a column existed (read as null) and for a column subset."""
    dest = str(tmp_path)
    store.create_missing_tables(dest)
    commit_run(dest, [raw_article(1), raw_article(2)])
    commit_run(dest, [raw_article(3)])
    for name in ("articles", "tokens", "runs", "rejects"):
        assert store.read_small_table(dest, name).equals(store.read_table(dest, name))
    columns = ["article_id", "content_sha256", "source_mtime"]
    assert store.read_small_table(dest, "articles", columns).equals(store.read_table(dest, "articles", columns))
    extra = pa.field("extra_note", pa.string())
    DeltaTable(f"{dest}/articles").alter.add_columns([Field.from_arrow(extra)])
    small, full = store.read_small_table(dest, "articles"), store.read_table(dest, "articles")
    assert small.equals(full) and small.column("extra_note").null_count == small.num_rows
