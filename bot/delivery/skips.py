"""Why a target of a submission is stored as skipped rather than sent."""

from collections.abc import Collection

from bot.domain.models import Submission, Target
from bot.domain.states import ProviderName
from bot.domain.targets import lacking, takes_state


def skip_reasons(submission: Submission, configured: Collection[ProviderName]) -> dict[Target, str]:
    """Why each target that will not be sent is skipped (state missing, provider off)."""
    state = submission.update.state
    reasons: dict[Target, str] = {}
    for target in (*submission.skipped, *submission.targets):
        if not takes_state(target, state):
            reasons[target] = str(lacking(target, state))
        elif target.provider not in configured:
            reasons[target] = f"{target.provider.label} is not configured"
        elif target in submission.skipped:
            reasons[target] = f"{target.provider.label} was skipped"
    return reasons
