"""decode_bytes: every encoding a report arrives in gives back the same text."""

from __future__ import annotations

import codecs
import random

import pytest

from conftest import seed_files
from transforms.decoding import decode_bytes
from transforms.model import TransformError

SEEDS = seed_files()
SEED_IDS = [p.name[:3] for p in SEEDS]


def _seed_text(path) -> str:
    return path.read_bytes().decode("utf-8")


def _decode_error(data: bytes, **kwargs) -> TransformError:
    with pytest.raises(TransformError) as info:
        decode_bytes(data, **kwargs)
    return info.value


def test_there_are_seeds_to_check():
    assert len(SEEDS) >= 5


@pytest.mark.parametrize("path", SEEDS, ids=SEED_IDS)
def test_utf8_seed_decodes_unchanged(path):
    text, encoding = decode_bytes(path.read_bytes())
    assert encoding == "utf-8"
    assert text == _seed_text(path)


@pytest.mark.parametrize("path", SEEDS, ids=SEED_IDS)
def test_gb18030_copy_decodes_to_the_utf8_original(path):
    original = _seed_text(path)
    text, encoding = decode_bytes(original.encode("gb18030"))
    assert encoding == "gb18030"
    assert text == original


@pytest.mark.parametrize("path", SEEDS, ids=SEED_IDS)
@pytest.mark.parametrize(
    "codec, expected",
    [
        ("utf-16", "utf-16-le"),  # Python writes a little-endian BOM
        ("utf-16-le", "utf-16-le"),  # no BOM: found by the NUL pattern
        ("utf-16-be", "utf-16-be"),
        ("utf-32", "utf-32-le"),
        ("utf-8-sig", "utf-8"),
    ],
)
def test_unicode_copies_decode_to_the_original(path, codec, expected):
    original = _seed_text(path)
    text, encoding = decode_bytes(original.encode(codec))
    assert encoding == expected
    assert text == original
    assert not text.startswith("\ufeff")


def test_big_endian_boms():
    original = "隆尧县教育局2021年政府信息公开工作年度报告\n规章 0 0 0\n"
    assert decode_bytes(codecs.BOM_UTF16_BE + original.encode("utf-16-be")) == (original, "utf-16-be")
    assert decode_bytes(codecs.BOM_UTF32_BE + original.encode("utf-32-be")) == (original, "utf-32-be")


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n\t\r\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, "\u3000\u3000\n".encode("utf-8"),
     codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")],
    ids=["empty", "ascii-space", "utf8-bom-only", "utf16-bom-only", "ideographic-space", "utf16-blank"],
)
def test_empty_files(data):
    err = _decode_error(data)
    assert err.code == "empty_file"
    assert err.stage == "decode"


@pytest.mark.parametrize("size", [200, 4096, 50_000])
def test_random_binary_is_binary_content(size):
    rng = random.Random(size)
    data = bytes(rng.randrange(256) for _ in range(size))
    err = _decode_error(data)
    assert err.code == "binary_content"
    assert err.stage == "decode"


def test_control_characters_are_binary_content():
    data = b"\x01\x02\x03\x04PK\x05\x06\x07\x08" * 100  # valid ASCII, but not text
    assert _decode_error(data).code == "binary_content"


def test_bytes_valid_in_no_encoding_are_undecodable():
    # 0x80 is not a UTF-8 lead byte nor a GB18030 byte; no NULs or controls.
    err = _decode_error("政府信息公开".encode("gb18030") + b"\x80\x80 abc \x80" * 20)
    assert err.code == "undecodable"
    assert err.stage == "decode"


def test_private_use_text_is_rejected_as_implausible():
    # Valid UTF-8, but no report is made of private-use code points.
    data = ("\ue000\ue123\uf8ff" * 200).encode("utf-8")
    assert _decode_error(data).code in {"undecodable", "binary_content"}


def test_truncated_final_character_is_forgiven_and_nothing_else_changes():
    original = "2021年本机关共收到政府信息公开申请73件，办结71件"
    for codec in ("utf-8", "gb18030"):
        data = original.encode(codec)
        text, encoding = decode_bytes(data[:-1])
        assert encoding == codec
        assert text == original[:-1]


def test_utf16_cut_to_an_odd_length_keeps_all_whole_characters():
    original = "一、本年新收政府信息公开申请数量\t73\t0\t0\n" * 5
    text, encoding = decode_bytes(original.encode("utf-16-le")[:-1])
    assert (text, encoding) == (original[:-1], "utf-16-le")


# --- HTML declarations ----------------------------------------------------

_PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset={label}">'
    "<title>政府信息公开工作年度报告</title></head><body><p>本年新收申请123件。䶮</p></body></html>"
)


@pytest.mark.parametrize("label", ["gb2312", "GB2312", "gbk", "GBK", "gb18030", "x-gbk"])
def test_declared_gb_charsets_decode_as_gb18030(label):
    page = _PAGE.format(label=label)  # 䶮 (U+4DAE) exists only in GB18030, not in GB2312/GBK
    text, encoding = decode_bytes(page.encode("gb18030"), html=True)
    assert encoding == "gb18030"
    assert text == page


def test_html5_meta_charset():
    page = '<!DOCTYPE html><html><head><meta charset="gbk"></head><body>行政许可 447228</body></html>'
    assert decode_bytes(page.encode("gbk"), html=True) == (page, "gb18030")


def test_page_declaring_gb2312_but_written_in_utf8_is_utf8():
    page = _PAGE.format(label="gb2312")
    text, encoding = decode_bytes(page.encode("utf-8"), html=True)
    assert encoding == "utf-8"
    assert text == page


def test_gbk_page_declaring_latin1_is_sniffed_as_gb18030():
    page = _PAGE.format(label="iso-8859-1").replace("䶮", "")
    text, encoding = decode_bytes(page.encode("gbk"), html=True)
    assert encoding == "gb18030"
    assert text == page


def test_unknown_declared_charset_is_ignored():
    page = _PAGE.format(label="no-such-charset")
    assert decode_bytes(page.encode("gb18030"), html=True) == (page, "gb18030")


def test_bom_wins_over_a_declaration():
    page = _PAGE.format(label="gb2312")
    text, encoding = decode_bytes(codecs.BOM_UTF8 + page.encode("utf-8"), html=True)
    assert (text, encoding) == (page, "utf-8")


@pytest.mark.parametrize("order", ["utf-16-le", "utf-16-be"])
def test_bomless_utf16_prose_with_few_ascii_characters_is_read(order):
    """Found by test_properties.py: the first 2000 characters of seed 002 are
    prose whose 一/开 put as many NULs on one side as its newlines put on the
    other, so the NUL pattern named no byte order and the page was refused
    as binary_content."""
    (path,) = [p for p in SEEDS if p.name.startswith("002_")]
    text = _seed_text(path)[:2000]
    assert decode_bytes(text.encode(order)) == (text, order)


def test_nul_bytes_that_decode_plausibly_in_neither_order_stay_binary():
    assert _decode_error(bytes(range(256)) * 8).code == "binary_content"
