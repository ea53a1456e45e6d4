"""The project's own word lists for entity and statement extraction, read once from package data.

Every list here was written for newsfacts from general knowledge (see the header comment of each file);
nothing is derived from the evaluation sets. `load()` parses all files once (cached) and returns a frozen
`Gazetteer`. `trie_pattern()` turns a word list into a compact regular expression (a trie of alternations),
which the `re` engine matches far faster than a flat `a|b|c` alternation of hundreds of words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Gazetteer:
    surnames_common: frozenset[str]
    surnames_other: frozenset[str]
    surnames_compound: frozenset[str]
    surnames_japanese: frozenset[str]
    given_chars: frozenset[str]
    translit_chars: frozenset[str]
    notname_chars: frozenset[str]
    titles: tuple[str, ...]
    title_prefixes: tuple[str, ...]
    honorifics: tuple[str, ...]
    kin: tuple[str, ...]
    roles: tuple[str, ...]
    verbs: tuple[str, ...]
    verb_settings: tuple[str, ...]
    verb_adverbs: tuple[str, ...]
    orgs: dict[str, str]  # spelling -> canonical name
    places: dict[str, tuple[str, str]]  # spelling -> (canonical name, GPE | LOC)
    persons: dict[str, str]  # spelling -> canonical name


def _lines(name: str) -> list[str]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _sections(name: str) -> dict[str, list[str]]:
    """Lines grouped under their `@section` header (lines before any header go under "")."""
    out: dict[str, list[str]] = {"": []}
    current = ""
    for line in _lines(name):
        if line.startswith("@"):
            current = line[1:].strip()
            out.setdefault(current, [])
        else:
            out[current].append(line)
    return out


def _words(lines: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for line in lines:
        for w in line.split():
            seen.setdefault(w, None)
    return list(seen)


def tai_variants(word: str) -> list[str]:
    """The word in both 台 and 臺 spellings (itself first)."""
    out = [word]
    if "台" in word:
        out.append(word.replace("台", "臺"))
    if "臺" in word:
        out.append(word.replace("臺", "台"))
    return out


def _entries(lines: Iterable[str]) -> list[list[str]]:
    return [[p.strip() for p in line.split("|") if p.strip()] for line in lines]


def _add(table: dict, spelling: str, value: object) -> None:
    is_latin = spelling.isascii()
    for variant in [spelling] if is_latin else tai_variants(spelling):
        table.setdefault(variant, value)


@cache
def load() -> Gazetteer:
    surnames = _sections("surnames.txt")
    chars = _sections("name_chars.txt")
    titles = _sections("titles.txt")
    verbs = _sections("verbs.txt")

    orgs: dict[str, str] = {}
    for entry in _entries(l for sec in _sections("orgs.txt").values() for l in sec):
        for spelling in entry:
            _add(orgs, spelling, entry[0].replace("臺", "台"))

    places: dict[str, tuple[str, str]] = {}
    for section, lines in _sections("places.txt").items():
        if section not in ("GPE", "LOC"):
            continue
        for entry in _entries(lines):
            canonical = entry[0].replace("臺", "台")
            for spelling in entry:
                _add(places, spelling, (canonical, section))

    persons: dict[str, str] = {}
    for entry in _entries(_lines("persons.txt")):
        for spelling in entry:
            _add(persons, spelling, entry[0].replace("臺", "台"))

    common = frozenset(_words(surnames["common"]))
    notname = frozenset(_words(chars["notname"]))
    return Gazetteer(
        surnames_common=common,
        surnames_other=frozenset(_words(surnames["other"])) - common,
        surnames_compound=frozenset(_words(surnames["compound"])),
        surnames_japanese=frozenset(_words(surnames.get("japanese", []))),
        given_chars=frozenset(_words(chars["given"])) - notname,
        translit_chars=frozenset(_words(chars["translit"])),
        notname_chars=notname,
        titles=tuple(_words(titles["title"])),
        title_prefixes=tuple(_words(titles["prefix"])),
        honorifics=tuple(_words(titles["honorific"])),
        kin=tuple(_words(titles["kin"])),
        roles=tuple(_words(titles.get("role", []))),
        verbs=tuple(_words(verbs["verb"])),
        verb_settings=tuple(_words(verbs["setting"])),
        verb_adverbs=tuple(_words(verbs["adverb"])),
        orgs=orgs,
        places=places,
        persons=persons,
    )


def trie_pattern(words: Iterable[str]) -> str:
    """A regex (no capturing groups) matching any of `words`, longest alternative first at every branch."""
    trie: dict = {}
    for word in words:
        if not word:
            continue
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        branches = [(ch, sub) for ch, sub in node.items() if ch != ""]
        if not branches:
            return ""
        singles = [re.escape(ch) for ch, sub in branches if list(sub) == [""]]
        multis = [re.escape(ch) + build(sub) for ch, sub in branches if list(sub) != [""]]
        alts = multis[:]
        if singles:
            alts.append(singles[0] if len(singles) == 1 else "[" + "".join(singles) + "]")
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            body = "(?:" + body + ")?" if len(alts) > 1 or len(body) > 1 else body + "?"
        return body

    return build(trie)


def char_class(chars: Iterable[str]) -> str:
    """A regex character class of the given characters."""
    return "[" + "".join(re.escape(c) for c in sorted(set(chars))) + "]"


def cjk_class_without(excluded: Iterable[str]) -> str:
    """A character class of CJK unified ideographs (U+3400-U+9FFF) minus `excluded`, as ranges."""
    ex = sorted(ord(c) for c in set(excluded) if 0x3400 <= ord(c) <= 0x9FFF)
    ranges: list[str] = []
    lo = 0x3400
    for cp in ex:
        if cp > lo:
            ranges.append(f"\\u{lo:04x}-\\u{cp - 1:04x}" if cp - 1 > lo else f"\\u{lo:04x}")
        lo = cp + 1
    if lo <= 0x9FFF:
        ranges.append(f"\\u{lo:04x}-\\u9fff")
    return "[" + "".join(ranges) + "]"
