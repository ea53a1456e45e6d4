"""Record and compare the outputs of the entity and statement extractors on whole corpora.

    python scripts/check_entity_outputs.py record  OUT --corpus PATH [PATH ...] [--fuzz N]
    python scripts/check_entity_outputs.py compare OUT [--corpus PATH ...] [--show N]
    python scripts/check_entity_outputs.py bench   (--corpus PATH [PATH ...] | --dump OUT) [--repeat 3] [--profile FILE]

Every ``*.txt`` file under each PATH (or PATH itself when it is a file) is decoded
(``transforms.decode.decode_bytes``), parsed (``transforms.layout.parse_article``) and split into sentences
(``transforms.sentences.split_sentences``); rejected files are skipped, except the invented articles of
``tests/fixtures/facts`` (a ``.json`` gold file beside them), which are read as the tests read them (one paragraph
per line, ``caption:`` lines). For every article the script runs ``extract_entities(body, sentences, captions)``
and ``extract_statements(body, sentences, entities)``, and also ``person_names.name_spans`` of the body and of
every caption (the person-name layer on its own, with the evidence strength of each span).

record
    Writes OUT, a canonical JSON-lines dump: one line per article with its key, its inputs (body, sentences,
    captions) and the outputs (every field of every mention), and prints the SHA-256 of the dump. OUT holds
    corpus text: keep it outside the repository (``/tmp``). ``--fuzz N`` adds N seeded articles cut together
    from random pieces of the corpus bodies (pieces start and end anywhere, even inside a word or a name;
    joined directly, by a comma or a line break; some pieces become captions), so that window and boundary
    cases are covered too.
compare
    Replays every recorded article (same body, sentences and captions) through the current extractors and
    compares the outputs field by field; with ``--corpus``, also re-parses the corpora and reports articles
    that are new, gone or whose inputs changed since the recording (the layout and sentence code may change
    meanwhile: the recorded inputs are compared regardless). Exit status 1 on any output difference.
bench
    Throughput over all articles, single process, CPU time (``time.process_time``), best of ``--repeat``
    runs, in MB/s of body text (UTF-8 bytes, 10^6): ``entities+statements`` (both extractors, captions
    included, as the pipeline calls them) and ``find_person_names`` (body only). The word segmenter is built
    before timing. ``--dump OUT`` takes the articles of a recording (identical inputs for before / after
    timings while other code changes). ``--profile FILE`` writes a cProfile of one run. The bounded caches of
    the extractor modules (functools.lru_cache) are emptied before every run, so that each run starts as a new
    batch of articles would.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transforms.decode import decode_bytes  # noqa: E402
from transforms.entities import extract_entities  # noqa: E402
from transforms.layout import parse_article  # noqa: E402
from transforms.model import Paragraph, RejectedInput, Sentence  # noqa: E402
from transforms.person_names import find_person_names, name_spans  # noqa: E402
from transforms.sentences import split_sentences  # noqa: E402
from transforms.statements import extract_statements  # noqa: E402


@dataclasses.dataclass
class Article:
    key: str
    body: str
    sentences: list[Sentence]
    captions: list[str]


def _files(corpus: Path) -> list[tuple[str, Path]]:
    if corpus.is_file():
        return [(corpus.name, corpus)]
    return [(p.relative_to(corpus).as_posix(), p) for p in sorted(corpus.rglob("*.txt")) if p.is_file()]


def iter_articles(corpora: list[Path]) -> Iterator[Article]:
    for corpus in corpora:
        label = corpus.name
        for rel, path in _files(corpus):
            try:
                text, _enc = decode_bytes(path.read_bytes())
                parsed = parse_article(text)
            except RejectedInput:
                if path.with_suffix(".json").is_file() and text_ok(path):
                    yield _plain_article(f"{label}/{rel}", path)  # tests/fixtures/facts: no layout, gold beside
                continue
            sentences = split_sentences(parsed.body, parsed.paragraphs)
            captions = [p.text for p in parsed.paragraphs if p.kind == "caption"]
            yield Article(f"{label}/{rel}", parsed.body, sentences, captions)


def text_ok(path: Path) -> bool:
    try:
        return bool(path.read_text(encoding="utf-8").strip())
    except UnicodeDecodeError:
        return False


def _plain_article(key: str, path: Path) -> Article:
    """An invented article of tests/fixtures/facts (as tests/test_entities.py reads it): one paragraph per
    line, ``caption:`` lines are captions."""
    lines = path.read_text(encoding="utf-8").splitlines()
    captions = [line[len("caption:") :].strip() for line in lines if line.startswith("caption:")]
    paras = [line.strip() for line in lines if line.strip() and not line.startswith("caption:")]
    body = "\n".join(paras)
    paragraphs, pos = [], 0
    for i, text in enumerate(paras):
        paragraphs.append(Paragraph(paragraph_no=i, kind="body", text=text, start=pos, end=pos + len(text)))
        pos += len(text) + 1
    return Article(key, body, split_sentences(body, paragraphs), captions)


def _inputs(a: Article) -> dict:
    return {
        "body": a.body,
        "sentences": [dataclasses.astuple(s) for s in a.sentences],
        "captions": a.captions,
    }


def _from_record(rec: dict) -> Article:
    inp = rec["in"]
    return Article(rec["a"], inp["body"], [Sentence(*s) for s in inp["sentences"]], inp["captions"])


def _outputs(a: Article) -> dict:
    ents = extract_entities(a.body, a.sentences, a.captions)
    stmts = extract_statements(a.body, a.sentences, ents)
    names = [[_fields(n) for n in name_spans(t)] for t in [a.body, *a.captions]]
    out = {
        "entities": [dataclasses.astuple(e) for e in ents],
        "statements": [dataclasses.astuple(s) for s in stmts],
        "names": names,
    }
    return json.loads(json.dumps(out, ensure_ascii=False))  # tuples -> lists, as recorded


def _fields(n: object) -> list:
    """A NameSpan's fields (start, end, strength, foreign), whether it is a dataclass or a named tuple."""
    return list(dataclasses.astuple(n)) if dataclasses.is_dataclass(n) else list(n)  # type: ignore[arg-type]


