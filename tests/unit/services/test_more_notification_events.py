"""Issue 16 item 1, the events finished last: review results (customers), review tasks assigned (staff),
incidents and misconduct reports (MD). Each is written in the unit of work of the change that causes it; each
test checks the recipients, the language and the link."""

from datetime import UTC, datetime

from portal.services import notifications, reviews
from portal.services.context import system_ctx
from tests.factories import admitted, stand_counted
from tests.unit.services.dynamics_world import LEADER, MD, customer

JAN_1 = datetime(2027, 1, 1, 1, tzinfo=UTC)
REP = "ortho.rep@demo.local"
GOOD = reviews.StageEvaluation("good", "on_time", "good", 0, 92, "PREFERRED", "表现优秀")


def inbox(world, email: str, locale: str = "zh", now=JAN_1) -> list:
    """Someone's inbox items, newest first."""
    return notifications.inbox_page(world.ctx(email, now=now), locale).items


def _reviewed(world, grade: str):
    """A customer with a user, standing in ortho (6 others there: room for one 优选), reviewed and decided."""
    admitted("ortho", 6, store=world.store)
    customer_id, email = customer(world)
    stand_counted(customer_id, "上海康健医疗器械有限公司", "ortho", ("bone-plate",), store=world.store)
    reviews.open_cycle(system_ctx(JAN_1, store=world.store))
    task = reviews.get_task(world.ctx(LEADER, now=JAN_1), "2027H1", "ortho", customer_id)
    task = reviews.submit(world.ctx(REP, now=JAN_1), "2027H1", "ortho", customer_id, GOOD, task.version)
    reviews.decide(world.ctx(LEADER, now=JAN_1), "2027H1", "ortho", customer_id, grade, "内部理由：评分92",
                   task.version)
    return customer_id, email


def test_REV_3_a_review_that_changes_the_grade_tells_the_customer_once_with_its_price_tier(fake):
    _customer_id, email = _reviewed(fake, "PREFERRED")
    [item] = inbox(fake, email)  # one notice: the review's result, not a second "grade changed"
    assert item.kind == "review_regraded" and item.target == "/customer/"
    assert "优选" in item.title and "骨科" in item.title and "价格" in item.detail
    [english] = inbox(fake, email, "en")
    assert english.title.startswith("Half-yearly review in") and "Preferred" in english.title
    assert "price tier follows" in english.detail
    assert "92" not in item.title + item.detail + english.detail  # the score and the reasons stay internal
    assert [m[0] for m in fake.mails("半年度评审")] == [email]


def test_REV_3_a_review_that_keeps_the_grade_tells_the_customer_it_stays(fake):
    _customer_id, email = _reviewed(fake, "QUALIFIED")
    [item] = inbox(fake, email)
    assert item.kind == "review_kept" and "合格" in item.title and item.target == "/customer/"
    assert inbox(fake, email, "en")[0].title.endswith("your grade stays Qualified")


def test_INC_1_every_incident_reaches_md_in_its_language_and_a_major_loss_as_a_report(fake):
    from portal.services import incidents

    customers = admitted("ortho", 2, store=fake.store)
    incidents.record(fake.ctx(LEADER), "ortho", customers[0], "late_payment", "逾期三个月")
    [item] = inbox(fake, MD, now=fake.now)
    assert item.kind == "incident_recorded" and item.target == f"/staff/customers/{customers[0]}"
    assert "客户000" in item.title and "骨科" in item.title and item.detail == "类型：逾期付款"
    [english] = inbox(fake, MD, "en", now=fake.now)
    assert english.detail == "Kind: Late payment" and "Orthopaedic" in english.title
    assert inbox(fake, LEADER, now=fake.now) == [] and inbox(fake, "rehab.leader@demo.local", now=fake.now) == []
    incidents.record(fake.ctx(LEADER), "ortho", customers[1], "major_loss", "重大损失")
    assert [i.kind for i in inbox(fake, MD, now=fake.now)] == ["incident_major_loss", "incident_recorded"]
    assert {m[0] for m in fake.mails("事件")} >= {MD}


