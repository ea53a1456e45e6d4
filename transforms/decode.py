"""Raw bytes to text: encoding detection and line-ending normalisation.

Order of decisions (cheapest and surest first):
1. no bytes, or only whitespace once decoded -> `empty`;
2. a byte-order mark names the encoding (UTF-8, UTF-16, UTF-32);
3. strict UTF-8 (almost every modern file); a file cut in the middle of its last character is still UTF-8;
4. otherwise charset-normalizer, restricted to the encodings Taiwan news files come in. Restricting it matters:
   unrestricted, mostly-ASCII Big5 files with a few Chinese lines were detected as iso8859_13 (measured, see
   docs/decisions.md). A reported `big5` is decoded as cp950, its superset used on Windows in Taiwan.
Then text with NUL or many control characters is `binary`. CRLF and lone CR become LF; a leading BOM is dropped.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from transforms.model import RejectedInput

# Encodings we try when the file is not UTF-8 (charset-normalizer's codec names).
CANDIDATE_ENCODINGS = ["utf_8", "utf_16", "utf_16_le", "utf_16_be", "cp950", "big5", "big5hkscs", "gb18030"]
# Decode with the superset of what the detector reports.
_SUPERSET = {"big5": "cp950", "gb2312": "gb18030", "gbk": "gb18030"}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf_32"),
    (codecs.BOM_UTF32_BE, "utf_32"),
    (codecs.BOM_UTF8, "utf_8_sig"),
    (codecs.BOM_UTF16_LE, "utf_16"),
    (codecs.BOM_UTF16_BE, "utf_16"),
)
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}
# More than this share of control characters means the bytes are not text.
_MAX_CONTROL_SHARE = 0.01


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _from_bom(content: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return encoding
    return None


def _strict_utf8(content: bytes) -> str | None:
    try:
        return content.decode("utf_8")
    except UnicodeDecodeError as error:
        # A file cut inside its last character (a truncated download) is still a UTF-8 file.
        if error.reason == "unexpected end of data" and error.start >= len(content) - 3:
            return content[: error.start].decode("utf_8", errors="strict") + "\ufffd"
        return None


def _nul_pattern_fits(content: bytes, encoding: str) -> bool:
    """UTF-16 without a BOM: NUL bytes are mostly high bytes of ASCII code units (digits, newlines, Latin).

    A few NUL low bytes are normal (一 is U+4E00), but binary data with NULs anywhere decodes as 'UTF-16' full of
    CJK-looking characters; requiring the ASCII pattern tells the two apart.
    """
    if len(content) % 2:
        return False
    high = 1 if encoding == "utf_16_le" else 0 if encoding == "utf_16_be" else None
    if high is None:
        return True
    as_high = content[high::2].count(0)
    as_low = content[1 - high :: 2].count(0)
    return as_high > 0 and as_low <= 0.2 * as_high


def _detect(content: bytes) -> tuple[str, str] | None:
    best = from_bytes(content, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is None:
        return None
    encoding = _SUPERSET.get(best.encoding, best.encoding)
    if encoding.startswith("utf_16") and not _nul_pattern_fits(content, encoding):
        return None
    try:
        return content.decode(encoding), encoding
    except UnicodeDecodeError:
        return str(best), best.encoding


# Unicode category Cc is exactly U+0000-U+001F and U+007F-U+009F (a stable property); minus the allowed ones.
_CONTROL_RE = re.compile("[" + "".join(
    re.escape(chr(c)) for c in [*range(0x20), *range(0x7F, 0xA0)]
    if unicodedata.category(chr(c)) == "Cc" and chr(c) not in _ALLOWED_CONTROLS
) + "]")


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    if _CONTROL_RE.search(text) is None:  # the usual case: one scan in C
        return False
    controls = len(_CONTROL_RE.findall(text))
    return controls > max(2, _MAX_CONTROL_SHARE * len(text))


def decode_bytes(content: bytes) -> tuple[str, str]:
    """Decode raw file bytes to text with LF line ends and no BOM. Returns (text, encoding name).

    Raises RejectedInput with reason `empty`, `binary` or `undecodable`.
    """
    if not content.strip():
        raise RejectedInput("empty", f"the file has {len(content)} bytes and no text")
    encoding = _from_bom(content)
    text: str | None = None
    if encoding is not None:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            text = None
    if text is None:
        # NUL bytes without a BOM: UTF-16 text or binary. Let the detector decide, then check.
        text = None if b"\x00" in content else _strict_utf8(content)
        encoding = "utf_8"
    if text is None:
        detected = _detect(content)
        if detected is None:
            if b"\x00" in content:
                raise RejectedInput("binary", "the file contains NUL bytes and no text encoding fits it")
            raise RejectedInput(
                "undecodable",
                "no supported encoding (UTF-8, UTF-16, Big5/CP950, GB18030) decodes the file",
            )
        text, encoding = detected
    text = text.lstrip("\ufeff")
    if _looks_binary(text):
        raise RejectedInput("binary", f"the file decodes as {encoding} but holds NUL or control characters: not text")
    text = normalise_newlines(text)
    if not text.strip():
        raise RejectedInput("empty", "the file holds only whitespace")
    return text, encoding