def _dump(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _read(out: Path) -> list[dict]:
    with out.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def fuzz_articles(articles: list[Article], n: int, seed: int = 20261125) -> Iterator[Article]:
    rnd = random.Random(seed)
    bodies = [a.body for a in articles if len(a.body) >= 20]
    if not bodies:
        return

    def piece() -> str:
        b = rnd.choice(bodies)
        k = rnd.randint(5, min(300, len(b)))
        i = rnd.randint(0, len(b) - k)
        return b[i : i + k]

    for i in range(n):
        parts = []
        for _ in range(rnd.randint(1, 8)):
            parts.append(piece())
            parts.append(rnd.choice(["", "", "，", "。", "\n", "、"]))
        lines = [line.strip() for line in "".join(parts).split("\n") if line.strip()]
        body = "\n".join(lines)
        paragraphs, pos = [], 0
        for j, text in enumerate(lines):
            paragraphs.append(Paragraph(paragraph_no=j, kind="body", text=text, start=pos, end=pos + len(text)))
            pos += len(text) + 1
        captions = [piece() for _ in range(rnd.choice([0, 0, 1, 2]))]
        yield Article(f"fuzz/{i}", body, split_sentences(body, paragraphs), captions)


def cmd_record(out: Path, corpora: list[Path], fuzz: int = 0) -> int:
    h = hashlib.sha256()
    n = ne = ns = 0
    articles = list(iter_articles(corpora))
    if fuzz:
        articles += list(fuzz_articles(articles, fuzz))
    with out.open("w", encoding="utf-8") as f:
        for a in articles:
            o = _outputs(a)
            line = _dump({"a": a.key, "in": _inputs(a), "out": o}) + "\n"
            f.write(line)
            h.update(line.encode("utf-8"))
            n += 1
            ne += len(o["entities"])
            ns += len(o["statements"])
    outputs_sha = _outputs_digest(_read(out))
    print(json.dumps({"articles": n, "entities": ne, "statements": ns, "sha256": h.hexdigest(),
                      "outputs_sha256": outputs_sha, "out": str(out)}))
    return 0


def _outputs_digest(recs: list[dict]) -> str:
    h = hashlib.sha256()
    for rec in recs:
        h.update((_dump({"a": rec["a"], "out": rec["out"]}) + "\n").encode("utf-8"))
    return h.hexdigest()


def cmd_compare(out: Path, corpora: list[Path], show: int) -> int:
    recs = _read(out)
    diffs = {"entities": 0, "statements": 0, "names": 0}
    shown = 0
    h = hashlib.sha256()
    for rec in recs:
        a = _from_record(rec)
        got = _outputs(a)
        h.update((_dump({"a": rec["a"], "out": got}) + "\n").encode("utf-8"))
        for name in diffs:
            want = rec["out"][name]
            if got[name] != want:
                diffs[name] += 1
                if shown < show:
                    shown += 1
                    w, g = [json.dumps(x, ensure_ascii=False) for x in want], [json.dumps(x, ensure_ascii=False) for x in got[name]]
                    print(f"DIFF {name} {rec['a']}")
                    for x in w:
                        if x not in g:
                            print(f"  - {x}")
                    for x in g:
                        if x not in w:
                            print(f"  + {x}")
    result: dict = {"articles": len(recs), "output_diffs": diffs, "outputs_sha256": h.hexdigest(),
                    "recorded_outputs_sha256": _outputs_digest(recs)}
    if corpora:
        recorded = {rec["a"]: rec["in"] for rec in recs}
        seen = set()
        new = changed = 0
        for a in iter_articles(corpora):
            seen.add(a.key)
            inp = recorded.get(a.key)
            if inp is None:
                new += 1
            elif json.loads(_dump(_inputs(a))) != inp:
                changed += 1
        result["input_drift"] = {"new": new, "gone": sum(1 for k in recorded if k not in seen), "changed": changed}
    print(json.dumps(result))
    return 1 if any(diffs.values()) else 0


def _pin() -> None:
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    except (AttributeError, OSError):
        pass


def _clear_bounded_caches() -> None:
    """Empty the bounded (lru_cache) caches of the extractor modules, not the compiled patterns (functools.cache)."""
    from transforms import entities, person_names, statements

    for mod in (person_names, entities, statements):
        for obj in vars(mod).values():
            info = getattr(obj, "cache_info", None)
            if info is not None and info().maxsize is not None:
                obj.cache_clear()


def cmd_bench(articles: list[Article], repeat: int, profile: str | None) -> int:
    _pin()
    mb = sum(len(a.body.encode("utf-8")) for a in articles) / 1e6
    # Warm up: build the segmenter and compile the patterns.
    extract_statements(articles[0].body, articles[0].sentences, extract_entities(articles[0].body, articles[0].sentences))

    def run_es() -> None:
        for a in articles:
            extract_statements(a.body, a.sentences, extract_entities(a.body, a.sentences, a.captions))

    def run_pn() -> None:
        for a in articles:
            find_person_names(a.body)

    result: dict = {"articles": len(articles), "body_mb": round(mb, 3)}
    for name, fn in (("entities+statements", run_es), ("find_person_names", run_pn)):
        best = float("inf")
        for _ in range(repeat):
            _clear_bounded_caches()  # every run starts cold, as a new batch of articles would
            t0 = time.process_time()
            fn()
            best = min(best, time.process_time() - t0)
        result[name] = {"cpu_s": round(best, 3), "mb_per_s": round(mb / best, 3)}
    if profile:
        pr = cProfile.Profile()
        pr.enable()
        run_es()
        pr.disable()
        pr.dump_stats(profile)
    result["loadavg"] = os.getloadavg()
    print(json.dumps(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd", choices=("record", "compare", "bench"))
    ap.add_argument("out", nargs="?", type=Path)
    ap.add_argument("--corpus", nargs="+", type=Path, default=[])
    ap.add_argument("--show", type=int, default=10)
    ap.add_argument("--dump", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile")
    ap.add_argument("--fuzz", type=int, default=0)
    args = ap.parse_args(argv)
    if args.cmd == "record":
        if args.out is None or not args.corpus:
            ap.error("record needs OUT and --corpus")
        return cmd_record(args.out, args.corpus, args.fuzz)
    if args.cmd == "compare":
        if args.out is None:
            ap.error("compare needs OUT")
        return cmd_compare(args.out, args.corpus, args.show)
    if args.dump:
        articles = [_from_record(r) for r in _read(args.dump)]
    elif args.corpus:
        articles = list(iter_articles(args.corpus))
    else:
        ap.error("bench needs --corpus or --dump")
    return cmd_bench(articles, args.repeat, args.profile)


if __name__ == "__main__":
    sys.exit(main())
