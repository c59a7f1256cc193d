"""README "Operating" lists every metric `/metrics` serves, with exactly its labels."""

import re
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from bot.domain.records import Backlog
from bot.domain.states import ProviderName
from bot.metrics import Metrics
from tests.test_metrics import count_everything

README = Path(__file__).parents[1] / "README.md"
_ROW = re.compile(r"^\| `(incident_bot_[a-z_]+)(?:\{([a-z_,]*)\})?` \|", re.M)


async def test_the_readme_names_every_metric_with_its_labels() -> None:
    async def backlog() -> dict[ProviderName, Backlog]:
        return {}

    metrics = Metrics(backlog)
    count_everything(metrics)
    body, _ = await metrics.exposition()
    served = {
        f.name + ("_total" if f.type == "counter" else ""): {
            label for s in f.samples for label in s.labels if label != "le"
        }
        for f in text_string_to_metric_families(body.decode())
        if not f.name.endswith("_created")
    }

    listed = {
        name: set(filter(None, (labels or "").split(",")))
        for name, labels in _ROW.findall(README.read_text())
    }

    assert listed == served
