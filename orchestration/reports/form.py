"""The official form's Chinese labels for every code of tables 二, 三 and 四.

The codes themselves live in transforms.codes (the contract); these are the
words the 2019 and 2021 forms print for them, used where people read the
tables: the Excel workbook (orchestration.reports.workbook) and the generated code
reference (docs/codes.md, orchestration.reports.docs).
"""

from __future__ import annotations

from transforms import codes

CLAUSE = {
    "regulations": "第二十条第（一）项",
    "normative_documents": "第二十条第（一）项",
    "licensing": "第二十条第（五）项",
    "other_services": "第二十条第（五）项",
    "punishment": "第二十条第（六）项",
    "coercion": "第二十条第（六）项",
    "fees": "第二十条第（八）项",
    "procurement": "第二十条第（九）项",
}
ITEM = {
    "regulations": "规章",
    "normative_documents": "行政规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "punishment": "行政处罚",
    "coercion": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
ITEM_2019 = {**ITEM, "normative_documents": "规范性文件"}
METRIC = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount": "本年收费金额（单位：万元）",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prior_year": "上一年项目数量",
    "change": "本年增/减",
    "items": "采购项目数量",
}
METRIC_2019 = {**METRIC, "decisions": "处理决定数量", "amount": "采购总金额"}

PARTS = {"new_received": "一、", "carried_over": "二、", "carried_forward": "四、"}
RESULTS = "三、本年度办理结果"
GROUP = {
    **{r: "（三）不予公开" for r in codes.DENIED_ROWS},
    **{r: "（四）无法提供" for r in codes.UNABLE_ROWS},
    **{r: "（五）不予处理" for r in codes.REJECTED_ROWS},
    **{r: "（六）其他处理" for r in codes.OTHER_ROWS_2021},
}
ROW = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partly_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied_state_secret": "1.属于国家秘密",
    "denied_law_forbids": "2.其他法律行政法规禁止公开",
    "denied_safety_stability": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal_affairs": "5.属于三类内部事务信息",
    "denied_process_info": "6.属于四类过程性信息",
    "denied_enforcement_file": "7.属于行政执法案卷",
    "denied_inquiry": "8.属于行政查询事项",
    "unable_not_held": "1.本机关不掌握相关政府信息",
    "unable_needs_creation": "2.没有现成信息需要另行制作",
    "unable_unclear": "3.补正后申请内容仍不明确",
    "rejected_petition": "1.信访举报投诉类申请",
    "rejected_duplicate": "2.重复申请",
    "rejected_publication": "3.要求提供公开出版物",
    "rejected_excessive": "4.无正当理由大量反复申请",
    "rejected_confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_unpaid_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他",
    "other_handling": "（六）其他处理（2019年格式的单行）",
    "total_processed": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
APPLICANT = {
    "natural_person": "自然人",
    "commercial": "法人或其他组织·商业企业",
    "research": "法人或其他组织·科研机构",
    "social_welfare": "法人或其他组织·社会公益组织",
    "legal_services": "法人或其他组织·法律服务机构",
    "other_org": "法人或其他组织·其他",
    "total": "总计",
}
PROCEEDING = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼·未经复议直接起诉",
    "litigation_after_review": "行政诉讼·复议后起诉",
}
OUTCOME = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"}
