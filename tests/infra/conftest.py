"""Fixtures for the deployment tool: a moto server over real HTTP, the account's existing network,
a config file, the CLI, and a local HTTP server that plays the ALB and CloudFront.

loan-infra runs in-process (`main([...])`) but reaches AWS only through the moto server's HTTP port,
exactly as it reaches AWS. The moto server is shared by the session and reset before every test.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.exceptions import ClientError
from cfnlint.decode import cfn_yaml  # type: ignore[import-untyped]
from moto.server import ThreadedMotoServer

from loan_infra.cli import main

from .moto_gaps import (
    EcsScheduler,
    install_change_set_outputs,
    install_change_set_parameter_diff,
    install_ecs_scheduler,
    install_stack_service_settings,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "infra-scripts" / "templates" / "cloudformation"


def load_template(name: str) -> dict[str, Any]:
    """A template as CloudFormation reads it (short-form tags become Ref / Fn::* mappings)."""
    return dict(cfn_yaml.load(str(TEMPLATES / name)))


REGION = "eu-west-1"
ACCOUNT = "123456789012"
PREFIX = "loan-engine-test"
BUCKET = f"{PREFIX}-web-{ACCOUNT}"
REPOSITORY = "loan-engine/api"
DATABASE_URL = "postgresql://loan_engine:not-a-real-password@db.internal:5432/loan_engine"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    # One log record per request adds up over a few thousand requests; failures still surface as errors.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = free_port()
    with pytest.MonkeyPatch.context() as env:
        # The tool never looks up AMIs; loading moto's catalogue on every reset costs ~0.2 s a test.
        env.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        yield f"http://127.0.0.1:{port}"
        server.stop()


class Clients:
    """boto3 clients the tests use to arrange and inspect state (never to do the tool's work)."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def __getattr__(self, service: str) -> Any:
        client = boto3.client(service, endpoint_url=self.endpoint, region_name=REGION)  # type: ignore[call-overload]
        setattr(self, service, client)
        return client


@pytest.fixture(autouse=True)
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Clients:
    # Never let a developer's real credentials or profile near these tests.
    for var in (
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_ENDPOINT_URL",
        "LOAN_INFRA_CONFIG",
        "GITHUB_SHA",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    # moto's documented knob for the running count of new services; 0 matches a service bootstrap
    # creates with 0 tasks. Rollouts after that are played by EcsScheduler (moto_gaps.py).
    monkeypatch.setenv("MOTO_ECS_SERVICE_RUNNING", "0")
    monkeypatch.setenv("LOAN_INFRA_DATABASE_URL", DATABASE_URL)
    monkeypatch.setenv("LOAN_INFRA_DEBUG", "1")  # a bug in the tool fails its test with a traceback
    urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST"))
    return Clients(moto_endpoint)


@pytest.fixture(autouse=True)
def ecs(monkeypatch: pytest.MonkeyPatch) -> EcsScheduler:
    scheduler = EcsScheduler()
    install_ecs_scheduler(monkeypatch, scheduler)
    install_change_set_outputs(monkeypatch)
    install_stack_service_settings(monkeypatch)
    install_change_set_parameter_diff(monkeypatch)
    return scheduler


@pytest.fixture
def network(aws: Clients) -> dict[str, Any]:
    """What the test account already has: VPC, two subnets, the task security group and an ALB."""
    vpc = aws.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    # moto needs DNS hostnames on the VPC to give Fargate tasks an ENI (RunTask fails otherwise).
    aws.ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnets = [
        aws.ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in ((1, "a"), (2, "b"))
    ]
    sg = aws.ec2.create_security_group(GroupName="loan-engine-test-tasks", Description="tasks", VpcId=vpc)["GroupId"]
    aws.elbv2.create_load_balancer(Name=PREFIX, Subnets=subnets, Scheme="internet-facing", Type="application")
    # One GitHub OIDC provider per account, usually there already (moto's CloudFormation cannot make one).
    aws.iam.create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com", ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40]
    )
    return {"vpc": vpc, "subnets": subnets, "security_group": sg, "distribution": _existing_web_edge(aws)}


def _existing_web_edge(aws: Clients) -> str:
    """The bucket and distribution the web stack would make; moto's CloudFormation cannot create
    CloudFront resources, so these tests pass an existing pair in (`stacks.web = false`)."""
    aws.s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    origin = {
        "Id": "s3-web",
        "DomainName": f"{BUCKET}.s3.{REGION}.amazonaws.com",
        "S3OriginConfig": {"OriginAccessIdentity": ""},
    }
    behaviour = {"TargetOriginId": "s3-web", "ViewerProtocolPolicy": "redirect-to-https"}
    created = aws.cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": "existing-web-edge",
            "Comment": f"{PREFIX} web",
            "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [origin]},
            "DefaultCacheBehavior": {**behaviour, "MinTTL": 0},
        }
    )
    return str(created["Distribution"]["Id"])


