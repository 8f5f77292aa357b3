"""`loan-infra`: the command line. Parses flags, runs one command, turns failures into one line.

Exit codes: 0 success; 1 the operation failed (AWS error, failed migration, rollback, failed
check); 2 bad configuration or usage (nothing was changed).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from loan_infra import __version__, secrets, stacks
from loan_infra.aws import Aws, describe_failure
from loan_infra.bootstrap import bootstrap, destroy, print_outputs
from loan_infra.config import Config, load_config
from loan_infra.deploy_api import deploy_api, rollback_api
from loan_infra.deploy_web import default_release_id, deploy_web
from loan_infra.ecs import require_service
from loan_infra.errors import InfraError
from loan_infra.output import Reporter
from loan_infra.rollout import start_rollout, wait_for_rollout
from loan_infra.verify import status, verify

Handler = Callable[[Aws, Reporter, Config, argparse.Namespace], None]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="loan-infra",
        description="Deploy Loan Engine to AWS: API on ECS Fargate behind an ALB, web app on S3 + CloudFront.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", "-c", help="TOML config file (default: $LOAN_INFRA_CONFIG or ./loan-infra.toml)")
    common.add_argument("--region", help="AWS region (overrides the config file and AWS_REGION)")
    common.add_argument("--environment", help="environment name used in resource names, e.g. test")
    common.add_argument("--endpoint-url", help="send every AWS call here (moto/localstack); default $AWS_ENDPOINT_URL")
    common.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override any config key, e.g. --set ecs.desired_count=1 (repeatable)",
    )
    common.add_argument("--dry-run", action="store_true", help="read everything, change nothing, print the plan")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser(
        "bootstrap",
        parents=[common],
        help="deploy the stacks through change sets (--dry-run prints them)",
    )
    gone = sub.add_parser("destroy", parents=[common], help="delete the stacks bootstrap made (the database stays)")
    gone.add_argument("--database", action="store_true", help="delete the database stack too (RDS snapshots it)")
    api = sub.add_parser("deploy-api", parents=[common], help="migrate, then roll the API service to an image")
    api.add_argument("--image-tag", required=True, help="the image tag in ECR (the git SHA)")
    api.add_argument("--api-url", default="", help="base URL that reaches the ALB (default: from config / ALB DNS)")
    back = sub.add_parser("rollback-api", parents=[common], help="put an earlier task definition revision back")
    back.add_argument("--to", default="", help="revision number, family:revision or ARN (default: the previous one)")
    back.add_argument("--api-url", default="")
    web = sub.add_parser("deploy-web", parents=[common], help="publish web/dist to S3 and invalidate CloudFront")
    web.add_argument("--dist", type=Path, default=Path("web/dist"), help="the Vite build folder (default web/dist)")
    web.add_argument("--release", default="", help="release id (default: $GITHUB_SHA[:12] or a timestamp)")
    check = sub.add_parser("verify", parents=[common], help="run the verification checklist; exit 1 if any check fails")
    check.add_argument("--api-url", default="")
    check.add_argument("--web-url", default="")
    check.add_argument("--only", choices=["api", "web"], default="", help="check one side only")
    sub.add_parser("status", parents=[common], help="show what is deployed right now")
    rot = sub.add_parser("rotate-secret", parents=[common], help="write a new secret version, then restart the tasks")
    rot.add_argument("which", choices=["jwt", "database-url"])
    return parser


def _bootstrap(aws: Aws, out: Reporter, config: Config, _: argparse.Namespace) -> None:
    outputs = bootstrap(aws, out, config)
    print_outputs(out, outputs)


def _deploy_api(aws: Aws, out: Reporter, config: Config, args: argparse.Namespace) -> None:
    deploy_api(aws, out, config, args.image_tag, args.api_url)


def _rollback_api(aws: Aws, out: Reporter, config: Config, args: argparse.Namespace) -> None:
    rollback_api(aws, out, config, args.to, args.api_url)


def _deploy_web(aws: Aws, out: Reporter, config: Config, args: argparse.Namespace) -> None:
    deploy_web(aws, out, config, args.dist, args.release or default_release_id())


def _verify(aws: Aws, out: Reporter, config: Config, args: argparse.Namespace) -> None:
    verify(aws, out, config, api_url=args.api_url, web_url=args.web_url, only=args.only)


def _status(aws: Aws, out: Reporter, config: Config, _: argparse.Namespace) -> None:
    status(aws, out, config)


def _destroy(aws: Aws, out: Reporter, config: Config, args: argparse.Namespace) -> None:
    destroy(aws, out, config, database=args.database)


def _rotate(aws: Aws, out: Reporter, config: Config, args: argparse.Namespace) -> None:
    # Secrets are read only at task start, so new tasks are needed to pick the new version up:
    # the API's first, then the worker's (it reads the same two secrets).
    secrets.rotate(aws, out, config.names, args.which)
    for service in (config.names.service, config.names.worker_service):
        svc = require_service(aws, config, service)
        if svc.desired == 0:
            continue
        out.step(f"restarting the {service} tasks so they read the new secret")
        if out.dry_run:
            continue
        deployment = start_rollout(aws, config, svc.task_definition, svc.desired, force=True, service=service)
        wait_for_rollout(aws, out, config, deployment, svc.task_definition, service=service)


HANDLERS: dict[str, Handler] = {
    "bootstrap": _bootstrap,
    "deploy-api": _deploy_api,
    "rollback-api": _rollback_api,
    "deploy-web": _deploy_web,
    "verify": _verify,
    "status": _status,
    "destroy": _destroy,
    "rotate-secret": _rotate,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = Reporter(dry_run=args.dry_run)
    try:
        config = load_config(
            args.config, args.set, region=args.region, environment=args.environment, endpoint_url=args.endpoint_url
        )
        aws = Aws(config.region, config.endpoint_url)
        if args.command not in ("bootstrap", "destroy"):
            config = with_stack_outputs(aws, config)
        HANDLERS[args.command](aws, out, config, args)
    except InfraError as exc:
        return _fail(exc.exit_code, str(exc))
    except NoCredentialsError:
        return _fail(2, "no AWS credentials: configure a profile, SSO login, or the OIDC role in CI")
    except (ClientError, BotoCoreError) as exc:
        return _fail(1, describe_failure(exc))
    except Exception as exc:
        # A bug, not an operational failure: still one line in CI logs, the traceback on request.
        if os.environ.get("LOAN_INFRA_DEBUG"):
            raise
        return _fail(1, f"unexpected {type(exc).__name__}: {exc} (set LOAN_INFRA_DEBUG=1 for the traceback)")
    if args.command in ("bootstrap", "destroy") or out.changes:
        out.line(f"{args.command}: {out.summary()}")
    return 0


def with_stack_outputs(aws: Aws, config: Config) -> Config:
    """The release commands find every resource through the api and web stacks' outputs."""
    n = config.names
    # A missing stack is reported by the command that needs it (run `loan-infra bootstrap` first).
    found = stacks.outputs(aws, n.stack["web"]) | stacks.outputs(aws, n.stack["api"])
    return replace(config, outputs=tuple(sorted(found.items())))


def _fail(code: int, reason: str) -> int:
    sys.stderr.write(f"loan-infra: error: {' '.join(reason.split())}\n")
    sys.stderr.flush()
    return code


if __name__ == "__main__":
    sys.exit(main())
