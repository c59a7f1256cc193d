"""The figures, the targets of issue 6 beside them, a table for people and one JSON line."""

import json
import os
import platform
from dataclasses import dataclass

from bench.scenarios.ack import AckFigures
from bench.scenarios.fanout import FanOut
from bench.scenarios.modal import ModalOpens
from bench.scenarios.throughput import Throughput
from bench.stats import Latency


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
class Figures:
    """Everything one run measured."""

    load: Load
    floor_seconds: float
    stored_first: int
    not_stored_first: int
    peak_rss_mb: float
    peak_pss_mb: float
    start_fresh_seconds: float
    start_at_head_seconds: float


@dataclass(frozen=True)
class Row:
    """One line of the table: a figure, what it is compared with, its target and verdict."""

    name: str
    measured: str
    reference: str
    target: str
    met: bool | None


def machine() -> dict[str, str | int]:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count() or 0,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def _ms(latency: Latency) -> str:
    """`p50 / p99` in ms."""
    return f"{latency.p50_ms:.1f} / {latency.p99_ms:.1f} ms"


def rows(f: Figures) -> list[Row]:
    """The table's lines, in the issue's order."""
    return [*_ack_rows(f.load.acks, f.load.modal), *_delivery_rows(f), *_process_rows(f)]


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
        f"request -> views.open, {a.workers} concurrent",
        _ms(modal.opened),
        f"{modal.failed} not opened",
        "p99 <= 300 ms",
        modal.opened.p99_ms <= 300.0 and modal.failed == 0,
    )
    return [serial, concurrent, opened]


def _delivery_rows(f: Figures) -> list[Row]:
    """Fan-out against its floor, the bot's own overhead, and sustained throughput."""
    load, d = f.load, f.load.deliveries
    bot, direct = (
        d.fan_out_bot.ratio(f.floor_seconds),
        d.fan_out_direct.ratio(f.floor_seconds),
    )
    over, over_direct = d.overhead_bot.latency(), d.overhead_direct.latency()
    stored = f"stored first {f.stored_first}/{f.stored_first + f.not_stored_first}"
    t = load.throughput
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
            "p50 <= 6 ms, stored first",
            over.p50_ms <= 6.0 and f.not_stored_first == 0,
        ),
        Row("", stored, "", "", None),
        Row(
            "updates/s to both providers",
            f"{t.per_second:.0f}/s",
            f"{t.updates} updates in {t.seconds:.1f} s",
            ">= 100/s, none lost",
            t.per_second >= 100 and t.lost == 0 and t.doubled == 0,
        ),
        Row(
            "",
            f"lost {t.lost}, doubled {t.doubled}",
            f"bot CPU {t.cpu_ms_per_update:.1f} ms/update ("
            + " + ".join(f"{ms:.1f}" for ms in t.cpu_ms_per_update_each)
            + ")",
            "",
            None,
        ),
    ]


def _process_rows(f: Figures) -> list[Row]:
    """Memory and start time."""
    return [
        Row(
            "peak memory of the bot (2 processes)",
            f"{f.peak_pss_mb:.0f} MB PSS",
            f"sum of each peak RSS {f.peak_rss_mb:.0f} MB",
            "< 150 MB",
            f.peak_pss_mb < 150,
        ),
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


def table(f: Figures) -> str:
    """The figures as an aligned text table."""
    header = Row("figure", "incident-bot", "reference (same run)", "target", None)
    lines = [header, *rows(f)]
    widths = [max(len(getattr(r, k)) for r in lines) for k in ("name", "measured", "reference")]
    out = []
    for r in lines:
        verdict = "" if r.met is None else ("met" if r.met else "MISSED")
        if r is header:
            verdict = "verdict"
        cells = (r.name, r.measured, r.reference)
        out.append(
            "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
            + f"  {r.target:<34} {verdict}"
        )
    return "\n".join(out)


def json_line(f: Figures) -> str:
    """Every figure and verdict on one line."""
    load, d = f.load, f.load.deliveries
    body = {
        "machine": machine(),
        **_ack_json(load.acks, load.modal),
        "fan_out_ratio": _ratios(d.fan_out_bot, f.floor_seconds),
        "fan_out_ratio_httpx": _ratios(d.fan_out_direct, f.floor_seconds),
        "fan_out_floor_ms": round(f.floor_seconds * 1000, 1),
        "overhead": d.overhead_bot.latency().as_json(),
        "overhead_httpx": d.overhead_direct.latency().as_json(),
        "stored_first": {"yes": f.stored_first, "no": f.not_stored_first},
        "throughput": _throughput_json(load.throughput),
        "peak_rss_mb": round(f.peak_rss_mb, 1),
        "peak_pss_mb": round(f.peak_pss_mb, 1),
        "start_seconds": {
            "empty_db": round(f.start_fresh_seconds, 3),
            "at_head": round(f.start_at_head_seconds, 3),
        },
        "targets_met": {r.name: r.met for r in rows(f) if r.met is not None},
    }
    return json.dumps(body)


def _ack_json(a: AckFigures, modal: ModalOpens) -> dict[str, object]:
    """The ack and modal figures."""
    workers = {"workers": a.workers}
    return {
        "ack_serial": a.serial.bot.as_json(),
        "ack_serial_null": a.serial.null.as_json(),
        "ack_concurrent": a.concurrent.bot.as_json() | workers,
        "ack_concurrent_null": a.concurrent.null.as_json() | workers,
        "views_open": modal.opened.as_json() | workers | {"failed": modal.failed},
    }


def _throughput_json(t: Throughput) -> dict[str, object]:
    """The throughput figures."""
    return {
        "updates_per_second": round(t.per_second, 1),
        "updates": t.updates,
        "seconds": round(t.seconds, 2),
        "lost": t.lost,
        "doubled": t.doubled,
        "bot_cpu_ms_per_update": round(t.cpu_ms_per_update, 2),
        "bot_cpu_ms_per_update_web_then_deliveries": [
            round(ms, 2) for ms in t.cpu_ms_per_update_each
        ],
    }


def _ratios(fan_out: FanOut, floor_seconds: float) -> dict[str, float | int]:
    """p50 / p99 ratios to the floor."""
    p50, p99 = fan_out.ratio(floor_seconds)
    return {"p50": round(p50, 3), "p99": round(p99, 3), "n": len(fan_out.seconds)}
