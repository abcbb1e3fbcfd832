"""The static site's CloudFormation resources: a private bucket, CloudFront with origin access control, HTTPS only.

Visitors' pages (home, 准入指南, complaint channels, privacy notice) and the CSS/JS come from the bucket; every
signed-in route goes on to API Gateway and the Lambda. A response-headers policy adds the security headers the
portal itself sends (CSP, HSTS, nosniff, frame denial, referrer policy). render_infra.py merges these in.
"""

from __future__ import annotations

from portal.tools.infra_buckets import private_bucket

# CloudFront's managed policies (fixed ids, the same in every account).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
# What the Lambda serves (everything else is the bucket's): sign-in, registration, language, the signed-in areas.
DYNAMIC_PATHS = ("/login", "/logout", "/register", "/invite/*", "/lang/*", "/account/*", "/staff*", "/customer*",
                 "/api/*")
SITE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

PARAMETERS = {
    "SiteBucketName": {"Type": "String", "Description": "the static site's private bucket"},
    "ApiDomainName": {"Type": "String", "Default": "",
                      "Description": "API Gateway's host, e.g. abc123.execute-api.ap-east-1.amazonaws.com; empty "
                                     "on the first deploy (zappa makes the API after the stack): the site alone"},
    "ApiStagePath": {"Type": "String", "Default": "/dev", "AllowedPattern": "^/[A-Za-z0-9_-]+$",
                     "Description": "the API Gateway stage as an origin path"},
}


def _dynamic_behaviour(path: str) -> dict:
    return {"PathPattern": path, "TargetOriginId": "portal-api", "ViewerProtocolPolicy": "https-only",
            "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
            "CachedMethods": ["GET", "HEAD"], "Compress": True, "CachePolicyId": CACHING_DISABLED,
            "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
            "ResponseHeadersPolicyId": {"Ref": "SiteHeadersPolicy"}}


def resources() -> dict:
    """Bucket, its policy (CloudFront only, TLS only), origin access control, headers policy, distribution."""
    bucket_arn = {"Fn::GetAtt": ["SiteBucket", "Arn"]}
    distribution_arn = {
        "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${SiteDistribution}"}
    return {
        "SiteBucket": private_bucket("SiteBucketName", [
            {"Id": "OldVersions", "Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]),
        "SiteBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {"Bucket": {"Ref": "SiteBucket"}, "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Sid": "CloudFrontReadsThroughOAC", "Effect": "Allow",
                 "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
                 "Resource": {"Fn::Sub": "${SiteBucket.Arn}/*"},
                 "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}}},
                {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                 "Resource": [bucket_arn, {"Fn::Sub": "${SiteBucket.Arn}/*"}],
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            ]}},
        },
        "SiteOriginAccessControl": {
            "Type": "AWS::CloudFront::OriginAccessControl",
            "Properties": {"OriginAccessControlConfig": {
                "Name": {"Fn::Sub": "${AWS::StackName}-site"}, "OriginAccessControlOriginType": "s3",
                "SigningBehavior": "always", "SigningProtocol": "sigv4",
                "Description": "CloudFront signs every request to the private site bucket"}},
        },
        "SiteHeadersPolicy": {
            "Type": "AWS::CloudFront::ResponseHeadersPolicy",
            "Properties": {"ResponseHeadersPolicyConfig": {
                "Name": {"Fn::Sub": "${AWS::StackName}-security-headers"},
                "SecurityHeadersConfig": {
                    "StrictTransportSecurity": {"AccessControlMaxAgeSec": 31536000, "IncludeSubdomains": True,
                                                "Override": True},
                    "ContentTypeOptions": {"Override": True},
                    "FrameOptions": {"FrameOption": "DENY", "Override": True},
                    "ReferrerPolicy": {"ReferrerPolicy": "same-origin", "Override": True},
                    # the portal's pages send their own CSP (uploads to S3): the site's applies where none came
                    "ContentSecurityPolicy": {"ContentSecurityPolicy": SITE_CSP, "Override": False},
                },
                "CustomHeadersConfig": {"Items": [
                    {"Header": "Permissions-Policy", "Override": False,
                     "Value": "camera=(), microphone=(), geolocation=(), payment=(), usb=()"},
                    {"Header": "Cross-Origin-Opener-Policy", "Value": "same-origin", "Override": False}]},
            }},
        },
        "SiteDistribution": {
            "Type": "AWS::CloudFront::Distribution",
            "Properties": {"DistributionConfig": {
                "Enabled": True, "Comment": "customer portal: static site in front, the Lambda behind",
                "DefaultRootObject": "zh/index.html", "HttpVersion": "http2and3", "IPV6Enabled": True,
                "PriceClass": "PriceClass_All",
                "Origins": [
                    {"Id": "site-bucket", "DomainName": {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]},
                     "S3OriginConfig": {"OriginAccessIdentity": ""},
                     "OriginAccessControlId": {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}},
                    {"Fn::If": [HAS_API, {
                        "Id": "portal-api", "DomainName": {"Ref": "ApiDomainName"},
                        "OriginPath": {"Ref": "ApiStagePath"},
                        "CustomOriginConfig": {"OriginProtocolPolicy": "https-only",
                                               "OriginSSLProtocols": ["TLSv1.2"]}}, {"Ref": "AWS::NoValue"}]},
                ],
                "DefaultCacheBehavior": {
                    "TargetOriginId": "site-bucket", "ViewerProtocolPolicy": "https-only", "Compress": True,
                    "AllowedMethods": ["GET", "HEAD"], "CachedMethods": ["GET", "HEAD"],
                    "CachePolicyId": CACHING_OPTIMIZED, "ResponseHeadersPolicyId": {"Ref": "SiteHeadersPolicy"}},
                "CacheBehaviors": {"Fn::If": [HAS_API, [_dynamic_behaviour(path) for path in DYNAMIC_PATHS],
                                              {"Ref": "AWS::NoValue"}]},
                "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
            }},
        },
    }


HAS_API = "SiteHasApi"  # the API's origin joins once its domain is known (the second deploy)
CONDITIONS = {HAS_API: {"Fn::Not": [{"Fn::Equals": [{"Ref": "ApiDomainName"}, ""]}]}}

OUTPUTS = {
    "SiteBucketName": {"Value": {"Ref": "SiteBucket"}},
    "SiteDomainName": {"Value": {"Fn::GetAtt": ["SiteDistribution", "DomainName"]}},
    "SiteDistributionId": {"Value": {"Ref": "SiteDistribution"}},
}
