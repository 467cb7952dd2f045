"""extract_text: sniffing, PDF/DOCX/HTML/text reading, and refusing bad files."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from conftest import CORPUS, seed_files

from transforms import codes, extract
from transforms.cleaning import clean_text
from transforms.extract import extract_text
from transforms.model import ExtractedText, TransformError

PDFS = ["hongzequ_2023.pdf", "hongzequ_2024.pdf", "huaianshi_2024.pdf"]
TEMPLATE = CORPUS / "template_2021format_blank.docx"


def _error(data: bytes, filename: str) -> TransformError:
    with pytest.raises(TransformError) as info:
        extract_text(data, filename)
    return info.value


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("|")]


def _row(text: str, label: str) -> list[str]:
    """Cells of the one row whose first non-empty cell starts with `label`."""
    rows = [line for line in text.splitlines() if "|" in line and next(
        (c for c in _cells(line) if c), "").startswith(label)]
    assert len(rows) == 1, (label, rows)
    return _cells(rows[0])


def _numbers(cells: list[str]) -> list[str]:
    return [c for c in cells if re.fullmatch(r"\d+(?:\.\d+)?", c)]


# --- PDF (real reports) -------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_texts() -> dict[str, ExtractedText]:
    return {name: extract_text((CORPUS / name).read_bytes(), name) for name in PDFS}


def _corpus_gold(name: str) -> dict:
    return json.loads((CORPUS / "gold" / (name.rsplit(".", 1)[0] + ".json")).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", PDFS)
def test_pdf_is_read_as_pdf_and_cleaned(pdf_texts, name):
    result = pdf_texts[name]
    assert (result.kind, result.encoding) == ("pdf", "pdf")
    assert clean_text(result.text) == result.text
    assert "政府信息公开工作年度报告" in result.text
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "六、其他需要报告的事项"):
        assert heading in result.text
    assert not re.search(r"(?m)^- ?\d+ ?-$", result.text)  # running page numbers dropped


@pytest.mark.parametrize("name", PDFS)
def test_pdf_request_rows_carry_the_gold_numbers(pdf_texts, name):
    text = pdf_texts[name].text
    gold = _corpus_gold(name)["requests"]
    for label, row_code in [("一、本年新收", "new_received"), ("二、上年结转", "carried_over"),
                            ("四、结转下年度继续办理", "carried_forward")]:
        expected = [str(gold[f"{row_code}.{applicant}"]) for applicant in codes.APPLICANTS]
        assert _numbers(_row(text, label)) == expected, label


@pytest.mark.parametrize("name", PDFS)
def test_pdf_active_disclosure_rows(pdf_texts, name):
    text = pdf_texts[name].text
    gold = _corpus_gold(name)["active_disclosure"]
    for label, key in [("行政许可", "licensing.decisions"), ("行政处罚", "punishment.decisions"),
                       ("行政强制", "coercion.decisions")]:
        assert _numbers(_row(text, label)) == [str(gold[key])], label
    # One header row per sub-table, also where a table continues over a page
    # break without a top border (pdfplumber reports no cell there).
    headers = [line for line in text.splitlines() if line.startswith("信息内容 | ")]
    assert len(headers) == 4


@pytest.mark.parametrize("name", PDFS)
def test_pdf_review_row(pdf_texts, name):
    gold = _corpus_gold(name)["review_litigation"]
    expected = [str(gold[f"{p}.{o}"]) for p in codes.PROCEEDINGS for o in codes.OUTCOMES]
    rows = [_cells(line) for line in pdf_texts[name].text.splitlines() if "|" in line]
    assert expected in rows


def test_huaianshi_large_counts(pdf_texts):
    text = pdf_texts["huaianshi_2024.pdf"].text
    assert "行政处罚 | 3985758" in text.splitlines()
    assert "3985758" in text and "96171.6" in text


# --- PDF (hand-made files) --------------------------------------------------


def _pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return out


def _stream(content: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)


def _one_page_pdf(content: bytes, trailer: bytes = b"", extra: list[bytes] | None = None) -> bytes:
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            _stream(content),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            *(extra or []),
        ],
        trailer,
    )


def test_small_text_pdf():
    data = _one_page_pdf(b"BT /F1 12 Tf 20 250 Td (Report 2023: 73 requests) Tj ET")
    result = extract_text(data, "report.pdf")
    assert (result.kind, result.text) == ("pdf", "Report 2023: 73 requests")


def test_pdf_without_text_layer():
    err = _error(_one_page_pdf(b"0 0 m 200 200 l S 10 10 100 100 re f"), "scan.pdf")
    assert (err.code, err.stage) == ("pdf_no_text_layer", "read")


def test_encrypted_pdf():
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (b"11" * 32, b"22" * 32)
    trailer = b"/Encrypt 6 0 R /ID [<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>] "
    data = _one_page_pdf(b"BT /F1 12 Tf 20 250 Td (secret) Tj ET", trailer, [encrypt])
    err = _error(data, "locked.pdf")
    assert (err.code, err.stage) == ("pdf_encrypted", "read")


def test_pdf_with_unmapped_glyphs_has_no_usable_text_layer():
    """A CID font without ToUnicode yields "(cid:65)(cid:49)...": those
    digits must never reach a number parser."""
    data = _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(b"BT /F1 12 Tf 20 250 Td <00410042004300310032> Tj ET"),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Foo /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Foo"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
    ])
    err = _error(data, "cid.pdf")
    assert (err.code, err.stage) == ("pdf_no_text_layer", "read")


@pytest.mark.parametrize(
    "data", [b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\ngarbage without objects", b"%PDF-1.7\n1 0 obj << /Type /Catalog"]
)
def test_broken_pdf(data):
    err = _error(data, "broken.pdf")
    assert (err.code, err.stage) == ("pdf_invalid", "read")


def test_pdf_with_a_broken_page_tree_is_pdf_invalid_not_a_crash():
    """Found by test_properties.py: one byte of hongzequ_2024.pdf overwritten
    breaks a page dictionary; pdfplumber's close() walks the pages again and
    its PdfminerException replaced the pdf_invalid error and failed the load."""
    data = (CORPUS / "hongzequ_2024.pdf").read_bytes()
    at = data.index(b"/FlateDecode/Length 2907") + len(b"/FlateDecode")
    err = _error(data[:at] + b"\x00" + data[at + 1:], "hongzequ_2024.pdf")
    assert (err.code, err.stage) == ("pdf_invalid", "read")


# --- DOCX ---------------------------------------------------------------------


def test_zip_with_an_unknown_version_in_its_directory_is_docx_invalid():
    """Found by benchmarks/fuzz_load.py: one flipped byte of the central
    directory ("version needed to extract" 9.9) made zipfile raise
    NotImplementedError, which the load recorded as parser_crash."""
    data = bytearray(TEMPLATE.read_bytes())
    entry = data.index(b"PK\x01\x02")
    data[entry + 6: entry + 8] = (99).to_bytes(2, "little")
    err = _error(bytes(data), "template.docx")
    assert (err.code, err.stage) == ("docx_invalid", "read")


@pytest.fixture(scope="module")
def template_text() -> str:
    result = extract_text(TEMPLATE.read_bytes(), TEMPLATE.name)
    assert (result.kind, result.encoding) == ("docx", "docx")
    return result.text


def test_docx_template_paragraphs_in_order(template_text):
    order = ["政府信息公开工作年度报告格式模板", "一、总体情况", "二、主动公开政府信息情况", "第二十条第(一)项",
             "三、收到和处理政府信息公开申请情况", "一、本年新收", "四、政府信息公开行政复议、行政诉讼情况",
             "结果维持", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    positions = [template_text.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_docx_merged_cells_are_emitted_once(template_text):
    rows = [_cells(line) for line in template_text.splitlines() if "|" in line]
    assert len(rows) == 14 + 28 + 3  # table 二, 三, 四 header rows (the empty value row is dropped)
    for row in rows:  # no text repeated across the positions its cell spans
        assert not any(a and a == b for a, b in zip(row, row[1:])), row
    assert _row(template_text, "第二十条第(一)项") == ["第二十条第(一)项", "", "", ""]
    assert _row(template_text, "一、本年新收") == ["一、本年新收政府信息公开申请数量"] + [""] * 9
    assert _row(template_text, "三、本年度办理结果")[:3] == ["三、本年度办理结果", "(一)予以公开", ""]
    assert template_text.count("本年度办理结果") == 1  # vertically merged: once, not 22 times
    assert template_text.count("(本列数据的勾稽关系为") == 1
    assert "| | 2.其他法律行政法规禁止公开 |" in template_text
    assert "商业企业 | 科研机构 | 社会公益组织" in template_text  # cell paragraphs joined without a space
    widths = {len(row) for row in rows[14:14 + 28]}
    assert widths == {10}


def _docx_with_document(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """The template package with its document.xml replaced."""
    buf = io.BytesIO()
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = document_xml if info.filename == "word/document.xml" else src.read(info)
            dst.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return buf.getvalue()


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _document(body: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f"<w:document {_W_NS}><w:body>{body}</w:body></w:document>").encode("utf-8")


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{_p(text) if text else '<w:p/>'}</w:tc>"


def test_docx_spans_revisions_and_content_controls():
    body = (
        _p("某局2021年政府信息公开工作年度报告")
        + "<w:p><w:r><w:t>全年收到申请</w:t></w:r><w:del><w:r><w:delText>99</w:delText></w:r></w:del>"
          "<w:ins><w:r><w:t>12</w:t></w:r></w:ins><w:r><w:t>件</w:t></w:r></w:p>"
        + "<w:sdt><w:sdtContent>" + _p("二、主动公开政府信息情况") + "</w:sdtContent></w:sdt>"
        + "<w:tbl>"
        + "<w:tr>" + _tc("第二十条第(一)项", '<w:gridSpan w:val="3"/>') + "</w:tr>"
        + "<w:tr>" + _tc("信息内容", '<w:vMerge w:val="restart"/>') + _tc("本年制发件数") + _tc("本年废止件数") + "</w:tr>"
        + "<w:tr>" + _tc("信息内容", "<w:vMerge/>") + _tc("3") + _tc("") + "</w:tr>"
        + '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>' + _tc("5") + _tc("6") + "</w:tr>"
        + "</w:tbl>"
        + _p("三、收到和处理政府信息公开申请情况")
    )
    text = extract_text(_docx_with_document(_document(body)), "x.docx").text
    assert text.splitlines() == [
        "某局2021年政府信息公开工作年度报告",
        "全年收到申请12件",
        "二、主动公开政府信息情况",
        "",
        "第二十条第(一)项 | |",
        "信息内容 | 本年制发件数 | 本年废止件数",
        "| 3 |",
        "| 5 | 6",
        "",
        "三、收到和处理政府信息公开申请情况",
    ]


def test_docx_tab_inside_a_cell_is_not_a_cell_separator():
    cell = "<w:tc><w:p><w:r><w:t>行政</w:t><w:tab/><w:t>许可</w:t></w:r></w:p></w:tc>"
    body = "<w:tbl><w:tr>" + cell + _tc("447228") + "</w:tr><w:tr>" + _tc("行政处罚") + _tc("1") + "</w:tr></w:tbl>"
    text = extract_text(_docx_with_document(_document(body)), "x.docx").text
    assert "\t" not in text
    assert "行政 许可 | 447228" in text.splitlines()


def test_docx_nested_table_is_not_flattened_into_one_cell():
    inner = "<w:tbl><w:tr>" + _tc("行政处罚") + _tc("4119") + "</w:tr><w:tr>" + _tc("行政强制") + _tc("195") + "</w:tr></w:tbl>"
    body = "<w:tbl><w:tr><w:tc>" + _p("一、总体情况") + inner + _p("") + "</w:tc>" + _tc("侧栏") + "</w:tr></w:tbl>"
    lines = [line for line in extract_text(_docx_with_document(_document(body)), "x.docx").text.splitlines() if line]
    assert lines == ["一、总体情况", "行政处罚 | 4119", "行政强制 | 195", "侧栏"]


def test_docx_with_entities_is_refused():
    xxe = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           b"<w:document " + _W_NS.encode() + b"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>")
    err = _error(_docx_with_document(xxe), "xxe.docx")
    assert (err.code, err.stage) == ("docx_invalid", "read")


def test_docx_with_a_bomb_member_is_refused_before_inflating(monkeypatch):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", _document(_p("x")))
        zf.writestr("word/media/bomb.bin", b"\0" * (51 * 1024 * 1024))
    data = buf.getvalue()
    assert len(data) < 1024 * 1024

    def no_reading(*args, **kwargs):
        raise AssertionError("a member was read before the size check")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)
    err = _error(data, "bomb.docx")
    assert (err.code, err.stage) == ("docx_too_large", "read")


def test_docx_total_size_limit(monkeypatch):
    monkeypatch.setattr(extract, "_MAX_TOTAL_BYTES", 100_000)  # the real limit is 200 MB
    extra = {f"word/media/{i}.bin": b"\0" * 40_000 for i in range(3)}
    err = _error(_docx_with_document(_document(_p("x")), extra), "big.docx")
    assert err.code == "docx_too_large"


@pytest.mark.parametrize(
    "data, name, code",
    [
        (b"PK\x03\x04 this is not really a zip", "x.docx", "docx_invalid"),
        (b"\x00\x01\x02\x03\xff\xfe\x00\x00garbage" * 50, "x.docx", "docx_invalid"),
        (b"\x00\x01\x02\x03\xff\xfe\x00\x00garbage" * 50, "x.pdf", "pdf_invalid"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "old.doc", "unsupported_format"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "scan.png", "unsupported_format"),
    ],
    ids=["fake-zip", "garbage-docx", "garbage-pdf", "ole", "png"],
)
def test_unreadable_containers(data, name, code):
    err = _error(data, name)
    assert (err.code, err.stage) == (code, "read")


def test_zip_without_document_xml():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert _error(buf.getvalue(), "report.docx").code == "docx_invalid"


# --- HTML and text --------------------------------------------------------------

_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>某县2022年政府信息公开工作年度报告</title></head><body>
<div class="nav">首页 | 政务公开</div>
<div class="content"><h2>某县2022年政府信息公开工作年度报告</h2>
<p>来源：县政府办 时间：2023-01-15 字体：【大 中 小】</p>
<div class="TRS_Editor"><p>一、总体情况</p><p>全年共受理申请<span>7</span><span>3</span>件。</p>
<table><tr><td colspan="2">第二十条第（五）项</td></tr><tr><td>信息内容</td><td>本年处理决定数量</td></tr>
<tr><td>行政许可</td><td>１２</td></tr></table></div>
<p>扫一扫在手机打开当前页</p></div>
<div class="foot">版权所有：某县人民政府 网站标识码：1234567890</div></body></html>"""


