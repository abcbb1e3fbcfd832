"""The base of every table model: on-demand billing, a configured name prefix, endpoint and region."""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute
from pynamodb.models import Model

from portal.adapters import aws

_conf = {"prefix": "portal-local-", "endpoint": None, "region": "us-east-1"}


class BaseModel(Model):
    """Common table settings: on-demand billing, name = configured prefix + `base_name`."""

    base_name = ""

    class Meta:
        billing_mode = "PAY_PER_REQUEST"
        region = "us-east-1"


def configure(models, prefix: str, endpoint: str | None, region: str) -> None:
    """Name every table `prefix + base_name` and point PynamoDB at `endpoint` (None: AWS)."""
    _conf.update(prefix=prefix, endpoint=endpoint, region=region)
    for model in models:
        model.Meta.table_name = prefix + model.base_name
        model.Meta.host = endpoint
        model.Meta.region = region
        model._connection = None
        # Share one botocore session (this thread's) instead of one per table: PynamoDB keeps it in
        # Connection._local; nothing is loaded or called until the first request.
        model._get_connection().connection._local.session = aws.shared_session()


def table_name(model: type[BaseModel]) -> str:
    """The configured name of a model's table."""
    return _conf["prefix"] + model.base_name


def ttl_attribute(model: type[BaseModel]) -> str | None:
    """The name of a model's TTL attribute, if it has one."""
    for name, attr in model.get_attributes().items():
        if isinstance(attr, TTLAttribute):
            return attr.attr_name or name
    return None
