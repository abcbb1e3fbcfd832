"""Issue 16 item 4 (BLK-3): a listing reaches every affected department's staff in their inboxes — fanned out
after the commit from one outbox message per department staged with the listing, in transactions of at most
100 writes, each person once even when a run dies half-way."""

import uuid
from datetime import timedelta

from portal.adapters import records
from portal.adapters.clock import utc_now
from portal.adapters.repos.outbox import Outbox
from portal.adapters.uow import Unavailable
from portal.services import blacklist, fanout, notifications, outbox
from portal.services.context import system_ctx
from tests.factories import admitted, stand_counted
from tests.unit.services.dynamics_world import LEADER, MD, put

STAFF = ["md.admin@demo.local", "leader@demo.local", "ortho.leader@demo.local", "ortho.clerk@demo.local",
         "ortho.rep@demo.local", "rehab.leader@demo.local", "rehab.rep@demo.local"]


def listed_items(world, email: str, locale: str = "zh") -> list:
    """Someone's blacklist_listed items."""
    items = notifications.inbox_page(world.ctx(email), locale).items
    return [i for i in items if i.kind == "blacklist_listed"]


def deliver(world, minutes: int = 0):
    return outbox.deliver_due(system_ctx(world.now + timedelta(minutes=minutes), store=world.store))


def more_staff(world, dept: str, n: int) -> list[str]:
    """n more active reps in `dept`; their e-mail addresses."""
    emails = []
    for k in range(n):
        user_id, email = str(uuid.uuid4()), f"rep{k:02d}@{dept}.demo.local"
        put(world, records.User(user_id=user_id, email=email, name=f"业务员{k}", kind="staff", role="rep",
                                dept_id=dept, password_hash="-", active=True, created_at=utc_now(), version=1),
            records.Unique(key=f"email#{email}", owner_id=user_id))
        emails.append(email)
    return emails


def test_BLK_3_a_company_listing_reaches_every_staff_member_of_every_department_once(fake):
    [customer] = admitted("ortho", 1, store=fake.store)
    stand_counted(customer, "客户000", "rehab", ("walker",), store=fake.store)
    blacklist.list_customer(fake.ctx(MD), customer, "company", "经核实造成重大损失")
    staged = fake.repo(Outbox).due_by(fake.now)
    assert sorted(m.to for m in staged if m.channel == fanout.CHANNEL) == ["dept:md", "dept:ortho", "dept:rehab"]
    assert listed_items(fake, LEADER) == []  # nothing yet: the delivery job fans it out after the commit
    first = deliver(fake)
    assert len(first.sent) == 3 and first.failed == first.retrying == []
    for email in STAFF:
        [item] = listed_items(fake, email)
        assert item.title == "客户000 已列入黑名单（公司黑名单）" and item.target == "/staff/blacklist"
        assert item.detail == "理由：经核实造成重大损失"
    assert listed_items(fake, "rehab.rep@demo.local", "en")[0].title == "客户000 was blacklisted (company blacklist)"
    fake.deliver()  # the mails the fan-out staged go out, each once
    assert sorted(m[0] for m in fake.mails("已列入黑名单")) == sorted(STAFF)
    assert all(len(listed_items(fake, e)) == 1 for e in STAFF)  # a second delivery told nobody again


def test_BLK_1_a_department_listing_reaches_its_staff_and_md_not_other_departments(fake):
    [customer] = admitted("ortho", 1, store=fake.store)
    blacklist.list_customer(fake.ctx(LEADER), customer, "ortho", "违约")
    deliver(fake)
    told = [e for e in STAFF if listed_items(fake, e)]
    assert told == ["md.admin@demo.local", "ortho.leader@demo.local", "ortho.clerk@demo.local",
                    "ortho.rep@demo.local"]  # MD's role only in MD (not leadership), no one in rehab
    assert listed_items(fake, MD)[0].title == "客户000 已列入黑名单（骨科产品销售部）"


def test_BLK_3_a_department_larger_than_a_transaction_is_told_in_parts_and_a_run_dying_half_way_doubles_nothing(
        fake, monkeypatch):
    extra = more_staff(fake, "rehab", 40)  # 42 in rehab: more than one transaction holds (33 a transaction)
    [customer] = admitted("ortho", 1, store=fake.store)
    blacklist.list_customer(fake.ctx(MD), customer, "company", "欺诈")
    real, seen = fanout.notifications.notify, {"full": False}

    def dies_on_the_second_part(uow, ctx, people, *args, **kw):
        if seen["full"]:
            raise Unavailable("injected: the store fails in the second part")
        seen["full"] = len(people) == fanout.per_transaction()
        return real(uow, ctx, people, *args, **kw)

    monkeypatch.setattr(fanout.notifications, "notify", dies_on_the_second_part)
    first = deliver(fake)
    assert first.retrying  # a department was told in part: its message stays due, with how far it got
    [waiting] = [m for m in fake.repo(Outbox).due_by(fake.now + timedelta(days=1)) if m.channel == fanout.CHANNEL]
    assert waiting.fanned_to and waiting.to == "dept:rehab"
    monkeypatch.setattr(fanout.notifications, "notify", real)
    assert waiting.message_id not in deliver(fake).sent  # not due again before the claim's pause (the mails
    assert deliver(fake, 2).sent == [waiting.message_id]  # of the part told went out), then it goes on
    rehab = extra + ["rehab.leader@demo.local", "rehab.rep@demo.local"]
    assert all(len(listed_items(fake, e)) == 1 for e in rehab)  # each told once, though the run died half-way
    fake.deliver()
    assert sorted(m[0] for m in fake.mails("已列入黑名单") if m[0] in rehab) == sorted(rehab)  # one mail each
