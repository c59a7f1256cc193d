"""Slack mrkdwn escaping and unescaping, and checks on free text."""

import unicodedata

_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))


def escape_mrkdwn(text: str) -> str:
    """Escape text for Slack so `<!channel>`, `<!here>` and `<@U…>` never ping."""
    for raw, escaped in _ESCAPES:
        text = text.replace(raw, escaped)
    return text


def unescape_slack(text: str) -> str:
    """Undo Slack's escaping of `&`, `<` and `>` in text it sends us."""
    for raw, escaped in reversed(_ESCAPES):
        text = text.replace(escaped, raw)
    return text


def has_visible_text(text: str) -> bool:
    """Whether the text holds something a reader would see (not only spaces or zero-width)."""
    return any(not ch.isspace() and unicodedata.category(ch) not in {"Cf", "Cc"} for ch in text)


def forbidden_character(text: str) -> str | None:
    """Describe the first character no status page should receive, or None."""
    for ch in text:
        if ch in "\n\t\r":
            continue
        if "\ud800" <= ch <= "\udfff":
            return "an invalid (lone surrogate) character"
        if unicodedata.category(ch) == "Cc":
            return "NUL" if ch == "\x00" else f"the control character U+{ord(ch):04X}"
    return None


def shorten(text: str, limit: int) -> str:
    """Cut text to at most `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"
