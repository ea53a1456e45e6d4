"""Record and compare the outputs of the quantity and time-expression extractors on whole corpora.

    python scripts/check_fact_outputs.py record  OUT --corpus PATH [PATH ...]
    python scripts/check_fact_outputs.py compare OUT --corpus PATH [PATH ...] [--show N]
    python scripts/check_fact_outputs.py bench   (--corpus PATH [PATH ...] | --dump OUT) [--repeat 3] [--profile FILE]

Every ``*.txt`` file under each PATH (or PATH itself when it is a file) is decoded
(``transforms.decode.decode_bytes``), parsed (``transforms.layout.parse_article``) and split into
sentences (``transforms.sentences.split_sentences``); rejected files are skipped.  For every
sentence the script runs ``extract_quantities(s)`` and ``extract_time_expressions(s, published)``.

record
    Writes OUT, a canonical JSON-lines dump: one line per sentence with the article key, the sentence
    number, the published date, the sentence text and both outputs (every field of every mention,
    floats written with ``repr`` precision), and prints the SHA-256 of the dump.  OUT holds corpus
    text: keep it outside the repository (``/tmp``).
compare
    Replays every recorded sentence (same text, same published date) through the current extractors
    and compares the outputs field by field; then re-splits the corpora and reports sentences that
    are new or gone since the recording (the layout and sentence code may change meanwhile: those
    sentences are reported, the recorded ones are compared regardless).  Exit status 1 on any output
    difference.
bench
    Throughput of both extractors over all sentences, single process, best of ``--repeat`` runs, in
    MB/s of sentence text (UTF-8 bytes, 10^6): by the best run's wall time, by its CPU time, and by
    the sum over chunks of ``--chunk`` sentences of each chunk's best time (``mb_per_s_chunk_min``,
    the steadiest figure on a machine shared with other jobs).  The extractors' memo caches
    (``transforms.numbers.clear_caches``) are cleared before each run, so a run sees every sentence
    once, as the pipeline does.  ``--dump OUT`` takes the sentences of a recording
    instead of splitting the corpora (identical inputs for before / after timings while other code
    changes).  ``--profile FILE`` writes a cProfile of one run of both.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import datetime as dt
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transforms.decode import decode_bytes  # noqa: E402
from transforms.layout import parse_article  # noqa: E402
from transforms.model import RejectedInput  # noqa: E402
from transforms.quantities import extract_quantities  # noqa: E402
from transforms.sentences import split_sentences  # noqa: E402
from transforms.timex import extract_time_expressions  # noqa: E402


def _files(corpus: Path) -> list[tuple[str, Path]]:
    if corpus.is_file():
        return [(corpus.name, corpus)]
    return [(p.relative_to(corpus).as_posix(), p) for p in sorted(corpus.rglob("*.txt")) if p.is_file()]


def iter_sentences(corpora: list[Path]) -> Iterator[tuple[str, int, str, dt.date]]:
    """(article key, sentence number, sentence text, published date) for every accepted article."""
    for corpus in corpora:
        label = corpus.name
        for rel, path in _files(corpus):
            try:
                text, _enc = decode_bytes(path.read_bytes())
                article = parse_article(text)
            except RejectedInput:
                continue
            for s in split_sentences(article.body, article.paragraphs):
                yield f"{label}/{rel}", s.sentence_no, s.text, article.published_date


def _mentions(ms) -> list[list]:
    return [list(dataclasses.astuple(m)) for m in ms]


def _outputs(text: str, published: dt.date) -> tuple[list, list]:
    return _mentions(extract_quantities(text)), _mentions(extract_time_expressions(text, published))


def _line(key: str, no: int, text: str, published: dt.date, q: list, t: list) -> str:
    rec = {"a": key, "n": no, "pub": published.isoformat(), "s": text, "q": q, "t": t}
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))


def cmd_record(out: Path, corpora: list[Path]) -> int:
    h = hashlib.sha256()
    n = nq = nt = 0
    with out.open("w", encoding="utf-8") as f:
        for key, no, text, pub in iter_sentences(corpora):
            q, t = _outputs(text, pub)
            line = _line(key, no, text, pub, q, t) + "\n"
            f.write(line)
            h.update(line.encode("utf-8"))
            n += 1
            nq += len(q)
            nt += len(t)
    print(json.dumps({"sentences": n, "quantities": nq, "time_expressions": nt, "sha256": h.hexdigest(),
                      "out": str(out)}))
    return 0


def cmd_compare(out: Path, corpora: list[Path], show: int) -> int:
    recorded: dict[tuple[str, int], dict] = {}
    with out.open(encoding="utf-8") as f:
        for raw in f:
            rec = json.loads(raw)
            recorded[(rec["a"], rec["n"])] = rec
    diffs = 0
    nq = nt = 0
    shown = 0
    # 1. replay the recorded sentences: identical inputs, so any difference is the extractors'.
    for (key, no), rec in recorded.items():
        pub = dt.date.fromisoformat(rec["pub"])
        # a JSON round trip turns tuples into lists and keeps floats exact
        q, t = json.loads(json.dumps(_outputs(rec["s"], pub)))
        nq += len(q)
        nt += len(t)
        for name, got, want in (("quantities", q, rec["q"]), ("time_expressions", t, rec["t"])):
            if got != want:
                diffs += 1
                if shown < show:
                    shown += 1
                    print(f"DIFF {name} {key}#{no} pub={rec['pub']}\n  text: {rec['s']}\n  want: {want}\n  got:  {got}")
    # 2. has the sentence set drifted (layout / sentence splitting changed since the recording)?
    seen = set()
    new = changed = 0
    for key, no, text, _pub in iter_sentences(corpora):
        seen.add((key, no))
        rec = recorded.get((key, no))
        if rec is None:
            new += 1
        elif rec["s"] != text:
            changed += 1
    gone = sum(1 for k in recorded if k not in seen)
    result = {
        "sentences": len(recorded), "quantities": nq, "time_expressions": nt, "output_diffs": diffs,
        "sentence_drift": {"new": new, "gone": gone, "text_changed": changed},
        "identical": diffs == 0,
    }
    print(json.dumps(result))
    return 0 if diffs == 0 else 1


def _clear_caches() -> None:
    """Every timed run starts cold: each sentence of a corpus is seen once, as in the pipeline."""
    import transforms.numbers as numbers

    clear = getattr(numbers, "clear_caches", None)  # absent in older trees (before/after timings)
    if clear is not None:
        clear()


def _timed(fn, chunks: list[list], repeat: int) -> tuple[float, float, float]:
    """(best wall time, best CPU time, sum over chunks of each chunk's best wall time) of ``repeat`` runs.

    A run times the chunks one after the other from cold caches.  The chunk minima filter out most
    of the time lost to other processes on a shared machine (each chunk is timed in the same cache
    state in every run, so its minimum is a fair estimate).
    """
    best = best_cpu = float("inf")
    chunk_best = [float("inf")] * len(chunks)
    clock = time.perf_counter
    for _ in range(repeat):
        _clear_caches()
        total = 0.0
        c0 = time.process_time()
        for k, chunk in enumerate(chunks):
            t0 = clock()
            fn(chunk)
            took = clock() - t0
            total += took
            if took < chunk_best[k]:
                chunk_best[k] = took
        best = min(best, total)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best, best_cpu, sum(chunk_best)


def _dump_sentences(out: Path) -> list[tuple[str, dt.date]]:
    with out.open(encoding="utf-8") as f:
        recs = [json.loads(raw) for raw in f]
    return [(r["s"], dt.date.fromisoformat(r["pub"])) for r in recs]


def cmd_bench(corpora: list[Path] | None, dump: Path | None, repeat: int, profile: Path | None,
              chunk_size: int = 500) -> int:
    if dump is not None:
        sents = _dump_sentences(dump)
    else:
        sents = [(text, pub) for _k, _n, text, pub in iter_sentences(corpora or [])]
    mb = sum(len(s.encode("utf-8")) for s, _ in sents) / 1e6
    eq, et = extract_quantities, extract_time_expressions

    def run_q(chunk: list) -> None:
        for s, _p in chunk:
            eq(s)

    def run_t(chunk: list) -> None:
        for s, p in chunk:
            et(s, p)

    def run_both(chunk: list) -> None:
        for s, p in chunk:
            eq(s)
            et(s, p)

    chunks = [sents[i:i + chunk_size] for i in range(0, len(sents), chunk_size)]
    run_both(sents)  # warm-up (imports, regex caches)
    res = {"sentences": len(sents), "mb": round(mb, 3), "loadavg": [round(x, 2) for x in os.getloadavg()]}
    for name, fn in (("quantities", run_q), ("timex", run_t), ("both", run_both)):
        sec, cpu, chunked = _timed(fn, chunks, repeat)
        res[name] = {"seconds": round(sec, 4), "mb_per_s": round(mb / sec, 2), "mb_per_cpu_s": round(mb / cpu, 2),
                     "mb_per_s_chunk_min": round(mb / chunked, 2)}
    print(json.dumps(res))
    if profile is not None:
        cProfile.runctx("run_both(sents)", globals(), {"run_both": run_both, "sents": sents}, str(profile))
        print(f"profile written to {profile}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=("record", "compare", "bench"))
    ap.add_argument("out", nargs="?", type=Path, help="the dump (record / compare)")
    ap.add_argument("--corpus", nargs="+", type=Path)
    ap.add_argument("--dump", type=Path, default=None, help="take the sentences of this recording (bench)")
    ap.add_argument("--show", type=int, default=20, help="differences printed (compare)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs, best taken (bench)")
    ap.add_argument("--profile", type=Path, default=None, help="write a cProfile of one run (bench)")
    ap.add_argument("--chunk", type=int, default=500, help="sentences per timed chunk (bench)")
    args = ap.parse_args(argv)
    if args.command in ("record", "compare") and (args.out is None or not args.corpus):
        ap.error(f"{args.command} needs OUT and --corpus")
    if args.command == "bench" and not args.corpus and args.dump is None:
        ap.error("bench needs --corpus or --dump")
    if args.command == "record":
        return cmd_record(args.out, args.corpus)
    if args.command == "compare":
        return cmd_compare(args.out, args.corpus, args.show)
    return cmd_bench(args.corpus, args.dump, args.repeat, args.profile, args.chunk)


if __name__ == "__main__":
    raise SystemExit(main())
