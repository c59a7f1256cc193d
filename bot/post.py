"""`incident-bot post`: one update, no Slack, through the same engine and retries as the bot."""

import getpass
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from bot.config import Settings
from bot.domain.explain import explain
from bot.domain.ids import InvalidId, parse_target
from bot.domain.models import DeliveryStatus, Source, Submission, Target, Update
from bot.domain.records import DeliveryReport
from bot.domain.states import ProviderName, State, parse_state
from bot.domain.targets import takes_notify_subscribers, with_notify_default
from bot.domain.validation import parse_published_at, validate
from bot.providers.base import PreparedRequest
from bot.redaction import Redactor

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class PostArguments:
    """The command line of `post`, as typed."""

    targets: tuple[str, ...]
    state: str
    message: str
    published_at: str | None
    wait: float
    dry_run: bool
    notify_subscribers: bool | None = None


class UsageError(Exception):
    """Arguments that cannot make an update; the message says which and why."""


def build_submission(args: PostArguments, notify_default: bool = False) -> Submission:
    """Parse and validate the arguments into a submission, or raise UsageError naming every
    problem at once. Status pages notify subscribers as asked, else as `notify_default`."""
    problems: list[str] = []
    targets = _targets(args.targets, problems)
    bad_targets = bool(problems)
    state = parse_state(args.state)
    if state is None:
        valid = ", ".join(s.value for s in State)
        problems.append(f"--state {args.state!r} is not a state (valid: {valid})")
    published_at = None
    if args.published_at is not None:
        try:
            published_at = parse_published_at(args.published_at)
        except ValueError as error:
            problems.append(f"--published-at: {error}")
    update = Update(state or State.UNKNOWN, args.message, published_at, args.notify_subscribers)
    if args.notify_subscribers is not None and not any(map(takes_notify_subscribers, targets)):
        problems.append(
            "--notify-subscribers: only Checkly status-page incidents have subscribers to notify"
        )
    update = with_notify_default(update, targets, notify_default)
    for e in validate(update, targets):
        shown = _option(e.field.value)
        if not (state is None and shown == "state") and not (bad_targets and shown == "to"):
            problems.append(f"--{shown}: {e.message}")
    if problems:
        raise UsageError("\n".join(problems))
    return Submission(update=update, targets=targets, source=Source.CLI, author=_author())


def _targets(texts: Sequence[str], problems: list[str]) -> tuple[Target, ...]:
    """Every --to parsed; each bad one named in `problems`."""
    parsed: list[Target] = []
    for text in texts:
        try:
            target = parse_target(text)
        except InvalidId as error:
            problems.append(f"--to: {error}")
            continue
        if any(t.provider is target.provider for t in parsed):
            problems.append(f"--to: {target.provider.label} is given twice; one incident each")
            continue
        parsed.append(target)
    return tuple(parsed)


def _option(field: str) -> str:
    """The command-line option that carries a field."""
    return {"content": "message", "targets": "to", "published_at": "published-at"}.get(field, field)


def _author() -> str:
    """Who runs the command, for the record."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def format_request(request: PreparedRequest) -> str:
    """A request as an HTTP message: method and URL, headers, JSON body."""
    headers = dict(request.headers)
    if request.json and not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = "application/json"
    lines = [f"{request.method} {request.url}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += ["", json.dumps(request.json, ensure_ascii=False, indent=2)]
    return "\n".join(lines)


def format_report(report: DeliveryReport) -> str:
    """One line for one target's final (or latest) state."""
    target, status = report.target, report.status
    if status is DeliveryStatus.ACCEPTED:
        return f"{target}  accepted  (update id {report.provider_update_id})"
    if status is DeliveryStatus.SKIPPED:
        return f"{target}  skipped  {report.skipped_reason or ''}".rstrip()
    said = explain(target.provider, report.outcome) if report.outcome is not None else ""
    if status.is_final:
        tries = f" after {report.attempts} attempt{'s' if report.attempts != 1 else ''}"
        return f"{target}  {status.value}{tries}  {said}".rstrip()
    return (
        f"{target}  not final yet ({report.attempts} attempts; stored, "
        f"`incident-bot serve` on the same DATABASE_URL will finish it)  {said}"
    ).rstrip()


def print_usage_error(error: UsageError, out: TextIO = sys.stderr) -> None:
    """A usage problem on stderr."""
    for line in str(error).splitlines():
        print(f"incident-bot post: {line}", file=out)


async def run_post(settings: Settings, args: PostArguments) -> int:
    """Publish (or preview) one update and print one line per target; return the exit status."""
    try:
        checkly = settings.checkly
        submission = build_submission(args, checkly is not None and checkly.notify_subscribers)
        if args.dry_run:
            return await _dry_run(settings, submission)
        _require_configured(settings, submission.targets)
    except UsageError as error:
        print_usage_error(error)
        return EXIT_USAGE
    from bot.app import open_core, opened_store

    async with opened_store(settings) as store, open_core(settings, store) as core:
        stored = await core.engine.submit(submission)
        reports = await core.engine.deliver_only(stored.id, timeout=args.wait)
    for report in sorted(reports, key=lambda r: r.target):
        print(Redactor.of(settings)(format_report(report)))
    accepted = all(r.status is DeliveryStatus.ACCEPTED for r in reports)
    return EXIT_OK if accepted and reports else EXIT_FAILED


async def _dry_run(settings: Settings, submission: Submission) -> int:
    """Print the exact request for each target; send nothing."""
    from bot.app import build_http_client, build_preview_router

    async with build_http_client() as http:
        router = build_preview_router(settings, http)
        for index, target in enumerate(submission.targets):
            if index:
                print()
            if not _configured(settings, target):
                print(f"# {_not_configured(target)}: shown with placeholder credentials")
            request = router.prepare(target, submission.update)
            assert request is not None  # every provider has a preview client
            print(format_request(request))
    return EXIT_OK


def _configured(settings: Settings, target: Target) -> bool:
    """Whether the target's provider has credentials."""
    if target.provider is ProviderName.PHARE:
        return settings.phare is not None
    return settings.checkly is not None


def _not_configured(target: Target) -> str:
    """Which variables turn the target's provider on."""
    if target.provider is ProviderName.PHARE:
        return "Phare is not configured (set PHARE_API_TOKEN)"
    return "Checkly is not configured (set CHECKLY_API_KEY and CHECKLY_ACCOUNT_ID)"


def _require_configured(settings: Settings, targets: Sequence[Target]) -> None:
    """Refuse a target whose provider has no credentials, before anything is stored."""
    for target in targets:
        if not _configured(settings, target):
            raise UsageError(f"--to {target}: {_not_configured(target)}")
