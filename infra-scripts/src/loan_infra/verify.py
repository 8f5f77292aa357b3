"""`verify` and `status`: the cookbook's verification checklist as code.

Each check prints PASS/FAIL with what it saw, so the output doubles as the expected-output column
of the checklist. HTTP checks use the standard library only and follow no cleverness: one GET,
status, headers and a bounded body.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message

from loan_infra import alb, cloudfront, ecs, s3web
from loan_infra.aws import Aws
from loan_infra.config import Config, TimingConfig
from loan_infra.errors import InfraError
from loan_infra.output import Reporter
from loan_infra.taskdefs import revision_name

SECURITY_HEADERS = (
    "strict-transport-security",
    "content-security-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
)
DEEP_LINK = "/loans/loan-infra-verify"
API_PROBE = "/api/loan-infra-verify-does-not-exist"
_ASSET_IN_INDEX = re.compile(r"""(?:src|href)=["'](/assets/[^"']+\.js)["']""")


@dataclass(frozen=True)
class Response:
    status: int
    headers: Message
    body: bytes

    def header(self, name: str) -> str:
        return str(self.headers.get(name, ""))


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


def http_get(url: str, timeout: float = 10.0) -> Response:
    request = urllib.request.Request(url, headers={"User-Agent": "loan-infra-verify"})  # noqa: S310 (http(s) only, from config)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310
            return Response(resp.status, resp.headers, resp.read(1_000_000))
    except urllib.error.HTTPError as exc:
        return Response(exc.code, exc.headers, exc.read(100_000))
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise InfraError(f"GET {url} failed: {getattr(exc, 'reason', exc)}") from None


def wait_for_ready(out: Reporter, api_url: str, timing: TimingConfig) -> None:
    """GET /health/ready until 200; the ALB may need a moment to route to brand-new targets."""
    url = f"{api_url}/health/ready"
    last = ""
    for attempt in range(1, timing.health_retries + 1):
        try:
            resp = http_get(url)
            if resp.status == 200:
                out.info(f"GET {url} -> 200")
                return
            last = f"HTTP {resp.status}"
        except InfraError as exc:
            last = str(exc)
        out.info(f"GET {url} -> {last} (attempt {attempt}/{timing.health_retries})")
        if attempt < timing.health_retries:
            time.sleep(timing.poll_seconds)
    raise InfraError(f"/health/ready did not answer 200 through the ALB ({last})")


# --- checks ------------------------------------------------------------------------------------


def check_service(aws: Aws, config: Config) -> Check:
    svc = ecs.describe_service(aws, config)
    if svc is None:
        return Check("ECS service", False, "service not found")
    primary = svc.primary
    state = primary.get("rolloutState", "?")
    ok = state == "COMPLETED" and len(svc.deployments) == 1 and svc.running == svc.desired > 0
    detail = f"{revision_name(svc.task_definition)} {state}, {svc.running}/{svc.desired} tasks running"
    if len(svc.deployments) > 1:
        detail += f", {len(svc.deployments)} deployments in flight"
    return Check("ECS service", ok, detail)


def check_worker(aws: Aws, config: Config) -> Check:
    """The worker (`loan-engine worker`): one task running the same image as the API, rollout settled."""
    n = config.names
    worker = ecs.describe_named_service(aws, n.cluster, n.worker_service)
    api = ecs.describe_service(aws, config)
    if worker is None:
        return Check("worker service", False, "service not found")
    state = worker.primary.get("rolloutState", "?")
    ok = state == "COMPLETED" and len(worker.deployments) == 1 and worker.running == worker.desired > 0
    detail = f"{revision_name(worker.task_definition)} {state}, {worker.running}/{worker.desired} tasks running"
    if api is not None and _image(aws, api.task_definition) != _image(aws, worker.task_definition):
        ok, detail = False, detail + ", not on the API's image"
    return Check("worker service", ok, detail)


def _image(aws: Aws, task_definition: str) -> str:
    found = aws.ecs.describe_task_definition(taskDefinition=task_definition)["taskDefinition"]
    return str(found["containerDefinitions"][0].get("image", ""))


def check_targets(aws: Aws, config: Config) -> Check:
    targets = alb.target_health(aws, alb.target_group_arn(aws, config))
    healthy = [t for t in targets if t[1] == "healthy"]
    others = [
        f"{target} {state}" + (f" ({reason})" if reason else "")
        for target, state, reason in targets
        if state != "healthy"
    ]
    ok = bool(healthy) and not others
    detail = f"{len(healthy)} healthy" + (f"; not healthy: {', '.join(others)}" if others else "")
    return Check("ALB targets", ok, detail)


def check_api_health(api_url: str) -> list[Check]:
    checks = []
    for path in ("/health/live", "/health/ready"):
        resp = http_get(api_url + path)
        checks.append(Check(f"API {path} via ALB", resp.status == 200, f"HTTP {resp.status}"))
    return checks


def check_web(web_url: str) -> list[Check]:
    index = http_get(web_url + "/")
    return [
        _check_index(index),
        _check_deep_link(web_url, index),
        _check_asset(web_url, index),
        _check_headers(index),
        # Both API routes through CloudFront must answer with JSON: a 200 *HTML* answer means the path
        # fell through to the S3 behaviour and the SPA rule served the app shell instead.
        _check_json("API /health/ready via CloudFront", http_get(web_url + "/health/ready"), ok_status=200),
        _check_json("/api/* routed to the API", http_get(web_url + API_PROBE), ok_status=None),
    ]


def _check_index(index: Response) -> Check:
    ok = (
        index.status == 200
        and "text/html" in index.header("Content-Type")
        and "no-cache" in index.header("Cache-Control")
    )
    detail = f"HTTP {index.status}, {index.header('Content-Type')}, Cache-Control: {index.header('Cache-Control')}"
    return Check("web / (index.html)", ok, detail)


def _check_json(name: str, resp: Response, ok_status: int | None) -> Check:
    """JSON from the API; `ok_status` None accepts any non-5xx answer (a 404 problem is fine for a probe)."""
    ctype = resp.header("Content-Type")
    status_ok = resp.status == ok_status if ok_status is not None else resp.status < 500
    return Check(name, status_ok and "json" in ctype, f"HTTP {resp.status}, {ctype or 'no content type'}")


def _check_deep_link(web_url: str, index: Response) -> Check:
    resp = http_get(web_url + DEEP_LINK)
    ok = resp.status == 200 and resp.body == index.body
    return Check("deep link serves the app", ok, f"GET {DEEP_LINK} -> HTTP {resp.status}")


def _check_asset(web_url: str, index: Response) -> Check:
    found = _ASSET_IN_INDEX.search(index.body.decode("utf-8", "replace"))
    if found is None:
        return Check("index.html's script", False, "no /assets/*.js referenced by index.html")
    resp = http_get(web_url + found.group(1))
    ok = (
        resp.status == 200
        and "javascript" in resp.header("Content-Type")
        and "immutable" in resp.header("Cache-Control")
    )
    return Check(
        "index.html's script",
        ok,
        f"{found.group(1)} -> HTTP {resp.status}, {resp.header('Content-Type')}, {resp.header('Cache-Control')}",
    )


def _check_headers(resp: Response) -> Check:
    missing = [h for h in SECURITY_HEADERS if not resp.header(h)]
    return Check("security headers", not missing, "all present" if not missing else "missing " + ", ".join(missing))


def web_base_url(aws: Aws, config: Config) -> str:
    if config.web.web_url:
        return config.web.web_url.rstrip("/")
    if config.web.aliases:
        return f"https://{config.web.aliases[0]}"
    return f"https://{cloudfront.require_distribution(aws, config).domain}"


def verify(aws: Aws, out: Reporter, config: Config, *, api_url: str, web_url: str, only: str = "") -> list[Check]:
    checks: list[Check] = []
    if only in ("", "api"):
        api = api_url or alb.api_base_url(aws, config)
        checks += [
            check_service(aws, config),
            check_worker(aws, config),
            check_targets(aws, config),
            *check_api_health(api),
        ]
    if only in ("", "web"):
        checks += check_web(web_url or web_base_url(aws, config))
    for check in checks:
        out.line(f"  [{'PASS' if check.passed else 'FAIL'}] {check.name}: {check.detail}")
    failed = [c.name for c in checks if not c.passed]
    if failed:
        raise InfraError(f"{len(failed)} of {len(checks)} checks failed: {', '.join(failed)}")
    out.line(f"all {len(checks)} checks passed")
    return checks


def status(aws: Aws, out: Reporter, config: Config) -> None:
    """What is deployed right now (read-only; says what is missing instead of failing)."""
    _status_api(aws, out, config)
    _status_web(aws, out, config)


def _status_api(aws: Aws, out: Reporter, config: Config) -> None:
    svc = ecs.describe_service(aws, config)
    if svc is None:
        out.line("API service: not created (run bootstrap)")
        return
    out.line(f"API service: {config.names.cluster}/{config.names.service} on {revision_name(svc.task_definition)}")
    for d in svc.deployments:
        out.line(
            f"  deployment {d.get('id')} {d.get('status')} {d.get('rolloutState', '')}: "
            f"{revision_name(str(d.get('taskDefinition', '')))} {d.get('runningCount', 0)}/"
            f"{d.get('desiredCount', 0)} running"
        )
    worker = ecs.describe_named_service(aws, config.names.cluster, config.names.worker_service)
    if worker is not None:
        out.line(
            f"worker: {config.names.worker_service} on {revision_name(worker.task_definition)}, "
            f"{worker.running}/{worker.desired} running"
        )
    try:
        targets = alb.target_health(aws, alb.target_group_arn(aws, config))
    except InfraError as exc:
        out.line(f"  targets: {exc}")
        return
    for target, state, reason in targets:
        out.line(f"  target {target}: {state} {reason}".rstrip())


def _status_web(aws: Aws, out: Reporter, config: Config) -> None:
    dist = cloudfront.find_distribution(aws, config)
    if dist is None:
        out.line("web: distribution not created (run bootstrap)")
        return
    out.line(f"web: distribution {dist.id} at https://{dist.domain}")
    for release in s3web.read_history(aws, s3web.require_bucket(config))[:3]:
        assets = len(release.get("assets", []))
        out.line(f"  release {release.get('id')} published {release.get('published')} ({assets} assets)")
