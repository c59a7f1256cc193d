"""`incident-bot open`: open an incident without Slack, through the same engine as the bot."""

from dataclasses import dataclass

from bot import cli_delivery as shared
from bot.cli_delivery import UsageError, configured, not_configured, result_line
from bot.config import Settings
from bot.domain.explain import opening_left
from bot.domain.models import DeliveryStatus, Source, Submission, Target, Unclear
from bot.domain.open_at import nowhere_to_open, open_places, opening_submission, title_problems
from bot.domain.operations import Impact, Opening
from bot.domain.records import DeliveryReport
from bot.domain.states import ProviderName
from bot.domain.text import forbidden_character, has_visible_text

IMPACTS = tuple(impact.value for impact in Impact)


@dataclass(frozen=True)
class OpenArguments:
    """The command line of `open`, as typed."""

    title: str
    impact: str | None
    message: str | None
    vendors: tuple[str, ...]
    wait: str
    dry_run: bool


def build_opening(args: OpenArguments, settings: Settings) -> Submission:
    """The opening at each vendor asked for (default: every one that can open an incident), or
    UsageError naming every problem at once."""
    problems: list[str] = []
    places = _places(args, settings, problems)
    problems += [
        f"--title: {problem}"
        for problem in title_problems(args.title, (p.provider for p in places))
    ]
    impact = _impact(args.impact, problems)
    if args.message is not None:
        bad = forbidden_character(args.message)
        if not has_visible_text(args.message):
            problems.append("--message: Write a message: it is empty.")
        elif bad is not None:
            problems.append(f"--message: The message contains {bad}; remove it.")
    problems += filter(None, [shared.wait_problem(args.wait)])
    if problems:
        raise UsageError("\n".join(problems))
    phare = settings.phare
    checkly = settings.checkly
    opening = Opening(
        title=args.title,
        impact=impact,
        message=args.message,
        monitor_ids=phare.monitor_ids if phare is not None else (),
        notify_subscribers=checkly is not None and checkly.notify_subscribers,
    )
    return opening_submission(opening, places, Source.CLI, shared.author())


def _places(args: OpenArguments, settings: Settings, problems: list[str]) -> tuple[Target, ...]:
    """Where to open: the vendors named (each once), else every vendor that can open one. A dry
    run may name Phare unconfigured (shown with placeholder credentials)."""
    page = settings.checkly.status_page_id if settings.checkly is not None else None
    phare_on = settings.phare is not None
    if not args.vendors:
        if not phare_on and page is None:
            problems.append(nowhere_to_open({p for p in ProviderName if configured(settings, p)}))
        return open_places(phare_on, page)
    chosen: list[Target] = []
    for name in dict.fromkeys(name.strip().lower() for name in args.vendors):
        if name == ProviderName.PHARE.value:
            if not phare_on and not args.dry_run:
                problems.append(f"--to phare: {not_configured(ProviderName.PHARE)}")
            chosen.append(Target(ProviderName.PHARE, ""))
        elif name != ProviderName.CHECKLY.value:
            problems.append(f"--to {name!r}: name a vendor, phare or checkly")
        elif page is None:
            also = "" if configured(settings, ProviderName.CHECKLY) else " (and Checkly's key)"
            problems.append(f"--to checkly: set CHECKLY_STATUS_PAGE_ID{also}, the page to open on")
        else:
            chosen.append(Target(ProviderName.CHECKLY, page))
    return tuple(chosen)


def _impact(text: str | None, problems: list[str]) -> Impact:
    """The impact named (spaces or hyphens for underscores), unknown when none."""
    if text is None:
        return Impact.UNKNOWN
    try:
        return Impact(text.strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        problems.append(f"--impact {text!r} is not an impact (valid: {', '.join(IMPACTS)})")
        return Impact.UNKNOWN


def format_opening(report: DeliveryReport) -> str:
    """One line for one vendor: the incident opened there as a target, or what happened."""
    opened = report.provider_update_id
    if report.status is DeliveryStatus.ACCEPTED and opened is not None:
        return result_line(str(Target(report.target.provider, opened)), report, "opened")
    line = result_line(report.target.provider.value, report, "opened")
    if report.status is DeliveryStatus.FAILED and isinstance(report.outcome, Unclear):
        return f"{line} {opening_left(report.target.provider, report.status, report.outcome)}"
    return line


async def run_open(settings: Settings, args: OpenArguments) -> int:
    """Open (or preview opening) the incident; a line per vendor; return the exit status."""
    try:
        submission = build_opening(args, settings)
        opening = submission.opening
        assert opening is not None
        if args.dry_run:
            return await shared.print_requests(
                settings, submission.targets, lambda router, at: router.prepare_open(at, opening)
            )
    except UsageError as error:
        shared.print_usage_error(error, "open")
        return shared.EXIT_USAGE
    reports = await shared.deliver(settings, submission, float(args.wait))
    shared.print_results(settings, [format_opening(r) for r in reports])
    return shared.exit_status(reports)
