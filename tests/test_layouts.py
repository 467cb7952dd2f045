"""Golden pairs for the layouts users meet most.

Every input in ``tests/fixtures/layouts/`` sits beside ``<name>.expected.json``
(the gold-file shape: ``report`` metadata, ``sections``, and every cell of
each table the input prints as {"code": value}; a table the input does not
print is ``null`` and must yield no fact). Each input goes through the
transforms exactly as the warehouse runs them (`transforms.pipeline`), and
the whole folder is loaded once through ``ogi load`` and judged with
``tests/gold.py``.

The fixtures (see each file's ``note``):

* ``html_2021_official_{utf8,gb2312,gbk}.html`` -- one report, the official
  2021 form exported from Word (rowspan/colspan header blocks, numbers split
  over spans, ``&nbsp;`` cells, MSO conditional comments, ``<o:p>``), in
  three encodings and three site templates with their chrome;
* ``html_2019_trial.html`` -- the 2019 trial format (negative 本年增/减,
  a "-" placeholder, "251000元", a single (六)其他处理 row);
* ``text_hybrid_single_other.txt`` -- 2021 table 二 with a one-row (六), tab
  layout with split and misaligned label cells;
* ``docx_2021_merged.docx`` -- built by `build_docx` from its expected file;
* ``ocr_markdown_2021.txt`` -- OCR output with markdown tables and misread labels;
* ``text_label_noise.txt`` -- invisible characters in labels, values and
  headings; table 二 absent.
* ``pdf_markdown_2023.md`` -- a PDF converter's Markdown: ``#`` headings,
  pipe tables with bold header cells, a bold signature;
* ``ocr_markdown_glued_2022.markdown`` -- OCR'd Markdown with its marks glued
  to the text (``#沐阳县人民政府…``).
"""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import CORPUS
from gold import compare, doc_id_for
from orchestration.cli import main as ogi
from transforms import codes, pipeline, tables
from transforms.cleaning import clean_text
from transforms.model import ParseIssue

LAYOUTS = Path(__file__).resolve().parent / "fixtures" / "layouts"
INPUT_SUFFIXES = (".html", ".htm", ".txt", ".md", ".markdown", ".docx", ".pdf")
TABLES = ("active_disclosure", "requests", "review_litigation")
TEMPLATE = CORPUS / "template_2021format_blank.docx"


def _pairs() -> list[tuple[Path, Path]]:
    pairs = []
    for expected in sorted(LAYOUTS.glob("*.expected.json")):
        stem = expected.name[: -len(".expected.json")]
        inputs = [p for p in LAYOUTS.iterdir() if p.stem == stem and p.suffix in INPUT_SUFFIXES]
        assert len(inputs) == 1, f"{expected.name}: expected exactly one input named {stem}.*, found {inputs}"
        pairs.append((inputs[0], expected))
    return pairs


PAIRS = _pairs()
NAMES = [p.name for p, _ in PAIRS]


def _expected(name: str) -> dict:
    return json.loads((LAYOUTS / (Path(name).stem + ".expected.json")).read_text(encoding="utf-8"))


class Parsed:
    """One input through the pipeline, as the warehouse runs it."""

    def __init__(self, path: Path):
        self.extracted = pipeline.extract_document(path.read_bytes(), path.name)
        self.text = self.extracted.text
        self.meta = pipeline.derive_metadata(self.text, str(path))
        self.sections = pipeline.derive_sections(self.text)
        self.facts = pipeline.derive_facts(self.text, self.sections, self.meta.doc_kind)
        self.tables = self.facts.tables

    def cells(self, table: str) -> dict[str, Decimal | None]:
        if table == "active_disclosure":
            pairs = ((f"{f.item}.{f.metric}", f.value) for f in self.tables.active)
        elif table == "requests":
            pairs = ((f"{f.row_code}.{f.applicant}", f.value) for f in self.tables.requests)
        else:
            pairs = ((f"{f.proceeding}.{f.outcome}", f.value) for f in self.tables.review)
        out: dict[str, Decimal | None] = {}
        for key, value in pairs:
            assert key not in out, f"{table}.{key} stored twice"
            out[key] = None if value is None else Decimal(str(value))
        return out

    def blocking(self) -> list[ParseIssue]:
        return [i for i in self.tables.issues if i.blocking]


