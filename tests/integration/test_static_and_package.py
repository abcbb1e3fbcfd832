"""Static files: Flask locally, a bucket or CDN in production; the Lambda package: no dev tool, within its budget,
and it runs on Lambda (issue 14 items 6 and 8: unzipped, the runtime's Python, only the package and the standard
library, Zappa's handler fed API Gateway and EventBridge events against a moto server)."""

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pyotp
import pytest

from portal.tools.build_package import client_services, interpreter, runtime_of
from portal.tools.check_package import (
    BUDGET_BYTES,
    FORBIDDEN,
    REQUIRED,
    SERVICES,
    missing_bytecode,
    over_budget,
    problems,
)
from portal.tools.publish_static import publish
from tests.browser.conftest import free_port
from tests.lambda_runtime import ApiGatewayClient, LambdaProcess, scheduled_event

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Demo-pass-2026!"
MD_EMAIL, LEADER_EMAIL = "md.lambda@portal.example.cn", "ortho.lambda@portal.example.cn"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # a known authenticator key: the stage requires two-factor


def test_static_url_switches_to_the_cdn_in_production(aws):
    from portal import create_app
    from tests.conftest import TEST_SETTINGS

    local = create_app(TEST_SETTINGS).test_client().get("/login").get_data(as_text=True)
    assert 'href="/static/css/portal.css"' in local
    prod = create_app({**TEST_SETTINGS, "static_url": "https://static.portal.example.cn/static"}).test_client()
    response = prod.get("/login")
    assert 'href="https://static.portal.example.cn/static/css/portal.css"' in response.get_data(as_text=True)
    assert "https://static.portal.example.cn" in response.headers["Content-Security-Policy"]


def test_publish_static_uploads_every_file_with_its_type(aws):
    from portal.adapters import aws as aws_adapter

    aws_adapter.configure(None, "us-east-1")
    s3 = aws_adapter.client("s3")
    s3.create_bucket(Bucket="static-site")
    keys = publish("static-site")
    assert "static/css/portal.css" in keys
    head = s3.head_object(Bucket="static-site", Key="static/css/portal.css")
    assert head["ContentType"] == "text/css" and head["CacheControl"].startswith("public")


def test_package_checker_catches_dev_tools():
    good = list(REQUIRED) + ["werkzeug/__init__.py"]
    assert problems(good) == []
    assert problems(good + ["moto/__init__.py"]) == ["must not contain: moto/"]
    assert problems([n for n in good if n != "handler.py"]) == ["missing: handler.py"]
    assert "pytest/" in FORBIDDEN and "playwright/" in FORBIDDEN


def test_package_checker_holds_the_budget_the_locales_the_services_and_the_bytecode():
    assert over_budget(BUDGET_BYTES) == [] and over_budget(BUDGET_BYTES + 1) != []
    good = list(REQUIRED) + ["babel/locale-data/zh.dat", "babel/locale-data/root.dat", "botocore/data/s3/x.json"]
    assert problems(good) == []
    assert problems(good + ["babel/locale-data/fr.dat"])[0].startswith("babel locales beyond")
    assert problems(good + ["botocore/data/ec2/2016-11-15/service-2.json.gz"])[0].startswith("botocore data")
    assert problems(good + ["phonenumbers/geodata/data0.py"]) == ["must not contain: phonenumbers/geodata/"]
    assert missing_bytecode(["a/b.py", "a/__pycache__/b.cpython-312.pyc", "c.py"]) == ["c.py"]


def test_every_service_the_code_calls_keeps_its_botocore_data():
    assert client_services() <= SERVICES and {"dynamodb", "s3", "ses"} <= client_services()


