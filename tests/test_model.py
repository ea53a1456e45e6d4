"""transforms.model.record: a frozen dataclass with a fast constructor, otherwise the dataclass's own."""

from __future__ import annotations

import dataclasses
from dataclasses import field

import pytest

from transforms.model import record


@record
class Mention:
    start: int
    end: int
    text: str
    note: str | None = None


@dataclasses.dataclass(frozen=True)
class Reference:  # the same fields as a plain frozen dataclass
    start: int
    end: int
    text: str
    note: str | None = None


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((1, 3, "ab"), {}), ((1, 3, "ab", "n"), {}), ((), {"start": 0, "end": 2, "text": "x", "note": None}), ((5,), {"text": "t", "end": 6})],
)
def test_behaves_as_a_frozen_dataclass(args: tuple, kwargs: dict) -> None:
    made, reference = Mention(*args, **kwargs), Reference(*args, **kwargs)
    assert dataclasses.astuple(made) == dataclasses.astuple(reference)
    assert repr(made).replace("Mention", "Reference") == repr(reference)
    assert made == Mention(*args, **kwargs) and hash(made) == hash(Mention(*args, **kwargs))
    assert made != reference  # different classes, as for any two dataclasses
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.start = 9  # type: ignore[misc]
    assert dataclasses.replace(made, text="zz").text == "zz"


def test_wrong_arguments_fail_as_in_a_dataclass() -> None:
    for bad in (lambda: Mention(1, 2), lambda: Mention(1, 2, "t", "n", "extra"), lambda: Mention(1, 2, "t", nope=1)):
        with pytest.raises(TypeError):
            bad()


def test_a_default_factory_keeps_the_generated_constructor() -> None:
    @record
    class WithList:
        items: list = field(default_factory=list)

    assert WithList().items == [] and WithList().items is not WithList().items
