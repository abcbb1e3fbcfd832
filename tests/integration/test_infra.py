"""DESIGN rule 4: infra/template.json comes from the one table declaration, and cfn-lint passes."""

import json
import subprocess
import sys
from pathlib import Path

from portal.adapters.tables import MODELS
from portal.tools.render_infra import TEMPLATE, logical_id, rendered

ROOT = Path(__file__).resolve().parents[2]


def test_template_is_rendered_from_the_current_declaration():
    assert TEMPLATE.read_text(encoding="utf-8") == rendered(), "run `make infra` and commit infra/template.json"


def test_template_tables_match_the_models_keys_and_indexes():
    resources = json.loads(TEMPLATE.read_text(encoding="utf-8"))["Resources"]
    tables = {k: v for k, v in resources.items() if v["Type"] == "AWS::DynamoDB::Table"}
    assert set(tables) == {logical_id(m) for m in MODELS}
    for model in MODELS:
        props = tables[logical_id(model)]["Properties"]
        schema = model._get_schema()
        assert {(k["AttributeName"], k["KeyType"]) for k in props["KeySchema"]} == {
            (k["AttributeName"], k["KeyType"]) for k in schema["key_schema"]}
        declared = {i["index_name"]: {(k["AttributeName"], k["KeyType"]) for k in i["key_schema"]}
                    for i in schema["global_secondary_indexes"]}
        templated = {i["IndexName"]: {(k["AttributeName"], k["KeyType"]) for k in i["KeySchema"]}
                     for i in props.get("GlobalSecondaryIndexes", [])}
        assert templated == declared
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
        assert props["DeletionProtectionEnabled"] is True
        assert props["SSESpecification"]["SSEEnabled"] is True


def test_bucket_is_private_and_encrypted_with_cors_for_the_portal():
    bucket = json.loads(TEMPLATE.read_text(encoding="utf-8"))["Resources"]["DocumentBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert bucket["CorsConfiguration"]["CorsRules"][0]["AllowedOrigins"] == [{"Ref": "PortalOrigin"}]


def test_cfn_lint_passes():
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([str(cfn_lint), str(TEMPLATE)], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
