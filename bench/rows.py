"""The table's lines: each figure, what it is compared with, the target of issue 11, the verdict."""

from dataclasses import dataclass

from bench.figures import NO_POSTGRES, Figures
from bench.processes import CHILD_MARK, Memory
from bench.scenarios.ack import AckFigures
from bench.scenarios.modal import ModalOpens
from bench.scenarios.takeover import Takeover
from bench.scenarios.throughput import Throughput
from bench.stats import Latency

SERVE, WEB, WORKER = "serve", "serve --no-worker", "worker"
PROCESS_LIMIT_MB, ALL_LIMIT_MB = 120.0, 200.0
RESTART_PROMISE_SECONDS, REPLICA_PROMISE_SECONDS = 10.0, 15.0


@dataclass(frozen=True)
class Row:
    """One line of the table: a figure, what it is compared with, its target and verdict."""

    name: str
    measured: str
    reference: str
    target: str
    met: bool | None


def rows(f: Figures) -> list[Row]:
    """The table's lines, in the issue's order."""
    return [
        *_ack_rows(f.load.acks, f.load.modal),
        *_delivery_rows(f),
        _serial_apart_row(f),
        *_throughput_rows("updates/s to both providers", f.load.throughput),
        *_throughput_rows(f"same, `{WEB}` + `{WORKER}` ({f.apart.database})", f.apart.throughput),
        *_memory_rows(f.memory),
        *_start_rows(f),
        *_takeover_rows(f.takeovers.restart, f.takeovers.replicas),
    ]


def _ms(latency: Latency) -> str:
    """`p50 / p99` in ms."""
    return f"{latency.p50_ms:.1f} / {latency.p99_ms:.1f} ms"


def _ack_rows(a: AckFigures, modal: ModalOpens) -> list[Row]:
    """Ack latency beside the null server's, and the modal opening."""
    serial = Row(
        "ack, serial (p50 / p99)",
        _ms(a.serial.bot),
        "null " + _ms(a.serial.null),
        "p50 <= 5 ms",
        a.serial.bot.p50_ms <= 5.0,
    )
    concurrent = Row(
        f"ack, {a.workers} concurrent (p50 / p99)",
        _ms(a.concurrent.bot),
        "null " + _ms(a.concurrent.null),
        "p99 <= 1.5x null",
        a.concurrent.bot.p99_ms <= 1.5 * a.concurrent.null.p99_ms,
    )
    opened = Row(
        f"request -> views.open, {modal.opened.count + modal.failed} commands, "
        f"{a.workers} at a time",
        _ms(modal.opened),
        f"{modal.failed} not opened",
        "p99 <= 300 ms",
        modal.opened.p99_ms <= 300.0 and modal.failed == 0,
    )
    return [serial, concurrent, opened]


def _serial_apart_row(f: Figures) -> Row:
    """Serial ack latency with web and worker in two processes."""
    serial = f.apart.serial
    return Row(
        f"ack, serial, `{WEB}` + `{WORKER}` ({f.apart.database})",
        _ms(serial.bot),
        "null " + _ms(serial.null),
        "p50 <= 5 ms",
        serial.bot.p50_ms <= 5.0,
    )


def _delivery_rows(f: Figures) -> list[Row]:
    """Fan-out against its floor, and the bot's own overhead with providers at once."""
    d = f.load.deliveries
    bot, direct = (
        d.fan_out_bot.ratio(f.floor_seconds),
        d.fan_out_direct.ratio(f.floor_seconds),
    )
    over, over_direct = d.overhead_bot.latency(), d.overhead_direct.latency()
    stored = f"stored first {f.stored_first}/{f.stored_first + f.not_stored_first}"
    return [
        Row(
            "submission -> last provider / floor",
            f"{bot[0]:.3f} / {bot[1]:.3f}",
            f"httpx {direct[0]:.3f} / {direct[1]:.3f}",
            f"p50 <= 1.10 (floor {f.floor_seconds * 1000:.0f} ms)",
            bot[0] <= 1.10,
        ),
        Row(
            "same, providers at once",
            _ms(over),
            "httpx " + _ms(over_direct),
            "p50 <= 10 ms, stored first",
            over.p50_ms <= 10.0 and f.not_stored_first == 0,
        ),
        Row("", stored, "", "", None),
    ]


