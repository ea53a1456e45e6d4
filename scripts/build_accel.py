"""Build the optional compiled transforms: the hot modules of `transforms/` compiled with Cython, unchanged.

    make accel        # = uv run --group accel python scripts/build_accel.py

The same Python source is compiled as is (no type declarations, no Cython-only syntax): the output tables are
identical, the pure-Python modules stay the reference, and nothing else needs it. What it buys, measured on the
benchmark corpus: the transforms about 11 % faster (benchmarks/README.md).

Output: `.accel/<python cache tag>/` with the extension modules and `manifest.json`, which records the sha256 of
every source compiled. `flows/accel.py` loads a compiled module only while its source still has that hash, so an
edited module falls back to its Python source by itself (rebuild to compile it again). Needs Cython and setuptools
(the `accel` dependency group) and a C compiler with the Python headers; without them the build fails with a
message and everything keeps running as pure Python.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows.accel import ACCEL_DIR, COMPILED_MODULES, MANIFEST, source_path, source_sha256  # noqa: E402


def build(root: Path = ROOT, modules: tuple[str, ...] = COMPILED_MODULES, jobs: int | None = None) -> Path:
    """Compile `modules` into `root/.accel/<cache tag>/`; returns the manifest's path."""
    try:
        from Cython.Build import cythonize
        from setuptools import Distribution, Extension
    except ImportError as error:
        raise SystemExit(f"build_accel: {error}; run `make accel` (it installs the accel dependency group)") from error
    import Cython

    jobs = jobs or len(os.sched_getaffinity(0))
    out = root / ACCEL_DIR / sys.implementation.cache_tag
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    sources = {name: source_path(root, name) for name in modules}
    with tempfile.TemporaryDirectory(prefix="newsfacts-accel-") as tmp:
        extensions = [Extension(name, [str(path)]) for name, path in sources.items()]
        compiled = cythonize(
            extensions,
            build_dir=str(Path(tmp) / "c"),
            language_level=3,
            nthreads=jobs,
            quiet=True,
            # `binding` keeps functions introspectable like Python ones (signatures, pickling by name).
            compiler_directives={"binding": True},
        )
        dist = Distribution({"ext_modules": compiled, "script_name": "build_accel"})
        dist.script_args = ["build_ext", "--build-lib", str(out), "--build-temp", str(Path(tmp) / "o"), "-j", str(jobs)]
        dist.parse_command_line()
        dist.run_commands()
    manifest = {
        "python": sys.implementation.cache_tag,
        "cython": Cython.__version__,
        "modules": {},
    }
    for name, path in sources.items():
        # (A package, transforms.gazetteer, compiles to transforms/gazetteer.<tag>.so like a module.)
        built = sorted((out / Path(*name.split("."))).parent.glob(name.rsplit(".", 1)[-1] + ".*.so"))
        if not built:
            raise SystemExit(f"build_accel: no extension module was built for {name}")
        manifest["modules"][name] = {
            "sha256": source_sha256(path),
            "file": str(built[0].relative_to(out)),
        }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return out / MANIFEST


def main() -> None:
    started = time.perf_counter()
    manifest = build()
    n = len(json.loads(manifest.read_text(encoding="utf-8"))["modules"])
    print(f"build_accel: {n} modules compiled into {manifest.parent} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
