"""ONB-2 on the in-memory store: a department records prospects and invites them by a one-time link."""

import hashlib

import pytest

from portal.adapters.repos.org import Prospects
from portal.services import prospects
from portal.services.errors import Forbidden, Invalid, NotFound

CLERK = "ortho.clerk@demo.local"
URL = "http://127.0.0.1:5000/"


def test_ONB_2_a_department_records_prospects_and_lists_its_own(fake):
    clerk = fake.ctx(CLERK)
    first = prospects.create(clerk, "ortho", name=" 华东骨科医院 ", email=" Buyer@HDGK.cn", contact_name="王主任",
                             note="展会名片")
    prospects.create(fake.ctx("rehab.rep@demo.local"), "rehab", name="康复中心", email="k@x.cn")
    assert (first.name, first.email, first.created_by) == ("华东骨科医院", "buyer@hdgk.cn", fake.user(CLERK).user_id)
    assert [p.name for p in prospects.listing(clerk, "ortho").items] == ["华东骨科医院"]
    assert [p.name for p in prospects.listing(fake.ctx("md.admin@demo.local"), "rehab").items] == ["康复中心"]
    with pytest.raises(Invalid) as exc:
        prospects.create(clerk, "ortho", name="  ", email="x@x.cn")
    assert list(exc.value.fields) == ["name"]


def test_ONB_2_prospects_are_listed_a_page_at_a_time_oldest_first(fake):
    for n in range(53):
        prospects.create(fake.later(fake.ctx(CLERK), seconds=n), "ortho", name=f"潜在客户{n:02d}", email="p@x.cn")
    first = prospects.listing(fake.ctx(CLERK), "ortho")
    second = prospects.listing(fake.ctx(CLERK), "ortho", first.cursor)
    assert [p.name for p in first.items + second.items] == [f"潜在客户{n:02d}" for n in range(53)]
    assert len(first.items) == 50 and second.cursor is None


def test_ONB_2_prospects_stay_in_their_department(fake):
    prospect = prospects.create(fake.ctx("ortho.rep@demo.local"), "ortho", name="x", email="x@x.cn")
    rehab = fake.ctx("rehab.rep@demo.local")
    with pytest.raises(Forbidden):
        prospects.invite(rehab, prospect.prospect_id, URL)
    with pytest.raises(Forbidden):
        prospects.listing(rehab, "ortho")
    with pytest.raises(Forbidden):
        prospects.create(rehab, "ortho", name="y", email="y@x.cn")
    assert fake.repo(Prospects).find(prospect.prospect_id).invite_hash is None and fake.sent == []


def test_ONB_2_an_invitation_mails_a_one_time_link_and_keeps_only_its_hash(fake):
    prospect = prospects.create(fake.ctx(CLERK), "ortho", name="华东骨科医院", email="buyer@hdgk.cn")
    link = prospects.invite(fake.ctx(CLERK), prospect.prospect_id, URL)
    token = link.split("invitation=")[1]
    assert link.startswith("http://127.0.0.1:5000/register?invitation=" + prospect.prospect_id + ".")
    stored = fake.repo(Prospects).find(prospect.prospect_id)
    assert stored.invite_hash == hashlib.sha256(token.encode()).hexdigest() and token not in str(stored)
    assert stored.invited_at == fake.now
    [(to, subject, body)] = fake.mails("邀请")
    assert to == "buyer@hdgk.cn" and "骨科产品销售部" in subject and link in body


def test_ONB_2_a_new_invitation_replaces_the_old(fake):
    prospect = prospects.create(fake.ctx(CLERK), "ortho", name="华东骨科医院", email="buyer@hdgk.cn")
    old = prospects.invite(fake.ctx(CLERK), prospect.prospect_id, URL).split("invitation=")[1]
    new = prospects.invite(fake.later(fake.ctx(CLERK), days=1), prospect.prospect_id, URL).split("invitation=")[1]
    stored = fake.repo(Prospects).find(prospect.prospect_id)
    assert stored.invite_hash == hashlib.sha256(new.encode()).hexdigest() != hashlib.sha256(old.encode()).hexdigest()


def test_ONB_2_a_registered_prospect_is_not_invited_again(fake):
    prospect = prospects.create(fake.ctx(CLERK), "ortho", name="华东骨科医院", email="buyer@hdgk.cn")
    with fake.uow() as uow:
        uow.repo(Prospects).registered(prospect, "cust-1")
        uow.commit()
    with pytest.raises(Invalid) as exc:
        prospects.invite(fake.ctx(CLERK), prospect.prospect_id, URL)
    assert list(exc.value.fields) == ["prospect"] and fake.sent == []


def test_ONB_2_inviting_one_that_registers_meanwhile_sends_nothing(fake, monkeypatch):
    prospect = prospects.create(fake.ctx(CLERK), "ortho", name="华东骨科医院", email="buyer@hdgk.cn")
    stage_invitation = Prospects.invite

    def registers_first(self, record, invite_hash, at):
        with fake.uow() as other:
            other.repo(Prospects).registered(record, "cust-1")
            other.commit()
        stage_invitation(self, record, invite_hash, at)

    monkeypatch.setattr(Prospects, "invite", registers_first)
    with pytest.raises(Invalid):
        prospects.invite(fake.ctx(CLERK), prospect.prospect_id, URL)
    assert fake.repo(Prospects).find(prospect.prospect_id).invite_hash is None and fake.sent == []


def test_ONB_2_an_unknown_prospect_is_not_found(fake):
    for missing in ("01JUNKJUNKJUNKJUNKJUNKJUNK", "x" * 2000, ""):
        with pytest.raises(NotFound):
            prospects.invite(fake.ctx(CLERK), missing, URL)
