"""Issue 17 item 3, ADM-4: the apply form offers only the departments the company may still apply to, shows each
department's products under its name, and the server refuses products that are not the chosen department's."""

from portal.adapters.tables import Application
from tests.conftest import csrf_token, sign_in
from tests.factories import PASSWORD, applied


def test_the_form_offers_only_departments_still_open_and_says_why_not(app):
    customer, _ctx, _application = applied("ortho")  # an open application in ortho
    client = app.test_client()
    sign_in(client, customer.email, PASSWORD)
    page = client.get("/customer/applications/new").get_data(as_text=True)
    select = page[page.index('<select id="dept_id"'):page.index("</select>", page.index('<select id="dept_id"'))]
    assert 'value="rehab"' in select and 'value="ortho"' not in select
    assert "您在该部门的申请正在审核中" in page
    assert 'data-dept="rehab"' in page and 'data-dept="ortho"' not in page


def test_products_of_another_department_are_refused_and_nothing_is_written(app):
    customer, _ctx, _application = applied("ortho")
    client = app.test_client()
    sign_in(client, customer.email, PASSWORD)
    before = Application.count()
    answer = client.post("/customer/applications/new", data={
        "csrf_token": csrf_token(client, "/customer/applications/new"), "dept_id": "rehab",
        "products": ["bone-plate"]})  # ortho's product sent with rehab
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'id="products-error"' in text
    assert Application.count() == before
