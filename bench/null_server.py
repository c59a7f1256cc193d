"""The null server: a bare aiohttp app answering 200 at once, the floor of machine and client.

Run as its own process (`python -m bench.null_server PORT`), as the bot is, so both are driven
the same way by the same client.
"""

import sys

from aiohttp import web

from bench.driver import EVENTS_PATH

HEALTH_PATH = "/healthz"


async def _ok(_request: web.Request) -> web.Response:
    """200 with an empty body, reading nothing."""
    return web.Response(status=200)


def null_app() -> web.Application:
    """`POST /slack/events` and `GET /healthz`, both answered at once."""
    app = web.Application()
    app.router.add_post(EVENTS_PATH, _ok)
    app.router.add_get(HEALTH_PATH, _ok)
    return app


def main(argv: list[str]) -> int:
    """Serve on 127.0.0.1:PORT until killed."""
    web.run_app(null_app(), host="127.0.0.1", port=int(argv[0]), access_log=None, print=None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
