"""Security properties of the CloudFormation templates, checked on the templates themselves.

cfn-lint (in `make lint`) checks that each template is valid CloudFormation; these checks say what
this project requires beyond validity. Each returns a list of violations ("" when none), so a test
can both require none for the real templates and prove a check fires on a tampered copy.

- every S3 bucket blocks all public access and is encrypted; its policy denies non-TLS requests;
- every log group is encrypted with a KMS key; every RDS instance has StorageEncrypted and is not public;
- no IAM Allow statement names a wildcard action (`*`, `service:*` or a `*` inside an action name),
  and a `Resource: "*"` appears only for the actions AWS cannot scope to a resource.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Actions with no resource-level permissions: "*" is the only Resource AWS accepts for them.
UNSCOPABLE = {
    "ecr:GetAuthorizationToken",
    "ecs:DescribeTaskDefinition",
    "ecs:ListTaskDefinitions",
    "ecs:RegisterTaskDefinition",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTargetHealth",
}
# A KMS key policy's Resource is always "*" (it means "this key").
KEY_POLICY_TYPES = {"AWS::KMS::Key"}
BLOCK_ALL = {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def resources(template: dict[str, Any], kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, resource in template.get("Resources", {}).items():
        if resource.get("Type") == kind:
            yield name, dict(resource.get("Properties", {}))


def policy_documents(template: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(resource, resource type, document) for every IAM permission document in the template."""
    for name, resource in template.get("Resources", {}).items():
        props = resource.get("Properties", {})
        kind = resource.get("Type", "")
        for policy in props.get("Policies", []):
            yield f"{name}/{policy['PolicyName']}", kind, policy["PolicyDocument"]
        for key in ("PolicyDocument", "KeyPolicy"):
            if key in props:
                yield name, kind, props[key]


def check_buckets(template: dict[str, Any]) -> list[str]:
    problems = []
    policies = {str(p["Bucket"].get("Ref", "")): p for _, p in resources(template, "AWS::S3::BucketPolicy")}
    for name, props in resources(template, "AWS::S3::Bucket"):
        block = props.get("PublicAccessBlockConfiguration", {})
        if not all(block.get(k) is True for k in BLOCK_ALL):
            problems.append(f"{name}: public access is not fully blocked")
        if not props.get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration"):
            problems.append(f"{name}: no default encryption")
        if "AccessControl" in props or "WebsiteConfiguration" in props:
            problems.append(f"{name}: ACL or website hosting makes it public")
        policy = policies.get(name)
        if policy is None or not _denies_plain_http(policy["PolicyDocument"]):
            problems.append(f"{name}: its policy does not deny requests without TLS")
    return problems


def _denies_plain_http(document: dict[str, Any]) -> bool:
    for statement in as_list(document.get("Statement", [])):
        condition = statement.get("Condition", {}).get("Bool", {})
        if (
            statement.get("Effect") == "Deny"
            and statement.get("Principal") == "*"
            and "s3:*" in as_list(statement.get("Action"))
            and str(condition.get("aws:SecureTransport")).lower() == "false"
        ):
            return True
    return False


def check_encryption(template: dict[str, Any]) -> list[str]:
    problems = [
        f"{name}: log group without a KMS key"
        for name, props in resources(template, "AWS::Logs::LogGroup")
        if not props.get("KmsKeyId")
    ]
    for name, props in resources(template, "AWS::RDS::DBInstance"):
        if props.get("StorageEncrypted") is not True:
            problems.append(f"{name}: database storage not encrypted")
        if props.get("PubliclyAccessible") is not False:
            problems.append(f"{name}: database may be publicly accessible")
    for name, props in resources(template, "AWS::ECR::Repository"):
        if not props.get("EncryptionConfiguration"):
            problems.append(f"{name}: repository encryption not set")
    return problems


def check_iam(template: dict[str, Any]) -> list[str]:
    problems = []
    for where, kind, document in policy_documents(template):
        for statement in as_list(document.get("Statement", [])):
            if statement.get("Effect") != "Allow":
                continue
            actions = [str(a) for a in as_list(statement.get("Action", []))]
            label = f"{where} {statement.get('Sid', '')}".strip()
            wild = [a for a in actions if "*" in a]
            if wild:
                problems.append(f"{label}: wildcard actions {wild}")
            if "NotAction" in statement or "NotResource" in statement:
                problems.append(f"{label}: NotAction/NotResource")
            unscoped = kind not in KEY_POLICY_TYPES and "*" in as_list(statement.get("Resource", []))
            if unscoped and not set(actions) <= UNSCOPABLE:
                problems.append(f"{label}: Resource * for {sorted(set(actions) - UNSCOPABLE)}")
    return problems


def violations(template: dict[str, Any]) -> list[str]:
    return check_buckets(template) + check_encryption(template) + check_iam(template)
