"""The figures, the targets of issue 11 beside them, a table for people and one JSON line."""

import json
import os
import platform

from bench.figures import NO_POSTGRES, Figures
from bench.processes import Memory
from bench.rows import SERVE, WEB, WORKER, Row, processes_of, rows
from bench.scenarios.ack import AckFigures
from bench.scenarios.fanout import FanOut
from bench.scenarios.modal import ModalOpens
from bench.scenarios.takeover import Takeover
from bench.scenarios.throughput import Throughput


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
        "throughput_apart": _throughput_json(f.apart.throughput) | {"database": f.apart.database},
        "ack_serial_apart": f.apart.serial.bot.as_json() | {"database": f.apart.database},
        "ack_serial_apart_null": f.apart.serial.null.as_json(),
        "memory_mb": {
            name: {"peak_rss": round(m.peak_rss_mb, 1), "pss": round(m.pss_mb, 1)}
            for name, m in f.memory.items()
        },
        "memory_peak_rss_all_mb": _memory_totals(f.memory),
        "start_seconds": {
            "empty_db": round(f.start_fresh_seconds, 3),
            "at_head": round(f.start_at_head_seconds, 3),
        },
        "takeover_restart": _takeover_json(f.takeovers.restart),
        "takeover_replicas": _takeover_json(f.takeovers.replicas),
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
        "bot_cpu_ms_per_update_each_process": {
            name: round(ms, 2) for name, ms in t.cpu_ms_per_update_each.items()
        },
    }


def _memory_totals(memory: dict[str, Memory]) -> dict[str, float]:
    """The peak RSS of each way of running, summed over its processes (children included)."""
    return {
        " + ".join(roots): round(
            sum(m.peak_rss_mb for m in processes_of(memory, roots).values()), 1
        )
        for roots in ((SERVE,), (WEB, WORKER))
    }


def _takeover_json(t: Takeover | None) -> dict[str, object] | str:
    """Each round's seconds, with median and max."""
    if t is None:
        return NO_POSTGRES
    body: dict[str, object] = {}
    for name, seconds in (("from_kill", t.from_kill), ("from_restart", t.from_restart)):
        if seconds:
            median, largest = Takeover.median_max(seconds)
            body[name] = {
                "median_s": round(median, 2),
                "max_s": round(largest, 2),
                "rounds_s": [round(s, 2) for s in seconds],
            }
    return body


def _ratios(fan_out: FanOut, floor_seconds: float) -> dict[str, float | int]:
    """p50 / p99 ratios to the floor."""
    p50, p99 = fan_out.ratio(floor_seconds)
    return {"p50": round(p50, 3), "p99": round(p99, 3), "n": len(fan_out.seconds)}