_CACHE: dict[str, Parsed] = {}


def parsed(name: str) -> Parsed:
    if name not in _CACHE:
        _CACHE[name] = Parsed(LAYOUTS / name)
    return _CACHE[name]


def _want(cells: dict) -> dict[str, Decimal | None]:
    return {k: None if v is None else Decimal(str(v)) for k, v in cells.items()}


# ---------------------------------------------------------------------------
# The folder itself
# ---------------------------------------------------------------------------


def test_every_layout_has_a_golden_pair():
    inputs = sorted(p.name for p in LAYOUTS.iterdir() if p.suffix in INPUT_SUFFIXES)
    assert inputs == sorted(NAMES)
    suffixes = {Path(n).suffix for n in NAMES}
    assert {".html", ".txt", ".md", ".markdown", ".docx"} <= suffixes and len(NAMES) >= 10


@pytest.mark.parametrize("name", NAMES)
def test_expected_files_list_every_cell_of_their_tables(name):
    """A guard on the fixtures themselves: a listed table lists all its cells,
    in the contract's codes, and its values obey the table identities (so the
    end-to-end load must publish them)."""
    exp = _expected(name)
    assert exp["file"] == name
    active = exp["active_disclosure"]
    if active is not None:
        layout = codes.ACTIVE_LAYOUT_2021 if exp["report"]["format_version"] == "2021" else codes.ACTIVE_LAYOUT_2019
        assert set(active) == {f"{i}.{m}" for i, ms in layout.items() for m in ms}
    req = exp["requests"]
    if req is not None:
        rows = codes.REQUEST_ROWS_2019 if exp["request_variant"] == "2019" else codes.REQUEST_ROWS_2021
        assert set(req) == {f"{r}.{a}" for r in rows for a in codes.APPLICANTS}
        n = lambda r, a: req[f"{r}.{a}"] or 0  # noqa: E731 (blank counts as 0, rule §6)
        results = [r for r in rows if r not in ("new_received", "carried_over", "total_processed", "carried_forward")]
        for a in codes.APPLICANTS:
            assert n("total_processed", a) == sum(n(r, a) for r in results), a
            assert n("new_received", a) + n("carried_over", a) == n("total_processed", a) + n("carried_forward", a), a
        for r in rows:
            assert n(r, "total") == sum(n(r, a) for a in codes.APPLICANTS[:-1]), r
    rev = exp["review_litigation"]
    if rev is not None:
        assert set(rev) == {f"{p}.{o}" for p in codes.PROCEEDINGS for o in codes.OUTCOMES}
        for p in codes.PROCEEDINGS:
            assert rev[f"{p}.total"] == sum(rev[f"{p}.{o}"] for o in codes.OUTCOMES[:-1])


# ---------------------------------------------------------------------------
# Golden pairs through transforms.pipeline
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_metadata(name):
    meta = parsed(name).meta
    for key, want in _expected(name)["report"].items():
        got = getattr(meta, key)
        if key == "published_on" and got is not None:
            got = got.isoformat()
        assert got == want, key


@pytest.mark.parametrize("name", NAMES)
def test_sections_map_by_meaning(name):
    got = [s.section for s in parsed(name).sections]
    assert got == _expected(name)["sections"]


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("name", NAMES)
def test_every_cell(name, table):
    result = parsed(name)
    want = _expected(name)[table]
    got = result.cells(table)
    if want is None:
        assert table not in result.tables.found
        assert got == {}
        return
    assert table in result.tables.found
    assert got == _want(want)


@pytest.mark.parametrize("name", NAMES)
def test_request_variant_and_no_blocking_doubt(name):
    exp = _expected(name)
    result = parsed(name)
    assert result.tables.request_variant == exp["request_variant"]
    assert result.blocking() == []


def test_2019_units_signs_and_raw_cells():
    result = parsed("html_2019_trial.html")
    units = {f"{f.item}.{f.metric}": f.unit for f in result.tables.active}
    for key, unit in _expected("html_2019_trial.html")["active_units"].items():
        assert units[key] == unit, key
    raw = {f"{f.item}.{f.metric}": f.ref.raw for f in result.tables.active}
    assert raw["procurement.amount"] == "251000元"
    assert raw["licensing.change"] == "-3"
    assert raw["coercion.decisions"] == "-"  # a placeholder: NULL with its text kept


