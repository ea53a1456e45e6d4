import codecs

import pytest

from transforms.decode import decode_bytes, normalise_newlines
from transforms.model import RejectedInput

ARTICLE = (
    " date 2026-03-02 09:15\n財經\n\n台積電法說會　魏哲家：今年營收成長近3成\n\n記者王小明／新竹報導\n\n"
    "台積電今（2）日舉行法說會，董事長魏哲家表示，今年美元營收將成長近3成。\n"
)
SHORT_BIG5 = " date 2026-01-27\n政治\n\n接見訪團\n\n行政院長今天接見訪問團。\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ARTICLE.encode("utf-8"), "utf_8"),
        (codecs.BOM_UTF8 + ARTICLE.encode("utf-8"), "utf_8_sig"),
        (ARTICLE.encode("utf-16"), "utf_16"),
        (ARTICLE.encode("utf-16-le"), "utf_16_le"),
        (ARTICLE.encode("utf-16-be"), "utf_16_be"),
        (ARTICLE.encode("cp950"), "cp950"),
        (ARTICLE.encode("gb18030"), "gb18030"),
    ],
)
def test_decodes_supported_encodings(data: bytes, encoding: str) -> None:
    text, detected = decode_bytes(data)
    assert text == ARTICLE
    assert detected == encoding


def test_short_big5_with_mostly_ascii_is_not_mistaken_for_latin() -> None:
    text, detected = decode_bytes(SHORT_BIG5.encode("big5"))
    assert text == SHORT_BIG5
    assert detected == "cp950"


def test_cp950_only_characters() -> None:
    # 碁 and 銹 exist in cp950 but not in strict Big5.
    source = ARTICLE.replace("法說會", "碁銹會")
    text, _ = decode_bytes(source.encode("cp950"))
    assert text == source


def test_crlf_and_lone_cr_become_lf() -> None:
    text, _ = decode_bytes(ARTICLE.replace("\n", "\r\n").encode("utf-8"))
    assert "\r" not in text and text == ARTICLE
    assert normalise_newlines("a\rb\r\nc") == "a\nb\nc"


def test_bom_is_dropped_for_every_unicode_form() -> None:
    for data in (codecs.BOM_UTF8 + ARTICLE.encode(), ARTICLE.encode("utf-16"), ARTICLE.encode("utf-32")):
        assert not decode_bytes(data)[0].startswith("\ufeff")


def test_truncated_last_character_is_still_utf8() -> None:
    text, detected = decode_bytes(ARTICLE.encode("utf-8")[:-2])
    assert detected == "utf_8"
    assert text.startswith(" date 2026-03-02")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b" \r\n\t\n", "empty"),
        ("\u3000\n".encode("utf-8"), "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(300), "binary"),
        (b"\x00\x01\x02 not an article", "binary"),
        (b"\x00" * 3 + "中文".encode("utf-8"), "binary"),
        (bytes(range(256)) * 8, "binary"),
        (b"date 2026-01-01\n\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 20, "binary"),
        ("caf\xe9 na\xefve r\xe9sum\xe9 \xe0 la carte ".encode("latin-1") * 4, "undecodable"),
    ],
)
def test_rejects_with_reason(data: bytes, reason: str) -> None:
    with pytest.raises(RejectedInput) as error:
        decode_bytes(data)
    assert error.value.reason == reason
    assert error.value.detail
