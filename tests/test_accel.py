"""flows.accel: the compiled build of the transforms is used only where it matches its source.

No compiler is needed here: the finder is exercised with an extension module of the standard library standing in
for a compiled transforms module (scripts/build_accel.py builds the real ones with `make accel`).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.resources
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from flows import accel


def _stdlib_extension() -> tuple[str, Path]:
    """A top-level extension module of this Python that is a shared library file (name, path)."""
    for name in ("_json", "_csv", "_bisect", "_heapq", "_random", "_struct", "_decimal"):
        spec = importlib.util.find_spec(name)
        if spec and spec.origin and spec.origin.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
            return name, Path(spec.origin)
    pytest.skip("this Python has its extension modules built in")


def _build(root: Path, modules: dict[str, tuple[str, Path]], python: str | None = None) -> Path:
    """A fake .accel build under `root`: module -> (its source text, the extension file standing in)."""
    out = root / accel.ACCEL_DIR / sys.implementation.cache_tag
    out.mkdir(parents=True)
    manifest = {"python": python or sys.implementation.cache_tag, "modules": {}}
    for name, (source_text, extension) in modules.items():
        source = accel.source_path(root, name)
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(source_text, encoding="utf-8")
        target = out / extension.name
        target.write_bytes(extension.read_bytes())
        manifest["modules"][name] = {"sha256": hashlib.sha256(source.read_bytes()).hexdigest(), "file": target.name}
    (out / accel.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return out


def test_unchanged_sources_are_used_and_edited_or_missing_ones_are_not(tmp_path: Path) -> None:
    name, extension = _stdlib_extension()
    out = _build(tmp_path, {"pkg.fresh": ("x = 1\n", extension), "pkg.edited": ("y = 1\n", extension),
                            "pkg.gone": ("z = 1\n", extension)})
    (tmp_path / "pkg" / "edited.py").write_text("y = 2  # edited after the build\n", encoding="utf-8")
    manifest = json.loads((out / accel.MANIFEST).read_text(encoding="utf-8"))
    manifest["modules"]["pkg.gone"]["file"] = "no-such-file.so"
    (out / accel.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    usable = accel.usable_modules(tmp_path)
    assert set(usable) == {"pkg.fresh"}
    assert usable["pkg.fresh"] == (out / extension.name, tmp_path / "pkg" / "fresh.py")


def test_a_build_of_another_python_or_no_build_is_ignored(tmp_path: Path) -> None:
    assert accel.usable_modules(tmp_path) == {}
    name, extension = _stdlib_extension()
    _build(tmp_path, {"pkg.mod": ("x = 1\n", extension)}, python="cpython-299")
    assert accel.usable_modules(tmp_path) == {}
    (tmp_path / accel.ACCEL_DIR / sys.implementation.cache_tag / accel.MANIFEST).write_text("{not json", encoding="utf-8")
    assert accel.usable_modules(tmp_path) == {}


def test_newsfacts_accel_0_turns_it_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name, extension = _stdlib_extension()
    _build(tmp_path, {name: ("x = 1\n", extension)})
    before = list(sys.meta_path)
    assert accel.install(tmp_path, environ={accel.ACCEL_ENV: "0"}) is None
    assert sys.meta_path == before


def test_the_finder_loads_the_extension_with_resources_next_to_the_source(tmp_path: Path) -> None:
    """A compiled package keeps reading its data files from the source folder (transforms.gazetteer does)."""
    name, extension = _stdlib_extension()
    source = tmp_path / "src" / name / "__init__.py"
    source.parent.mkdir(parents=True)
    source.write_text("", encoding="utf-8")
    (source.parent / "words.txt").write_text("台北\n", encoding="utf-8")
    finder = accel.CompiledFinder({name: (extension, source)})
    spec = finder.find_spec(name)
    assert spec is not None and spec.origin == str(extension)
    assert spec.submodule_search_locations == [str(source.parent)]
    assert finder.find_spec("some.other.module") is None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    reader = spec.loader.get_resource_reader(name)  # type: ignore[union-attr]
    assert reader.files().joinpath("words.txt").read_text(encoding="utf-8") == "台北\n"


def test_compiled_modules_listed_are_real_transforms_modules() -> None:
    root = Path(accel.__file__).resolve().parent.parent
    for name in accel.COMPILED_MODULES:
        assert name.startswith("transforms.")
        assert accel.source_path(root, name).is_file(), name
