"""Run the layout parser over a directory of article files and report what it made of them.

    python scripts/check_layout_corpus.py DIR [--examples N] [--show NAME ...]

Parses every *.txt under DIR (recursively, UTF-8; a leading BOM and CRLF are tolerated like the decode step
would) and prints:
- accepted / rejected by reason (with the first few rejected files),
- paragraphs by kind, and articles with reporters / dateline / agency / image credits / category,
- body paragraphs that still look like boilerplate (heuristics below), counted per heuristic, with examples,
- any exception other than RejectedInput (a bug: the parser must never raise anything else).
`--show NAME` prints every paragraph of the named file(s) (file name or stem) for reading samples.

Suspicion heuristics for body paragraphs: contains 請繼續往下閱讀, 下載, APP, 延伸閱讀; ends with `...`; starts with
▪ or 【; (extra) contains 請點此 or 點我. They over-report on purpose (a real paragraph can say 下載); read the examples.
Exit status: 0, or 1 when the parser raised something other than RejectedInput.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from transforms.layout import parse_article  # noqa: E402
from transforms.model import RejectedInput  # noqa: E402

SUSPICIONS: dict[str, re.Pattern[str]] = {
    "請繼續往下閱讀": re.compile(r"請繼續往下閱讀"),
    "下載": re.compile(r"下載"),
    "APP": re.compile(r"(?<![A-Za-z])APP(?![A-Za-z])", re.IGNORECASE),
    "延伸閱讀": re.compile(r"延伸閱讀"),
    "ends with ...": re.compile(r"(?:\.\.\.|…)$"),
    "starts with ▪ or 【": re.compile(r"^[▪【]"),
    "(extra) 請點此/點我": re.compile(r"請點此|點我"),
}


def _read(path: Path) -> str:
    text = path.read_bytes().decode("utf-8", errors="replace")
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _short(text: str, width: int = 90) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 20] + " … " + text[-17:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", type=Path)
    ap.add_argument("--examples", type=int, default=4, help="examples printed per heuristic / reason")
    ap.add_argument("--show", nargs="*", default=[], help="print all paragraphs of these files")
    args = ap.parse_args(argv)

    files = sorted(p for p in args.dir.rglob("*.txt") if p.is_file())
    accepted = 0
    rejected: collections.Counter[str] = collections.Counter()
    rejected_examples: dict[str, list[str]] = collections.defaultdict(list)
    kinds: collections.Counter[str] = collections.Counter()
    fields: collections.Counter[str] = collections.Counter()
    suspicious: collections.Counter[str] = collections.Counter()
    suspicious_examples: dict[str, list[str]] = collections.defaultdict(list)
    crashes: list[str] = []
    show = set(args.show)

    for path in files:
        rel = path.relative_to(args.dir)
        try:
            article = parse_article(_read(path))
        except RejectedInput as exc:
            rejected[exc.reason] += 1
            if len(rejected_examples[exc.reason]) < args.examples:
                rejected_examples[exc.reason].append(f"{rel}: {exc.detail}")
            continue
        except Exception:  # noqa: BLE001 - the point is to catch parser bugs
            crashes.append(f"{rel}:\n{traceback.format_exc()}")
            continue
        accepted += 1
        for name, value in (
            ("reporters", article.reporters),
            ("dateline", article.dateline),
            ("agency", article.agency),
            ("image_credits", article.image_credits),
            ("category", article.category),
            ("published_time", article.published_time),
        ):
            if value:
                fields[name] += 1
        for p in article.paragraphs:
            kinds[p.kind] += 1
            if p.kind != "body":
                continue
            for label, pattern in SUSPICIONS.items():
                if pattern.search(p.text):
                    suspicious[label] += 1
                    if len(suspicious_examples[label]) < args.examples:
                        suspicious_examples[label].append(f"{rel} #{p.paragraph_no}: {_short(p.text)}")
        if path.name in show or path.stem in show:
            print(f"=== {rel}: {article.published_date} {article.published_time} [{article.category}] {article.title}")
            print(f"    reporters={article.reporters} dateline={article.dateline} agency={article.agency}")
            print(f"    image_credits={article.image_credits}")
            for p in article.paragraphs:
                print(f"    {p.paragraph_no:3d} {p.kind:8s} {_short(p.text, 110)}")

    print(f"files: {len(files)}  accepted: {accepted}  rejected: {sum(rejected.values())}  crashed: {len(crashes)}")
    for reason, count in rejected.most_common():
        print(f"  rejected {reason}: {count}")
        for example in rejected_examples[reason]:
            print(f"      {example}")
    print("paragraphs by kind: " + ", ".join(f"{k}={kinds[k]}" for k in ("body", "caption", "byline", "related")))
    print("articles with: " + ", ".join(f"{k}={v}" for k, v in sorted(fields.items())))
    total = sum(suspicious.values())
    print(f"body paragraphs that look like boilerplate: {total}")
    for label in SUSPICIONS:
        print(f"  {label}: {suspicious[label]}")
        for example in suspicious_examples[label]:
            print(f"      {example}")
    for crash in crashes[: args.examples]:
        print("CRASH " + crash)
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
