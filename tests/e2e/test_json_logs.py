"""`LOG_FORMAT=json`: what `serve` writes is one JSON object per line, with no secret in it."""

import json
from pathlib import Path

from bot.domain.models import DeliveryStatus
from bot.store.repo import open_repo
from tests.e2e.harness import LINK_BOTH, Stack, wait_until
from tests.e2e.rows import CHECKLY, PHARE, settles
from tests.fakes.fixtures import CHECKLY_KEY, PHARE_TOKEN
from tests.fakes.replies import Reply


async def test_serve_writes_json_lines_without_secrets(tmp_path: Path) -> None:
    with Stack(tmp_path, LOG_FORMAT="json") as stack:
        bot = stack.start_bot()
        stack.command(bot, LINK_BOTH)
        stack.checkly.script(Reply.unauthorized(f"key {CHECKLY_KEY} is not valid"))
        update_id = stack.publish(bot, "monitoring Fix deployed")
        store = await open_repo(stack.database_url)
        try:
            await settles(store, update_id, PHARE, DeliveryStatus.ACCEPTED)
            await settles(store, update_id, CHECKLY, DeliveryStatus.REFUSED)
        finally:
            await store.close()
        wait_until(lambda: "refused after attempt" in bot.log())
        bot.stop()
        printed = bot.log_path.read_text()

    lines = [json.loads(line) for line in printed.splitlines()]
    assert lines
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    messages = [line["message"] for line in lines]
    assert any(m.endswith(": accepted after attempt 1") and "phare" in m for m in messages)
    assert any(m.endswith(": refused after attempt 1") and "checkly" in m for m in messages)
    for secret in (stack.slack.token, stack.signing_secret, PHARE_TOKEN, CHECKLY_KEY):
        assert secret not in printed
