"""Statements (who said what) from reporting verbs, with the speaker resolved to an entity's canonical name.

Patterns (X = a PERSON / ORG / GPE mention from `extract_entities`, or 他/她 …):
- `X表示，…` / `X指出：…` / `X強調「…」` / `X也進一步指出…` / `X致詞時表示，…` / `據X表示，…` — the verb comes
  after the speaker, with only titles, an alias bracket, time words (今（27日）, 昨天), adverbs (也, 最後,
  進一步) or a setting (致詞時, 受訪時, 在記者會上) in between; the content runs from after the verb (a leading
  comma / colon dropped) to the end of the sentence, or to the closing quote when it opens a quote that
  spans several sentences;
- `…，X說。` / `「…」X說。` — the verb ends the sentence: the content is what precedes the speaker in the
  sentence (or the previous sentence when that is a whole quote).

The verb as written includes a setting glued to it (致詞時表示). `他/她/他們/她們` resolve to the most recent
PERSON subject: a PERSON that starts a clause (optionally after its title) or the speaker of an earlier
statement. Generic subjects (專家, 官員, 業者, 報告 …) give statements whose speaker is None; a verb with no
subject at all (這表示…, 以…表示) gives no statement. `is_direct_quote` is True when the content is one
quotation in 「」, 『』 or “”, which is then given without its quote marks.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from transforms.entities import EntityMention
from transforms.gazetteer import fast_trie, first_char_pattern, iter_first, load, trie_pattern
from transforms.model import Sentence, record


@record
class StatementMention:
    sentence_no: int
    start: int
    end: int
    text: str  # body[start:end]: speaker … content
    speaker: str | None
    verb: str
    content: str
    content_start: int
    content_end: int
    is_direct_quote: bool


_PRONOUNS = ("他們", "她們", "他", "她")
_GENERIC_SPEAKERS = (
    "消息人士 知情人士 人士 專家 官員 業者 民眾 學者 分析師 法人 外媒 媒體 報導 聲明 官方 警方 檢方 院方 校方 網友 研究 "
    "報告 調查 消息 發言人 當局 政府 發言人 律師 醫師 居民 家屬 議員 立委 球迷 投資人 經濟學家 研究員 團隊 聲明稿 新聞稿"
).split()
_QUOTES = {"「": "」", "『": "』", "“": "”"}
_OPEN = "「『“"
_TERMINAL = "。！？；!?;…"
# Connectors that may begin a clause before its subject.
_CONNECTORS = re.compile(r"(?:而且|而|但是|但|另外|此外|隨後|同時|最後|對此|不過|然而|因此|所以|據|至於|其中|並)?")
_LOCATIVE = "在於從到至赴往"
_CLAUSE_BREAK = "，,；;：:。！？!?「」『』“”"
_CLAUSE_BREAK_RE = re.compile(f"[{re.escape(_CLAUSE_BREAK)}]")


@dataclass(frozen=True)
class _Rx:
    verb: re.Pattern[str]
    verb_search: re.Pattern[str]  # the same as `verb`, to search with iter_first (the verb is group 1)
    gap: re.Pattern[str]
    generic: re.Pattern[str]
    issued: re.Pattern[str]


@cache
def _rx() -> _Rx:
    g = load()
    # fast_trie: the same matches as trie_pattern, with first-character classes in front (gazetteer docs).
    verbs = fast_trie(g.verbs)
    settings = fast_trie(g.verb_settings)
    adverbs = fast_trie(g.verb_adverbs)
    titles = fast_trie(list(g.titles) + list(g.honorifics))
    # The verb, with a setting glued before it (致詞時表示), not inside ordinary words (據說, 小說, 說服 …).
    verb = (
        f"(?:(?:{settings})(?:時|中|上|後)?)?"
        f"(?<![來據聽演小傳再就或比學解遊勸游訴雖難怎話])(?:{verbs})"
        f"(?![服法話謊書辭詞客唱教為作號之讚霸職式師金案稿])"
    )
    verb_first = {w[0] for w in g.verbs} | {w[0] for w in g.verb_settings}
    time = r"(?:今|昨|前|本)?(?:天|日|晚|晨|早)?[（(][^（）()]{1,12}[）)]|今天|今日|昨天|昨日|日前|稍早|上午|下午|晚間|早上|當天|近日|\d{1,2}日"
    alias = r"[（(][^（）()]{1,80}[）)]"
    setting_free = (
        r"[在於][^，。；：「」]{0,16}|"
        r"接受[^，。；：「」]{1,12}?(?:訪問|專訪|採訪|訪)時?|透過[^，。；：「」]{1,10}|"
        f"(?:{settings})(?:時|中|上|後)?"
    )
    gap = re.compile(f"(?:\\s|{titles}|{alias}|{time}|{adverbs}|{setting_free}|[也則亦並更還又再都均已曾])*")
    generic = re.compile(f"(?:{trie_pattern(_GENERIC_SPEAKERS)})")
    issued = re.compile(f"{gap.pattern}(?:發布|公布|發表|提出|公開|出具)(?:的|了)?(?:最新|年度|一份|份)?")
    return _Rx(
        verb=re.compile(verb), verb_search=first_char_pattern(verb, verb_first), gap=gap, generic=generic, issued=issued
    )


def _strip_content(body: str, start: int, end: int) -> tuple[int, int]:
    """Trim whitespace, a leading comma / colon and the sentence's final punctuation."""
    while start < end and body[start] in " \u3000\t，,：:":
        start += 1
    while end > start and body[end - 1] in " \u3000\t" + _TERMINAL:
        end -= 1
    return start, end


