"""flows.memory: the garbage collector is paused around a batch and restored after."""

from __future__ import annotations

import gc

import pytest

from flows.memory import collection_paused, release_free_memory


def test_collection_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError):
        with collection_paused():
            raise ValueError("a failing batch")
    assert gc.isenabled()


def test_collection_paused_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_release_free_memory_runs() -> None:
    release_free_memory()  # no error where malloc_trim or the Arrow pool are missing either
