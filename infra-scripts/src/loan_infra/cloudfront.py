"""CloudFront: one distribution in front of the private SPA bucket and the API's ALB.

Default behaviour -> S3 through Origin Access Control, with a viewer-request function that serves
index.html for client-side routes (no distribution-wide custom error pages: those would turn API
403/404s into 200 text/html). /api/*, /auth/* and /health/* -> the ALB, caching off, every viewer
header except Host forwarded, all methods. A response-headers policy adds the security headers to
both. The browser sees one origin, so there is no CORS and cookies can be SameSite=Strict.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from loan_infra.aws import Aws, error_code, is_planned, planned
from loan_infra.config import Config
from loan_infra.errors import InfraError
from loan_infra.output import Outcome, Reporter
from loan_infra.poll import poll_until
from loan_infra.render import read_text

# AWS managed policies (stable IDs published in the CloudFront developer guide).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
API_PATHS = ("/api/*", "/auth/*", "/health/*")
S3_ORIGIN, ALB_ORIGIN = "s3-web", "alb-api"
SPEC_TAG = "loan-infra:spec-sha256"
INVALIDATION_PATHS = ["/", "/index.html"]


@dataclass(frozen=True)
class Distribution:
    id: str
    arn: str
    domain: str


def _digest(document: Any) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


# --- origin access control ---------------------------------------------------------------------


def ensure_oac(aws: Aws, out: Reporter, name: str) -> str:
    items = aws.cloudfront.list_origin_access_controls().get("OriginAccessControlList", {}).get("Items", [])
    found = next((i for i in items if i.get("Name") == name), None)
    if found is not None:
        out.resource("exists", f"origin access control {name}")
        return str(found["Id"])
    if out.dry_run:
        out.resource("created", f"origin access control {name}")
        return planned(f"origin access control {name}")
    created = aws.cloudfront.create_origin_access_control(
        OriginAccessControlConfig={
            "Name": name,
            "Description": "CloudFront signs every request to the private web bucket",
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3",
        }
    )
    out.resource("created", f"origin access control {name}")
    return str(created["OriginAccessControl"]["Id"])


# --- viewer-request function -------------------------------------------------------------------


def ensure_spa_function(aws: Aws, out: Reporter, name: str) -> str:
    """Create or update, then publish, the SPA rewrite function; returns its (LIVE) ARN."""
    code = read_text("spa-rewrite.js").encode()
    config: Any = {"Comment": "Serve index.html for client-side routes", "Runtime": "cloudfront-js-2.0"}
    current = _development_stage(aws, name)
    what = f"CloudFront function {name}"
    if current is not None and current["FunctionCode"].read() == code:
        out.resource("exists", what)
        return _live_arn(aws, name) or _publish(aws, name, current["ETag"])
    outcome: Outcome = "created" if current is None else "updated"
    if out.dry_run:
        out.resource(outcome, what)
        return (_live_arn(aws, name) if current else None) or planned(f"function {name}")
    if current is None:
        etag = aws.cloudfront.create_function(Name=name, FunctionConfig=config, FunctionCode=code)["ETag"]
    else:
        etag = aws.cloudfront.update_function(
            Name=name, IfMatch=current["ETag"], FunctionConfig=config, FunctionCode=code
        )["ETag"]
    out.resource(outcome, what, "new code published" if current else "")
    return _publish(aws, name, etag)


def _development_stage(aws: Aws, name: str) -> Any:
    try:
        return aws.cloudfront.get_function(Name=name, Stage="DEVELOPMENT")
    except ClientError as exc:
        if error_code(exc) == "NoSuchFunctionExists":
            return None
        raise


def _publish(aws: Aws, name: str, etag: str) -> str:
    summary = aws.cloudfront.publish_function(Name=name, IfMatch=etag)["FunctionSummary"]
    return str(summary["FunctionMetadata"]["FunctionARN"])


def _live_arn(aws: Aws, name: str) -> str | None:
    try:
        summary = aws.cloudfront.describe_function(Name=name, Stage="LIVE")["FunctionSummary"]
    except ClientError as exc:
        if error_code(exc) == "NoSuchFunctionExists":
            return None
        raise
    return str(summary["FunctionMetadata"]["FunctionARN"])


# --- response headers policy -------------------------------------------------------------------


def headers_policy_config(name: str, csp: str) -> dict[str, Any]:
    security = {
        "StrictTransportSecurity": {
            "Override": True,
            "AccessControlMaxAgeSec": 63072000,
            "IncludeSubdomains": True,
            "Preload": True,
        },
        "ContentSecurityPolicy": {"Override": True, "ContentSecurityPolicy": csp},
        "ContentTypeOptions": {"Override": True},
        "FrameOptions": {"Override": True, "FrameOption": "DENY"},
        "ReferrerPolicy": {"Override": True, "ReferrerPolicy": "strict-origin-when-cross-origin"},
    }
    config: dict[str, Any] = {"Name": name, "SecurityHeadersConfig": security}
    config["Comment"] = f"loan-infra {_digest(config)[:32]}"
    return config


def ensure_headers_policy(aws: Aws, out: Reporter, name: str, csp: str) -> str:
    wanted = headers_policy_config(name, csp)
    listing = aws.cloudfront.list_response_headers_policies(Type="custom").get("ResponseHeadersPolicyList", {})
    found = next(
        (
            i["ResponseHeadersPolicy"]
            for i in listing.get("Items", [])
            if i["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"]["Name"] == name
        ),
        None,
    )
    if found is None:
        if out.dry_run:
            out.resource("created", f"response headers policy {name}")
            return planned(f"headers policy {name}")
        created = aws.cloudfront.create_response_headers_policy(ResponseHeadersPolicyConfig=wanted)  # type: ignore[arg-type]
        out.resource("created", f"response headers policy {name}", "HSTS, CSP, nosniff, DENY frames, referrer")
        return str(created["ResponseHeadersPolicy"]["Id"])
    policy_id = str(found["Id"])
    if found["ResponseHeadersPolicyConfig"].get("Comment") == wanted["Comment"]:
        out.resource("exists", f"response headers policy {name}")
        return policy_id
    if not out.dry_run:
        etag = aws.cloudfront.get_response_headers_policy(Id=policy_id)["ETag"]
        aws.cloudfront.update_response_headers_policy(Id=policy_id, IfMatch=etag, ResponseHeadersPolicyConfig=wanted)  # type: ignore[arg-type]
    out.resource("updated", f"response headers policy {name}")
    return policy_id


# --- distribution ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistributionInputs:
    bucket: str
    oac_id: str
    function_arn: str
    headers_policy_id: str
    alb_domain: str


def distribution_config(aws: Aws, config: Config, inputs: DistributionInputs) -> dict[str, Any]:
    web = config.web
    aliases: dict[str, Any] = {"Quantity": len(web.aliases)}
    if web.aliases:
        aliases["Items"] = list(web.aliases)
    return {
        # A fixed caller reference makes a retried create idempotent on AWS's side too.
        "CallerReference": f"loan-infra-{config.prefix}",
        "Comment": config.names.distribution_comment,
        "Enabled": True,
        "DefaultRootObject": "index.html",
        "HttpVersion": "http2and3",
        "IsIPV6Enabled": True,
        "PriceClass": web.price_class,
        "Aliases": aliases,
        "ViewerCertificate": _viewer_certificate(web.certificate_arn),
        "Origins": {"Quantity": 2, "Items": [_s3_origin(aws, inputs), _alb_origin(config, inputs.alb_domain)]},
        "DefaultCacheBehavior": _web_behaviour(inputs),
        "CacheBehaviors": {"Quantity": len(API_PATHS), "Items": [_api_behaviour(p, inputs) for p in API_PATHS]},
    }


def _viewer_certificate(certificate_arn: str) -> dict[str, Any]:
    if not certificate_arn:
        return {"CloudFrontDefaultCertificate": True}
    return {
        "ACMCertificateArn": certificate_arn,
        "SSLSupportMethod": "sni-only",
        "MinimumProtocolVersion": "TLSv1.2_2021",
    }


def _s3_origin(aws: Aws, inputs: DistributionInputs) -> dict[str, Any]:
    # The REST endpoint (not the website endpoint): OAC only works with it, and it keeps the bucket private.
    return {
        "Id": S3_ORIGIN,
        "DomainName": f"{inputs.bucket}.s3.{aws.region}.amazonaws.com",
        "OriginAccessControlId": inputs.oac_id,
        "S3OriginConfig": {"OriginAccessIdentity": ""},
    }


def _alb_origin(config: Config, alb_domain: str) -> dict[str, Any]:
    https = bool(config.alb.certificate_arn)
    return {
        "Id": ALB_ORIGIN,
        "DomainName": alb_domain,
        "CustomOriginConfig": {
            "HTTPPort": 80,
            "HTTPSPort": 443,
            # With a certificate the ALB is reached by the hostname the certificate names (alb.api_url).
            "OriginProtocolPolicy": "https-only" if https else "http-only",
            "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
            "OriginReadTimeout": 30,
            "OriginKeepaliveTimeout": 5,
        },
    }


def _web_behaviour(inputs: DistributionInputs) -> dict[str, Any]:
    return {
        "TargetOriginId": S3_ORIGIN,
        "ViewerProtocolPolicy": "redirect-to-https",
        "AllowedMethods": {
            "Quantity": 2,
            "Items": ["GET", "HEAD"],
            "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
        },
        "Compress": True,
        "CachePolicyId": CACHING_OPTIMIZED,
        "ResponseHeadersPolicyId": inputs.headers_policy_id,
        "FunctionAssociations": {
            "Quantity": 1,
            "Items": [{"EventType": "viewer-request", "FunctionARN": inputs.function_arn}],
        },
    }


def _api_behaviour(path: str, inputs: DistributionInputs) -> dict[str, Any]:
    methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    return {
        "PathPattern": path,
        "TargetOriginId": ALB_ORIGIN,
        # A redirect would turn a POST into a GET; API clients must use https.
        "ViewerProtocolPolicy": "https-only",
        "AllowedMethods": {
            "Quantity": len(methods),
            "Items": methods,
            "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
        },
        "Compress": True,
        "CachePolicyId": CACHING_DISABLED,
        "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST_HEADER,
        "ResponseHeadersPolicyId": inputs.headers_policy_id,
    }


def ensure_distribution(aws: Aws, out: Reporter, config: Config, inputs: DistributionInputs) -> Distribution:
    wanted = distribution_config(aws, config, inputs)
    digest = _digest(wanted)
    current = find_distribution(aws, config)
    what = f"CloudFront distribution ({config.names.distribution_comment})"
    if current is None:
        if out.dry_run:
            out.resource("created", what)
            return Distribution(planned("distribution"), planned("distribution"), planned("distribution"))
        created = aws.cloudfront.create_distribution_with_tags(
            DistributionConfigWithTags={
                "DistributionConfig": wanted,  # type: ignore[typeddict-item]
                "Tags": {"Items": [{"Key": SPEC_TAG, "Value": digest}, {"Key": "managed-by", "Value": "loan-infra"}]},
            }
        )["Distribution"]
        out.resource("created", what, f"{created['Id']}, {created['DomainName']}; takes ~5 min to deploy")
        return Distribution(created["Id"], created["ARN"], created["DomainName"])
    tags = aws.cloudfront.list_tags_for_resource(Resource=current.arn)["Tags"].get("Items", [])
    if {"Key": SPEC_TAG, "Value": digest} in tags:
        out.resource("exists", what, current.id)
        return current
    if not out.dry_run:
        _update_distribution(aws, current, wanted, digest)
    out.resource("updated", what, current.id)
    return current


def _update_distribution(aws: Aws, current: Distribution, wanted: dict[str, Any], digest: str) -> None:
    existing = aws.cloudfront.get_distribution_config(Id=current.id)
    # CallerReference is immutable: keep whatever the distribution was created with.
    config = {**wanted, "CallerReference": existing["DistributionConfig"]["CallerReference"]}
    aws.cloudfront.update_distribution(Id=current.id, IfMatch=existing["ETag"], DistributionConfig=config)  # type: ignore[arg-type]
    aws.cloudfront.tag_resource(Resource=current.arn, Tags={"Items": [{"Key": SPEC_TAG, "Value": digest}]})


def find_distribution(aws: Aws, config: Config) -> Distribution | None:
    """By `web.distribution_id` when set (no list permission needed), else by our comment."""
    if config.web.distribution_id:
        try:
            found = aws.cloudfront.get_distribution(Id=config.web.distribution_id)["Distribution"]
        except ClientError as exc:
            if error_code(exc) == "NoSuchDistribution":
                raise InfraError(f"CloudFront distribution {config.web.distribution_id} not found") from None
            raise
        return Distribution(found["Id"], found["ARN"], found["DomainName"])
    paginator = aws.cloudfront.get_paginator("list_distributions")
    for page in paginator.paginate():
        for item in page.get("DistributionList", {}).get("Items", []):
            if item.get("Comment") == config.names.distribution_comment:
                return Distribution(item["Id"], item["ARN"], item["DomainName"])
    return None


def require_distribution(aws: Aws, config: Config) -> Distribution:
    found = find_distribution(aws, config)
    if found is None:
        raise InfraError("CloudFront distribution not found: run `loan-infra bootstrap` or set web.distribution_id")
    return found


# --- invalidation ------------------------------------------------------------------------------


def invalidate(aws: Aws, out: Reporter, config: Config, distribution: Distribution, reference: str) -> str:
    """Invalidate only / and /index.html (hashed assets never need it) and poll until done."""
    out.step(f"invalidating {' '.join(INVALIDATION_PATHS)} on {distribution.id}")
    if out.dry_run or is_planned(distribution.id):
        out.info("dry run: no invalidation created")
        return ""
    created = aws.cloudfront.create_invalidation(
        DistributionId=distribution.id,
        InvalidationBatch={
            "Paths": {"Quantity": len(INVALIDATION_PATHS), "Items": INVALIDATION_PATHS},
            "CallerReference": reference,
        },
    )["Invalidation"]
    invalidation_id = str(created["Id"])
    poll_until(
        lambda: _completed(aws, distribution.id, invalidation_id),
        what=f"invalidation {invalidation_id} to complete",
        timeout_seconds=config.timing.invalidation_minutes * 60,
        interval_seconds=config.timing.poll_seconds,
    )
    out.info(f"invalidation {invalidation_id} completed")
    return invalidation_id


def _completed(aws: Aws, distribution_id: str, invalidation_id: str) -> bool | None:
    status = aws.cloudfront.get_invalidation(DistributionId=distribution_id, Id=invalidation_id)["Invalidation"][
        "Status"
    ]
    # AWS says "Completed"; emulators say "COMPLETED". Compare without case.
    return True if str(status).lower() == "completed" else None
