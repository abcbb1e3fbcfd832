"""Issue 18 item 3 through the Flask client and the API: the evaluation page shows each computed value with its
source, a changed value needs a reason next to it, and the override is shown afterwards (GRD-5, GRD-2 b)."""

import re
from datetime import date
from decimal import Decimal

import pytest

from portal.adapters.tables import Evaluation
from portal.domain.sales_facts import SalesFacts
from tests.conftest import api_token, bearer, csrf_token, sign_in
from tests.factories import admitted

JUDGED = {"v_scale": "三级甲等", "v_reputation": "信誉良好，无违规", "v_qualification": "齐全有效"}


@pytest.fixture
def erp(monkeypatch):
    """The ERP has 12 orders worth 356.20 万元 this year for every customer, the first in 2019, one late payment."""
    value = SalesFacts(True, Decimal("3562000"), 12, 1, 0, Decimal(0), date(2019, 3, 1))
    monkeypatch.setattr("portal.services.sales_facts.facts", lambda *args: value)
    return value


def value_of(page: str, name: str) -> str:
    found = re.search(rf'<input id="{name}" name="{name}"[^>]*value="([^"]*)"', page)
    return found.group(1) if found else re.search(
        rf'<select id="{name}".*?<option value="([^"]*)" selected', page, re.S).group(1)


