"""Label values for metrics, each from a bounded set: whatever a vendor or Slack answers, the
number of series stays small."""

import re

from bot.domain.models import Accepted, Outcome, Refused, Retry

OTHER = "other"
NONE = "none"
# The statuses the vendors document (400, 401, 403, 404, 422, 429) and the usual passing ones;
# any other is counted by its class (`4xx`, `5xx`, ...).
KNOWN_STATUSES = frozenset({400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504})
_SLACK_METHOD = re.compile(r"[a-z][A-Za-z]{0,31}(\.[a-z][A-Za-z]{0,31}){1,3}", re.ASCII)
# The error codes Slack documents for the Web API methods the bot calls (and Slack's common
# ones); any other code is counted as "other".
SLACK_ERRORS = frozenset(
    {
        "access_denied",
        "account_inactive",
        "as_user_not_supported",
        "bot_not_found",
        "cannot_reply_to_message",
        "cant_delete_message",
        "cant_update_message",
        "channel_is_archived",
        "channel_not_found",
        "compliance_exports_prevent_deletion",
        "deprecated_endpoint",
        "duplicate_external_id",
        "edit_window_closed",
        "ekm_access_denied",
        "enterprise_is_restricted",
        "exchanged_trigger_id",
        "expired_trigger_id",
        "fatal_error",
        "hash_conflict",
        "internal_error",
        "invalid_arg_name",
        "invalid_arguments",
        "invalid_array_arg",
        "invalid_auth",
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_charset",
        "invalid_cursor",
        "invalid_form_data",
        "invalid_json",
        "invalid_post_type",
        "invalid_trigger_id",
        "is_archived",
        "json_not_object",
        "message_not_found",
        "method_deprecated",
        "missing_post_type",
        "missing_scope",
        "msg_too_long",
        "no_permission",
        "no_such_subteam",
        "no_text",
        "not_allowed_token_type",
        "not_authed",
        "not_found",
        "not_in_channel",
        "org_login_required",
        "ratelimited",
        "request_timeout",
        "restricted_action",
        "restricted_action_non_threadable_channel",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "service_unavailable",
        "team_access_not_granted",
        "team_added_to_org",
        "thread_not_found",
        "token_expired",
        "token_revoked",
        "too_many_attachments",
        "two_factor_setup_required",
        "unknown",
        "user_not_found",
        "user_not_visible",
        "view_too_large",
    }
)


def attempt_labels(outcome: Outcome) -> tuple[str, str]:
    """The result and HTTP status labels of one attempt's outcome ("none" without a status)."""
    if isinstance(outcome, Accepted):
        return "accepted", NONE
    if isinstance(outcome, Refused):
        return "refused", status_label(outcome.status)
    if isinstance(outcome, Retry):
        return "retry", status_label(outcome.status)
    return "unclear", NONE


def status_label(status: int | None) -> str:
    """A vendor's HTTP status as a label: a known one as is, another by its class."""
    if not status:
        return NONE
    if status in KNOWN_STATUSES:
        return str(status)
    return f"{status // 100}xx" if 100 <= status <= 599 else OTHER


def slack_method_label(method: str) -> str:
    """A Web API method name (`chat.postMessage`) as a label, or "other"."""
    return method if _SLACK_METHOD.fullmatch(method) else OTHER


def slack_error_label(error: str) -> str:
    """A Slack error code as a label: one Slack documents for these methods, else "other"."""
    return error if error in SLACK_ERRORS else OTHER