@pytest.mark.parametrize("name", ["report.html", "report.txt", "report.pdf", "no_extension"])
def test_gb2312_html_is_sniffed_whatever_its_name(name):
    result = extract_text(_PAGE.encode("gb18030"), name)
    assert (result.kind, result.encoding) == ("html", "gb18030")
    assert result.text.splitlines() == [
        "某县2022年政府信息公开工作年度报告",
        "来源:县政府办 时间:2023-01-15",
        "一、总体情况",
        "全年共受理申请73件。",
        "第二十条第(五)项 |",
        "信息内容 | 本年处理决定数量",
        "行政许可 | 12",
    ]


def test_utf16_html_is_sniffed():
    result = extract_text(b"\xff\xfe" + _PAGE.encode("utf-16-le"), "page.htm")
    assert (result.kind, result.encoding) == ("html", "utf-16-le")
    assert "行政许可 | 12" in result.text


@pytest.mark.parametrize("path", seed_files(), ids=lambda p: p.name[:3])
def test_text_seed_in_gb18030_gives_the_same_cleaned_text(path):
    original = path.read_text(encoding="utf-8")
    result = extract_text(original.encode("gb18030"), path.name)
    assert (result.kind, result.encoding) == ("text", "gb18030")
    assert result.text == clean_text(original)
    assert result.text == extract_text(path.read_bytes(), path.name).text


def test_text_mentioning_tags_late_is_still_text():
    body = ("2021年本机关收到申请12件。\n" * 60) + "<p>附件</p>"
    assert extract_text(body.encode("utf-8"), "x.txt").kind == "text"


@pytest.mark.parametrize("data", [b"", b"  \r\n  \t"])
def test_empty_file(data):
    err = _error(data, "empty.txt")
    assert (err.code, err.stage) == ("empty_file", "read")


def test_html_with_nothing_but_chrome_is_empty_after_cleaning():
    page = "<html><body><div>当前位置:首页 > 政务公开</div><p>扫一扫在手机打开当前页</p></body></html>"
    err = _error(page.encode("utf-8"), "x.html")
    assert (err.code, err.stage) == ("empty_file", "clean")


def test_binary_text_file_is_binary_content():
    err = _error(bytes(range(256)) * 40, "x.txt")
    assert (err.code, err.stage) == ("binary_content", "decode")
