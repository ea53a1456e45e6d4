#!/usr/bin/env python3
"""Measure a segmenter on a SIGHAN 2005 bakeoff test set: P / R / F1 / OOV recall and throughput.

    python scripts/eval_segmentation.py --sighan-dir /path/to/sighan2005 [--segmenter default]
        [--corpus as|cityu] [--json out.json] [--output segmented.txt] [--without RULE ...] [--only RULE ...]

The test file is segmented line by line exactly as `newsfacts segment` does it (one output line per input
line, the tokens' texts joined by single spaces), then scored with span scoring: a word is correct when the
gold has a word covering the same character span of the line with whitespace removed (the default mode of the
project's reference scorer, `score_segmentation.py`). A line whose characters differ from the gold counts as all
wrong. OOV = gold words absent from the corpus's training word list (used here for counting only).

Throughput = UTF-8 bytes of the test input / seconds of the segmenting loop, best of 3 runs, in this one
process pinned to one CPU where the OS allows it; building the segmenter is timed separately ("load").

The SIGHAN data is research-only and is NOT part of this repository: pass its directory. Nothing is written
unless --json / --output ask for it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CORPORA = {
    "as": ("as_test.utf8", "as_testing_gold.utf8", "as_training_words.utf8"),
    "cityu": ("cityu_test.utf8", "cityu_test_gold.utf8", "cityu_training_words.utf8"),
}


def read_lines(path: Path) -> list[str]:
    """UTF-8 (BOM ignored) lines without terminators; CR dropped, LF splits, a final LF adds no line."""
    text = path.read_bytes().decode("utf-8-sig").replace("\r", "")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def span_score(gold_lines: list[str], out_lines: list[str], vocab: set[str] | None) -> dict:
    gold_words = out_words = correct = oov = oov_found = iv = iv_found = lines = 0
    mismatched = []
    for idx, gold_line in enumerate(gold_lines):
        gw = gold_line.split()
        ow = out_lines[idx].split() if idx < len(out_lines) else []
        if not gw and not ow:
            continue
        lines += 1
        gold_words += len(gw)
        out_words += len(ow)
        same = "".join(gw) == "".join(ow)
        if not same and idx < len(out_lines):
            mismatched.append(idx + 1)
        found = []
        if same:
            out_spans = set()
            pos = 0
            for w in ow:
                out_spans.add((pos, pos + len(w)))
                pos += len(w)
            pos = 0
            for w in gw:
                found.append((pos, pos + len(w)) in out_spans)
                pos += len(w)
        else:
            found = [False] * len(gw)
        correct += sum(found)
        if vocab is not None:
            for w, ok in zip(gw, found):
                if w in vocab:
                    iv += 1
                    iv_found += ok
                else:
                    oov += 1
                    oov_found += ok
    for line in out_lines[len(gold_lines):]:
        out_words += len(line.split())
    p = correct / out_words if out_words else 0.0
    r = correct / gold_words if gold_words else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "oov_recall": oov_found / oov if oov else None,
        "iv_recall": iv_found / iv if iv else None,
        "oov_rate": oov / gold_words if vocab is not None and gold_words else None,
        "gold_words": gold_words,
        "output_words": out_words,
        "correct": correct,
        "lines": lines,
        "mismatched_lines": len(mismatched),
        "first_mismatched_lines": mismatched[:10],
    }


def build_segmenter(name: str, without: list[str], only: list[str]):
    from transforms import segmenter as S

    if not without and not only:
        return S.get_segmenter(name)
    if name != "default":
        sys.exit("--without/--only apply to the default segmenter only")
    rules = S.Rules.none() if only else S.Rules()
    if only:
        rules = S.Rules(**{n: n in only for n in S.Rules.names()})
        bad = set(only) - set(S.Rules.names())
        if bad:
            sys.exit(f"unknown rule(s) {sorted(bad)}; known: {S.Rules.names()}")
    if without:
        try:
            rules = rules.without(*without)
        except ValueError as error:
            sys.exit(str(error))
    label = "default" + "".join(f"-{n}" for n in without) + ("+only:" + ",".join(only) if only else "")
    return S.JiebaHantSegmenter(label, rules)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sighan-dir", required=True, type=Path, help="folder with the icwb2 test/gold/word files")
    ap.add_argument("--segmenter", default="default", help="segmenter name (transforms.segmenter)")
    ap.add_argument("--corpus", choices=sorted(CORPORA), default="as")
    ap.add_argument("--json", type=Path, help="write the results as JSON to this file")
    ap.add_argument("--output", type=Path, help="write the segmented lines to this file")
    ap.add_argument("--without", action="append", default=[], metavar="RULE",
                    help="switch off one rule of the default segmenter (repeatable), for ablations")
    ap.add_argument("--only", action="append", default=[], metavar="RULE",
                    help="switch on only these rules of the default segmenter (repeatable)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs, best one counts (default 3)")
    args = ap.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        except OSError:
            pass
    test_name, gold_name, words_name = CORPORA[args.corpus]
    test_lines = read_lines(args.sighan_dir / test_name)
    gold_lines = read_lines(args.sighan_dir / gold_name)
    words_path = args.sighan_dir / words_name
    vocab = {w.strip() for w in read_lines(words_path) if w.strip()} if words_path.exists() else None
    nbytes = len("\n".join(test_lines).encode("utf-8"))

    t0 = time.perf_counter()
    seg = build_segmenter(args.segmenter, args.without, args.only)
    seg.tokenize("測試一下，今天天氣很好。")
    load_s = time.perf_counter() - t0

    times = []
    out_lines: list[str] = []
    tokenize = seg.tokenize
    for _ in range(max(1, args.repeat)):
        # Each timed run is a cold pass: the chunk memo would otherwise time re-segmenting lines it has seen.
        getattr(seg, "clear_cache", lambda: None)()
        t = time.perf_counter()
        out_lines = [" ".join([tok.text for tok in tokenize(line)]) for line in test_lines]
        times.append(time.perf_counter() - t)
    best = min(times)

    result = span_score(gold_lines, out_lines, vocab)
    result.update(
        {
            "segmenter": seg.name,
            "corpus": args.corpus,
            "load_s": round(load_s, 3),
            "seg_s_best": round(best, 4),
            "seg_s_all": [round(x, 4) for x in times],
            "input_bytes": nbytes,
            "mb_per_s": nbytes / best / 1e6,
            "python": platform.python_version(),
        }
    )
    rules = getattr(seg, "rules", None)
    if rules is not None:
        result["rules_on"] = [name for name in type(rules).names() if getattr(rules, name)]
    if args.output:
        args.output.write_text("\n".join(out_lines) + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    oov = "n/a" if result["oov_recall"] is None else f"{result['oov_recall']:.4f}"
    print(
        f"{seg.name} {args.corpus}: P={result['precision']:.4f} R={result['recall']:.4f} "
        f"F1={result['f1']:.4f} OOV-recall={oov} | {result['mb_per_s']:.2f} MB/s "
        f"(best of {len(times)}: {best:.3f} s for {nbytes:,} bytes) | load {load_s:.2f} s"
    )
    details = (
        f"gold_words={result['gold_words']} output_words={result['output_words']} correct={result['correct']} "
        f"lines={result['lines']} mismatched_lines={result['mismatched_lines']}"
    )
    if result["iv_recall"] is not None:
        details += f" IV-recall={result['iv_recall']:.4f} OOV-rate={result['oov_rate']:.4f}"
    print(details)
    return 0


if __name__ == "__main__":
    sys.exit(main())
