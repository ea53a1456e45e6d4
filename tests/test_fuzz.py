"""Fuzzing the reader and parser: whatever the bytes, a file ends as an article or as a reject with a reason."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLE
from transforms import schema
from transforms.article import process_batch
from transforms.model import RawFile

SAMPLE_BYTES = SAMPLE.read_bytes()
NOW = dt.datetime(2026, 1, 27, tzinfo=dt.timezone.utc)


def raw(content: bytes, i: int = 0) -> RawFile:
    return RawFile(f"f{i}", f"/src/f{i}.txt", content, hashlib.sha256(content).hexdigest(), len(content))


def assert_every_file_lands_somewhere(contents: list[bytes]) -> None:
    result = process_batch([raw(c, i) for i, c in enumerate(contents)], "fuzz", NOW)
    written = set(result.tables["articles"].column("article_id").to_pylist())
    rejected = {row["article_id"]: row for row in result.tables["rejects"].to_pylist()}
    assert written.isdisjoint(rejected)
    assert written | set(rejected) == {f"f{i}" for i in range(len(contents))}
    for row in rejected.values():
        assert row["reason"] in schema.REJECT_REASONS and row["reason"] != "internal_error", row
        assert row["detail"]
    bodies = dict(zip(result.tables["articles"].column("article_id").to_pylist(), result.tables["articles"].column("body").to_pylist()))
    for name in ("paragraphs", "sentences", "tokens", "entities", "quantities", "time_expressions", "statements"):
        for r in result.tables[name].to_pylist():
            if r.get("start") is not None:
                assert bodies[r["article_id"]][r["start"] : r["end"]] == r["text"], (name, r)


def mutations() -> st.SearchStrategy[bytes]:
    cut = st.integers(min_value=0, max_value=len(SAMPLE_BYTES))
    return st.one_of(
        st.binary(max_size=3000),
        cut.map(lambda n: SAMPLE_BYTES[:n]),  # truncated anywhere, also mid-character
        st.tuples(cut, st.binary(min_size=1, max_size=50)).map(lambda t: SAMPLE_BYTES[: t[0]] + t[1] + SAMPLE_BYTES[t[0] :]),
        st.tuples(cut, st.integers(1, 20)).map(lambda t: SAMPLE_BYTES[: t[0]] + b"\x00" * t[1] + SAMPLE_BYTES[t[0] :]),
        cut.map(lambda n: SAMPLE_BYTES[:n] + SAMPLE.read_text(encoding="utf-8").encode("cp950", errors="replace")[n:]),
        st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "gb18030", "cp950"]).map(
            lambda enc: SAMPLE.read_text(encoding="utf-8").encode(enc, errors="replace")
        ),
        st.text(max_size=500).map(lambda t: (" date 2026-01-27\n政治\n\n" + t).encode("utf-8", errors="surrogatepass")),
        st.integers(1, 300).map(lambda depth: (" date 2026-01-27\n政治\n\n標題\n\n" + "（「【" * depth + "內文" + "】」）" * depth + "。\n").encode()),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutations(), min_size=1, max_size=4))
def test_random_and_damaged_inputs_never_crash_the_batch(contents: list[bytes]) -> None:
    assert_every_file_lands_somewhere(contents)


def test_pathological_inputs() -> None:
    header = " date 2026-01-27\n政治\n\n標題\n\n"
    contents = [
        (header + "長" * 1_000_000 + "。\n").encode("utf-8"),  # a 1 MB line (3 MB of UTF-8)
        (header + "（" * 5000 + "內文" + "）" * 5000 + "\n").encode("utf-8"),  # deeply nested brackets
        (header + "第一段。\n").encode("utf-8") + b"\x00\x00\x00",
        codecs.BOM_UTF8 + (header + "一段。\n").encode("utf-16"),  # mixed: UTF-8 BOM then UTF-16
        header.encode("utf-8") + "第二段。\n".encode("cp950"),  # mixed encodings in one file
        b"\xff\xfe" + b"\x00" * 10,
        b"\n" * 10000,
        (header + "\u200b\ufeff\u3000\u00a0" * 100 + "\n").encode("utf-8"),
        (header + "1" * 5000 + "億元\n").encode("utf-8"),
        (header + "民國" * 3000 + "年\n").encode("utf-8"),
        (header + "他說7022130禮拜前與99999999天後都一樣。\n").encode("utf-8"),  # offsets beyond the calendar
    ]
    assert_every_file_lands_somewhere(contents)
