"""The baseline: the script many analysts would write to turn a folder of articles into a table of words.

    python benchmarks/baseline.py SOURCE OUT.parquet [--timings PATH]

Read every *.txt file under SOURCE, `jieba.lcut` its text (jieba's default dictionary and settings), collect
(file, word) rows, build one pandas DataFrame and write it with `to_parquet` (pyarrow) once. Files that are not
UTF-8 are read with errors ignored, as such a script ends up doing after its first UnicodeDecodeError.

Nothing here is made slow on purpose, and nothing is tuned either: one process, one core, no layout, no facts.
`--timings` writes the seconds spent in each step (jieba's segmentation is the "transform" of this script).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import jieba
import pandas as pd


def main() -> None:
    source, out = Path(sys.argv[1]), Path(sys.argv[2])
    timings_path = Path(sys.argv[sys.argv.index("--timings") + 1]) if "--timings" in sys.argv else None
    started = time.perf_counter()
    jieba.initialize()  # loads the default dictionary (lazily done by the first lcut otherwise)
    load_s = time.perf_counter() - started

    read_s = segment_s = 0.0
    rows = []
    n_files = 0
    for path in sorted(source.rglob("*.txt")):
        t0 = time.perf_counter()
        text = path.read_text(encoding="utf-8", errors="ignore")
        t1 = time.perf_counter()
        words = jieba.lcut(text)
        t2 = time.perf_counter()
        name = str(path.relative_to(source))
        rows.extend((name, word) for word in words)
        n_files += 1
        read_s += t1 - t0
        segment_s += t2 - t1

    t0 = time.perf_counter()
    df = pd.DataFrame(rows, columns=["file", "word"])
    t1 = time.perf_counter()
    df.to_parquet(out, engine="pyarrow", index=False)
    t2 = time.perf_counter()

    timings = {
        "dictionary_s": round(load_s, 3),
        "read_s": round(read_s, 3),
        "transform_s": round(segment_s, 3),  # jieba.lcut
        "dataframe_s": round(t1 - t0, 3),
        "parquet_s": round(t2 - t1, 3),
        "total_s": round(t2 - started, 3),
        "files": n_files,
        "words": len(df),
    }
    if timings_path:
        timings_path.write_text(json.dumps(timings), encoding="utf-8")
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
