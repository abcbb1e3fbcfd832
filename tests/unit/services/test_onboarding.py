"""Bringing in existing customers (ONB-1, issue 18 item 6) on the in-memory world: the dry run, each check of a
row, the quotas (QTA-1/2) with their numbers, and the import itself — counted, audited, invited, idempotent."""

import json

import pytest

from portal.adapters.repos.customers import CreditCodes, Customers
from portal.adapters.repos.grading import Counters, GradeChanges, Standings
from portal.adapters.repos.identity import Users
from portal.adapters.tables import AuditEvent
from portal.domain.grading import Grade
from portal.domain.timeutil import shanghai_day
from portal.services import colleagues, onboarding, onboarding_run
from portal.services.errors import Forbidden
from tests.factories import admitted, register
from tests.unit.services.onboarding_world import MD, csv_file, row, xlsx_file


def codes(plan) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.code) for p in plan.problems]


def dry(fake, rows, name="客户.csv"):
    return onboarding.check(fake.ctx(MD), name, csv_file(rows))


def test_ONB_1_a_dry_run_shows_companies_standings_and_creates_nothing(fake):
    a = row(grade="")
    b = row(department="康复器具销售部", products="手动轮椅车; walker", designated="rehab.rep@demo.local",
            kind="零售", scale="small")
    plan = dry(fake, [a, b, {**a, "department": "rehab", "products": "cpm", "designated": "rehab.rep@demo.local"}])
    assert plan.ok and codes(plan) == []
    assert [c.credit_code for c in plan.companies] == [a["credit_code"], b["credit_code"]]
    assert [(r.department, r.products, r.grade) for r in plan.companies[0].rows] == [
        ("ortho", ("bone-plate",), Grade.QUALIFIED), ("rehab", ("cpm",), Grade.QUALIFIED)]
    assert plan.companies[1].rows[0].products == ("walker", "wheelchair")
    assert plan.standings == 3 and plan.quotas["ortho"][1].total == 1
    assert not fake.repo(CreditCodes).taken(a["credit_code"])


def test_ONB_1_the_import_creates_customer_standing_counters_history_index_audit_and_invitation(fake):
    a = row(grade="优选", email="Boss@KeHu.cn")
    admitted("ortho", 9, store=fake.store)  # 10 after the import: 3 优选 allowed
    result = onboarding_run.run(fake.ctx(MD), "老客户.csv", csv_file([a]), "https://portal.example")
    assert [c.credit_code for c in result.created] == [a["credit_code"]] and result.remaining == 0
    owner = fake.repo(CreditCodes).owner(a["credit_code"])
    customer = fake.repo(Customers).find(owner)
    assert customer.email == "boss@kehu.cn" and customer.mobile == "+8613800138000" and customer.kind == "enterprise"
    assert json.loads(customer.imported) == {"file": "老客户.csv", "by": MD, "at": fake.now.isoformat()}
    standing = fake.repo(Standings).get("ortho", owner)
    assert standing.grade == "PREFERRED" and standing.products == {"bone-plate"}
    assert standing.designated_staff == fake.user("ortho.rep@demo.local").user_id
    counts = fake.repo(Counters).department("ortho")
    assert (counts.total, counts.vip, counts.preferred) == (10, 0, 1)
    assert fake.repo(Counters).products("ortho", {"bone-plate"})["bone-plate"].preferred == 1
    assert [(c.from_grade, c.to_grade, c.by) for c in fake.repo(GradeChanges).of_customer(owner)] == [
        (None, "PREFERRED", MD)]
    events = [e for e in fake.store.query(AuditEvent, shanghai_day(fake.now).isoformat()).items
              if e["action"] == "customer.imported"]
    assert len(events) == 1 and events[0]["customer_key"] == owner and "老客户.csv" in events[0]["detail"]
    person = [u for u in fake.repo(Users).of_customer(owner)][0]
    assert person.email == "boss@kehu.cn" and not person.active and person.company_role == "admin"
    mail = fake.mails("Your company's account")
    assert len(mail) == 1 and mail[0][0] == "boss@kehu.cn"
    token = mail[0][2].split("/account/invitation/")[1].split()[0]
    colleagues.accept(fake.ctx(), token, "张经理", "Another-pass-2027!")
    assert fake.repo(Users).find(person.user_id).active


