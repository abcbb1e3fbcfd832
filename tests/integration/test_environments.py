"""Local runs on moto; production on the normal AWS chain, never seeded."""

import urllib.request

import pytest

from portal.config import Settings


def test_production_uses_the_normal_aws_chain_and_creates_nothing(aws, monkeypatch):
    from portal import create_app
    from portal.adapters import aws as aws_adapter
    from portal.adapters import bootstrap, seed, tables
    from portal.adapters.clock import utc_now

    monkeypatch.delenv("PORTAL_AWS_ENDPOINT", raising=False)
    before = set(aws_adapter.client("dynamodb").list_tables()["TableNames"])
    settings = Settings.from_env({"PORTAL_ENV": "production", "PORTAL_SECRET_KEY": "p" * 40,
                                  "PORTAL_TOKEN_KEY": "q" * 40,
                                  "PORTAL_TABLE_PREFIX": "portal-prod-"})
    app = create_app(settings)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert tables.User.Meta.host is None and tables.User.Meta.table_name == "portal-prod-users"
    assert aws_adapter.client("s3").meta.endpoint_url.startswith("https://s3.")
    with pytest.raises(RuntimeError):
        seed.seed_demo(settings, utc_now(), lambda p: p)
    with pytest.raises(RuntimeError):
        bootstrap.create_everything(settings)
    after = set(aws_adapter.client("dynamodb").list_tables()["TableNames"])
    assert after == before and not any(name.startswith("portal-prod-") for name in after)  # nothing created


def test_local_backend_runs_moto_in_server_mode_and_serves_the_portal():
    """What `make run` does, on spare ports: moto server, tables, bucket, demo data, portal."""
    import threading

    from werkzeug.serving import make_server

    from portal import create_app
    from portal.adapters import aws as aws_adapter
    from portal.local import banner, start_backend

    stack = start_backend(moto_port=5391, portal_url="http://127.0.0.1:5390", env="test")
    try:
        app = create_app(stack.settings)
        server = make_server("127.0.0.1", 5390, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            page = urllib.request.urlopen("http://127.0.0.1:5390/login", timeout=10).read().decode()
            assert "登录" in page
            tables = aws_adapter.client("dynamodb").list_tables()["TableNames"]
            assert "portal-local-users" in tables and "portal-local-audit" in tables
            buckets = [b["Name"] for b in aws_adapter.client("s3").list_buckets()["Buckets"]]
            assert "portal-local-documents" in buckets
            text = banner(stack, "http://127.0.0.1:5390")
            assert "md.admin@demo.local" in text and "Demo-pass-2026!" in text
            assert "export PORTAL_AWS_ENDPOINT=http://127.0.0.1:5391" in text
        finally:
            server.shutdown()
    finally:
        stack.stop()


def test_local_run_prints_every_mail_with_its_body(aws, capsys):
    import logging

    from portal.adapters import aws as aws_adapter
    from portal.adapters import mail
    from portal.local import show_mail

    aws_adapter.configure(None, "us-east-1")
    aws_adapter.client("ses").verify_email_identity(EmailAddress="no-reply@portal.local")
    mail.configure("no-reply@portal.local")
    show_mail()
    try:
        mail.send("buyer@x.cn", "【邀请】注册", "请点击 http://127.0.0.1:5000/register?invitation=abc")
    finally:
        logging.getLogger("portal.mail").handlers.clear()
    err = capsys.readouterr().err
    assert "mail to buyer@x.cn: 【邀请】注册" in err and "invitation=abc" in err
