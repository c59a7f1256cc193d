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
