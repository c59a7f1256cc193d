"""Every Slack identifier the bot defines: the command, callback, block and action ids."""

COMMAND = "/incident-update"

MODAL_CALLBACK_ID = "incident_update_modal"

STATE_BLOCK = "state"
STATE_ACTION = "state_select"
MESSAGE_BLOCK = "message"
MESSAGE_ACTION = "message_input"
PHARE_BLOCK = "phare_incident"
PHARE_ACTION = "phare_incident_input"
CHECKLY_BLOCK = "checkly_incident"
CHECKLY_ACTION = "checkly_incident_input"
PUBLISHED_AT_BLOCK = "published_at"
PUBLISHED_AT_ACTION = "published_at_picker"
NOTIFY_BLOCK = "notify_subscribers"
NOTIFY_ACTION = "notify_subscribers_choice"
NOTIFY_VALUE = "notify"
MESSAGE_BLOCK_REVISED = "message-"
PREVIEW_BLOCK = "preview"

RECEIPT_ACTIONS_BLOCK = "receipt_actions"
RETRY_ACTION = "delivery_retry"
EDIT_RESEND_ACTION = "delivery_edit_resend"

REMINDER_ACTIONS_BLOCK = "reminder_actions"
REMINDER_POST_ACTION = "reminder_post_update"
REMINDER_SNOOZE_ACTION = "reminder_snooze"