def test_one_report_in_three_encodings_and_templates_gives_the_same_rows():
    names = ["html_2021_official_utf8.html", "html_2021_official_gb2312.html", "html_2021_official_gbk.html"]
    runs = [parsed(n) for n in names]
    assert [r.extracted.encoding for r in runs] == ["utf-8", "gb18030", "gb18030"]
    for table in TABLES:
        assert runs[0].cells(table) == runs[1].cells(table) == runs[2].cells(table)
    # 喆 is outside GB2312: a page that says gb2312 is read as gb18030.
    assert all("张喆" in r.text for r in runs)
    raws = [[f.ref.raw for f in r.tables.requests] for r in runs]
    assert raws[0] == raws[1] == raws[2]


@pytest.mark.parametrize(
    "name", ["html_2021_official_utf8.html", "html_2021_official_gb2312.html", "html_2021_official_gbk.html"]
)
def test_site_chrome_and_word_markup_do_not_reach_the_text(name):
    text = parsed(name).text
    for chrome in ("当前位置", "您当前的位置", "字体", "字号", "上一篇", "下一篇", "ICP备", "联系电话", "主办", "打印",
                   "关闭", "无障碍", "mso-", "MsoNormal", "WordDocument", "supportLists", "Zoom"):
        assert chrome not in text, chrome
    lines = text.splitlines()
    assert lines[0] == "杭州市临平区住房和城乡建设局2022年度政府信息公开工作年度报告"
    # split numbers are whole again, a &nbsp; cell is an empty cell
    assert "行政许可 | 1234 | |" in lines
    assert "规章 | | |" in lines
    assert any(line.startswith("| (三)不予公开 | 1.属于国家秘密 | 0 | 0 | | 0") for line in lines)


def test_a_date_line_carrying_chrome_keeps_its_date():
    """The gbk page prints 发布日期 on the same line as 字号/打印本页: the date
    is the page's publication date, not the signature date under the text."""
    assert parsed("html_2021_official_gbk.html").meta.published_on.isoformat() == "2023-01-18"
    assert "发布日期:2023-01-18 来源:区住建局" in parsed("html_2021_official_gbk.html").text.splitlines()


# ---------------------------------------------------------------------------
# DOCX: built from its expected file with python-docx's merge API
# ---------------------------------------------------------------------------

