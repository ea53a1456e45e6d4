"""Load the compiled transforms (`make accel`, scripts/build_accel.py) where they match their source.

The compiled modules are the same Python source built with Cython, kept out of the source tree in
`.accel/<python cache tag>/` with a manifest of the sha256 of every source they were built from. `install()` puts a
finder first on `sys.meta_path` that answers for those modules only while the source file still has that hash: an
edited module is imported from its source again, never from a stale build. Without a build, with another Python, or
with `NEWSFACTS_ACCEL=0`, nothing changes.

Installed when `flows` is imported (`flows/__init__.py`): the CLI, deployments and the task runner's worker
processes (which import `flows.pipeline` to run a task) all go through it. `transforms` itself never imports it, so a
notebook that imports only `transforms` runs the pure-Python modules.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

ACCEL_ENV = "NEWSFACTS_ACCEL"  # "0": always the Python sources
ACCEL_DIR = ".accel"
MANIFEST = "manifest.json"
ROOT = Path(__file__).resolve().parent.parent

# The modules worth compiling: where a transform batch spends its time (profiled with py-spy on the benchmark
# corpus). Any other module imports from its source as usual.
COMPILED_MODULES: tuple[str, ...] = (
    "transforms.article",
    "transforms.entities",
    "transforms.facts",
    "transforms.gazetteer",
    "transforms.layout",
    "transforms.numbers",
    "transforms.person_names",
    "transforms.quantities",
    "transforms.schema",
    "transforms.segmenter",
    "transforms.sentences",
    "transforms.statements",
    "transforms.timex",
)


def source_path(root: Path, module: str) -> Path:
    """The source file of `module` under `root` (a package's `__init__.py`)."""
    base = root.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def source_sha256(path: Path) -> str:
    """What the manifest records of a source, and what it is checked against."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _CompiledLoader(importlib.machinery.ExtensionFileLoader):
    """An extension module whose package data (importlib.resources) stays next to its source."""

    def __init__(self, name: str, path: str, source: Path) -> None:
        super().__init__(name, path)
        self._source = source

    def get_resource_reader(self, name: str):  # type: ignore[override]
        from importlib.readers import FileReader

        return FileReader(SimpleNamespace(path=str(self._source)))  # type: ignore[arg-type]


class CompiledFinder(importlib.abc.MetaPathFinder):
    """Finds the compiled build of the modules it was given (module name -> (extension file, source file))."""

    def __init__(self, modules: dict[str, tuple[Path, Path]]) -> None:
        self.modules = modules

    def find_spec(self, fullname: str, path: object = None, target: ModuleType | None = None):
        found = self.modules.get(fullname)
        if found is None:
            return None
        compiled, source = found
        loader = _CompiledLoader(fullname, str(compiled), source)
        is_package = source.name == "__init__.py"
        return importlib.util.spec_from_file_location(
            fullname, compiled, loader=loader, submodule_search_locations=[str(source.parent)] if is_package else None
        )


def usable_modules(root: Path = ROOT) -> dict[str, tuple[Path, Path]]:
    """Module name -> (compiled file, source file) of every compiled module whose source is unchanged."""
    build = root / ACCEL_DIR / sys.implementation.cache_tag
    try:
        manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if manifest.get("python") != sys.implementation.cache_tag:
        return {}
    usable: dict[str, tuple[Path, Path]] = {}
    for name, entry in manifest.get("modules", {}).items():
        source = source_path(root, name)
        compiled = build / entry.get("file", "")
        try:
            current = source_sha256(source)
        except OSError:
            continue
        if current == entry.get("sha256") and compiled.is_file():
            usable[name] = (compiled, source)
    return usable


def install(root: Path = ROOT, environ: dict[str, str] | os._Environ = os.environ) -> CompiledFinder | None:
    """Put the finder of the usable compiled modules first on sys.meta_path (once); None when there are none.

    Only modules not imported yet are affected: call it before anything imports `transforms`."""
    if environ.get(ACCEL_ENV, "1") == "0":
        return None
    for finder in sys.meta_path:
        if isinstance(finder, CompiledFinder):
            return finder
    modules = usable_modules(root)
    if not modules:
        return None
    finder = CompiledFinder(modules)
    sys.meta_path.insert(0, finder)
    return finder

