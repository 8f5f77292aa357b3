"""create_app(): plugins, routers, middleware, exception handlers — nothing else."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncGenerator, Sequence
from contextlib import asynccontextmanager

import swagger_ui_bundle  # type: ignore[import-untyped]
from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from loan_engine import __version__
from loan_engine.api.guard import guard_request
from loan_engine.api.openapi import document_problems
from loan_engine.applications.controller import ApplicationsController
from loan_engine.audit.controller import AuditController
from loan_engine.auth.controller import AuthController
from loan_engine.auth.guards import allow
from loan_engine.auth.lookup import PrincipalLookup
from loan_engine.auth.passwords import PasswordHashing
from loan_engine.auth.principal import Role, Scope
from loan_engine.auth.tokens import token_service_for
from loan_engine.clients.controller import AdminClientsController, TokenController
from loan_engine.clients.service import load_client_principal
from loan_engine.crypto import KeyWrapper
from loan_engine.db.engine import create_engine, create_sessionmaker, provide_session
from loan_engine.db.migrations import head_revisions
from loan_engine.errors import handle_exception
from loan_engine.health.controller import HealthController
from loan_engine.jobs.queue import run_worker
from loan_engine.ledger.controller import AdminLedgerController
from loan_engine.loans.controller import LoansController
from loan_engine.log_config import configure_logging
from loan_engine.mail.compose import MailComposer
from loan_engine.middleware import RequestContextMiddleware
from loan_engine.policy.controller import AdminPolicyController
from loan_engine.products.controller import AdminProductsController, ProductsController
from loan_engine.quotes.controller import QuotesController
from loan_engine.settings import Settings, get_settings
from loan_engine.users.controller import AdminUsersController
from loan_engine.web.static import web_router

MAX_BODY_BYTES = 1_000_000


def route_handlers() -> list[ControllerRouterHandler]:
    """Every feature's controllers. A new feature adds its controller here."""
    return [
        HealthController,
        AuthController,
        TokenController,
        AdminUsersController,
        AdminClientsController,
        _audit_router(),
        QuotesController,
        ProductsController,
        AdminProductsController,
        AdminPolicyController,
        AdminLedgerController,
        LoansController,
        ApplicationsController,
        _docs_assets(),
    ]


DOCS_ASSETS = "/api/docs/assets"


def _swagger_ui() -> SwaggerRenderPlugin:
    """Swagger UI from our own server (the pinned swagger-ui-bundle-v2 wheel), so /api/docs works offline
    and under a CSP that allows no other origin."""
    return SwaggerRenderPlugin(
        path="/",
        js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
        css_url=f"{DOCS_ASSETS}/swagger-ui.css",
        standalone_preset_js_url=f"{DOCS_ASSETS}/swagger-ui-standalone-preset.js",
    )


def _docs_assets() -> ControllerRouterHandler:
    return create_static_files_router(
        path=DOCS_ASSETS, directories=[swagger_ui_bundle.swagger_ui_path], include_in_schema=False
    )


def _audit_router() -> Router:
    """The audit trail, for admins and for API clients with audit:read (a SIEM exporter). The guard is
    put on here because `audit` is below the identity packages and imports none of them."""
    return Router(
        path="/", route_handlers=[AuditController], guards=[allow(roles={Role.ADMIN}, scopes={Scope.AUDIT_READ})]
    )


def create_app(settings: Settings | None = None) -> Litestar:
    """The ASGI app. `settings` defaults to the environment's (tests pass their own)."""
    settings = settings or get_settings()
    configure_logging(settings)
    handlers: list[ControllerRouterHandler] = route_handlers()
    if settings.web_dist is not None:
        handlers.append(web_router())
    app = Litestar(
        route_handlers=handlers,
        lifespan=[_database_lifespan, _worker_lifespan],
        on_startup=[_freeze_start_up_objects],
        state=State(
            {
                "settings": settings,
                "web_dist": settings.web_dist,
                "tokens": token_service_for(settings),  # fails fast on bad key material
                "data_keys": KeyWrapper.from_base64(settings.data_kek, settings.data_kek_id, prod=settings.is_prod),
                "passwords": PasswordHashing(),
                "mail": MailComposer(settings.mail),
            }
        ),
        dependencies={"db_session": Provide(provide_session)},
        before_request=guard_request,  # NUL, UTF-8, depth, media type and empty bodies, for every route
        exception_handlers={Exception: handle_exception},
        cors_config=_cors(settings.cors_allowed_origins),
        openapi_config=_openapi(),
        request_max_body_size=MAX_BODY_BYTES,
        logging_config=None,
        debug=False,
    )
    document_problems(app)  # problem+json answers per route, unknown fields refused, bodiless 204s
    # Wrap the whole app, not each route: Litestar's route middleware never sees an unknown path or a
    # wrong method, and those responses need a request id, a log line and security headers too.
    app.asgi_handler = RequestContextMiddleware(
        app.asgi_handler,
        compression=CompressionConfig(backend="gzip", minimum_size=1024, gzip_compress_level=6),
        log_health_checks=settings.log_health_checks,
    )
    return app


@asynccontextmanager
async def _database_lifespan(app: Litestar) -> AsyncGenerator[None, None]:
    settings: Settings = app.state.settings
    engine = create_engine(settings)
    app.state.engine = engine
    app.state.sessionmaker = create_sessionmaker(engine)
    app.state.principals = PrincipalLookup(engine, clients=load_client_principal)
    app.state.migration_heads = head_revisions()
    try:
        yield
    finally:
        await engine.dispose()


def _freeze_start_up_objects() -> None:
    """What start-up built (modules, the app and its routes, SQLAlchemy's mappers) lives as long as the
    process, yet every full collection of the garbage collector scanned it again: measured under load,
    such a pause took 119 ms, the whole p99 of a payment. Collected once and frozen here (moved out of the
    collector's generations), a full collection scans only what requests made: its longest pause fell to
    7 ms. Objects made later are collected as usual. Once per process (a test run builds many apps)."""
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


@asynccontextmanager
async def _worker_lifespan(app: Litestar) -> AsyncGenerator[None, None]:
    """Development (`loan-engine serve` sets RUN_WORKER_IN_PROCESS): the job worker runs in the API process,
    so the outbox is delivered to the mail sink without a second command. In AWS the worker is its own
    service (`loan-engine worker`)."""
    settings: Settings = app.state.settings
    if not settings.run_worker_in_process:
        yield
        return
    worker = asyncio.create_task(run_worker(settings, install_signal_handlers=False), name="job-worker")
    try:
        yield
    finally:
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker


def _cors(origins: Sequence[str]) -> CORSConfig | None:
    if not origins:
        return None  # same origin only (the CloudFront topology needs no CORS at all)
    return CORSConfig(
        allow_origins=list(origins),
        allow_credentials="*" not in origins,
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
        expose_headers=["X-Request-ID", "Retry-After", "Location"],
        max_age=600,
    )


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Loan Engine API",
        version=__version__,
        description=(
            "Loan pricing and Reg Z disclosure, products and credit policy, loan servicing and a double-entry "
            "ledger. Money and rates are decimal "
            "strings; errors are RFC 9457 application/problem+json. Any path answers 405 with `Allow` to a "
            "method it does not take, and 500 (with only a request id) to a failure of ours."
        ),
        path="/api/docs",
        render_plugins=[_swagger_ui()],
        use_handler_docstrings=True,
        components=Components(
            security_schemes={"BearerAuth": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
        ),
    )
