"""QTA-4 on the local stack itself: `make run`'s moto server keeps the quotas under concurrent promotions."""

import threading

import requests
from werkzeug.serving import make_server

from portal import create_app
from portal.local import start_backend
from tests.browser.conftest import free_port
from tests.factories import admitted

NO_EVAL = {"no_evaluation_reason": "测试准备：不经评价直接调整"}  # GRD-6: promoted without an evaluation

PASSWORD = "Demo-pass-2026!"


def test_QTA_4_thirty_promotions_at_once_on_the_make_run_stack_stay_consistent():
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    stack = start_backend(free_port(), url)  # as `make run` starts it: demo data included
    server = make_server("127.0.0.1", port, create_app(stack.settings), threaded=True)  # as app.run serves
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        api = f"{url}/api/v1"
        token = requests.post(f"{api}/tokens", json={"email": "ortho.leader@demo.local", "password": PASSWORD},
                              timeout=30).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        before = requests.get(f"{api}/departments/ortho/quota", headers=headers, timeout=30).json()
        customers = admitted("ortho", 30 - before["total"])
        quota = requests.get(f"{api}/departments/ortho/quota", headers=headers, timeout=30).json()
        assert quota["total"] == 30 and quota["max_vip"] == 4

        answers: list[int] = []
        refusals: list[str] = []

        def promote(customer_id: str) -> None:
            answer = requests.post(f"{api}/departments/ortho/customers/{customer_id}/grade", headers=headers,
                                   json={"grade": "VIP", **NO_EVAL, "reason": "年度业绩优秀",
                                         "override_reason": "战略客户特批"},
                                   timeout=120)
            answers.append(answer.status_code)
            if answer.status_code != 200:
                refusals.append(answer.json()["error"]["message"])

        threads = [threading.Thread(target=promote, args=(c,)) for c in customers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        after = requests.get(f"{api}/departments/ortho/quota", headers=headers, timeout=30).json()
        vips = requests.get(f"{api}/departments/ortho/customers?grade=VIP", headers=headers, timeout=30).json()
        assert sorted(set(answers)) == [200, 409] and answers.count(200) == 4 - before["vip"], set(refusals)
        assert after["vip"] == 4 and len(vips["items"]) == 4  # the counter and the list agree
        for item in vips["items"]:
            history = requests.get(f"{api}/customers/{item['customer']}/grade-history", headers=headers,
                                   timeout=30).json()["items"]
            assert history and history[0]["to"] == "VIP", item  # every VIP has the change that made it one
    finally:
        server.shutdown()
        stack.stop()
