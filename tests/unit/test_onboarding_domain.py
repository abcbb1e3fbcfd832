"""ONB-1 (issue 18 item 6), pure: the import file's headers in either language, a row's own checks, and the
quotas an import would leave (QTA-1/2 in integers, at the edges)."""

from portal.domain.grading import Counts, Grade
from portal.domain.onboarding import Reference, check_row, header_keys, resolve
from portal.domain.onboarding_plan import after_import, quota_breaches
from tests.factories import credit_code

CELLS = {"credit_code": credit_code(77), "name": "老客户", "kind": "Enterprise", "region": "上海", "industry": "经销",
         "scale": "大型", "department": "Orthopaedic Products Sales", "products": "bone-plate，Knee joint",
         "grade": "vip", "designated": "Rep@Demo.Local", "contact_name": "张", "mobile": "138 0013 8000",
         "email": "A@B.CN"}
REF = Reference({"orthopaedic products sales": "ortho"}, {"ortho": {"bone-plate": "bone-plate",
                                                                    "knee joint": "knee-joint"}},
                {"rep@demo.local": "ortho"})


def test_ONB_1_headers_in_chinese_english_both_or_keys_in_any_order():
    columns, missing = header_keys(["联系人邮箱", "Unified social credit code", "客户名称 / Company name"])
    assert columns == {0: "email", 1: "credit_code", 2: "name"}
    assert "department" in [p.column for p in missing] and "hospital_level" not in [p.column for p in missing]


def test_ONB_1_a_good_row_is_normalised_and_resolved_to_ids():
    row, problems = check_row(5, CELLS)
    assert problems == [] and row.grade == Grade.VIP and row.mobile == "+8613800138000" and row.email == "a@b.cn"
    resolved, problems = resolve(row, REF)
    assert problems == [] and resolved.department == "ortho" and resolved.products == ("bone-plate", "knee-joint")


def test_ONB_1_an_empty_grade_is_qualified_GRD_4():
    row, _ = check_row(2, {**CELLS, "grade": ""})
    assert row.grade == Grade.QUALIFIED


def test_ONB_1_credit_code_check_digit():
    good = CELLS["credit_code"]
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert [p.code for p in check_row(2, {**CELLS, "credit_code": wrong})[1]] == ["credit_code"]


def test_ONB_3_the_designated_person_of_another_department_is_refused():
    row, _ = check_row(2, {**CELLS, "designated": "other@demo.local"})
    assert [(p.column, p.code) for p in resolve(row, REF)[1]] == [("designated", "not_staff_of_department")]


def test_QTA_1_at_the_edge_20_customers_hold_3_vip_not_4():
    current = {"ortho": Counts(17, 2, 0)}
    assert quota_breaches(current, {"ortho": [Grade.VIP, Grade.QUALIFIED, Grade.QUALIFIED]}) == []  # 3 of 20
    [breach] = quota_breaches(current, {"ortho": [Grade.VIP, Grade.VIP, Grade.QUALIFIED]})  # 4 of 20
    assert (breach.grade, breach.would_be, breach.limit) == (Grade.VIP, 4, 3)


def test_QTA_2_preferred_at_the_edge_and_QTA_5_an_over_quota_department_takes_qualified():
    assert quota_breaches({}, {"d": [Grade.PREFERRED] * 3 + [Grade.QUALIFIED] * 7}) == []  # 3 of 10
    assert quota_breaches({}, {"d": [Grade.PREFERRED] * 4 + [Grade.QUALIFIED] * 6})[0].limit == 3
    assert quota_breaches({"d": Counts(6, 3, 0)}, {"d": [Grade.QUALIFIED]}) == []  # over quota already: 合格 allowed
    assert after_import(Counts(6, 1, 2), [Grade.VIP, Grade.QUALIFIED]) == Counts(8, 2, 2)
