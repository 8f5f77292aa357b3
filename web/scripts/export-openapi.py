"""Print the API's OpenAPI description as JSON, without starting a server or a database.

Used by scripts/gen-api.mjs to generate src/lib/api/schema.gen.ts and to check it for drift.
The database URL is a placeholder: building the schema never connects.
"""

import json
import sys

from loan_engine.app import create_app
from loan_engine.settings import JwtSettings, Settings

# Placeholders: building the schema never connects to the database nor signs a token.
app = create_app(
    Settings(
        database_url="postgresql+asyncpg://openapi@127.0.0.1:1/openapi",
        jwt=JwtSettings(secret="openapi-export-only-" + "x" * 32),
    )
)
json.dump(app.openapi_schema.to_schema(), sys.stdout, indent=2, sort_keys=True)
sys.stdout.write("\n")
