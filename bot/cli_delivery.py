"""What `post` and `open` share: usage errors, dry-run requests, delivering one submission
through the engine without Slack, the result lines and the exit status."""

import getpass
import json
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from bot.config import Settings
from bot.domain.explain import explain
from bot.domain.models import DeliveryStatus, Submission, Target
from bot.domain.records import DeliveryReport
from bot.domain.states import ProviderName
from bot.providers.base import PreparedRequest
from bot.providers.router import ProviderRouter
from bot.redaction import Redactor

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
MAX_WAIT_SECONDS = 86_400

Preview = Callable[[ProviderRouter, Target], PreparedRequest | None]


class UsageError(Exception):
    """Arguments that cannot be carried out; the message says which and why."""


def print_usage_error(error: UsageError, command: str, out: TextIO = sys.stderr) -> None:
    """A usage problem on stderr, each line naming the command."""
    for line in str(error).splitlines():
        print(f"incident-bot {command}: {line}", file=out)


def wait_problem(text: str) -> str | None:
    """Why --wait is not a number of seconds from 0 to a day, or None."""
    try:
        seconds = float(text)
    except ValueError:
        return f"--wait: {text!r} is not a number of seconds"
    if not 0 <= seconds <= MAX_WAIT_SECONDS:
        return f"--wait: must be between 0 and {MAX_WAIT_SECONDS} seconds"
    return None


def author() -> str:
    """Who runs the command, for the record."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def configured(settings: Settings, provider: ProviderName) -> bool:
    """Whether the provider has credentials."""
    if provider is ProviderName.PHARE:
        return settings.phare is not None
    return settings.checkly is not None


def not_configured(provider: ProviderName) -> str:
    """Which variables turn the provider on."""
    if provider is ProviderName.PHARE:
        return "Phare is not configured (set PHARE_API_TOKEN)"
    return "Checkly is not configured (set CHECKLY_API_KEY and CHECKLY_ACCOUNT_ID)"


def format_request(request: PreparedRequest) -> str:
    """A request as an HTTP message: method and URL, headers, JSON body."""
    headers = dict(request.headers)
    if request.json and not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = "application/json"
    lines = [f"{request.method} {request.url}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += ["", json.dumps(request.json, ensure_ascii=False, indent=2)]
    return "\n".join(lines)


async def print_requests(settings: Settings, targets: Sequence[Target], preview: Preview) -> int:
    """Print the exact request for each target (placeholder credentials where unset); send
    nothing. A request that cannot be built is a usage error."""
    from bot.core import build_http_client, build_preview_router

    async with build_http_client() as http:
        router = build_preview_router(settings, http)
        shown = []
        for target in targets:
            note = "" if configured(settings, target.provider) else not_configured(target.provider)
            try:
                request = preview(router, target)
            except ValueError as error:
                raise UsageError(f"{target.provider.label}: {error}") from None
            assert request is not None  # every provider has a preview client
            head = [f"# {note}: shown with placeholder credentials"] if note else []
            shown.append("\n".join([*head, format_request(request)]))
    print("\n\n".join(shown))
    return EXIT_OK


async def deliver(settings: Settings, submission: Submission, wait: float) -> list[DeliveryReport]:
    """Store the submission and deliver it (only it) until final or `wait` seconds have passed."""
    from bot.core import open_core, opened_store

    async with opened_store(settings) as store, open_core(settings, store) as core:
        stored = await core.engine.submit(submission)
        return await core.engine.deliver_only(stored.id, timeout=wait)


def print_results(settings: Settings, lines: Sequence[str]) -> None:
    """Result lines on stdout, with any secret masked."""
    redact = Redactor.of(settings)
    for line in lines:
        print(redact(line))


def exit_status(reports: Sequence[DeliveryReport]) -> int:
    """0 when every delivery was accepted, 1 otherwise (or when there was none)."""
    accepted = all(r.status is DeliveryStatus.ACCEPTED for r in reports)
    return EXIT_OK if accepted and reports else EXIT_FAILED


def result_line(label: str, report: DeliveryReport, accepted: str) -> str:
    """One line for one delivery's final (or latest) state, starting with `label`."""
    status = report.status
    if status is DeliveryStatus.ACCEPTED:
        return f"{label}  {accepted}"
    if status is DeliveryStatus.SKIPPED:
        return f"{label}  skipped  {report.skipped_reason or ''}".rstrip()
    outcome = report.outcome
    said = "" if outcome is None else explain(report.target.provider, outcome, report.operation)
    if status.is_final:
        tries = f" after {report.attempts} attempt{'s' if report.attempts != 1 else ''}"
        return f"{label}  {status.value}{tries}  {said}".rstrip()
    return (
        f"{label}  not final yet ({report.attempts} attempts; stored, "
        f"`incident-bot serve` on the same DATABASE_URL will finish it)  {said}"
    ).rstrip()
