"""Issue 17 item 3: forms start neutral. Where the answer is a judgement nothing is preselected (a careless click
records nothing); the evaluation starts from what the customer registered; a recorded finding shows as it stands."""

import re

from portal.adapters.tables import Application, Customer, Evaluation
from tests.conftest import csrf_token, sign_in
from tests.factories import admitted, applied


def selected(page: str, name: str) -> str:
    """The value a <select> starts on (the first option when none is marked)."""
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S).group(1)
    marked = re.search(r'<option(?=[^>]*\bselected\b)[^>]*value="([^"]*)"', select)
    return marked.group(1) if marked else re.search(r'<option[^>]*value="([^"]*)"', select).group(1)


def test_the_evaluation_starts_blank_but_for_the_registered_hospital_level(app):
    [customer] = admitted("ortho", 1)
    record = Customer.get(customer)
    record.update(actions=[Customer.kind.set("medical"), Customer.hospital_level.set("二级甲等")])
    rep = app.test_client()
    sign_in(rep, "ortho.rep@demo.local")
    path = f"/staff/departments/ortho/customers/{customer}/evaluate"
    page = rep.get(path).get_data(as_text=True)
    assert selected(page, "v_scale") == "二级甲等"  # registered, not the best answer (三级甲等)
    for judgement in ("v_payment", "v_reputation", "v_qualification"):
        assert selected(page, judgement) == "", judgement
    answer = rep.post(path, data={"csrf_token": csrf_token(rep, path), "v_scale": "二级甲等", "v_annual_volume": "80",
                                  "v_loyalty_years": "2", "v_payment": "", "v_reputation": "", "v_qualification": ""})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and text.count('class="error" id="v_') == 3  # each blank judgement, at itself
    assert Evaluation.count() == 0


def test_an_enterprise_starts_on_its_registered_size(app):
    [customer] = admitted("ortho", 1)  # registered as a small enterprise
    rep = app.test_client()
    sign_in(rep, "ortho.rep@demo.local")
    page = rep.get(f"/staff/departments/ortho/customers/{customer}/evaluate").get_data(as_text=True)
    assert selected(page, "v_scale") == "小型企业"


def test_conditions_and_the_decision_start_unrecorded_and_blank_records_nothing(app):
    _customer, _ctx, application = applied()
    leader = app.test_client()
    sign_in(leader, "ortho.leader@demo.local")
    path = f"/staff/applications/{application.app_id}"
    page = leader.get(path).get_data(as_text=True)
    assert [selected(page, f"c{code}-met") for code in "abcdef"] == [""] * 6
    assert selected(page, "decision") == ""
    answer = leader.post(f"{path}/conditions/b", data={
        "csrf_token": csrf_token(leader, path), "cb-code": "b", "cb-met": "", "cb-version": str(application.version)})
    assert answer.status_code in (200, 302)
    assert Application.get(application.app_id).conditions in (None, "{}")
    leader.post(f"{path}/conditions/b", data={"csrf_token": csrf_token(leader, path), "cb-code": "b", "cb-met": "no",
                                              "cb-note": "有未结纠纷", "cb-version": str(application.version)})
    page = leader.get(path).get_data(as_text=True)
    assert selected(page, "cb-met") == "no" and selected(page, "ca-met") == ""  # recorded as it stands
    answer = leader.post(f"{path}/decision", data={"csrf_token": csrf_token(leader, path), "decision": "",
                                                   "reason": "x", "version": str(Application.get(
                                                       application.app_id).version)})
    assert Application.get(application.app_id).status == "submitted"
