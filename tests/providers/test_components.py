"""The status page's components as the open form gets them: a list, why not, or None."""

import httpx

from bot.domain.operations import Component
from bot.domain.states import ProviderName
from bot.providers.checkly import ChecklyClient
from bot.providers.components import PageComponents
from bot.providers.phare import PhareClient
from bot.providers.router import ProviderRouter
from tests.fakes.checkly import ChecklyFake
from tests.fakes.fixtures import CHECKLY_PAGE, phare_settings
from tests.fakes.vendor import Reply


def components_of(client: ChecklyClient, page: str | None = CHECKLY_PAGE) -> PageComponents:
    """The page's components through a router over the Checkly client."""
    return PageComponents(ProviderRouter({ProviderName.CHECKLY: client}), page)


async def test_the_pages_components_are_listed_in_display_order(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    api, web = checkly_fake.add_components(CHECKLY_PAGE, ["API", "Web"])

    listed = await components_of(checkly_client).components()

    assert listed == [Component(api["id"], "API"), Component(web["id"], "Web")]


async def test_a_refusal_is_one_sentence_in_checklys_words(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    checkly_fake.script_to(
        "components", Reply.forbidden("Your API key does not have the read permission.")
    )

    said = await components_of(checkly_client).components()

    assert said == (
        "Checkly refused to list them (HTTP 403): Your API key does not have the read permission."
    )


async def test_a_passing_failure_says_what_happened(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake
) -> None:
    checkly_fake.script_to("components", Reply.server_error(503))

    said = await components_of(checkly_client).components()

    assert said == "Checkly had a server error (HTTP 503). It said: “Service Unavailable”"


async def test_none_without_a_status_page_or_without_checkly(
    checkly_client: ChecklyClient, checkly_fake: ChecklyFake, http: httpx.AsyncClient
) -> None:
    assert await components_of(checkly_client, None).components() is None
    phare = PhareClient(http, phare_settings("http://127.0.0.1:9"))
    phare_only = ProviderRouter({ProviderName.PHARE: phare})
    assert await PageComponents(phare_only, CHECKLY_PAGE).components() is None
    assert checkly_fake.requests == []