def test_GRD_5_the_evaluation_page_shows_computed_values_with_their_source(app, erp):
    [customer] = admitted("ortho", 1)
    rep = app.test_client()
    sign_in(rep, "ortho.rep@demo.local")
    path = f"/staff/departments/ortho/customers/{customer}/evaluate"
    page = rep.get(path, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert value_of(page, "v_annual_volume") == "356.2"
    assert re.search(r"ERP 订单 \d{4}-\d\d-\d\d 至 \d{4}-\d\d-\d\d：共 12 笔，356.20 万元", page)
    assert "ERP 首笔订单日期 2019-03-01" in page and value_of(page, "v_payment") == "偶有逾期，已结清"
    assert re.search(r'name="hard_late_payment" value="y" checked disabled', page)  # proven by the ERP


def test_GRD_5_an_override_needs_its_reason_next_to_the_field_and_is_shown_later(app, erp):
    [customer] = admitted("ortho", 1)
    rep = app.test_client()
    sign_in(rep, "ortho.rep@demo.local")
    path = f"/staff/departments/ortho/customers/{customer}/evaluate"
    page = rep.get(path).get_data(as_text=True)
    form = {f"v_{k}": value_of(page, f"v_{k}") for k in ("annual_volume", "payment", "loyalty_years")}
    form = {**form, **JUDGED, "v_annual_volume": "600", "csrf_token": csrf_token(rep, path)}
    refused = rep.post(path, data=form).get_data(as_text=True)
    assert 'id="why_annual_volume-error"' in refused and Evaluation.count() == 0
    done = rep.post(path, data={**form, "why_annual_volume": "ERP 漏记了 11 月的两笔大单"})
    assert done.status_code == 302
    standing = rep.get(f"/staff/departments/ortho/customers/{customer}",
                       headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "ERP 漏记了 11 月的两笔大单" in standing and "356.2" in standing
    assert re.search(r"将计算值 356.2 改为此值", standing)
    assert 'id="latest-total"' in standing and "合格" in standing  # the late payment caps it (GRD-2 b)


def test_GRD_5_the_api_takes_reasons_and_returns_computed_values_and_overrides(client, erp):
    [customer] = admitted("ortho", 1)
    rep = bearer(api_token(client, "ortho.rep@demo.local"))
    url = f"/api/v1/departments/ortho/customers/{customer}/evaluations"
    values = {"scale": "三级甲等", "reputation": "一般", "qualification": "齐全有效", "annual_volume": 700}
    refused = client.post(url, headers=rep, json={"values": values})
    assert refused.status_code == 422 and "why_annual_volume" in refused.get_json()["error"]["fields"]
    done = client.post(url, headers=rep, json={"values": values, "reasons": {"annual_volume": "含代管子公司订单"}})
    assert done.status_code == 201
    body = done.get_json()
    assert body["overrides"]["annual_volume"] == {"value": 700, "computed": 356.2, "reason": "含代管子公司订单",
                                                  "by": "ortho.rep@demo.local"}
    assert body["computed"]["loyalty_years"]["value"] >= 7 and body["values"]["payment"] == "偶有逾期，已结清"
    assert "356.20" in body["computed"]["annual_volume"]["source_text"]
    assert (body["proposed"], body["capped_by"]) == ("QUALIFIED", ["late_payment"])


def test_GRD_6_a_promotion_without_a_recent_evaluation_is_refused_next_to_the_field_and_the_reason_is_shown(app):
    customers = admitted("ortho", 20)
    leader = app.test_client()
    sign_in(leader, "ortho.leader@demo.local")
    path = f"/staff/departments/ortho/customers/{customers[0]}"
    form = {"csrf_token": csrf_token(leader, path), "grade": "PREFERRED", "reason": "年度采购增长"}
    refused = leader.post(f"{path}/grade", data=form).get_data(as_text=True)
    assert re.search(r'id="no_evaluation_reason"[^>]*aria-invalid="true"|no_evaluation_reason-error', refused)
    assert "升级须有近 6 个月内的评价" in refused
    done = leader.post(f"{path}/grade", data={**form, "no_evaluation_reason": "新院区开业，评价表下周补做"})
    assert done.status_code == 302
    history = leader.get(f"/staff/customers/{customers[0]}/grades").get_data(as_text=True)
    assert "未经近期评价升级，理由：新院区开业，评价表下周补做" in history
    token = bearer(api_token(app.test_client(), "ortho.leader@demo.local"))
    api = f"/api/v1/departments/ortho/customers/{customers[1]}/grade"
    answer = app.test_client().post(api, headers=token, json={"grade": "PREFERRED", "reason": "增长"})
    assert answer.status_code == 422 and "no_evaluation_reason" in answer.get_json()["error"]["fields"]
    answer = app.test_client().post(api, headers=token, json={"grade": "PREFERRED", "reason": "增长",
                                                              "no_evaluation_reason": "战略客户"})
    assert answer.status_code == 200 and answer.get_json()["no_evaluation_reason"] == "战略客户"


def test_REV_1_the_review_page_starts_prefilled_with_its_sources(app, erp):
    import time_machine

    [customer] = admitted("ortho", 1)
    with time_machine.travel("2027-01-01 01:00:00+00:00", tick=False):
        md = app.test_client()
        sign_in(md, "md.admin@demo.local")
        md.post("/staff/jobs", data={"csrf_token": csrf_token(md, "/staff/jobs"), "job": "open_review_cycle",
                                     "now": ""})
        rep = app.test_client()
        sign_in(rep, "ortho.rep@demo.local")
        page = rep.get(f"/staff/reviews/2027H1/ortho/{customer}").get_data(as_text=True)
    assert 'id="prefilled"' in page and "已按本期记录预填" in page
    assert re.search(r'<option selected value="late">|<option value="late" selected>', page)  # one late payment
    assert "2026-07-02 至 2027-01-01" in page


def test_GRD_5_the_scorecard_editor_sets_which_fact_computes_an_indicator(app):
    from portal.adapters.tables import ScorecardRecord as Scorecard
    from tests.web.test_scorecard_editor import PAGE, editor, indicator_index, leader

    client = leader(app)
    fields = editor(client)
    reputation = indicator_index(fields, "信誉与合规")
    assert fields[f"indicators-{indicator_index(fields, '年度业务量')}-source"] == "volume_wan"
    wrong = client.post(PAGE, data={**fields, f"indicators-{reputation}-source": "volume_wan"})
    assert wrong.status_code == 200 and "此数据来源不适用于该类指标" in wrong.get_data(as_text=True)
    volume = indicator_index(fields, "年度业务量")
    done = client.post(PAGE, data={**fields, f"indicators-{volume}-source": "entered"})
    assert done.status_code == 302
    import json

    saved = json.loads(Scorecard.get("ortho", "default").definition)
    assert [i.get("source") for i in saved["indicators"] if i["key"] == "annual_volume"] == [None]
