import datetime as dt

from hypothesis import example, given
from hypothesis import strategies as st

from transforms.incremental import KnownFile, SourceEntry, article_id_for, classify, plan_run

T0 = dt.datetime(2026, 1, 27, 8, 0, tzinfo=dt.timezone.utc)
T1 = T0 + dt.timedelta(minutes=5)


def entry(article_id: str, size: int = 100, mtime: dt.datetime | None = T0) -> SourceEntry:
    return SourceEntry(article_id, f"/src/{article_id}.txt", size, mtime)


def test_article_id_is_relative_path_without_txt() -> None:
    assert article_id_for("2026/01/abc.txt") == "2026/01/abc"
    assert article_id_for("./2026//01/abc.TXT") == "2026/01/abc"
    assert article_id_for("a\\b.txt") == "a/b"
    assert article_id_for("notes.md") == "notes.md"


def test_precheck_skips_files_with_same_size_and_mtime() -> None:
    known = {"a": KnownFile("h", 100, T0, "1"), "b": KnownFile("h", 100, T0, "1"), "c": KnownFile("h", 100, T0, "0")}
    plan = plan_run([entry("a"), entry("b", mtime=T1), entry("c"), entry("d")], known, {}, "1")
    assert [e.article_id for e in plan.unchanged] == ["a"]
    # b touched, c from an older pipeline version, d new
    assert [e.article_id for e in plan.to_read] == ["b", "c", "d"]


def test_full_refresh_reads_everything() -> None:
    known = {"a": KnownFile("h", 100, T0, "1")}
    assert [e.article_id for e in plan_run([entry("a")], known, {}, "1", full_refresh=True).to_read] == ["a"]


def test_previously_rejected_unchanged_file_is_skipped() -> None:
    rejects = {"x": KnownFile("h", 100, T0)}
    assert [e.article_id for e in plan_run([entry("x")], {}, rejects, "1").unchanged] == ["x"]
    assert classify("x", "h", {}, rejects, "1") == "rejected_before"
    assert classify("x", "other", {}, rejects, "1") == "new"


def test_duplicate_ids_keep_the_first_in_path_order() -> None:
    a = SourceEntry("a", "/src/a.txt", 1, T0)
    a_upper = SourceEntry("a", "/src/a.TXT", 1, T0)
    plan = plan_run([a_upper, a], {}, {}, "1")
    assert plan.to_read == [a_upper] and plan.duplicates == [a]


def test_classify_after_hashing() -> None:
    known = {"a": KnownFile("h1", 1, T0, "1")}
    assert classify("a", "h1", known, {}, "1") == "unchanged"
    assert classify("a", "h2", known, {}, "1") == "changed"
    assert classify("a", "h1", known, {}, "2") == "changed"
    assert classify("b", "h1", known, {}, "1") == "new"


def test_read_groups_bound_files_and_bytes() -> None:
    from flows.pipeline import READ_GROUP_BYTES, READ_GROUP_FILES, read_groups

    def entries(sizes: list[int]) -> list[SourceEntry]:
        return [SourceEntry(f"a{i}", f"/s/a{i}.txt", size, None) for i, size in enumerate(sizes)]

    small = entries([1000] * (2 * READ_GROUP_FILES + 5))
    groups = read_groups(small, 200)
    assert [len(g) for g in groups] == [200, READ_GROUP_FILES, READ_GROUP_FILES - 195]  # one batch first
    assert [e for g in groups for e in g] == small  # every file once, in order
    assert [len(g) for g in read_groups(small[:3000], 2500)] == [2500, 500]  # never less than a batch
    big = entries([READ_GROUP_BYTES // 2 + 1, READ_GROUP_BYTES * 3, 10, 10])
    assert [len(g) for g in read_groups(big, 200)] == [1, 1, 2]  # a file over the bound is a group of its own
    assert read_groups([], 200) == []


@given(st.integers(0, 5000), st.integers(1, 1000), st.integers(1, 16))
def test_tail_batch_sizes_cover_the_files_in_batches_no_larger_than_the_batch_size(n: int, batch: int, workers: int) -> None:
    from flows.pipeline import tail_batch_sizes

    sizes = tail_batch_sizes(n, batch, workers)
    assert sum(sizes) == n
    assert all(0 < size <= batch for size in sizes)
    # the run ends on small batches: the last 6 x workers are at most a quarter batch (when there are that many)
    small = max(1, batch // 4)
    assert all(size <= small for size in sizes[-min(len(sizes), 6 * workers):]) or n <= small


def _article_id_reference(relative_path: str) -> str:
    import posixpath

    path = posixpath.normpath(relative_path.replace("\\", "/")).lstrip("/")
    stem, ext = posixpath.splitext(path)
    return stem if ext.lower() == ".txt" else path


@given(st.text(alphabet="/\\.atxTX 台", min_size=1, max_size=14))
@example("2026/01/a.txt")
@example("a/.txt")
@example("./a.txt")
@example("a/../b.txt")
@example("a//b.TXT")
@example("x.txt/")
@example("a./b.txt")
def test_article_id_fast_path_agrees_with_normpath(relative_path: str) -> None:
    assert article_id_for(relative_path) == _article_id_reference(relative_path)
