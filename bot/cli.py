"""The `incident-bot` command line: serve | worker | post | open | doctor. Parsing only."""

import argparse
import asyncio
import sys
from collections.abc import Sequence

from bot.config import ConfigError, Settings, load_settings
from bot.domain.operations import Impact

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit with status 2 and a clear line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print the problem and the usage, then exit 2."""
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The full command-line grammar."""
    parser = _Parser(
        prog="incident-bot",
        description="Publish status-page updates to Phare and Checkly, from Slack or here.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    serve = commands.add_parser(
        "serve", help="run the Slack app (HTTP on $PORT, or Socket Mode) and its worker"
    )
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="answer Slack and store updates only; `incident-bot worker` delivers them",
    )
    worker = commands.add_parser(
        "worker", help="deliver, report in threads and remind (no Slack endpoint; /healthz)"
    )
    worker.add_argument("--with-parent", action="store_true", help=argparse.SUPPRESS)
    post = commands.add_parser("post", help="publish one update without Slack")
    post.add_argument(
        "--to",
        action="append",
        required=True,
        metavar="PROVIDER:ID",
        help="a target incident: phare:<id>, checkly:<uuid> or "
        "checkly:<status-page-uuid>/<incident-uuid> (repeatable)",
    )
    post.add_argument("--state", required=True, help="investigating, identified, monitoring, ...")
    post.add_argument("--message", required=True, help="the update's text")
    post.add_argument(
        "--published-at",
        help="Phare and Checkly status pages: the update's shown time (ISO 8601 with a time zone)",
    )
    post.add_argument(
        "--notify-subscribers",
        action=argparse.BooleanOptionalAction,
        help="Checkly status pages: notify the page's subscribers "
        "(default: CHECKLY_NOTIFY_SUBSCRIBERS)",
    )
    _add_wait_and_dry_run(post)
    _add_open_arguments(commands.add_parser("open", help="open an incident without Slack"))
    commands.add_parser("doctor", help="check configuration and every credential")
    return parser


def _add_open_arguments(opener: argparse.ArgumentParser) -> None:
    """`open --title TEXT [--impact IMPACT] [--message TEXT] [--to VENDOR]... [--wait] ...`."""
    impacts = ", ".join(impact.value for impact in Impact)
    opener.add_argument("--title", required=True, help="the incident's title")
    opener.add_argument("--impact", metavar="IMPACT", help=f"one of {impacts} (default unknown)")
    opener.add_argument("--message", help="the first update's text (default: the title)")
    opener.add_argument(
        "--to",
        action="append",
        default=[],
        metavar="VENDOR",
        help="phare or checkly (repeatable; default: every vendor set up to open incidents)",
    )
    _add_wait_and_dry_run(opener)


def _add_wait_and_dry_run(command: argparse.ArgumentParser) -> None:
    """--wait SECONDS and --dry-run, as `post` and `open` take them (--wait is checked with
    every other argument, so that all problems are named at once)."""
    command.add_argument(
        "--wait",
        default="60",
        metavar="SECONDS",
        help="how long to wait for final outcomes (default 60)",
    )
    command.add_argument(
        "--dry-run", action="store_true", help="print the exact requests; send nothing"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        _print_config_error(error)
        return EXIT_USAGE
    try:
        return _dispatch(args, settings)
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    """Hand the parsed command to the module that does it."""
    if args.command == "serve":
        from bot.serve import run_serve

        return run_serve(settings, worker=not args.no_worker)
    if args.command == "worker":
        from bot.serve import run_worker

        return run_worker(settings, with_parent=args.with_parent)
    if args.command == "post":
        from bot.post import PostArguments, run_post

        post_args = PostArguments(
            targets=tuple(args.to),
            state=args.state,
            message=args.message,
            published_at=args.published_at,
            notify_subscribers=args.notify_subscribers,
            wait=args.wait,
            dry_run=args.dry_run,
        )
        return asyncio.run(run_post(settings, post_args))
    if args.command == "open":
        from bot.open_incident import OpenArguments, run_open

        open_args = OpenArguments(
            title=args.title,
            impact=args.impact,
            message=args.message,
            vendors=tuple(args.to),
            wait=args.wait,
            dry_run=args.dry_run,
        )
        return asyncio.run(run_open(settings, open_args))
    from bot.doctor import run_doctor

    return asyncio.run(run_doctor(settings))


def _print_config_error(error: ConfigError) -> None:
    """Every configuration problem, one per line, on stderr."""
    print("incident-bot: the configuration has problems:", file=sys.stderr)
    for problem in error.problems:
        print(f"  - {problem}", file=sys.stderr)
