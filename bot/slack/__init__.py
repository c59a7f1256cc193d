"""The Slack layer: the only package that imports slack_bolt or slack_sdk."""
