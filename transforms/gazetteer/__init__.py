"""The project's own word lists for entity and statement extraction, read once from package data.

Every list here was written for newsfacts from general knowledge (see the header comment of each file);
nothing is derived from the evaluation sets. `load()` parses all files once (cached) and returns a frozen
`Gazetteer`. `trie_pattern()` turns a word list into a compact regular expression (a trie of alternations),
which the `re` engine matches far faster than a flat `a|b|c` alternation of hundreds of words. The engine still
tries a branch's alternatives one by one, so for the hot paths there are faster forms with the same matches:
`WordMatcher` (every start of a list word with the longest word there), `fast_trie` (a trie behind classes of
its first characters) and `first_char_pattern` / `iter_first` (a search that skips in C to the characters a
match can start with).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
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


class WordMatcher:
    """Every position of a text where a word of the list starts, with the longest such word: the same as
    ``re.finditer(f"(?=({trie_pattern(words)}))", text)``, several times faster.

    The `re` engine tries the alternatives of a branch one after the other, so a trie with hundreds of first
    characters costs hundreds of steps at every position. Here the words are split by first character into
    `groups` tries, each searched with a pattern that starts with classes of its first (and second)
    characters, which the engine checks in C before it walks the trie."""

    def __init__(self, words: Iterable[str], groups: int = 6) -> None:
        ws = sorted({w for w in words if w})
        firsts = sorted({w[0] for w in ws})
        self._search = []
        for g in range(min(groups, len(firsts))):
            chars = set(firsts[g::groups])
            group = [w for w in ws if w[0] in chars]
            if all(len(w) >= 2 for w in group):
                seconds = {w[1] for w in group}
                pattern = f"{char_class(chars)}{char_class(seconds)}(?<=(?=({trie_pattern(group)}))[\\s\\S]{{2}})"
            else:
                pattern = f"{char_class(chars)}(?<=(?=({trie_pattern(group)}))[\\s\\S])"
            self._search.append(re.compile(pattern).search)

    def find(self, text: str) -> tuple[list[int], list[int]]:
        """(starts, ends): every start of a word in `text`, ascending, and the end of the longest word there."""
        found: list[tuple[int, int]] = []
        add = found.append
        for search in self._search:
            m = search(text)
            while m is not None:
                s, e = m.span(1)
                add((s, e))
                m = search(text, s + 1)
        found.sort()
        return [s for s, _ in found], [e for _, e in found]


def first_char_pattern(
    pattern: str, first_chars: Iterable[str], second_chars: Iterable[str] | str | None = None
) -> re.Pattern[str]:
    """`pattern` (which can only match starting with one of `first_chars`) as group 1 of a pattern that the
    engine searches quickly: a leading character class lets it skip the other characters in C, where a
    pattern that starts with a lookaround, an optional part or a trie is tried at every position. With
    `second_chars` (every match is at least two characters long and its second one is among them) the two
    first characters are checked before the pattern is tried (a str is a ready character class, such as
    `cjk_class_without`'s). Groups of `pattern` are numbered from 2. Iterate with `iter_first` (the same
    matches as `re.finditer(pattern, ...)`)."""
    first_chars = set(first_chars)
    if not first_chars:
        return re.compile("(?!)()")  # nothing can match
    if second_chars is None:
        return re.compile(f"{char_class(first_chars)}(?<=(?=({pattern}))[\\s\\S])")
    second = second_chars if isinstance(second_chars, str) else char_class(second_chars)
    return re.compile(f"{char_class(first_chars)}{second}(?<=(?=({pattern}))[\\s\\S]{{2}})")


def iter_first(
    search: Callable[..., re.Match[str] | None], text: str, pos: int = 0, endpos: int | None = None
) -> Iterator[re.Match[str]]:
    """The matches of a `first_char_pattern` (its `.search`) in text[pos:endpos], left to right and
    non-overlapping like `re.finditer` of the wrapped pattern (which must never match the empty string):
    use group 1 (`m.span(1)`, `m.group(1)`) for the wrapped match."""
    if endpos is None:
        endpos = len(text)
    m = search(text, pos, endpos)
    while m is not None:
        yield m
        m = search(text, m.end(1), endpos)


def fast_trie(words: Iterable[str], group: int = 32) -> str:
    """The same matches as `trie_pattern(words)` (a non-capturing group), faster in the middle of a pattern.

    The engine tries the alternatives of the trie's top level one by one, a few hundred steps where no word
    starts. Here a class of all first characters comes first (a position where no word starts fails in one
    step), then groups of `group` first characters, each behind its own class. The top-level alternatives are
    exclusive by their first character, so neither their order nor the grouping changes what matches."""
    ws = sorted({w for w in words if w})
    firsts = sorted({w[0] for w in ws})
    if not firsts:
        return "(?:)"  # as trie_pattern([]), the empty pattern
    parts = []
    for i in range(0, len(firsts), group):
        chars = set(firsts[i : i + group])
        parts.append(f"(?={char_class(chars)})(?:{trie_pattern(w for w in ws if w[0] in chars)})")
    if len(parts) == 1:
        return f"(?:{parts[0]})"
    return f"(?:(?={char_class(firsts)})(?:" + "|".join(parts) + "))"


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
