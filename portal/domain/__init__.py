"""Pure policy: no Flask, boto3 or PynamoDB imports here (DESIGN rule 1)."""