@pytest.fixture
def config_file(tmp_path: Path, network: dict[str, Any], moto_endpoint: str) -> Path:
    path = tmp_path / "loan-infra.toml"
    path.write_text(
        f"""
app = "loan-engine"
environment = "test"
region = "{REGION}"
endpoint_url = "{moto_endpoint}"

[network]
vpc_id = "{network["vpc"]}"
subnets = {json.dumps(network["subnets"])}
security_groups = ["{network["security_group"]}"]

[alb]
name = "{PREFIX}"

[stacks]
web = false
schedule = false

[web]
bucket = "{BUCKET}"
distribution_id = "{network["distribution"]}"

[github]
repository = "example-org/loan-engine"

[timing]
poll_seconds = 0.01
migration_minutes = 0.05
deployment_minutes = 0.02
invalidation_minutes = 0.02
health_retries = 2
""",
        encoding="utf-8",
    )
    return path


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


CLI = Callable[..., Result]


@pytest.fixture
def cli(config_file: Path, capsys: pytest.CaptureFixture[str]) -> CLI:
    """Run `loan-infra <command> --config <file> <args>` in-process; returns exit code and output."""

    def run(command: str, *args: str) -> Result:
        capsys.readouterr()
        code = main([command, "--config", str(config_file), *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def bootstrapped(cli: CLI) -> Result:
    result = cli("bootstrap")
    assert result.code == 0, result.err
    return result


@pytest.fixture
def push_image(aws: Clients) -> Callable[[str], None]:
    """Stand-in for `docker push`: moto has no registry, but PutImage records a tag as ECR would."""

    def push(tag: str) -> None:
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 7,
                "digest": f"sha256:{tag.ljust(64, '0')[:64]}",
            },
            "layers": [],
        }
        aws.ecr.put_image(repositoryName=REPOSITORY, imageManifest=json.dumps(manifest), imageTag=tag)

    return push


# --- web builds ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebBuild:
    root: Path
    assets: tuple[str, ...]


def make_build(base: Path, release: str) -> WebBuild:
    """A miniature Vite build: hashed files under assets/, unhashed public files, index.html."""
    root = base / f"dist-{release}"
    (root / "assets").mkdir(parents=True)
    js, css = f"assets/index-{release}js1.js", f"assets/index-{release}css1.css"
    files = {
        js: f"console.log('release {release}')",
        css: f"body{{--release:'{release}'}}",
        "favicon.ico": "ico",
        "robots.txt": "User-agent: *",
        "index.html": f'<!doctype html><html><head><script type="module" src="/{js}"></script>'
        f'<link rel="stylesheet" href="/{css}"></head><body><div id="root"></div></body></html>',
    }
    files["assets/logo-Shared01.svg"] = "<svg xmlns='http://www.w3.org/2000/svg'/>"  # same in every release
    for key, text in files.items():
        (root / key).write_text(text, encoding="utf-8")
    return WebBuild(root, tuple(sorted(k for k in files if k.startswith("assets/"))))


# --- the edge: what moto cannot serve over HTTP --------------------------------------------------


class Edge:
    """A local HTTP server playing the ALB (the API answering) and CloudFront in front of it and S3.

    Its CloudFront side is wired from the real moto state the tool created: it routes /api/*,
    /auth/* and /health/* to the API, applies the SPA rule of templates/spa-rewrite.js to everything
    else, reads objects (body, Content-Type, Cache-Control) from the bucket in moto, answers 403 for
    a missing key as S3 does behind OAC, and adds the headers of the distribution's response
    headers policy.
    """

    def __init__(self, clients: Clients) -> None:
        self.clients = clients
        self.ready = True
        self.drop_headers: set[str] = set()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        edge = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, headers, body = edge.answer(urlsplit(self.path).path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if path.startswith(("/api/", "/auth/", "/health/")):
            return self.api(path)
        last = path.rsplit("/", 1)[-1]
        key = "index.html" if "." not in last else path.lstrip("/")
        try:
            obj = self.clients.s3.get_object(Bucket=BUCKET, Key=key)
        except ClientError:
            return 403, {"Content-Type": "application/xml"}, b"<Error><Code>AccessDenied</Code></Error>"
        headers = {"Content-Type": obj["ContentType"], "Cache-Control": obj.get("CacheControl", "")}
        headers.update({k: v for k, v in self.security_headers().items() if k.lower() not in self.drop_headers})
        return 200, headers, obj["Body"].read()

    def api(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if path == "/health/live":
            return 200, {"Content-Type": "application/json"}, b'{"status":"ok"}'
        if path == "/health/ready":
            status = 200 if self.ready else 503
            return status, {"Content-Type": "application/json"}, json.dumps({"ready": self.ready}).encode()
        problem = {"type": "about:blank", "title": "Not Found", "status": 404}
        return 404, {"Content-Type": "application/problem+json"}, json.dumps(problem).encode()

    def security_headers(self) -> dict[str, str]:
        """The headers of web.yaml's response-headers policy, as CloudFront would add them."""
        template = load_template("web.yaml")
        sec = template["Resources"]["SecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
        sec = sec["SecurityHeadersConfig"]
        hsts = sec["StrictTransportSecurity"]
        csp = " ".join(str(template["Parameters"]["ContentSecurityPolicy"]["Default"]).split())
        return {
            "Strict-Transport-Security": f"max-age={hsts['AccessControlMaxAgeSec']}; includeSubDomains; preload",
            "Content-Security-Policy": csp,
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": sec["FrameOptions"]["FrameOption"],
            "Referrer-Policy": sec["ReferrerPolicy"]["ReferrerPolicy"],
        }


@pytest.fixture
def edge(aws: Clients) -> Iterator[Edge]:
    server = Edge(aws)
    yield server
    server.server.shutdown()
    server.server.server_close()