def _throughput_rows(name: str, t: Throughput) -> list[Row]:
    """Sustained throughput, what went missing, and the bot's CPU per update (all its
    processes, then each)."""
    each = " + ".join(
        f"{label.split(CHILD_MARK)[-1]} {ms:.1f}" for label, ms in t.cpu_ms_per_update_each.items()
    )
    cpu = f"bot CPU {t.cpu_ms_per_update:.1f} ms/update"
    return [
        Row(
            name,
            f"{t.per_second:.0f}/s",
            f"{t.updates} updates in {t.seconds:.1f} s",
            ">= 100/s, none lost or doubled",
            t.per_second >= 100 and t.lost == 0 and t.doubled == 0,
        ),
        Row(
            "",
            f"lost {t.lost}, doubled {t.doubled}",
            cpu if len(t.cpu_ms_per_update_each) == 1 else f"{cpu} ({each})",
            "",
            None,
        ),
    ]


def processes_of(memory: dict[str, Memory], roots: tuple[str, ...]) -> dict[str, Memory]:
    """The figures of the started commands `roots` and of the children each started."""
    return {label: m for label, m in memory.items() if label.split(CHILD_MARK)[0] in roots}


def _memory_rows(memory: dict[str, Memory]) -> list[Row]:
    """Peak RSS of `serve` and its child, and of web and worker apart (each and together);
    PSS beside."""
    return [
        _memory_row(f"`{SERVE}` + its child", processes_of(memory, (SERVE,))),
        _memory_row(f"`{WEB}` + `{WORKER}`", processes_of(memory, (WEB, WORKER))),
    ]


def _memory_row(name: str, processes: dict[str, Memory]) -> Row:
    """Each process's peak RSS, their sum, against the limits for one and for all."""
    peaks = [m.peak_rss_mb for m in processes.values()]
    each = " + ".join(f"{peak:.0f}" for peak in peaks)
    pss = " + ".join(f"{m.pss_mb:.0f}" for m in processes.values())
    return Row(
        f"peak memory, {name} ({len(peaks)} processes)",
        f"{each} = {sum(peaks):.0f} MB RSS",
        f"PSS {pss} MB",
        f"< {PROCESS_LIMIT_MB:.0f} MB each, < {ALL_LIMIT_MB:.0f} MB all",
        max(peaks) < PROCESS_LIMIT_MB and sum(peaks) < ALL_LIMIT_MB,
    )


def _start_rows(f: Figures) -> list[Row]:
    """Start to /healthz 200, on an empty database and on one already migrated."""
    return [
        Row(
            "start -> /healthz 200, empty DB",
            f"{f.start_fresh_seconds:.2f} s",
            "",
            "< 2 s",
            f.start_fresh_seconds < 2.0,
        ),
        Row(
            "start -> /healthz 200, DB at head",
            f"{f.start_at_head_seconds:.2f} s",
            "",
            "< 2 s",
            f.start_at_head_seconds < 2.0,
        ),
    ]


def _seconds(seconds: list[float]) -> str:
    """`median / max` in seconds."""
    median, largest = Takeover.median_max(seconds)
    return f"{median:.1f} / {largest:.1f} s"


def _takeover_rows(restart: Takeover, replicas: Takeover | None) -> list[Row]:
    """Kill to done: the whole `serve` restarted at once; one of two replicas, not restarted."""
    rounds = f"{len(restart.from_kill)} rounds"
    restarted = Row(
        f"`{SERVE}` SIGKILLed in a send, restarted: kill -> done (median / max)",
        _seconds(restart.from_kill),
        f"from the restart {_seconds(restart.from_restart)} ({rounds}, SQLite)",
        f"<= {RESTART_PROMISE_SECONDS:.0f} s from the restart",
        max(restart.from_restart) <= RESTART_PROMISE_SECONDS,
    )
    if replicas is None:
        return [
            restarted,
            Row("1 of 2 replicas SIGKILLed: kill -> done", NO_POSTGRES, "", "", None),
        ]
    replica = Row(
        "1 of 2 replicas SIGKILLed mid-delivery: kill -> done (median / max)",
        _seconds(replicas.from_kill),
        f"{len(replicas.from_kill)} rounds, PostgreSQL, each update exactly once",
        f"<= {REPLICA_PROMISE_SECONDS:.0f} s from the kill",
        max(replicas.from_kill) <= REPLICA_PROMISE_SECONDS,
    )
    return [restarted, replica]