def test_ONB_1_an_import_run_twice_skips_what_it_created_and_doubles_nothing(fake):
    rows = [row(), row()]
    onboarding_run.run(fake.ctx(MD), "a.csv", csv_file(rows))
    again = onboarding_run.run(fake.ctx(MD), "a.csv", csv_file(rows))
    assert again.created == [] and [c.credit_code for c in again.plan.skipped] == [r["credit_code"] for r in rows]
    assert fake.repo(Counters).department("ortho").total == 2
    assert len(fake.mails("Your company's account")) == 2


def test_ONB_1_batches_create_up_to_the_batch_and_the_next_run_the_rest(fake):
    rows = [row() for _ in range(3)]
    first = onboarding_run.run(fake.ctx(MD), "a.csv", csv_file(rows), batch=2)
    assert len(first.created) == 2 and first.remaining == 1
    second = onboarding_run.run(fake.ctx(MD), "a.csv", csv_file(rows), batch=2)
    assert len(second.created) == 1 and len(second.plan.skipped) == 2 and second.remaining == 0


def test_ADM_1_retail_and_internal_customers_are_imported_without_review(fake):
    result = onboarding_run.run(fake.ctx(MD), "a.csv", csv_file([row(kind="retail"), row(kind="内部关联方")]))
    assert len(result.created) == 2 and fake.repo(Counters).department("ortho").total == 2


def test_ONB_1_only_MD_imports(fake):
    for email in ("ortho.leader@demo.local", "leader@demo.local", "ortho.clerk@demo.local"):
        with pytest.raises(Forbidden):
            onboarding.check(fake.ctx(email), "a.csv", csv_file([row()]))


# --- each check of a row: any bad row creates nothing ------------------------------------------------

def refused(fake, rows, name="a.csv", content=None) -> list[tuple[int, str, str]]:
    result = onboarding_run.run(fake.ctx(MD), name, content if content is not None else csv_file(rows))
    assert result.created == [] and fake.repo(Counters).department("ortho").total == 0
    assert fake.mails("Your company's account") == []
    return codes(result.plan)


def test_ONB_1_a_wrong_credit_code_check_digit_names_row_and_column(fake):
    good = row()
    assert refused(fake, [good, row(credit_code=good["credit_code"][:-1] + "X")]) == [(3, "credit_code", "credit_code")]


def test_ONB_1_an_unknown_customer_type_grade_or_scale(fake):
    assert refused(fake, [row(kind="个体户", grade="金牌", scale="huge")]) == [
        (2, "grade", "grade"), (2, "kind", "kind"), (2, "scale", "scale")]


def test_ONB_1_a_medical_institution_needs_its_level_and_beds(fake):
    assert refused(fake, [row(kind="医疗机构", hospital_level="四级", beds="多")]) == [
        (2, "beds", "beds"), (2, "hospital_level", "hospital_level")]
    assert dry(fake, [row(kind="医院", hospital_level="三级甲等", beds="800")]).ok


def test_ONB_1_contact_email_and_mobile_formats(fake):
    assert refused(fake, [row(email="no-at-sign", mobile="12345")]) == [(2, "email", "email"), (2, "mobile", "mobile")]


def test_ONB_1_missing_cells_are_said_per_cell(fake):
    assert refused(fake, [row(name="", department="")]) == [(2, "department", "required"), (2, "name", "required")]


def test_ONB_1_duplicates_in_the_file(fake):
    a = row()
    assert refused(fake, [a, row(), dict(a)]) == [(4, "credit_code", "duplicate_in_file")]


def test_ONB_1_one_company_in_two_rows_must_say_the_same_facts(fake):
    a = row()
    other = {**a, "name": "另一个名字", "department": "rehab", "products": "cpm", "designated": "rehab.rep@demo.local"}
    assert refused(fake, [a, other]) == [(3, "name", "differs_in_file")]


def test_ONB_1_a_credit_code_registered_in_the_portal_is_refused(fake):
    customer, _ = register(fake)
    assert refused(fake, [row(credit_code=customer.credit_code)]) == [(2, "credit_code", "registered_already")]


