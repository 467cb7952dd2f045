"""Raw bytes → str, for reports of unknown encoding.

Chinese government pages come as UTF-8, GBK/GB2312 (decoded here as
GB18030, their superset), occasionally UTF-16 (Word "Unicode text" exports),
and are often mislabeled. A wrong decoding silently corrupts every later
stage, so each candidate is decoded *strictly* and then checked for being
plausible Chinese/ASCII text; anything else is refused with a stable code
rather than guessed.

Order of evidence: byte-order mark → strict UTF-8 (valid UTF-8 is UTF-8,
whatever a page declares) → (HTML only) the charset declared in the first
4 KB → UTF-16 recognised by its NUL-byte pattern → strict GB18030.
"""

from __future__ import annotations

import codecs
import re

from transforms.model import TransformError

_STAGE = "decode"

# Longest first: the UTF-32-LE BOM begins with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# <meta charset="gbk"> and <meta http-equiv="Content-Type" content="text/html; charset=gb2312">
_META_CHARSET_RE = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_META_WINDOW = 4096

# Labels that mean "some GB encoding": GB18030 decodes all of them correctly.
_GB_ALIASES = frozenset(
    {"gb2312", "gbk", "gb18030", "gb_2312-80", "gb_2312", "x-gbk", "cp936", "ms936",
     "windows-936", "csgb2312", "euc-cn", "euccn", "chinese", "iso-ir-58", "hz-gb-2312"}
)
_UTF8_ALIASES = frozenset({"utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8"})

# Characters that real report text is made of: ASCII printable and whitespace,
# Latin-1 symbols (°, ×, ·; not the accented letters a GBK page decoded as
# Latin-1 turns into), general punctuation (“” — …), letterlike/math/
# enclosed/box symbols (①, ㎡), CJK symbols and punctuation, CJK ideographs
# (ext. A, unified, compatibility), CJK compatibility forms, full-width forms.
_PLAUSIBLE_CLASS = (
    "\t\n\r\x20-\x7e\u00a0-\u00bf\u00d7\u00f7\u0391-\u03c9\u0401-\u0451\u2000-\u206f"
    "\u2100-\u23ff\u2460-\u27bf\u2e80-\u2fdf\u3000-\u33ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe6f\uff00-\uffef"
)
_IMPLAUSIBLE_RE = re.compile(f"[^{_PLAUSIBLE_CLASS}]")
# Hard evidence of a wrong decoding or of binary data: C0/C1 controls (not
# whitespace), private-use code points (GB18030 maps unassigned GBK areas
# there), the replacement character.
_GARBAGE_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd]")
_CONTROL_BYTES_RE = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")

_MAX_IMPLAUSIBLE_SHARE = 0.03
_MAX_GARBAGE_SHARE = 0.002
_SNIFF_WINDOW = 8192
_UTF16_DOMINANCE = 0.7


def decode_bytes(data: bytes, *, html: bool = False) -> tuple[str, str]:
    """Decode a report's bytes; return ``(text, encoding_name)``.

    Raises TransformError (stage ``decode``) with code ``empty_file``,
    ``binary_content`` or ``undecodable``. A leading BOM is never part of
    the returned text.
    """
    if not data or not data.strip():
        raise TransformError("empty_file", "the file has no content", stage=_STAGE)

    for bom, name in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], name)
            if text is None:
                raise TransformError(
                    "undecodable", f"bytes after the {name} byte-order mark are not valid {name}",
                    stage=_STAGE,
                )
            return _checked(text, name, data, verify=True)

    # Mislabeled pages are common, and GB18030 decodes almost any byte
    # string without error, so a page that is valid UTF-8 is UTF-8 whatever
    # its <meta> says (GBK text is valid UTF-8 by accident only for a few
    # characters, never for a report).
    text = _strict_tolerant(data, "utf-8")
    if text is not None and _plausible(text):
        return _checked(text, "utf-8", data)

    if html:
        declared = _declared_charset(data)
        if declared is not None and declared != "utf-8":
            text = _strict_tolerant(data, declared)
            if text is not None and _plausible(text):
                return _checked(text, declared, data)
        # Otherwise the label is wrong: sniff like a plain file.

    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _checked(*utf16, data)

    if b"\x00" not in data[:_SNIFF_WINDOW]:
        text = _strict_tolerant(data, "gb18030")
        if text is not None and _plausible(text):
            return _checked(text, "gb18030", data)

    if _looks_binary(data):
        raise TransformError(
            "binary_content", "the file holds binary data (NUL/control bytes), not text", stage=_STAGE
        )
    raise TransformError(
        "undecodable", "not valid UTF-8, UTF-16 or GB18030 text (or implausible as text)", stage=_STAGE
    )


