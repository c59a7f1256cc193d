"""Who may publish: INCIDENT_BOT_ALLOWED_USERS and INCIDENT_BOT_ALLOWED_GROUPS."""

import asyncio
import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)

GROUP_CACHE_SECONDS = 60.0
LOOKUP_TIMEOUT = 1.5


class Permissions:
    """Checks a Slack user against the allowed users and user groups (members cached a minute)."""

    def __init__(
        self,
        *,
        users: frozenset[str],
        groups: frozenset[str],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._users = users
        self._groups = groups
        self._clock = clock
        self._members: dict[str, tuple[float, frozenset[str]]] = {}

    @property
    def open_to_all(self) -> bool:
        """True when no list is configured: anyone in the channel may publish."""
        return not self._users and not self._groups

    async def allows(self, client: AsyncWebClient, user_id: str) -> bool:
        """Whether the user may publish and change bindings."""
        if self.open_to_all or user_id in self._users:
            return True
        for group in sorted(self._groups):
            if user_id in await self._group_members(client, group):
                return True
        return False

    async def _group_members(self, client: AsyncWebClient, group: str) -> frozenset[str]:
        """A user group's members, from the cache or usergroups.users.list (none on failure)."""
        cached = self._members.get(group)
        if cached is not None and self._clock() - cached[0] < GROUP_CACHE_SECONDS:
            return cached[1]
        try:
            async with asyncio.timeout(LOOKUP_TIMEOUT):
                response = await client.usergroups_users_list(usergroup=group)
        except (SlackApiError, TimeoutError, OSError) as error:
            logger.warning(
                "could not list members of user group %s: %s", group, type(error).__name__
            )
            return frozenset()
        users = response.get("users") or []
        members = frozenset(u for u in users if isinstance(u, str))
        self._members[group] = (self._clock(), members)
        return members
