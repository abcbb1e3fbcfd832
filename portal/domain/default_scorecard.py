"""The company's default scorecard (附件1 销售客户审核评价表), in its JSON form (GRD-5)."""

# The company default (附件1 销售客户审核评价表). The seed leaves bed counts and 万元 amounts blank:
# these are settings MD and each department may change, never constants in code.
DEFAULT_SCORECARD = {
    "indicators": [
        {"key": "scale", "name_zh": "规模 / 医院等级", "name_en": "Scale / hospital level", "weight": 20,
         "options": {"三级甲等": 100, "三级乙等": 90, "三级丙等": 75, "二级甲等": 70, "二级乙等": 60, "二级丙等": 50,
                     "一级": 40, "未定级": 30, "大型企业": 100, "中型企业": 75, "小型企业": 50, "微型企业": 30},
         "options_en": {"三级甲等": "Grade III A hospital", "三级乙等": "Grade III B hospital",
                        "三级丙等": "Grade III C hospital", "二级甲等": "Grade II A hospital",
                        "二级乙等": "Grade II B hospital", "二级丙等": "Grade II C hospital",
                        "一级": "Grade I hospital", "未定级": "Hospital not graded", "大型企业": "Large enterprise",
                        "中型企业": "Medium enterprise", "小型企业": "Small enterprise",
                        "微型企业": "Micro enterprise"}},
        {"key": "annual_volume", "name_zh": "年度业务量", "name_en": "Annual business volume", "weight": 30,
         "unit": "万元", "bands": [{"low": 0, "high": 50, "points": 20}, {"low": 50, "high": 200, "points": 50},
                                  {"low": 200, "high": 500, "points": 80}, {"low": 500, "high": None, "points": 100}]},
        {"key": "payment", "name_zh": "回款记录与应收账款", "name_en": "Payment record and receivables", "weight": 20,
         "options": {"按时回款，无逾期": 100, "偶有逾期，已结清": 60, "多次逾期或有长期应收": 10},
         "options_en": {"按时回款，无逾期": "Pays on time, nothing overdue",
                        "偶有逾期，已结清": "Occasionally late, since settled",
                        "多次逾期或有长期应收": "Often late, or long-outstanding receivables"}},
        {"key": "reputation", "name_zh": "信誉与合规", "name_en": "Reputation and compliance", "weight": 10,
         "options": {"信誉良好，无违规": 100, "一般": 60, "有投诉或违规记录": 0},
         "options_en": {"信誉良好，无违规": "Good reputation, no violations", "一般": "Average",
                        "有投诉或违规记录": "Complaints or violations on record"}},
        {"key": "loyalty_years", "name_zh": "合作年限与忠诚度", "name_en": "Loyalty: years of cooperation",
         "weight": 10, "unit": "年", "bands": [{"low": 0, "high": 1, "points": 20}, {"low": 1, "high": 3, "points": 60},
                                              {"low": 3, "high": None, "points": 100}]},
        {"key": "qualification", "name_zh": "资质完整性", "name_en": "Qualification completeness", "weight": 10,
         "options": {"齐全有效": 100, "部分缺失或临近到期": 40, "缺失": 0},
         "options_en": {"齐全有效": "Complete and valid", "部分缺失或临近到期": "Partly missing or about to expire",
                        "缺失": "Missing"}},
    ],
    "thresholds": {"VIP": 85, "PREFERRED": 70},
    "caps": {"late_payment": "QUALIFIED", "overdue_pickup": "QUALIFIED"},
}
