"""Templates shipped with the tool (task definition, IAM policies, CloudFront function) and their rendering.

Placeholders are `${NAME}`. A string that is exactly one placeholder takes the value's JSON type
(so `"${TASK_CPU}"` can become a list or a number); placeholders inside longer strings are text.
Rendering fails if any placeholder is left unfilled, so a half-rendered document never reaches AWS.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

from botocore.session import get_session
from botocore.validate import ParamValidator

from loan_infra.errors import ConfigError

_PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


def read_text(name: str) -> str:
    """Text of a packaged template, e.g. `task-definition.json` or `iam/api-deploy-policy.json`."""
    return resources.files("loan_infra.templates").joinpath(name).read_text(encoding="utf-8")


def render_json(name: str, values: Mapping[str, Any]) -> Any:
    return render(json.loads(read_text(name)), values, name)


def render(document: Any, values: Mapping[str, Any], source: str = "template") -> Any:
    missing: set[str] = set()
    result = _walk(document, values, missing)
    if missing:
        raise ConfigError(f"{source}: no value for placeholder(s) {', '.join(sorted(missing))}")
    return result


def _walk(node: Any, values: Mapping[str, Any], missing: set[str]) -> Any:
    if isinstance(node, dict):
        return {key: _walk(value, values, missing) for key, value in node.items()}
    if isinstance(node, list):
        return [_walk(item, values, missing) for item in node]
    if isinstance(node, str):
        return _substitute(node, values, missing)
    return node


def _substitute(text: str, values: Mapping[str, Any], missing: set[str]) -> Any:
    whole = _PLACEHOLDER.fullmatch(text)
    if whole:
        key = whole.group(1)
        if key not in values:
            missing.add(key)
            return text
        return values[key]

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            missing.add(key)
            return match.group(0)
        return str(values[key])

    return _PLACEHOLDER.sub(replace, text)


def validate_request(service: str, operation: str, params: Mapping[str, Any]) -> None:
    """Validate `params` against the AWS API's input shape with botocore's own validator, offline."""
    model = get_session().get_service_model(service)
    shape = model.operation_model(operation).input_shape
    if shape is None:
        raise ConfigError(f"{service} {operation} takes no input")
    report = ParamValidator().validate(dict(params), shape)
    if report.has_errors():
        problems = "; ".join(line.strip() for line in report.generate_report().splitlines() if line.strip())
        raise ConfigError(f"{operation} input is invalid: {problems}")