@pytest.fixture(scope="module")
def package():
    """`make package` once for this module (the virtualenv running the tests is the project's: not reinstalled)."""
    venv = Path(sys.prefix)
    result = subprocess.run(["make", "-o", f"{venv}/.installed", "package", f"VENV={venv}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return ROOT / "dist" / "portal-dev.zip"


def test_make_package_builds_a_lambda_zip_without_test_or_dev_packages(package):
    """Runs the real `make package` (a runtime-only virtualenv, `zappa package`, pruning, bytecode)."""
    with zipfile.ZipFile(package) as z:
        names = z.namelist()
    assert problems(names) == [] and missing_bytecode(names) == []
    assert package.stat().st_size <= BUDGET_BYTES
    assert any(n.startswith("portal/translations/zh/LC_MESSAGES/messages.mo") for n in names)


@pytest.fixture
def lambda_world(package, tmp_path):
    """A moto server with the stage's tables, bucket, sender and secret (as the stack would hold them), seeded."""
    from portal.adapters import aws, bootstrap, tables
    from portal.adapters.clock import utc_now
    from portal.adapters.repos.identity import Users
    from portal.adapters.seed import seed_demo
    from portal.adapters.setup import configure_all
    from portal.adapters.uow import UnitOfWork
    from portal.config import Settings
    from portal.local import SerialMotoServer
    from portal.services import org
    from portal.services.auth import actor_for, hash_password
    from portal.services.context import Ctx

    stage = json.loads((ROOT / "zappa_settings.json").read_text())["dev"]
    env = stage["environment_variables"]
    server = SerialMotoServer("127.0.0.1", free_port())
    server.start()
    endpoint = f"http://127.0.0.1:{server.port}"
    seeding = Settings.from_env({}, env="local", aws_endpoint=endpoint, aws_region=stage["aws_region"],
                                table_prefix=env["PORTAL_TABLE_PREFIX"], bucket=env["PORTAL_BUCKET"],
                                mail_from=env["PORTAL_MAIL_FROM"], public_url=env["PORTAL_PUBLIC_URL"])
    configure_all(seeding)
    tables.create_all()
    aws.client("s3").create_bucket(Bucket=seeding.bucket,  # outside us-east-1 a bucket names its region
                                   CreateBucketConfiguration={"LocationConstraint": seeding.aws_region})
    aws.client("s3").put_bucket_cors(Bucket=seeding.bucket, CORSConfiguration=bootstrap.bucket_cors(seeding))
    # No SES identity: the stage's region (ap-east-1) has no SES, in botocore's data as in moto (issue 14 item 5,
    # a separate mail region); nothing below sends mail.
    seed_demo(seeding, utc_now(), hash_password, with_customers=False)
    # outside local runs a `.local` address is refused (RFC 6761): MD makes staff with real-looking addresses
    md = actor_for(UnitOfWork().repo(Users).with_email("md.admin@demo.local"))
    for email, role, dept in ((MD_EMAIL, "md", "md"), (LEADER_EMAIL, "dm", "ortho")):
        made = org.create_staff(Ctx(md, utc_now(), "127.0.0.1"), email=email, name=email.split("@")[0], role=role,
                                dept_id=dept, password=PASSWORD)
        with UnitOfWork() as uow:  # as if they had chosen their own password (a change would also end API tokens
            user = uow.repo(Users).get(made.user_id)  # issued before it, by this process's clock, which a
            user.must_change_password = None  # --years-ahead run moves and the handler's process does not)
            user.totp_secret = TOTP_SECRET  # the stage requires two-factor of MD and department leaders
            uow.repo(Users).save(user)
            uow.commit()
    secrets = {"PORTAL_SECRET_KEY": "lambda-test-secret-key-0123456789abcdef",
               "PORTAL_TOKEN_KEY": "lambda-test-token-key-0123456789abcdef"}
    environment = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                   "AWS_DEFAULT_REGION": stage["aws_region"], "AWS_ENDPOINT_URL": endpoint}
    if stage.get("remote_env"):  # Zappa reads the stage's secrets from S3 at start-up
        bucket, key = stage["remote_env"].removeprefix("s3://").split("/", 1)
        s3 = aws.client("s3")
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": stage["aws_region"]})
        s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(secrets).encode())
    else:
        environment.update(secrets)
    tree = tmp_path / "task"
    with zipfile.ZipFile(package) as z:
        z.extractall(tree)
    handler = LambdaProcess(interpreter(runtime_of("dev")), tree, environment)
    yield handler, stage
    handler.close()
    server.stop()


def test_the_package_serves_pages_and_the_api_and_runs_every_schedule_on_lambda(lambda_world):
    handler, stage = lambda_world
    browser = ApiGatewayClient(handler)
    page = browser.request("GET", "/login")
    assert page["status"] == 200, handler.output()[-3000:]
    session_cookie = [c for c in page["headers"]["set-cookie"] if c.startswith("__Host-portal_session=")]
    assert session_cookie and "Secure" in session_cookie[0] and "Path=/" in session_cookie[0]
    assert "登录" in page["body"]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page["body"])[1]
    signed_in = browser.request("POST", "/login", form={"email": MD_EMAIL, "password": PASSWORD,
                                                        "csrf_token": token})
    assert signed_in["status"] == 302, re.findall(r"class=\"(?:problem|error)\"[^<]*<?[^<]*", signed_in["body"])
    assert signed_in["headers"]["location"][0].endswith("/login/totp")  # the stage's default: two-factor for MD
    step = browser.request("GET", "/login/totp")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', step["body"])[1]
    coded = browser.request("POST", "/login/totp", form={"code": pyotp.TOTP(TOTP_SECRET).now(), "csrf_token": token})
    assert coded["status"] == 302 and coded["headers"]["location"][0].endswith("/staff/"), coded["body"][:2000]
    staff_home = browser.request("GET", "/staff/")
    assert staff_home["status"] == 200, staff_home["body"][:2000]
    departments = browser.request("GET", "/staff/departments")
    assert departments["status"] == 200 and "骨科产品销售部" in departments["body"]

    api = ApiGatewayClient(handler, address="198.51.100.20")
    issued = api.request("POST", "/api/v1/tokens", json_body={"email": LEADER_EMAIL, "password": PASSWORD,
                                                              "code": pyotp.TOTP(TOTP_SECRET).now()})
    assert issued["status"] in (200, 201), issued["body"]
    bearer = {"Authorization": f"Bearer {json.loads(issued['body'])['token']}"}
    me = api.request("GET", "/api/v1/me", headers=bearer)
    assert me["status"] == 200 and json.loads(me["body"])["email"] == LEADER_EMAIL

    functions = [event["function"] for event in stage["events"]]
    assert len(functions) >= 7
    for function in functions:
        result = handler.invoke(scheduled_event(function, now="2027-01-01T00:05:00+08:00"))
        assert isinstance(result, dict), (function, result)
