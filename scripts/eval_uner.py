"""Score `transforms.entities.extract_entities` on the UNER Chinese-GSD test set (held out: measure only).

Usage: .venv/bin/python scripts/eval_uner.py --uner /work/shared/eval/uner [--examples 15] [--types]

Reads the set's gold.json (per article: the body, gold spans with PER/ORG/LOC types), rebuilds the body
paragraphs (one per line) and sentences with `transforms.sentences.split_sentences`, runs extract_entities on
the body directly (no pipeline), maps our types like the set's checker (PERSON→PER, ORG→ORG, GPE/LOC→LOC),
deduplicates on (span, type) and prints exact and overlap precision / recall / F1 per type and overall, the
throughput, and some missed / spurious examples. Nothing from the set is stored in the project.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transforms.entities import extract_entities  # noqa: E402
from transforms.model import Paragraph  # noqa: E402
from transforms.sentences import split_sentences  # noqa: E402

TYPE_MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}
TYPES = ("PER", "ORG", "LOC")


def paragraphs_of(body: str) -> list[Paragraph]:
    out, pos = [], 0
    for i, line in enumerate(body.split("\n")):
        out.append(Paragraph(paragraph_no=i, kind="body", text=line, start=pos, end=pos + len(line)))
        pos += len(line) + 1
    return out


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--uner", required=True, type=Path, help="folder holding gold.json")
    ap.add_argument("--examples", type=int, default=10, help="missed / spurious examples per type")
    args = ap.parse_args()
    gold_doc = json.loads((args.uner / "gold.json").read_text(encoding="utf-8"))

    extract_entities("暖身。", [])  # compile the regular expressions outside the timing
    gold: set[tuple] = set()
    pred: set[tuple] = set()
    texts: dict[str, str] = {}
    elapsed, n_bytes = 0.0, 0
    for name, art in sorted(gold_doc["articles"].items()):
        body = art["body"]
        texts[name] = body
        for g in art["entities"]:
            gold.add((name, g["start"], g["end"], g["type"]))
        t0 = time.perf_counter()
        sentences = split_sentences(body, paragraphs_of(body))
        mentions = extract_entities(body, sentences)
        elapsed += time.perf_counter() - t0
        n_bytes += len(body.encode("utf-8"))
        for m in mentions:
            assert body[m.start : m.end] == m.text, (name, m)
            t = TYPE_MAP.get(m.type)
            if t:
                pred.add((name, m.start, m.end, t))

    def overlaps(a: tuple, pool: set[tuple]) -> bool:
        return any(b[0] == a[0] and b[3] == a[3] and b[1] < a[2] and a[1] < b[2] for b in pool)

    print(f"UNER Chinese-GSD test: {len(gold_doc['articles'])} articles, {len(gold)} gold spans, "
          f"{len(pred)} predicted; {n_bytes / 1e6 / elapsed:.2f} MB/s (split_sentences + extract_entities)")
    print(f"{'type':<5} {'exact P':>8} {'R':>6} {'F1':>6}   {'overlap P':>9} {'R':>6} {'F1':>6}   gold  pred")
    rows = {}
    for t in (*TYPES, "all"):
        g = {x for x in gold if t == "all" or x[3] == t}
        p = {x for x in pred if t == "all" or x[3] == t}
        ep, er, ef = prf(len(g & p), len(p), len(g))
        op = sum(overlaps(x, g) for x in p) / len(p) if p else 0.0
        orr = sum(overlaps(x, p) for x in g) / len(g) if g else 0.0
        of = 2 * op * orr / (op + orr) if op + orr else 0.0
        rows[t] = ef
        print(f"{t:<5} {ep:8.3f} {er:6.3f} {ef:6.3f}   {op:9.3f} {orr:6.3f} {of:6.3f}   {len(g):4d}  {len(p):4d}")
    untyped_g = {x[:3] for x in gold}
    untyped_p = {x[:3] for x in pred}
    print(f"exact F1 ignoring type: {prf(len(untyped_g & untyped_p), len(untyped_p), len(untyped_g))[2]:.3f}")
    confusions = Counter()
    gold_by_span = {x[:3]: x[3] for x in gold}
    for x in pred:
        gt = gold_by_span.get(x[:3])
        if gt and gt != x[3]:
            confusions[(gt, x[3])] += 1
    if confusions:
        print("type confusions (gold→ours): " + ", ".join(f"{a}→{b} {n}" for (a, b), n in confusions.most_common()))

    if args.examples:
        for t in TYPES:
            missed = sorted(x for x in gold - pred if x[3] == t)
            spurious = sorted(x for x in pred - gold if x[3] == t)
            fmt = lambda x: texts[x[0]][x[1] : x[2]]  # noqa: E731
            print(f"\n{t}: missed {len(missed)}, e.g. " + " ".join(fmt(x) for x in missed[: args.examples]))
            print(f"{t}: spurious {len(spurious)}, e.g. " + " ".join(fmt(x) for x in spurious[: args.examples]))
    print(f"\nuner-direct: F1={rows['all']:.3f} (PER {rows['PER']:.3f}, ORG {rows['ORG']:.3f}, LOC {rows['LOC']:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
