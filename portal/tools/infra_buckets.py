"""The one shape of a private bucket in the stack (the documents' and the public site's): no public access,
encrypted, owner-enforced, versioned, kept by a teardown."""

from __future__ import annotations


def private_bucket(name_parameter: str, lifecycle_rules: list[dict], **extra_properties) -> dict:
    """A CloudFormation S3 bucket named by the stack parameter `name_parameter`."""
    return {
        "Type": "AWS::S3::Bucket",
        "DeletionPolicy": "Retain",  # a teardown keeps data (README, make teardown)
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "BucketName": {"Ref": name_parameter},
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                               "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]},
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "VersioningConfiguration": {"Status": "Enabled"},
            "LifecycleConfiguration": {"Rules": lifecycle_rules},
            **extra_properties,
        },
    }
