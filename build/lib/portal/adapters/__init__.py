"""I/O: DynamoDB through PynamoDB, S3 and SES through boto3."""
