"""Messages from templates (jinja2): a plain-text and an HTML part for every message, with the lender's
name and postal address from settings in each footer. Links point at the web app (PUBLIC_BASE_URL)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from loan_engine.settings import MailSettings

# template name -> subject (formatted with the lender's name)
SUBJECTS = {
    "verify_email": "Confirm your email address for {lender}",
    "password_reset": "Reset your {lender} password",
    "new_sign_in": "New sign-in to your {lender} account",
    "password_changed": "Your {lender} password was changed",
    "mfa_changed": "Two-step sign-in changed on your {lender} account",
    "mfa_reset": "Two-step sign-in was reset on your {lender} account",
    "recovery_code_used": "A recovery code was used on your {lender} account",
    "email_change": "Your {lender} email address is being changed",
}


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


class MailComposer:
    """Renders the templates in `mail/templates/`. Undefined variables fail loudly (StrictUndefined): a
    message with a hole in it is a bug, not something to send."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._text = Environment(
            loader=PackageLoader("loan_engine.mail", "templates"),
            autoescape=False,  # plain text: nothing to escape  # noqa: S701
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )
        self._html = Environment(
            loader=PackageLoader("loan_engine.mail", "templates"),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
        )

    def link(self, path: str, **query: str) -> str:
        """An absolute link into the web app."""
        suffix = f"?{urlencode(query)}" if query else ""
        return f"{self.settings.public_base_url}{path}{suffix}"

    def render(self, template: str, **context: Any) -> Rendered:
        lender = {"name": self.settings.lender_name, "address": self.settings.lender_address}
        values = {**context, "lender": lender}
        return Rendered(
            subject=SUBJECTS[template].format(lender=self.settings.lender_name),
            text=self._text.get_template(f"{template}.txt").render(values),
            html=self._html.get_template(f"{template}.html").render(values),
        )
