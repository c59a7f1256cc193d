"""`incident-bot post`: one update, no Slack, through the same engine and retries as the bot."""

from collections.abc import Sequence
from dataclasses import dataclass

from bot.cli_delivery import (
    EXIT_USAGE,
    UsageError,
    author,
    configured,
    deliver,
    exit_status,
    not_configured,
    print_requests,
    print_results,
    print_usage_error,
    result_line,
    wait_problem,
)
from bot.config import Settings
from bot.domain.ids import InvalidId, parse_target
from bot.domain.models import Source, Submission, Target, Update
from bot.domain.operations import Operation
from bot.domain.records import DeliveryReport
from bot.domain.states import ProviderName, State, parse_state
from bot.domain.targets import takes_notify_subscribers, with_notify_default
from bot.domain.validation import parse_published_at, validate


@dataclass(frozen=True)
class PostArguments:
    """The command line of `post`, as typed."""

    targets: tuple[str, ...]
    state: str
    message: str
    published_at: str | None
    wait: str
    dry_run: bool
    notify_subscribers: bool | None = None


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
    problems += filter(None, [wait_problem(args.wait)])
    if problems:
        raise UsageError("\n".join(problems))
    return Submission(update=update, targets=targets, source=Source.CLI, author=author())


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


def format_report(report: DeliveryReport) -> str:
    """One line for one target's final (or latest) state; a recovery after a resolved update
    to Phare has its own line."""
    if report.operation is Operation.RECOVER:
        return result_line(f"{report.target} recovery", report, "recovered")
    accepted = f"accepted  (update id {report.provider_update_id})"
    return result_line(str(report.target), report, accepted)


async def run_post(settings: Settings, args: PostArguments) -> int:
    """Publish (or preview) one update and print one line per target; return the exit status.
    Every problem with the arguments is named at once, a provider without credentials too."""
    problems = [] if args.dry_run else _unconfigured(settings, args.targets)
    try:
        checkly = settings.checkly
        submission = build_submission(args, checkly is not None and checkly.notify_subscribers)
    except UsageError as error:
        problems.insert(0, str(error))
    if problems:
        print_usage_error(UsageError("\n".join(problems)), "post")
        return EXIT_USAGE
    if args.dry_run:
        return await print_requests(
            settings, submission.targets, lambda router, t: router.prepare(t, submission.update)
        )
    reports = await deliver(settings, submission, float(args.wait))
    print_results(settings, [format_report(r) for r in sorted(reports, key=lambda r: r.target)])
    return exit_status(reports)


def _unconfigured(settings: Settings, texts: Sequence[str]) -> list[str]:
    """Each --to whose provider has no credentials (a bad one is named by build_submission)."""
    found: dict[ProviderName, str] = {}
    for text in texts:
        try:
            target = parse_target(text)
        except InvalidId:
            continue
        if not configured(settings, target.provider) and target.provider not in found:
            found[target.provider] = f"--to {target}: {not_configured(target.provider)}"
    return list(found.values())
