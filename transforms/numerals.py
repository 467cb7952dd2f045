"""Chinese and Arabic number parsing shared by metadata and narrative.

Reports write counts both ways (12次 / 十二次 / 两次) and years both ways
(2022年 / 二〇二二年). Parsing is strict on purpose: a numeral string that
could be read two ways (三四个 = "three or four", not 34) returns None, so
the caller drops it instead of storing a number nobody wrote.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS: dict[str, int] = {"万": 10_000, "亿": 100_000_000}

CN_NUMERAL_CHARS = "零〇○一二两三四五六七八九十百千万亿"
CN_NUMERAL_RE = re.compile(f"[{CN_NUMERAL_CHARS}]+")
_ARABIC_RE = re.compile(r"^\d+(?:\.\d+)?$")


def _parse_section(s: str) -> int | None:
    """A numeral below 万: 三千零五, 二十五, 十二, 一百零五."""
    if not s:
        return 0
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for ch in s:
        if ch in _DIGITS:
            if digit is not None:  # two digits in a row (三四) is a range, not a number
                if digit == 0:
                    digit = _DIGITS[ch]
                    continue
                return None
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            if unit >= last_unit:  # 十百 / 百百: malformed
                return None
            if digit is None:
                if total == 0 and unit == 10:
                    digit = 1  # 十二 = 12
                else:
                    return None
            if digit == 0:
                return None
            total += digit * unit
            digit = None
            last_unit = unit
        else:
            return None
    if digit is not None:
        total += digit
    return total


def parse_cn_int(s: str) -> int | None:
    """Value of a Chinese numeral, or None when it is not one well-formed number.

    Handles positional numerals (十二, 二十五, 一百零五, 三万二千) and
    digit-by-digit years that contain a zero (二〇二二). A run of plain digits
    without a zero (三四, 一两) is a vague range and returns None.
    """
    if not s or any(ch not in CN_NUMERAL_CHARS for ch in s):
        return None
    if all(ch in _DIGITS for ch in s):
        if len(s) == 1:
            return _DIGITS[s]
        if any(ch in "零〇○" for ch in s) and "两" not in s:
            return int("".join(str(_DIGITS[ch]) for ch in s))
        return None
    total = 0
    rest = s
    for big_char in ("亿", "万"):
        if big_char in rest:
            head, _, rest = rest.partition(big_char)
            if big_char in rest:
                return None
            head_value = _parse_section(head) if head else None
            if not head_value:
                return None
            total += head_value * _BIG_UNITS[big_char]
    tail = _parse_section(rest)
    if tail is None:
        return None
    return total + tail


def parse_arabic(s: str) -> Decimal | None:
    """Decimal of an ASCII number string ("1.3", "298"), None if malformed."""
    s = s.strip()
    if not _ARABIC_RE.match(s):
        return None
    try:
        return Decimal(s)
    except InvalidOperation:  # pragma: no cover - regex already guards
        return None


def parse_number(s: str) -> Decimal | None:
    """Arabic or Chinese numeral → Decimal, None when it cannot be read safely."""
    s = s.strip()
    if not s:
        return None
    if s[0].isdigit():
        return parse_arabic(s)
    value = parse_cn_int(s)
    return None if value is None else Decimal(value)


def normalise_decimal(value: Decimal) -> Decimal:
    """13000.0 → 13000: integral values lose their trailing zeros, others keep them."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize()
