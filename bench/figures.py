"""What one bench run measured: the figures of each phase, gathered."""

from dataclasses import dataclass

from bench.processes import Memory
from bench.scenarios.ack import AckFigures, AckPair
from bench.scenarios.fanout import FanOut
from bench.scenarios.modal import ModalOpens
from bench.scenarios.takeover import Takeover
from bench.scenarios.throughput import Throughput

NO_POSTGRES = "not measured: no PostgreSQL"


@dataclass(frozen=True)
class Deliveries:
    """Submission → last provider, through the bot and directly, slow and at once."""

    fan_out_bot: FanOut
    fan_out_direct: FanOut
    overhead_bot: FanOut
    overhead_direct: FanOut


@dataclass(frozen=True)
class Load:
    """What driving the running bots measured."""

    acks: AckFigures
    modal: ModalOpens
    deliveries: Deliveries
    throughput: Throughput


@dataclass(frozen=True)
class Apart:
    """`serve --no-worker` and `worker` as two processes: throughput, serial acks, the store."""

    throughput: Throughput
    serial: AckPair
    database: str


@dataclass(frozen=True)
class Takeovers:
    """The whole `serve` killed and restarted; one of two replicas killed (None: no PostgreSQL)."""

    restart: Takeover
    replicas: Takeover | None


@dataclass(frozen=True)
class Figures:
    """Everything one run measured."""

    load: Load
    floor_seconds: float
    stored_first: int
    not_stored_first: int
    memory: dict[str, Memory]
    apart: Apart
    takeovers: Takeovers
    start_fresh_seconds: float
    start_at_head_seconds: float