_T3_ROWS_2021: tuple[tuple[str | None, str, str], ...] = (
    # (group cell, row label, code)
    (None, "一、本年新收政府信息公开申请数量", "new_received"),
    (None, "二、上年结转政府信息公开申请数量", "carried_over"),
    ("三", "（一）予以公开", "granted"),
    ("三", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partly_granted"),
    ("（三）不予公开", "1．属于国家秘密", "denied_state_secret"),
    ("（三）不予公开", "2．其他法律行政法规禁止公开", "denied_law_forbids"),
    ("（三）不予公开", "3．危及“三安全一稳定”", "denied_safety_stability"),
    ("（三）不予公开", "4．保护第三方合法权益", "denied_third_party"),
    ("（三）不予公开", "5．属于三类内部事务信息", "denied_internal_affairs"),
    ("（三）不予公开", "6．属于四类过程性信息", "denied_process_info"),
    ("（三）不予公开", "7．属于行政执法案卷", "denied_enforcement_file"),
    ("（三）不予公开", "8．属于行政查询事项", "denied_inquiry"),
    ("（四）无法提供", "1．本机关不掌握相关政府信息", "unable_not_held"),
    ("（四）无法提供", "2．没有现成信息需要另行制作", "unable_needs_creation"),
    ("（四）无法提供", "3．补正后申请内容仍不明确", "unable_unclear"),
    ("（五）不予处理", "1．信访举报投诉类申请", "rejected_petition"),
    ("（五）不予处理", "2．重复申请", "rejected_duplicate"),
    ("（五）不予处理", "3．要求提供公开出版物", "rejected_publication"),
    ("（五）不予处理", "4．无正当理由大量反复申请", "rejected_excessive"),
    ("（五）不予处理", "5．要求行政机关确认或重新出具已获取信息", "rejected_confirmation"),
    ("（六）其他处理", "1．申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
    ("（六）其他处理", "2．申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_unpaid_fee"),
    ("（六）其他处理", "3．其他", "other_other"),
    ("三", "（七）总计", "total_processed"),
    (None, "四、结转下年度继续办理", "carried_forward"),
)


def _put(cell, value) -> None:  # noqa: ANN001 (python-docx cell)
    """A value in a cell; two-digit numbers are written as two runs, the way
    Word splits a number that was typed in two goes."""
    text = "" if value is None else str(value)
    cell.text = ""
    paragraph = cell.paragraphs[0]
    if len(text) >= 2:
        paragraph.add_run(text[:1])
        paragraph.add_run(text[1:])
    elif text:
        paragraph.add_run(text)


def build_docx(expected: dict) -> bytes:
    """The official 2021 form with the values of `expected`, merged like the form."""
    import docx

    doc = docx.Document()
    add = doc.add_paragraph
    add("长沙市岳麓区教育局2023年政府信息公开工作年度报告")
    add("本报告根据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开办公室印发的年度报告格式编制。"
        "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。")
    add("一、总体情况")
    add("2023年，岳麓区教育局坚持以公开为常态、不公开为例外，全年主动公开教育领域政府信息426条，"
        "及时公开招生入学、教育收费、学生资助等重点领域信息。")
    add("二、主动公开政府信息情况")
    active = expected["active_disclosure"]
    t2 = doc.add_table(rows=0, cols=4)
    t2.style = "Table Grid"

    def caption(text: str) -> None:
        cells = t2.add_row().cells
        cells[0].merge(cells[3]).text = text

    def header(*labels: str) -> None:
        cells = t2.add_row().cells
        cells[0].text = labels[0]
        if len(labels) == 2:
            cells[1].merge(cells[3]).text = labels[1]
        else:
            for cell, label in zip(cells[1:], labels[1:]):
                cell.text = label

    def values(label: str, *keys: str) -> None:
        cells = t2.add_row().cells
        cells[0].text = label
        if len(keys) == 1:
            _put(cells[1].merge(cells[3]), active[keys[0]])
        else:
            for cell, key in zip(cells[1:], keys):
                _put(cell, active[key])

    caption("第二十条第（一）项")
    header("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")
    for item, label in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
        values(label, f"{item}.issued", f"{item}.repealed", f"{item}.in_force")
    caption("第二十条第（五）项")
    header("信息内容", "本年处理决定数量")
    values("行政许可", "licensing.decisions")
    caption("第二十条第（六）项")
    header("信息内容", "本年处理决定数量")
    values("行政处罚", "punishment.decisions")
    values("行政强制", "coercion.decisions")
    caption("第二十条第（八）项")
    header("信息内容", "本年收费金额（单位：万元）")
    values("行政事业性收费", "fees.amount")

    add("三、收到和处理政府信息公开申请情况")
    requests = expected["requests"]
    t3 = doc.add_table(rows=3 + len(_T3_ROWS_2021), cols=10)
    t3.style = "Table Grid"
    c = t3.cell
    c(0, 0).merge(c(2, 2)).text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    c(0, 3).merge(c(0, 9)).text = "申请人情况"
    c(1, 3).merge(c(2, 3)).text = "自然人"
    c(1, 4).merge(c(1, 8)).text = "法人或其他组织"
    c(1, 9).merge(c(2, 9)).text = "总计"
    for j, label in enumerate(("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"), start=4):
        c(2, j).text = label
    first = {}
    for i, (group, label, code) in enumerate(_T3_ROWS_2021, start=3):
        if group is None:
            c(i, 0).merge(c(i, 2)).text = label
        elif group == "三" or code == "total_processed":
            c(i, 1).merge(c(i, 2)).text = label
        else:
            c(i, 2).text = label
        if group is not None:
            first.setdefault(group, i)
        for j, applicant in enumerate(codes.APPLICANTS, start=3):
            _put(c(i, j), requests[f"{code}.{applicant}"])
    result_rows = [i for i, (g, _, _) in enumerate(_T3_ROWS_2021, start=3) if g is not None]
    c(result_rows[0], 0).merge(c(result_rows[-1], 0)).text = "三、本年度办理结果"
    for group, start in first.items():
        if group != "三":
            end = max(i for i, (g, _, _) in enumerate(_T3_ROWS_2021, start=3) if g == group)
            c(start, 1).merge(c(end, 1)).text = group

    add("四、政府信息公开行政复议、行政诉讼情况")
    review = expected["review_litigation"]
    t4 = doc.add_table(rows=4, cols=15)
    t4.style = "Table Grid"
    c = t4.cell
    c(0, 0).merge(c(0, 4)).text = "行政复议"
    c(0, 5).merge(c(0, 14)).text = "行政诉讼"
    outcomes = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    for j, label in enumerate(outcomes):
        c(1, j).merge(c(2, j)).text = label
        c(2, 5 + j).text = label
        c(2, 10 + j).text = label
    c(1, 5).merge(c(1, 9)).text = "未经复议直接起诉"
    c(1, 10).merge(c(1, 14)).text = "复议后起诉"
    for j, (p, o) in enumerate((p, o) for p in codes.PROCEEDINGS for o in codes.OUTCOMES):
        _put(c(3, j), review[f"{p}.{o}"])

    add("五、存在的主要问题及改进情况")
    add("一是依申请公开答复的规范性有待提高；二是政策解读形式较为单一。下一步，我局将加强业务培训，丰富解读形式。")
    add("六、其他需要报告的事项")
    add("本年度未收取信息处理费。")
    add("长沙市岳麓区教育局")
    add("2024年1月25日")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_committed_docx_is_what_build_docx_makes():
    """The committed .docx is reproducible: rebuilding it from its expected
    file gives the same text (zip timestamps differ, so bytes are not compared)."""
    rebuilt = build_docx(_expected("docx_2021_merged.docx"))
    assert pipeline.extract_document(rebuilt, "x.docx").text == parsed("docx_2021_merged.docx").text


def test_docx_merged_cells_are_read_once():
    """python-docx's cell API repeats a merged cell in every grid position it
    spans; the extractor must give its text once and empty cells after it."""
    import docx

    data = (LAYOUTS / "docx_2021_merged.docx").read_bytes()
    api_row = [cell.text for cell in docx.Document(io.BytesIO(data)).tables[1].rows[0].cells]
    assert api_row.count("申请人情况") == 7  # what a naive reader would emit
    lines = parsed("docx_2021_merged.docx").text.splitlines()
    table_text = "\n".join(line for line in lines if "|" in line)
    for label in ("申请人情况", "法人或其他组织", "三、本年度办理结果", "(三)不予公开", "(六)其他处理",
                  "未经复议直接起诉", "复议后起诉", "行政诉讼", "本年处理决定数量", "第二十条第(一)项"):
        expected_count = 2 if label == "本年处理决定数量" else 1  # sub-tables (五) and (六)
        assert table_text.count(label) == expected_count, label
    assert "行政许可 | 318 | |" in lines
    assert "| (三)不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0" in lines
    assert "| | 2.其他法律行政法规禁止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0" in lines


def test_blank_official_template_is_not_a_report_of_zeros():
    data = TEMPLATE.read_bytes()
    extracted = pipeline.extract_document(data, TEMPLATE.name)
    meta = pipeline.derive_metadata(extracted.text, str(TEMPLATE))
    assert meta.doc_kind == "other"
    facts = pipeline.derive_facts(extracted.text, pipeline.derive_sections(extracted.text), meta.doc_kind)
    stored = facts.tables.active + facts.tables.requests + facts.tables.review
    assert [f for f in stored if f.value is not None] == []
    assert [f for f in facts.narrative_active + facts.narrative_requests + facts.narrative_review] == []
    # Even read as tables, its empty cells never become numbers.
    direct = tables.extract_tables(extracted.text)
    assert [f for f in direct.active + direct.requests + direct.review if f.value is not None] == []


# ---------------------------------------------------------------------------
# OCR and noise: labels decide, never positions
# ---------------------------------------------------------------------------


def test_ocr_misread_labels_are_recognised_by_meaning():
    result = parsed("ocr_markdown_2021.txt")
    labels = {f.row_code: f.ref.row_label for f in result.tables.requests}
    assert labels["new_received"].endswith("申请数呈")
    assert labels["denied_state_secret"] == "1、属于国家秘宻"
    assert labels["denied_safety_stability"] == "3、危及“三安全—稳定”"
    assert labels["unable_not_held"] == "(1)本机关不掌握相关政府信息"
    assert labels["rejected_petition"] == "①信访举报投诉类申请"
    assert "行政法复议" in result.text


def test_ocr_row_with_a_misread_label_is_placed_by_the_form_order():
    """Garble one label beyond recognition by keywords: it stands alone in
    the one slot the form has between its recognised neighbours (信访 …
    出版物), so the ordered alignment reads it as 重复申请 and says so."""
    text = parsed("ocr_markdown_2021.txt").text
    garbled = text.replace("②重复申请", "②車复申晴")
    assert garbled != text
    result = tables.extract_tables(garbled)
    clean = {(f.row_code, f.applicant): f.value for f in tables.extract_tables(text).requests}
    got = {(f.row_code, f.applicant): f.value for f in result.requests}
    assert got == clean
    assert not [i for i in result.issues if i.blocking]
    placed = [i for i in result.issues if i.code == "row_placed_by_order"]
    assert len(placed) == 1 and "車复申晴" in placed[0].message and "rejected_duplicate" in placed[0].message


def test_ocr_row_with_two_unreadable_labels_in_one_gap_is_not_guessed():
    """Two unknown rows where the form leaves one slot each: the order alone
    cannot tell an extra row from a misread one when they stand together."""
    text = parsed("ocr_markdown_2021.txt").text
    garbled = text.replace("②重复申请", "②車复申晴").replace("③要求提供公开出版物", "③要求提供▇▇▇▇")
    assert garbled.count("▇") == 4
    result = tables.extract_tables(garbled)
    got = {f.row_code for f in result.requests}
    assert "rejected_duplicate" not in got and "rejected_publication" not in got
    assert any(i.code == "unknown_row" and i.blocking for i in result.issues)


def test_ocr_row_whose_label_is_a_blot_is_not_placed_by_position():
    """A row with no label at all: its values must not slide into the row
    the position suggests, and the doubt must block."""
    text = parsed("ocr_markdown_2021.txt").text
    garbled = text.replace("②重复申请", "②▇▇▇▇")
    assert garbled != text
    result = tables.extract_tables(garbled)
    got = {f.row_code for f in result.requests}
    assert "rejected_duplicate" not in got
    assert {"rejected_petition", "rejected_publication", "rejected_excessive"} <= got
    assert any(i.code == "values_without_label" and i.blocking and "▇▇▇▇" in i.message for i in result.issues)


def test_ocr_review_header_must_still_name_all_three_proceedings():
    """Tolerating an OCR misread of 行政复议 must not accept a header that
    lacks a proceeding: without 复议后起诉 the 15 values are not read."""
    text = parsed("ocr_markdown_2021.txt").text
    broken = text.replace("复议后起诉", "复议后")
    assert broken != text
    result = tables.extract_tables(broken)
    assert result.review == []
    assert "review_litigation" not in result.found or any(i.blocking for i in result.issues)


def test_invisible_characters_never_reach_labels_or_values():
    result = parsed("text_label_noise.txt")
    for ch in ("\u200b", "\ufeff", "\u200e", "\u00a0", "\u3000"):
        assert ch not in result.text
    refs = [f.ref for f in result.tables.requests + result.tables.review]
    assert all(re.fullmatch(r"\d+", ref.raw) for ref in refs)
    assert {s.heading for s in result.sections} >= {"四、行政复议、行政诉讼情况", "五、政府信息公开工作存在的主要问题及改进情况"}


@pytest.mark.parametrize("name", NAMES)
def test_cleaned_text_is_a_fixpoint(name):
    text = parsed(name).text
    assert clean_text(text) == text


def test_page_number_lines_go_and_value_cells_stay():
    text = "| 1 | 2 |\n\n— 3 —\n- 12 -\n第3页 共6页\n-3\n3\n—\n| 4 | 5 |"
    assert clean_text(text).split("\n") == ["| 1 | 2 |", "", "-3", "3", "—", "| 4 | 5 |"]


def test_only_a_dated_chrome_line_is_rescued_and_only_its_chrome_tokens_go():
    lines = [
        "发布日期:2023-01-18 来源:区住建局 打印本页",
        "时间:2023年1月18日 【打印】 【关闭】",
        "上一篇:关于2023年1月5日召开会议的通知 发布时间:2023-01-05",
        "【打印本页】 【关闭窗口】",
        "联系电话:0571-86207321 发布日期:2023-01-18",
    ]
    assert clean_text("\n".join(lines)).split("\n") == ["发布日期:2023-01-18 来源:区住建局", "时间:2023年1月18日"]


# ---------------------------------------------------------------------------
# The whole folder through `ogi load`
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def layouts_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("layouts") / "ogi.duckdb"
    assert ogi(["load", str(LAYOUTS), "--db", str(db), "--quiet"]) == 0
    return db


def test_folder_loads_without_errors(layouts_db):
    with duckdb.connect(str(layouts_db), read_only=True) as con:
        errors = con.execute("SELECT source_path, error, message FROM core.load_errors").fetchall()
        n = con.execute("SELECT count(*) FROM core.reports").fetchone()[0]
    assert errors == []
    assert n == len(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_end_to_end_matches_gold(layouts_db, name):
    with duckdb.connect(str(layouts_db), read_only=True) as con:
        problems = compare(con, doc_id_for(con, name), _expected(name))
    assert problems == []


_DUPLICATE_ROW = "| | | ②重复申请 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |"


@pytest.mark.parametrize(
    "cells, bad_column",
    [
        (["1", "0", "0", "0", "0", "0", "l"], "total"),  # 1 read as l, at the row's end
        (["1", "O", "0", "0", "0", "0", "1"], "commercial"),  # 0 read as O
        (["1", "0", "0", "0", "0", "o", "1"], "other_org"),
        (["1O", "0", "0", "0", "0", "0", "1"], "natural_person"),  # 10? 1 and a blot? undecidable
    ],
    ids=["l-for-1-last", "O-for-0", "o-for-0", "1O"],
)
def test_ocr_digit_lookalikes_stay_value_cells(cells, bad_column):
    """A misread digit is a bad value in its own column: it must not become
    label text that swallows or shifts the row (which left a row of NULLs
    behind a non-blocking note, or pushed its values one column left)."""
    text = parsed("ocr_markdown_2021.txt").text
    assert _DUPLICATE_ROW in text
    result = tables.extract_tables(text.replace(_DUPLICATE_ROW, "| | | ②重复申请 | " + " | ".join(cells) + " |"))
    row = {f.applicant: f.value for f in result.requests if f.row_code == "rejected_duplicate"}
    want = _want(_expected("ocr_markdown_2021.txt")["requests"])
    assert row == {
        a: None if a == bad_column else int(want[f"rejected_duplicate.{a}"]) for a in codes.APPLICANTS
    }
    bad = [i for i in result.issues if i.blocking]
    assert [i.code for i in bad] == ["bad_value"] and "重复申请" in bad[0].message


def test_label_spelling_and_numbering_variants_are_the_same_rows():
    """其它 for 其他, "3)" / "2。" / "1," for "3." (OCR and hand-typed reports)."""
    text = parsed("ocr_markdown_2021.txt").text
    variants = {
        "(六)其他处理": "(六)其它处理",
        "| 3.其他 |": "| 3)其它 |",
        "| 2.申请人逾期": "| 2。申请人逾期",
        "| 1.申请人无正当理由": "| 1,申请人无正当理由",
    }
    for old, new in variants.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    result = tables.extract_tables(text)
    assert [i for i in result.issues if i.blocking] == []
    got = {f"{f.row_code}.{f.applicant}": Decimal(f.value) for f in result.requests}
    assert got == _want(_expected("ocr_markdown_2021.txt")["requests"])


def test_other_services_spelt_with_qita_is_read():
    text = parsed("html_2019_trial.html").text
    assert text.count("其他对外管理服务事项") == 1
    result = tables.extract_tables(text.replace("其他对外管理服务事项", "其它对外管理服务事项"))
    got = {f"{f.item}.{f.metric}": f.value for f in result.active if f.item == "other_services"}
    want = _expected("html_2019_trial.html")["active_disclosure"]
    assert got == {k: Decimal(v) for k, v in want.items() if k.startswith("other_services.")}