def test_RGT_1_c_a_misconduct_report_reaches_md_without_the_reporter(fake):
    from portal.services import misconduct

    _customer_id, email = customer(fake)
    misconduct.submit(fake.ctx(email), "某某贸易公司", None, "串货并伪造发票")
    [item] = inbox(fake, MD, now=fake.now)
    assert item.kind == "misconduct_reported" and item.target == "/staff/misconduct"
    assert "某某贸易公司" in item.title and email not in item.title + item.detail and "康健" not in item.title
    assert inbox(fake, MD, "en", now=fake.now)[0].title == "Misconduct reported about 某某贸易公司"
    assert inbox(fake, LEADER, now=fake.now) == []  # departments never read the reports


def _designated(world, dept: str, customer_id: str, user_id: str) -> None:
    """Make `user_id` the customer's designated person in the department (ONB-4)."""
    from portal.adapters.repos.grading import Standings

    uow = world.uow()
    found = uow.repo(Standings).get(dept, customer_id)
    found.designated_staff = user_id
    uow.repo(Standings).put(found)
    uow.commit()


def test_REV_2_an_opened_cycle_tells_each_responsible_person_once_how_many_reviews_are_theirs(fake):
    ortho = admitted("ortho", 3, store=fake.store)
    admitted("rehab", 1, products=("walker",), store=fake.store)
    rep = fake.user(REP)
    _designated(fake, "ortho", ortho[0], rep.user_id)
    _designated(fake, "ortho", ortho[1], rep.user_id)
    run = reviews.open_cycle(system_ctx(JAN_1, store=fake.store))
    assert run.created == 4
    [mine] = inbox(fake, REP)
    assert mine.kind == "review_assigned" and mine.target == "/staff/reviews/2027H1/ortho"
    assert mine.title == "待您评审：骨科产品销售部 的 2 家客户" and "2027-01-31" in mine.detail
    [leaders] = inbox(fake, LEADER)  # the customer without a designated person falls to the leader
    assert "1 家客户" in leaders.title
    assert inbox(fake, LEADER, "en")[0].title == "Reviews for you in Orthopaedic Products Sales: 1"
    assert [i.kind for i in inbox(fake, "rehab.leader@demo.local")] == ["review_assigned"]
    assert inbox(fake, MD) == [] and inbox(fake, "ortho.clerk@demo.local") == []
    reviews.open_cycle(system_ctx(JAN_1, store=fake.store))  # a second run tells nobody twice
    assert len(inbox(fake, REP)) == 1 and len(inbox(fake, LEADER)) == 1


def test_REV_2_a_large_department_in_several_transactions_still_tells_each_person_once_with_the_total(fake):
    customers = admitted("ortho", 130, store=fake.store)
    rep = fake.user(REP)
    for customer_id in customers[::2]:
        _designated(fake, "ortho", customer_id, rep.user_id)
    reviews.open_cycle(system_ctx(JAN_1, store=fake.store))
    assert [i.title for i in inbox(fake, REP)] == ["待您评审：骨科产品销售部 的 65 家客户"]
    assert [i.title for i in inbox(fake, LEADER)] == ["待您评审：骨科产品销售部 的 65 家客户"]


def test_REV_2_after_a_crash_half_way_only_those_not_yet_told_are_told_with_their_whole_count(fake):
    from portal.adapters import records
    from portal.adapters.repos.dynamics import ReviewTasks

    customers = admitted("ortho", 3, store=fake.store)
    _designated(fake, "ortho", customers[0], fake.user(REP).user_id)
    uow = fake.uow()  # an earlier run wrote one of the leader's tasks, then stopped
    uow.repo(ReviewTasks).create(records.ReviewTask(cycle_id="2027H1", dept_id="ortho", customer_id=customers[1],
                                                    customer_name="客户001", grade_at_open="QUALIFIED",
                                                    due_on="2027-01-31"))
    uow.commit()
    reviews.open_cycle(system_ctx(JAN_1, store=fake.store))
    assert [i.title for i in inbox(fake, LEADER)] == ["待您评审：骨科产品销售部 的 2 家客户"]
    assert [i.title for i in inbox(fake, REP)] == ["待您评审：骨科产品销售部 的 1 家客户"]
