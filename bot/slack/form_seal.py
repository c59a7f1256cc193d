"""The update form's private_metadata, sealed with an HMAC: a changed one is refused.

The key is derived from the bot token, which every replica and both modes (HTTP, Socket Mode)
share; a form opened before the token changed is refused too, and the person opens it again.
"""

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

_PURPOSE = b"incident-bot update form private_metadata v1"
_MAC_CHARS = 32

UNVERIFIED = (
    "This form could not be verified (its hidden data was changed, or it was opened before "
    "the bot's token changed), so nothing was published. Close it and open the form again."
)


class FormSeal:
    """Seals and opens private_metadata with a key only this bot holds."""

    def __init__(self, secret: str) -> None:
        self._key = hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()

    @classmethod
    def of(cls, client: AsyncWebClient) -> "FormSeal":
        """The seal of the bot whose token the client carries."""
        return cls(client.token or "")

    def seal(self, data: Mapping[str, Any]) -> str:
        """`<mac>.<json>`: the JSON and its MAC."""
        body = json.dumps(data, separators=(",", ":"), sort_keys=True)
        return f"{self._mac(body)}.{body}"

    def open(self, sealed: str) -> dict[str, Any] | None:
        """The data if the seal holds and it is a JSON object; None otherwise."""
        mac, dot, body = sealed.partition(".")
        if not dot or not hmac.compare_digest(mac, self._mac(body)):
            return None
        try:
            data = json.loads(body)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def _mac(self, body: str) -> str:
        """The hex MAC of a body, shortened (128 bits)."""
        return hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()[:_MAC_CHARS]


def sealed_context(view: Mapping[str, Any], seal: FormSeal, kind: str) -> dict[str, Any] | None:
    """A view's private_metadata when this bot sealed it for this kind of form; else None."""
    sealed = view.get("private_metadata")
    data = seal.open(sealed) if isinstance(sealed, str) else None
    return data if data is not None and data.get("kind") == kind else None
