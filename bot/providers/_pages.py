"""Following a paginated list's `next` links: same origin and path only, no loops, a page cap."""

from collections.abc import Mapping

import httpx

from bot.domain.models import Endless, Retry


class PageTrail:
    """The pages one listing has read, and whether the vendor's next link may be followed.

    The link is resolved against the page it came from; it is followed only when it keeps the
    first page's scheme, host, port and path (the token goes with every request), has no user
    info, leads to a page not read yet, and the cap is not reached (those two end the listing
    for good: retrying would read the same pages again). Query parameters in `keep`
    are added when the link lacks them (Laravel's links carry only `page`, though the next
    page was counted with the `per_page` we asked for).
    """

    def __init__(
        self,
        first: httpx.URL,
        *,
        label: str,
        max_pages: int,
        keep: Mapping[str, str],
        noun: str = "updates",
    ) -> None:
        self._first = first
        self._label = label
        self._noun = noun
        self._max_pages = max_pages
        self._keep = dict(keep)
        self._read = {_page_key(first)}

    def follow(self, current: httpx.URL, link: str | None) -> httpx.URL | Retry | Endless | None:
        """The next page's URL; None when there is none; Retry when it must not be followed;
        Endless when the list cannot be read to its end."""
        if link is None:
            return None
        try:
            target = current.join(link)
        except httpx.InvalidURL:
            return self._refuse("is not a URL")
        if _origin(target) != _origin(self._first) or target.path != self._first.path:
            where = f"{target.scheme}://{target.host}{target.path}"[:200]
            return self._refuse(f"leads elsewhere ({where}); it was not followed")
        if target.userinfo:
            return self._refuse("carries user credentials; it was not followed")
        missing = {k: v for k, v in self._keep.items() if k not in target.params}
        target = target.copy_merge_params(missing) if missing else target
        key = _page_key(target)
        if key in self._read:
            return Endless(
                f"{self._label}'s link to the next page of {self._noun} leads back to a page "
                "already read"
            )
        if len(self._read) >= self._max_pages:
            return Endless(
                f"{self._label} lists more than {self._max_pages} pages of {self._noun}, "
                "more than the bot reads"
            )
        self._read.add(key)
        return target

    def _refuse(self, why: str) -> Retry:
        """A listing that cannot go on: retried later, since reading changed nothing."""
        return Retry(f"{self._label}'s link to the next page of {self._noun} {why}")


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """Scheme, host and port: where the request (and its token) would go."""
    return url.scheme, url.host, url.port


def _page_key(url: httpx.URL) -> tuple[tuple[str, str], ...]:
    """The page a URL asks for, whatever the order of its query parameters."""
    return tuple(sorted(url.params.multi_items()))
