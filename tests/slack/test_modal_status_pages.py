"""The update form with a Checkly status-page incident: checkbox, states, publish time (pure)."""

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.views import View

from bot.domain.models import Target
from bot.domain.records import Binding
from bot.domain.states import ProviderName, State
from bot.slack import ids
from bot.slack.form_seal import FormSeal
from bot.slack.modal import (
    ModalErrors,
    ModalInput,
    build_modal,
    build_view,
    new_form,
    parse_submission,
)
from tests.slack.signing import view_submission_payload

SEAL = FormSeal("xoxb-test-modal-token")
BOTH: frozenset[ProviderName] = frozenset(ProviderName)
PAGE_INCIDENT = "5a7e3c1d-2b4f-4e6a-9c8d-0f1e2d3c4b5a/c4e2a9b7-1d3f-4a5b-8c6d-7e8f9a0b1c2d"
DASHBOARD = "0b9e1c52-6d2f-4a3b-9c1d-2e8f7a6b5c4d"
ON_PAGE = Binding(
    "C1",
    (Target(ProviderName.PHARE, "42"), Target(ProviderName.CHECKLY, PAGE_INCIDENT)),
    current_state=State.INVESTIGATING,
)
ON_DASHBOARD = Binding("C1", (Target(ProviderName.CHECKLY, DASHBOARD),))


def _block_ids(view: dict[str, Any]) -> set[str]:
    return {b.get("block_id") for b in view["blocks"]}


def _submit(
    view: dict[str, Any], entries: dict[str, Any] | None = None, *, notify_default: bool = False
) -> ModalInput | ModalErrors:
    payload = view_submission_payload(view, entries or {})
    return parse_submission(payload["view"], BOTH, SEAL, notify_default)


def _preview(view: dict[str, Any]) -> list[str]:
    block = next(b for b in view["blocks"] if b.get("block_id") == ids.PREVIEW_BLOCK)
    return [element["text"] for element in block["elements"]]


def test_the_checkbox_shows_only_for_a_status_page_incident_ticked_as_configured() -> None:
    on_page = build_modal("C1", ON_PAGE, BOTH, seal=SEAL, notify_default=True)
    View(**on_page).validate_json()
    checkbox = next(b for b in on_page["blocks"] if b.get("block_id") == ids.NOTIFY_BLOCK)
    assert [o["value"] for o in checkbox["element"]["initial_options"]] == [ids.NOTIFY_VALUE]
    quiet = build_modal("C1", ON_PAGE, BOTH, seal=SEAL, notify_default=False)
    quiet_box = next(b for b in quiet["blocks"] if b.get("block_id") == ids.NOTIFY_BLOCK)
    assert "initial_options" not in quiet_box["element"]
    on_dashboard = build_modal("C1", ON_DASHBOARD, BOTH, seal=SEAL, notify_default=True)
    assert ids.NOTIFY_BLOCK not in _block_ids(on_dashboard)


def test_the_checkbox_decides_and_reaches_the_update() -> None:
    view = build_modal("C1", ON_PAGE, BOTH, seal=SEAL, notify_default=True)

    unticked = _submit(view, {ids.NOTIFY_ACTION: []})
    kept = _submit(view)

    assert isinstance(unticked, ModalInput)
    assert unticked.update.notify_subscribers is False
    assert isinstance(kept, ModalInput)
    assert kept.update.notify_subscribers is True


def test_a_status_page_typed_without_redraw_takes_the_default() -> None:
    view = build_modal("C1", ON_DASHBOARD, BOTH, seal=SEAL)

    parsed = _submit(view, {ids.CHECKLY_ACTION: f"checkly:{PAGE_INCIDENT}"}, notify_default=True)

    assert isinstance(parsed, ModalInput)
    assert parsed.targets == (Target(ProviderName.CHECKLY, PAGE_INCIDENT),)
    assert parsed.update.notify_subscribers is True


def test_no_status_page_no_notification_field() -> None:
    parsed = _submit(build_modal("C1", ON_DASHBOARD, BOTH, seal=SEAL), notify_default=True)

    assert isinstance(parsed, ModalInput)
    assert parsed.update.notify_subscribers is None


def test_maintenance_is_refused_for_a_status_page_with_the_reason() -> None:
    view = build_modal("C1", ON_PAGE, BOTH, seal=SEAL)

    parsed = _submit(view, {ids.STATE_ACTION: "maintenance", ids.PHARE_ACTION: None})

    assert isinstance(parsed, ModalErrors)
    assert parsed.errors[ids.STATE_BLOCK] == (
        "A Checkly status page has no 'maintenance' state "
        "(it has: investigating, identified, monitoring, resolved)."
    )


def test_the_preview_says_which_incidents_show_the_publish_time() -> None:
    when = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
    on_page = replace(new_form("C1", ON_PAGE), published_at=when)
    on_dashboard = replace(on_page, targets={ProviderName.CHECKLY: DASHBOARD})

    page_lines = _preview(build_view(on_page, BOTH, SEAL))
    dashboard_lines = _preview(build_view(on_dashboard, BOTH, SEAL))

    stamp = f"<!date^{int(when.timestamp())}^{{date_short_pretty}} {{time}}|2026-11-22 10:30 UTC>"
    phare, page = page_lines[1:]
    assert phare.startswith("Phare incident `42` receives `identified`")
    assert phare.endswith(f" · shown as posted {stamp}")
    assert page.startswith(f"Checkly status-page incident `{PAGE_INCIDENT}` receives `IDENTIFIED`")
    assert page.endswith(f" · shown as posted {stamp}")
    assert dashboard_lines[1].startswith(f"Checkly incident `{DASHBOARD}`")
    assert dashboard_lines[1].endswith(" · takes no publish time: shown as posted now")
