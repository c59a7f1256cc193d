"""Reply: one scripted answer of a vendor fake (see tests/fakes/vendor.py for the list)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PROXY_HTML = (
    "<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head>"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)


@dataclass(frozen=True)
class Reply:
    """One scripted answer; build it with the class methods."""

    kind: str
    code: int = 0
    message: str | None = None
    errors: Mapping[str, Sequence[str]] | None = None
    retry_after: str | None = None
    body: bytes | None = None
    content_type: str = "application/json"
    shape: str | None = None
    applies: bool = False

    @classmethod
    def ok(cls, shape: str | None = None) -> "Reply":
        """Behave like the vendor; Checkly's shape: 'list' (200) or 'object' (201)."""
        return cls("ok", shape=shape)

    @classmethod
    def status(
        cls,
        code: int,
        message: str | None = None,
        *,
        retry_after: str | float | None = None,
        errors: Mapping[str, Sequence[str]] | None = None,
    ) -> "Reply":
        """An error answer in the vendor's body shape."""
        after = None if retry_after is None else str(retry_after)
        return cls("status", code, message, errors, after)

    @classmethod
    def unauthorized(cls, message: str | None = None) -> "Reply":
        """401 as the vendor words it."""
        return cls.status(401, message)

    @classmethod
    def forbidden(cls, message: str) -> "Reply":
        """403 with the vendor's permission message."""
        return cls.status(403, message)

    @classmethod
    def not_found(cls, message: str | None = None) -> "Reply":
        """404 as the vendor words it."""
        return cls.status(404, message)

    @classmethod
    def invalid(cls, errors: Mapping[str, Sequence[str]], message: str | None = None) -> "Reply":
        """A validation error (Phare 422 with field errors; Checkly 400 with the message)."""
        return cls("invalid", message=message, errors=errors)

    @classmethod
    def rate_limited(cls, retry_after: str | float | None = None, status: int = 429) -> "Reply":
        """429 (or 420) with an optional Retry-After (seconds or an HTTP date)."""
        return cls.status(status, retry_after=retry_after)

    @classmethod
    def server_error(cls, status: int = 500, retry_after: str | float | None = None) -> "Reply":
        """A 5xx in the vendor's shape."""
        return cls.status(status, retry_after=retry_after)

    @classmethod
    def html(cls, status: int = 502, page: str = PROXY_HTML) -> "Reply":
        """An HTML page, as a proxy in front of the vendor sends."""
        return cls("raw", status, body=page.encode(), content_type="text/html")

    @classmethod
    def empty(cls, status: int) -> "Reply":
        """A status with no body."""
        return cls("raw", status, body=b"", content_type="")

    @classmethod
    def raw(cls, status: int, body: str | bytes, content_type: str = "text/plain") -> "Reply":
        """Any body at all."""
        data = body.encode() if isinstance(body, str) else body
        return cls("raw", status, body=data, content_type=content_type)

    @classmethod
    def hang(cls) -> "Reply":
        """Never answer (until the client closes the connection)."""
        return cls("hang")

    @classmethod
    def drop(cls) -> "Reply":
        """Close the connection without answering; nothing is applied."""
        return cls("drop")

    @classmethod
    def apply_then_drop(cls) -> "Reply":
        """Apply the request (store the update, open the incident...), then close unanswered."""
        return cls("drop", applies=True)

    @classmethod
    def apply_then_hang(cls) -> "Reply":
        """Apply the request, then never answer (until the client closes the connection)."""
        return cls("hang", applies=True)

    @classmethod
    def apply_then_answer(
        cls, status: int, body: str | bytes, content_type: str = "application/json"
    ) -> "Reply":
        """Apply the request, then answer this status and body (say, a 2xx nobody can read)."""
        data = body.encode() if isinstance(body, str) else body
        return cls("raw", status, body=data, content_type=content_type, applies=True)
