"""incident-bot: publish status-page updates to Phare and Checkly from Slack."""

__version__ = "0.1.0"
