"""What the Phare fake checks before any route's own work: token, project header, path ids."""

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from aiohttp import web

from tests.fakes.phare_state import PhareRecords

PROJECT_REQUIRED = "A project header is required when using an organization-scoped API key."
_DIGITS = re.compile(r"[0-9]+", re.ASCII)


class PhareChecks:
    """The refusals Phare answers before a route looks at the body (mixed into PhareFake)."""

    token: str
    project_id: int | None
    project_slug: str | None
    records: PhareRecords

    def error(
        self, status: int, message: str | None, errors: Mapping[str, Sequence[str]] | None = None
    ) -> web.Response:
        """An error in Phare's body shape (worded by PhareFake)."""
        raise NotImplementedError

    async def no_route(self, request: web.Request) -> web.StreamResponse:
        """Any other path: Laravel's 404."""
        return self._route_missing(request)

    def checked(self, request: web.Request) -> tuple[int, web.Response | None]:
        """The incident of the path, or the refusal Phare would answer."""
        refusal = self.credentials_refusal(request)
        if refusal is not None:
            return 0, refusal
        text = request.match_info["incident"]
        if _DIGITS.fullmatch(text) is None:
            return 0, self._route_missing(request)
        if self.records.incident(int(text)) is None:
            return 0, self.error(404, None)
        return int(text), None

    def update_checked(self, request: web.Request) -> tuple[tuple[int, int], web.Response | None]:
        """The incident and update of the path, or the refusal Phare would answer."""
        incident, refusal = self.checked(request)
        if refusal is not None:
            return (0, 0), refusal
        text = request.match_info["update"]
        if _DIGITS.fullmatch(text) is None:
            return (0, 0), self._route_missing(request)
        if not self.records.has_update(incident, int(text)):
            return (0, 0), self.error(404, None)
        return (incident, int(text)), None

    def credentials_refusal(self, request: web.Request) -> web.Response | None:
        """401 for a wrong token, or the project header's refusal."""
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self.error(401, None)
        return self._project_refusal(request)

    def _project_refusal(self, request: web.Request) -> web.Response | None:
        """422 for a malformed project id header; 403 when an org-scoped key names no project."""
        header_id = request.headers.get("X-Phare-Project-Id")
        header_slug = request.headers.get("X-Phare-Project-Slug")
        if header_id is not None and _DIGITS.fullmatch(header_id) is None:
            errors = {"X-Phare-Project-Id": ["The X-Phare-Project-Id header must be an integer."]}
            return self.error(422, None, errors)
        if self.project_id is None and self.project_slug is None:
            return None
        id_ok = self.project_id is not None and header_id == str(self.project_id)
        slug_ok = self.project_slug is not None and header_slug == self.project_slug
        return None if id_ok or slug_ok else self.error(403, PROJECT_REQUIRED)

    def _route_missing(self, request: web.Request) -> web.Response:
        """Laravel's 404 for a path no route takes."""
        return self.error(404, f"The route {request.path.lstrip('/')} could not be found.")

    @staticmethod
    async def body(request: web.Request) -> dict[str, Any]:
        """The JSON object sent; anything else reads as no fields at all, as Laravel reads it."""
        raw = await request.read()
        try:
            payload = json.loads(raw) if raw else {}
        except ValueError:
            return {}
        return payload if isinstance(payload, dict) else {}
