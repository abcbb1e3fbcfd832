"""Issue 14 item 9: the public site — the same templates served by Flask and published as static HTML to S3."""

import re

import pytest

from portal.domain.customers import DEFAULT_DOCUMENT_TYPES, CustomerType
from portal.services import site
from portal.site import LANGS, PAGES
from portal.site.publish import ASSET_CACHE, HTML_CACHE, manifest, publish_site, render_pages
from portal.tools import infra_site
from portal.tools.render_infra import template
from tests.conftest import TEST_SETTINGS, csrf_token, sign_in

BUCKET = "portal-test-site"


def listed(html: str) -> dict[str, list[str]]:
    """Customer type → the document type ids the admission page lists for it."""
    out = {}
    for kind, block in re.findall(r'<ul class="guide-docs" data-kind="(\w+)">(.*?)</ul>', html, re.S):
        out[kind] = re.findall(r'data-type="([\w-]+)"', block)
    return out


def expected() -> dict[str, list[str]]:
    return {kind.value: sorted(t for t, _zh, _en, req in DEFAULT_DOCUMENT_TYPES if kind.value in req)
            for kind in CustomerType if any(kind.value in req for *_x, req in DEFAULT_DOCUMENT_TYPES)}


def test_every_public_page_is_served_in_chinese_and_english_without_signing_in(client):
    for page in PAGES:
        zh, en = client.get(f"/zh/{page}.html"), client.get(f"/en/{page}.html")
        assert zh.status_code == en.status_code == 200, page
        assert '<html lang="zh-CN">' in zh.get_data(as_text=True)
        assert '<html lang="en">' in en.get_data(as_text=True)
        assert zh.get_data(as_text=True) != en.get_data(as_text=True)
    assert client.get("/fr/index.html").status_code == 404 and client.get("/zh/secret.html").status_code == 404
    admission = client.get("/zh/admission.html").get_data(as_text=True)
    assert "准入指南" in admission and "营业执照" in admission and "/static/css/portal.css" in admission


def test_admission_guide_lists_the_documents_md_keeps_for_each_customer_type(app):
    pages = render_pages(app, ["admission"])
    assert listed(pages["zh/admission.html"]) == expected() == listed(pages["en/admission.html"])
    assert "医疗机构执业许可证" in pages["zh/admission.html"]
    assert "Medical institution practising licence" in pages["en/admission.html"]
    # a customer type nothing is required of says so rather than listing nothing
    assert 'data-kind="internal"' in pages["en/admission.html"]


def test_published_pages_name_content_hashed_assets_that_exist(app):
    names = manifest()
    assert re.fullmatch(r"css/portal\.[0-9a-f]{10}\.css", names["css/portal.css"])
    pages = render_pages(app)
    assert set(pages) == {f"{lang}/{page}.html" for lang in LANGS for page in PAGES}
    for html in pages.values():
        assert f'href="/static/{names["css/portal.css"]}"' in html
        assert 'href="/static/css/portal.css"' not in html


@pytest.fixture
def site_app(aws):
    """The portal with a static-site bucket (moto): MD's changes re-publish the pages that list document types."""
    from portal import create_app
    from portal.adapters import aws as aws_adapter

    aws_adapter.client("s3").create_bucket(Bucket=BUCKET)
    app = create_app({**TEST_SETTINGS, "static_bucket": BUCKET})
    app.config["TESTING"] = True
    yield app
    site.forget_listeners()


def test_publish_static_uploads_pages_and_assets_with_their_types_and_caching(site_app):
    from portal.adapters import aws as aws_adapter

    keys = publish_site(site_app, BUCKET)
    s3 = aws_adapter.client("s3")
    page = s3.head_object(Bucket=BUCKET, Key="zh/admission.html")
    assert page["ContentType"] == "text/html; charset=utf-8" and page["CacheControl"] == HTML_CACHE
    hashed = "static/" + manifest()["css/portal.css"]
    asset = s3.head_object(Bucket=BUCKET, Key=hashed)
    assert asset["ContentType"] == "text/css" and asset["CacheControl"] == ASSET_CACHE
    script = s3.head_object(Bucket=BUCKET, Key="static/" + manifest()["js/upload.js"])
    assert script["ContentType"] == "text/javascript" and "immutable" in script["CacheControl"]
    assert {"en/index.html", "zh/privacy.html", "en/complaints.html", hashed} <= set(keys)


def test_md_changing_document_types_republishes_the_admission_pages(site_app):
    from portal.adapters import aws as aws_adapter

    s3 = aws_adapter.client("s3")
    client = site_app.test_client()
    sign_in(client, "md.admin@demo.local")
    token = csrf_token(client, "/staff/document-types")
    added = client.post("/staff/document-types", data={
        "csrf_token": token, "target": "new", "new-type_id": "gsp-certificate", "new-name_zh": "GSP 认证证书",
        "new-name_en": "GSP certificate", "new-required_for": ["retail"]})
    assert added.status_code == 302
    for lang in LANGS:
        html = s3.get_object(Bucket=BUCKET, Key=f"{lang}/admission.html")["Body"].read().decode()
        assert "gsp-certificate" in listed(html)["retail"]
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix="zh/index")  # only the affected pages


def test_template_puts_the_site_behind_cloudfront_with_oac_https_only_and_security_headers():
    resources = template()["Resources"]
    kinds = {name: r["Type"] for name, r in resources.items()}
    assert kinds["SiteBucket"] == "AWS::S3::Bucket"
    assert kinds["SiteOriginAccessControl"] == "AWS::CloudFront::OriginAccessControl"
    assert kinds["SiteHeadersPolicy"] == "AWS::CloudFront::ResponseHeadersPolicy"
    config = resources["SiteDistribution"]["Properties"]["DistributionConfig"]
    # the API's origin and its paths join once its domain is known (a condition on ApiDomainName)
    condition, api_behaviours, without = config["CacheBehaviors"]["Fn::If"]
    assert condition == infra_site.HAS_API and without == {"Ref": "AWS::NoValue"}
    [api_origin] = [o["Fn::If"][1] for o in config["Origins"] if "Fn::If" in o]
    assert api_origin["Id"] == "portal-api" and api_origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert template()["Conditions"][infra_site.HAS_API] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "ApiDomainName"}, ""]}]}
    behaviours = [config["DefaultCacheBehavior"], *api_behaviours]
    assert {b["ViewerProtocolPolicy"] for b in behaviours} == {"https-only"}
    bucket_origin = next(o for o in config["Origins"] if o["Id"] == "site-bucket")
    assert bucket_origin["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}
    assert all(resources["SiteBucket"]["Properties"]["PublicAccessBlockConfiguration"].values())
    routed = {b["PathPattern"]: b["TargetOriginId"] for b in api_behaviours}
    assert routed["/api/*"] == routed["/staff*"] == routed["/login"] == "portal-api"
    assert set(infra_site.DYNAMIC_PATHS) == set(routed)
    headers = resources["SiteHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert headers["FrameOptions"]["FrameOption"] == "DENY" and "ContentTypeOptions" in headers


def test_the_role_may_write_exactly_the_pages_that_are_published_again():
    """MD's document-type change re-publishes DATA_PAGES from Lambda: the execution role names those keys only."""
    from portal.site import DATA_PAGES, LANGS
    from portal.tools.infra_role import SITE_DATA_PAGES

    assert sorted(SITE_DATA_PAGES) == sorted(f"{lang}/{page}.html" for lang in LANGS for page in DATA_PAGES)