def _as_quote(body: str, start: int, end: int) -> tuple[int, int, bool]:
    """If body[start:end] is one quotation, its inside and True; else unchanged and False."""
    if end - start >= 2 and body[start] in _QUOTES and body[end - 1] == _QUOTES[body[start]]:
        inner = body[start + 1 : end - 1]
        if _QUOTES[body[start]] not in inner:
            return start + 1, end - 1, True
    return start, end, False


def extract_statements(
    body: str, sentences: Sequence[Sentence], entities: Sequence[EntityMention]
) -> list[StatementMention]:
    """Statements in `body` (see module doc)."""
    rx = _rx()
    # English names written in brackets (柯拉克（Keith Krach）) are never the speaker: the bracket belongs to
    # the gap between the speaker and the verb.
    ents = sorted(
        (
            e
            for e in entities
            if e.type in ("PERSON", "ORG", "GPE") and not (e.text.isascii() and _in_brackets(body, e.start, e.end))
        ),
        key=lambda e: e.start,
    )
    ent_starts = [e.start for e in ents]
    out: list[StatementMention] = []
    last_person: str | None = None
    breaks = [m.start() for m in _CLAUSE_BREAK_RE.finditer(body)]

    def clause_start_of(s0: int, pos: int) -> int:
        """Start of the clause of `pos` in the sentence starting at s0 (after the last clause break before it)."""
        k = bisect.bisect_left(breaks, pos) - 1
        return breaks[k] + 1 if k >= 0 and breaks[k] >= s0 else s0

    for si, sent in enumerate(sentences):
        s0, s1 = sent.start, sent.end
        sent_ents = ents[bisect.bisect_left(ent_starts, s0) : bisect.bisect_left(ent_starts, s1)]
        # PERSON subjects of this sentence (position, name): a PERSON that begins its clause.
        subjects: list[tuple[int, str]] = []
        for e in sent_ents:
            if e.type != "PERSON":
                continue
            cstart = clause_start_of(s0, e.start)
            prefix = body[cstart : e.start]
            if _CONNECTORS.fullmatch(prefix) or (e.title and prefix.endswith(e.title) and len(prefix) - len(e.title) <= 2):
                subjects.append((e.start, e.name))

        def recent_person(pos: int) -> str | None:
            prior = [name for p, name in subjects if p < pos]
            return prior[-1] if prior else last_person

        for vm in iter_first(rx.verb_search.search, body, s0, s1):
            v0, v1 = vm.span(1)
            nxt = rx.verb.match(body, v1, s1)
            if nxt is not None:
                continue  # 分析指出: the later verb carries the statement
            clause_start = clause_start_of(s0, v0)
            speaker: str | None = None
            sp_start: int | None = None
            # 1. The nearest entity of the clause whose gap to the verb holds only titles, times, adverbs.
            for e in reversed(sent_ents):
                if e.end > v0:
                    continue
                if e.start < clause_start:
                    break
                if e.start > 0 and body[e.start - 1] in _LOCATIVE:
                    continue  # 在布魯塞爾呼籲: a place of the event, not the speaker
                if rx.gap.fullmatch(body, e.end, v0) is not None:
                    speaker, sp_start = e.name, e.start
                    break
            # 2. A pronoun: the most recent PERSON subject.
            if sp_start is None:
                for p in _PRONOUNS:
                    i = body.rfind(p, clause_start, v0)
                    if i >= 0 and rx.gap.fullmatch(body, i + len(p), v0) is not None:
                        speaker, sp_start = recent_person(i), i
                        break
            # 3. A generic subject (專家表示, 報告指出): speaker None, unless an entity issued it
            #    (世界衛生組織日前發布報告指出 → 世界衛生組織).
            if sp_start is None:
                for gm in reversed(list(rx.generic.finditer(body, clause_start, v0))):
                    if rx.gap.fullmatch(body, gm.end(), v0) is not None:
                        sp_start = gm.start()
                        for e in reversed(sent_ents):
                            if e.start >= clause_start and e.end <= gm.start():
                                if rx.issued.fullmatch(body, e.end, gm.start()) is not None:
                                    speaker, sp_start = e.name, e.start
                                break
                        break
            if sp_start is None:
                continue

            contents: list[tuple[int, int, bool, int]] = []  # (start, end, direct, end of quote mark)
            # Content after the verb …
            c0, c1 = _strip_content(body, v1, s1)
            if c0 < c1 and body[c0] in _QUOTES:
                close = _QUOTES[body[c0]]
                para_end = body.find("\n", c0)
                j = body.find(close, c0 + 1, len(body) if para_end < 0 else para_end)
                # One quotation (possibly over several sentences), nothing but punctuation after it.
                if j >= 0 and (j + 1 >= c1 or not body[j + 1 : c1].strip(_TERMINAL + " ")):
                    contents.append((c0 + 1, j, True, j + 1))
                    c0 = c1
            if c0 < c1:
                q0, q1, d = _as_quote(body, c0, c1)
                contents.append((q0, q1, d, q1 + d))
            # … or before the speaker in the sentence (…，X說。) …
            b0, b1 = _strip_content(body, s0, clause_start)
            while b1 > b0 and body[b1 - 1] in "，,":
                b1 -= 1
            if not contents and b0 < b1:
                q0, q1, d = _as_quote(body, b0, b1)
                contents.append((q0, q1, d, q1 + d))
            # … or the previous sentence when it is one quotation and the speaker opens this one (「…。」X說).
            if b0 >= b1 and si > 0 and sentences[si - 1].paragraph_no == sent.paragraph_no:
                prev = sentences[si - 1]
                q0, q1, d = _as_quote(body, *_strip_quote_end(body, prev.start, prev.end))
                if d:
                    contents.insert(0, (q0, q1, True, q1 + 1))
            for c0, c1, direct, quote_end in contents:
                if c0 >= c1:
                    continue
                start = min(sp_start, c0 - (1 if direct and body[c0 - 1] in _OPEN else 0))
                end = max(quote_end, c1, v1)
                out.append(
                    StatementMention(
                        sentence_no=sent.sentence_no,
                        start=start,
                        end=end,
                        text=body[start:end],
                        speaker=speaker,
                        verb=body[v0:v1],
                        content=body[c0:c1],
                        content_start=c0,
                        content_end=c1,
                        is_direct_quote=direct,
                    )
                )
            if speaker is not None and any(e.name == speaker and e.type == "PERSON" for e in sent_ents):
                subjects.append((sp_start, speaker))
                subjects.sort()
        if subjects:
            last_person = subjects[-1][1]
    return out


def _strip_quote_end(body: str, start: int, end: int) -> tuple[int, int]:
    """A sentence like 「…。」 as a quote span (its final punctuation after the closing quote dropped)."""
    while end > start and body[end - 1] in " \u3000" + _TERMINAL:
        end -= 1
    return start, end


def _in_brackets(body: str, start: int, end: int) -> bool:
    """Is body[start:end] inside a pair of round brackets (full or half width) on its line?"""
    line_start = body.rfind("\n", 0, start) + 1
    before = body[line_start:start]
    opened = max(before.rfind("（"), before.rfind("("))
    if opened < 0 or max(before.rfind("）"), before.rfind(")")) > opened:
        return False
    line_end = body.find("\n", end)
    after = body[end : len(body) if line_end < 0 else line_end]
    closes = [i for i in (after.find("）"), after.find(")")) if i >= 0]
    opens = [i for i in (after.find("（"), after.find("(")) if i >= 0]
    return bool(closes) and (not opens or min(closes) < min(opens))
