"""Every feature's tables, so `Base.metadata` is complete: what Alembic compares the migrations with, and
what the tests empty between tests. A feature with tables adds its models module here.

It lives at the top of the package, beside app.py, because it imports every feature; `db` imports none.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from loan_engine.applications import models as applications_models
from loan_engine.audit import models as audit_models
from loan_engine.auth import models as auth_models
from loan_engine.clients import models as clients_models
from loan_engine.db.base import Base
from loan_engine.idempotency import models as idempotency_models
from loan_engine.ledger import models as ledger_models
from loan_engine.loans import models as loans_models
from loan_engine.mail import models as mail_models
from loan_engine.policy import models as policy_models
from loan_engine.products import models as products_models

FEATURE_MODELS = (
    audit_models,
    auth_models,
    clients_models,
    products_models,
    policy_models,
    loans_models,
    ledger_models,
    idempotency_models,
    applications_models,
    mail_models,
)
metadata: MetaData = Base.metadata

__all__ = ["FEATURE_MODELS", "Base", "metadata"]