def _checked(text: str, name: str, data: bytes, verify: bool = False) -> tuple[str, str]:
    """Final guard shared by every path: a BOM-only or blank file is empty;
    text behind a BOM (which is trusted, not sniffed) is still checked."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise TransformError("empty_file", "the file holds only whitespace", stage=_STAGE)
    if verify and not _plausible(text):
        if _looks_binary(data) or _GARBAGE_RE.search(text[:_SNIFF_WINDOW]):
            raise TransformError(
                "binary_content", f"decoded as {name}, but the content is control/binary data",
                stage=_STAGE,
            )
        raise TransformError("undecodable", f"decoded as {name}, but it is not plausible text", stage=_STAGE)
    return text, name


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _strict_tolerant(data: bytes, encoding: str) -> str | None:
    """Strict decoding that forgives only a multi-byte character cut off at
    the very end of the file (truncated downloads): dropping those 1–3 bytes
    cannot change any other character, unlike ``errors="replace"``."""
    text = _strict(data, encoding)
    if text is not None:
        return text
    for cut in (1, 2, 3):
        if len(data) > cut:
            text = _strict(data[:-cut], encoding)
            if text is not None:
                return text
    return None


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first 4 KB, as a codec name."""
    match = _META_CHARSET_RE.search(data[:_META_WINDOW])
    if match is None:
        return None
    label = match.group(1).decode("ascii", "ignore").strip().lower()
    if label in _GB_ALIASES:
        return "gb18030"
    if label in _UTF8_ALIASES:
        return "utf-8"
    if label.startswith(("utf-16", "utf-32", "unicode")):
        # A page that reached us as ASCII-compatible bytes (the meta tag was
        # readable) cannot be UTF-16; the label is wrong.
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, codec) of UTF-16 without a BOM, or None.

    The NUL pattern names the byte order when ASCII is frequent enough. Prose
    with few ASCII characters blurs it (一 U+4E00, 开 U+5F00 put their NUL on
    the other side), and such a page must not be refused as binary: then
    each order is tried, and only one that alone gives plausible text is taken.
    """
    if b"\x00" not in data[:_SNIFF_WINDOW]:
        return None
    sniffed = _utf16_by_nul_pattern(data)
    found = []
    for name in (sniffed,) if sniffed else ("utf-16-le", "utf-16-be"):
        text = _strict_tolerant(data, name)
        if text is not None and _plausible(text):
            found.append((text, name))
    return found[0] if len(found) == 1 else None


def _utf16_by_nul_pattern(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII characters (digits, newlines, punctuation)
    put a NUL in every other byte, mostly on the same side of the pair."""
    sample = data[:_SNIFF_WINDOW]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    total = even + odd
    pairs = len(sample) // 2
    if total < max(2, pairs // 100):
        return None
    # Not 100 %: CJK code points whose low byte is 0 (一 U+4E00, 开 U+5F00)
    # put NULs on the other side. Binary data spreads NULs evenly.
    if odd >= _UTF16_DOMINANCE * total:
        return "utf-16-le"
    if even >= _UTF16_DOMINANCE * total:
        return "utf-16-be"
    return None


def _plausible(text: str) -> bool:
    """Is this what a report looks like after decoding? Mis-decodings produce
    private-use code points, controls, or scripts a Chinese report never uses."""
    if not text:
        return True
    sample = text if len(text) <= 4 * _SNIFF_WINDOW else text[: 2 * _SNIFF_WINDOW] + text[-2 * _SNIFF_WINDOW:]
    n = len(sample)
    # Garbage is implausible too: one scan of the sample finds both (the
    # second regex reads only what the first found; 0.15 → 0.08 ms a page).
    implausible = _IMPLAUSIBLE_RE.findall(sample)
    garbage = len(_GARBAGE_RE.findall("".join(implausible))) if implausible else 0
    if garbage > max(1, n * _MAX_GARBAGE_SHARE):
        return False
    return len(implausible) <= max(2, n * _MAX_IMPLAUSIBLE_SHARE)


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SNIFF_WINDOW]
    if b"\x00" in sample and _utf16_by_nul_pattern(data) is None:
        return True
    controls = len(_CONTROL_BYTES_RE.findall(sample))
    return controls > max(4, len(sample) // 50)
