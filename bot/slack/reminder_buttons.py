"""The reminder's buttons: Post update (the form, pre-filled) and Snooze 30 min."""

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.models import Update
from bot.domain.reminders import SNOOZE
from bot.slack import ids, replies
from bot.slack.clicks import Click, click_listener, edit_message, open_form, tell
from bot.slack.failures import bounded
from bot.slack.modal import form_for_update, new_form
from bot.slack.nudges import reminders_off, snoozed
from bot.slack.permissions import Permissions
from bot.slack.ports import SlackDeps
from bot.slack.reminders import ReminderStore
from bot.store.timeutil import Clock, utc_now
from bot.tasks import TrackedTasks

STATUS_TIMEOUT = 1.0


class ReminderButtons:
    """What a click on a reminder does."""

    def __init__(
        self,
        deps: SlackDeps,
        store: ReminderStore,
        permissions: Permissions,
        clock: Clock = utc_now,
    ) -> None:
        self._deps = deps
        self._store = store
        self._permissions = permissions
        self._clock = clock

    async def post_update(self, click: Click, client: AsyncWebClient) -> None:
        """Open the form with the current state, the last update's text and the bound incidents."""
        if not await self._permissions.allows(client, click.user_id):
            await tell(client, click, replies.not_allowed())
            return
        status = await bounded(self._deps.repo.channel_status(click.channel_id), STATUS_TIMEOUT)
        binding, last = status.binding, status.last_update
        if last is None or binding is None:
            form = new_form(click.channel_id, binding, self._deps.options.templates)
        else:
            state = binding.current_state or last.submission.update.state
            update = Update(state, last.submission.update.content)
            form = form_for_update(click.channel_id, update, binding.targets)
        options = self._deps.options
        await open_form(client, click, form, options.providers_on, options.notify_subscribers)

    async def snooze(self, click: Click, client: AsyncWebClient) -> None:
        """No reminder for 30 minutes; the reminder message says who snoozed it, until when."""
        if not await self._permissions.allows(client, click.user_id):
            await tell(client, click, replies.not_allowed())
            return
        until = self._clock() + SNOOZE
        if await self._store.snooze(click.channel_id, until):
            message = snoozed(click.user_id, until)
        else:
            message = reminders_off()
        await edit_message(client, click, message.as_kwargs())


def register_reminder_buttons(
    app: AsyncApp,
    deps: SlackDeps,
    *,
    store: ReminderStore,
    background: TrackedTasks | None = None,
) -> None:
    """Listen to the reminder's buttons; each click is acked at once and handled after."""
    permissions = deps.permissions
    buttons = ReminderButtons(deps, store, permissions)
    tasks = background or TrackedTasks()
    app.action(ids.REMINDER_POST_ACTION)(click_listener(buttons.post_update, tasks, "post update"))
    app.action(ids.REMINDER_SNOOZE_ACTION)(click_listener(buttons.snooze, tasks, "snooze"))