def test_ONB_1_a_contact_address_with_an_account_is_refused(fake):
    assert refused(fake, [row(email="ortho.clerk@demo.local")]) == [(2, "email", "email_has_account")]


def test_ONB_1_unknown_department_product_and_person(fake):
    assert refused(fake, [row(department="牙科部")]) == [(2, "department", "unknown_department")]
    assert refused(fake, [row(products="锁定加压接骨板、人工心脏")]) == [(2, "products", "unknown_product")]


def test_ONB_3_the_designated_person_must_be_staff_of_that_department(fake):
    assert refused(fake, [row(designated="rehab.rep@demo.local")]) == [(2, "designated", "not_staff_of_department")]
    assert refused(fake, [row(designated="nobody@demo.local")]) == [(2, "designated", "not_staff_of_department")]


def test_QTA_1_an_import_that_would_break_the_VIP_quota_is_refused_with_the_numbers(fake):
    admitted("ortho", 30, store=fake.store)  # 33 after the import: at most 4 VIP (15 %)
    rows = [row(grade="VIP") for _ in range(3)]
    plan = dry(fake, rows)
    assert plan.ok  # 3 of 33
    rows += [row(grade="VIP") for _ in range(3)]  # 6 of 36: at most 5
    plan = onboarding_run.run(fake.ctx(MD), "a.csv", csv_file(rows)).plan
    assert [(b.dept_id, b.grade, b.would_be, b.limit) for b in plan.breaches] == [("ortho", Grade.VIP, 6, 5)]
    assert fake.repo(Counters).department("ortho").total == 30


def test_QTA_2_the_preferred_quota_too_and_a_department_over_quota_still_takes_qualified(fake):
    plan = dry(fake, [row(grade="优选"), row()])  # 1 of 2: at most 0
    assert [(b.grade, b.would_be, b.limit) for b in plan.breaches] == [(Grade.PREFERRED, 1, 0)]
    assert dry(fake, [row(), row()]).breaches == []


def test_ONB_1_a_file_that_is_not_csv_or_xlsx_or_has_no_columns(fake):
    assert onboarding.check(fake.ctx(MD), "a.pdf", b"%PDF").file_problem.code == "file_type"
    assert onboarding.check(fake.ctx(MD), "a.xlsx", b"not a zip").file_problem.code == "xlsx"
    plan = onboarding.check(fake.ctx(MD), "a.csv", csv_file([row()], header=["名称", "其他"]))
    assert ("credit_code", "missing_column") in [(p.column, p.code) for p in plan.problems]


def test_ONB_1_an_excel_file_is_read_and_a_formula_is_refused(fake):
    good = row()
    assert onboarding.check(fake.ctx(MD), "a.xlsx", xlsx_file([good])).ok
    assert refused(fake, [], "a.xlsx", xlsx_file([row()], formula_at=(2, 2)))[0] == (2, "name", "formula")


def test_ONB_1_merged_cells_leave_the_other_rows_blank_and_are_said(fake):
    problems = refused(fake, [], "a.xlsx", xlsx_file([row(), row()], merge="J2:J3"))
    assert (3, "products", "required") in problems


def test_ONB_1_the_templates_carry_both_languages(fake):
    from portal.services.onboarding_files import read_table, template_csv, template_xlsx

    assert template_csv().startswith("\ufeff统一社会信用代码 / Unified social credit code,")
    header, data, _ = read_table("t.xlsx", template_xlsx())
    assert header[0] == "统一社会信用代码 / Unified social credit code" and data == []
    assert onboarding.check(fake.ctx(MD), "t.csv", template_csv().encode()).ok  # no rows, nothing wrong


def test_ADM_1_the_timeline_says_the_customer_was_imported_by_whom_and_from_which_file(fake):
    from portal.services.pages import timeline

    a = row()
    onboarding_run.run(fake.ctx(MD), "老客户.xlsx", xlsx_file([a]))
    owner = fake.repo(CreditCodes).owner(a["credit_code"])
    events = [e for e in timeline.customer_timeline(fake.ctx("ortho.rep@demo.local"), owner).events
              if e.action == "customer.imported"]
    assert len(events) == 1 and events[0].detail["file"] == "老客户.xlsx"
    assert events[0].who == fake.user(MD).name  # who imported it, by name; when: the entry's time
    assert events[0].at == fake.now
