"""Sentence splitting with character offsets.

A sentence ends at 。！？； (and their ASCII forms !?;) or at a line end. Closing quotes and brackets that
follow the terminator, and further terminators (！？, 。」), stay with the sentence they close, so
`他說：「好。」接著` splits after `」`. Leading and trailing whitespace is not part of a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from transforms.model import Paragraph, Sentence

_TERMINATORS = "。！？；!?;"
_CLOSERS = "」』）)〕】》〉”’\"'］]｝}"
# A sentence: the shortest run up to a terminator (plus closers and repeated terminators), or to the line end.
_T = re.escape(_TERMINATORS)
_C = re.escape(_CLOSERS)
_SENTENCE = re.compile(rf"[^\n{_T}]*(?:[{_T}]+[{_C}{_T}]*|(?=\n)|$)")
_WHITESPACE = " \t\r\n\u3000\u00a0\ufeff\u200b"


def split_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence of `text`, whitespace trimmed, empty ones skipped."""
    for match in _SENTENCE.finditer(text):
        start, end = match.start(), match.end()
        while start < end and text[start] in _WHITESPACE:
            start += 1
        while end > start and text[end - 1] in _WHITESPACE:
            end -= 1
        if end > start:
            yield start, end


def split_sentences(body: str, paragraphs: list[Paragraph]) -> list[Sentence]:
    """Sentences of the body paragraphs (which carry offsets into `body`), numbered across the body."""
    sentences: list[Sentence] = []
    for paragraph in paragraphs:
        if paragraph.kind != "body" or paragraph.start is None or paragraph.end is None:
            continue
        base = paragraph.start
        for start, end in split_spans(body[paragraph.start : paragraph.end]):
            sentences.append(
                Sentence(
                    sentence_no=len(sentences),
                    paragraph_no=paragraph.paragraph_no,
                    text=body[base + start : base + end],
                    start=base + start,
                    end=base + end,
                )
            )
    return sentences
