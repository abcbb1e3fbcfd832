"""The store on DynamoDB: reads through the PynamoDB models (the one declaration of the tables), writes as one
TransactWriteItems (or one single-item call) in the order given, so a failed condition names its operation."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.expressions.update import Update as UpdateExpression

from portal.adapters import aws
from portal.adapters.store.expr import Cond, ConditionFailed, Delete, Op, Put, QueryResult, StoreUnavailable, Update
from portal.adapters.store.schema import schema_of

RETRYABLE = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
             "InternalServerError", "ServiceUnavailable", "TransactionConflictException",
             "TransactionInProgressException", "InternalFailure", "ServiceUnavailableException",
             "RequestTimeout", "RequestTimeoutException", "LimitExceededException"}


def _plain(model: type, raw: dict) -> dict:
    """A raw DynamoDB item as plain Python values (maps as dicts); absent attributes stay absent (no defaults)."""
    attributes = model.get_attributes()
    return {name: attributes[name].deserialize(attributes[name].get_value(value))
            for name, value in raw.items() if name in attributes and "NULL" not in value}


def _condition(model: type, cond: Cond | None):
    """The PynamoDB condition for `cond` on `model`."""
    if cond is None:
        return None
    if cond.op in ("and", "or"):
        first, *rest = (_condition(model, c) for c in cond.parts)
        for part in rest:
            first = (first & part) if cond.op == "and" else (first | part)
        return first
    if cond.op == "not":
        return ~_condition(model, cond.parts[0])
    a = getattr(model, cond.name)
    return {
        "eq": lambda: a == cond.value, "lt": lambda: a < cond.value, "le": lambda: a <= cond.value,
        "gt": lambda: a > cond.value, "ge": lambda: a >= cond.value,
        "between": lambda: a.between(*cond.value), "begins_with": lambda: a.startswith(cond.value),
        "contains": lambda: a.contains(cond.value), "exists": a.exists, "not_exists": a.does_not_exist,
    }[cond.op]()


def _action(model: type, action):
    a = getattr(model, action.name)
    return {"set": lambda: a.set(action.value), "remove": a.remove, "add": lambda: a.add(action.value),
            "delete": lambda: a.delete(action.value)}[action.op]()


def _key(model: type, key: dict) -> dict:
    schema = schema_of(model)
    names = [schema.key.hash] + ([schema.key.range] if schema.key.range else [])
    attributes = model.get_attributes()
    return {n: {attributes[n].attr_type: attributes[n].serialize(key[n])} for n in names}


def _expressions(model: type, cond: Cond | None, actions=None) -> dict:
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    kwargs: dict[str, Any] = {}
    condition = _condition(model, cond)
    if condition is not None:
        kwargs["ConditionExpression"] = condition.serialize(names, values)
    if actions:
        kwargs["UpdateExpression"] = UpdateExpression(*[_action(model, a) for a in actions]).serialize(names, values)
    if names:
        kwargs["ExpressionAttributeNames"] = {placeholder: name for name, placeholder in names.items()}
    if values:
        kwargs["ExpressionAttributeValues"] = values
    return kwargs


def _operation(op: Op) -> tuple[str, dict]:
    """An operation as (TransactItems kind, its low-level arguments)."""
    model = op.table
    request: dict[str, Any] = {"TableName": model.Meta.table_name}
    if isinstance(op, Put):
        request["Item"] = model(**op.item).serialize()
        request.update(_expressions(model, op.cond))
        return "Put", request
    request["Key"] = _key(model, op.key)
    if isinstance(op, Update):
        request.update(_expressions(model, op.cond, op.actions))
        return "Update", request
    request.update(_expressions(model, op.cond))
    return ("Delete" if isinstance(op, Delete) else "ConditionCheck"), request


def _unavailable(exc: Exception) -> bool:
    if isinstance(exc, BotoCoreError):
        return True
    cause = getattr(exc, "cause", None) or exc
    if isinstance(cause, BotoCoreError):
        return True
    if not isinstance(cause, ClientError):
        return False
    code = cause.response.get("Error", {}).get("Code")
    status = cause.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    return code in RETRYABLE or status >= 500  # DynamoDB's side: a retry may cure it, the user did nothing wrong


class DynamoStore:
    """The store on the configured DynamoDB endpoint (moto locally and in tests)."""

    def get(self, table: type, key: dict) -> dict | None:
        """The item with `key`, or None (GetItem, strongly consistent)."""
        found = self._call("get_item", TableName=table.Meta.table_name, Key=_key(table, key), ConsistentRead=True)
        return _plain(table, found["Item"]) if "Item" in found else None

    def batch_get(self, table: type, keys: list[dict]) -> list[dict]:
        """The items that exist among `keys` (BatchGetItem, 100 keys a call, unprocessed keys asked again)."""
        name, found = table.Meta.table_name, []
        schema = schema_of(table)
        unique = [_key(table, k) for k in {schema.key_of(k): k for k in keys}.values()]
        for start in range(0, len(unique), 100):
            request = {name: {"Keys": unique[start:start + 100], "ConsistentRead": True}}
            while request:
                answer = self._call("batch_get_item", RequestItems=request)
                found += [_plain(table, raw) for raw in answer.get("Responses", {}).get(name, [])]
                request = answer.get("UnprocessedKeys") or None
        return found

    def batch_get_tables(self, requests: dict[type, list[dict]]) -> dict[type, list[dict]]:
        """The items that exist among the keys of several tables, in one BatchGetItem while they fit (100 keys a
        call, unprocessed keys asked again); every table asked for is in the answer, found or not."""
        models = {table.Meta.table_name: table for table in requests}
        found: dict[type, list[dict]] = {table: [] for table in requests}
        pending = [(table.Meta.table_name, _key(table, k)) for table, keys in requests.items()
                   for k in {schema_of(table).key_of(k): k for k in keys}.values()]
        for start in range(0, len(pending), 100):
            request: dict[str, Any] = {}
            for name, key in pending[start:start + 100]:
                request.setdefault(name, {"Keys": [], "ConsistentRead": True})["Keys"].append(key)
            while request:
                answer = self._call("batch_get_item", RequestItems=request)
                for name, items in answer.get("Responses", {}).items():
                    found[models[name]] += [_plain(models[name], raw) for raw in items]
                request = answer.get("UnprocessedKeys") or None
        return found

    def _query_request(self, table: type, hash_value: Any, index: str | None, sort: Cond | None,
                       filter: Cond | None) -> dict:
        keys = schema_of(table).index(index)
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        key_condition = getattr(table, keys.hash) == hash_value
        if sort is not None:
            key_condition = key_condition & _condition(table, sort)
        request: dict[str, Any] = {"TableName": table.Meta.table_name,
                                   "KeyConditionExpression": key_condition.serialize(names, values)}
        if filter is not None:
            request["FilterExpression"] = _condition(table, filter).serialize(names, values)
        if index:
            request["IndexName"] = index
        request["ExpressionAttributeNames"] = {placeholder: n for n, placeholder in names.items()}
        request["ExpressionAttributeValues"] = values
        return request

    def query(self, table: type, hash_value: Any, *, index: str | None = None, sort: Cond | None = None,
              forward: bool = True, limit: int | None = None, filter: Cond | None = None) -> QueryResult:
        """One Query call: at most `limit` items read (before `filter`), and where the next page would start."""
        request = self._query_request(table, hash_value, index, sort, filter)
        request["ScanIndexForward"] = forward
        if limit is not None:
            request["Limit"] = limit
        answer = self._call("query", **request)
        last = answer.get("LastEvaluatedKey")
        items = [_plain(table, raw) for raw in answer.get("Items", [])]
        return QueryResult(items, _plain(table, last) if last else None)

    def count(self, table: type, hash_value: Any, *, index: str | None = None, sort: Cond | None = None,
              filter: Cond | None = None) -> int:
        """How many items a query matches (Select COUNT, every page)."""
        request = self._query_request(table, hash_value, index, sort, filter)
        request["Select"] = "COUNT"
        total = 0
        while True:
            answer = self._call("query", **request)
            total += answer["Count"]
            if "LastEvaluatedKey" not in answer:
                return total
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def _call(self, operation: str, **request) -> dict:
        try:
            return getattr(aws.client("dynamodb"), operation)(**request)
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc) from exc

    def write(self, ops: list[Op]) -> None:
        """Write `ops` all or nothing: one call for one operation, else one TransactWriteItems."""
        if not ops:
            return
        targets = [(op.table, schema_of(op.table).key_of(op.item if isinstance(op, Put) else op.key)) for op in ops]
        if len(set(targets)) != len(targets):
            raise ValueError("two operations on one item in one transaction")
        client = aws.client("dynamodb")
        requests = [_operation(op) for op in ops]
        try:
            if len(requests) == 1 and requests[0][0] != "ConditionCheck":
                kind, request = requests[0]
                {"Put": client.put_item, "Update": client.update_item, "Delete": client.delete_item}[kind](**request)
            else:
                client.transact_write_items(TransactItems=[{kind: request} for kind, request in requests])
        except ClientError as exc:
            raise self._error(exc, len(requests)) from exc
        except BotoCoreError as exc:
            raise StoreUnavailable(str(exc)) from exc

    @staticmethod
    def _error(exc: Exception, size: int = 1) -> Exception:
        """ConditionFailed for a refused condition, StoreUnavailable for what a retry may cure, else `exc`."""
        if isinstance(exc, ClientError):
            code = exc.response.get("Error", {}).get("Code")
            if code == "ConditionalCheckFailedException":
                return ConditionFailed([0])
            if code == "TransactionCanceledException":
                reasons = exc.response.get("CancellationReasons") or []
                failed = [n for n, r in enumerate(reasons) if r.get("Code") == "ConditionalCheckFailed"]
                if failed:
                    return ConditionFailed(failed)
                return StoreUnavailable(str(exc))
        if _unavailable(exc):
            return StoreUnavailable(str(exc))
        return exc
