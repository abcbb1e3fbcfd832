"""Issue 14 item 5: the stage's region may have no SES (ap-east-1); mail goes through PORTAL_MAIL_REGION while every
other client stays in the stage's region."""


def test_mail_goes_through_the_mail_region_and_everything_else_stays_home(aws):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    from portal.adapters import aws as aws_adapter
    from portal.adapters import mail
    from portal.adapters.setup import configure_all
    from portal.config import Settings

    settings = Settings.from_env({"AWS_REGION": "ap-east-1", "PORTAL_MAIL_REGION": "ap-southeast-1",
                                  "PORTAL_MAIL_FROM": "no-reply@portal.example.cn"})
    configure_all(settings)
    assert aws_adapter.client("ses").meta.region_name == "ap-southeast-1"
    assert aws_adapter.client("dynamodb").meta.region_name == "ap-east-1"
    aws_adapter.client("ses").verify_email_identity(EmailAddress="no-reply@portal.example.cn")
    mail.send("leader@demo.local", "escalation", "overdue review")
    sent = ses_backends[DEFAULT_ACCOUNT_ID]["ap-southeast-1"].sent_messages
    assert [m.subject for m in sent] == ["escalation"]

