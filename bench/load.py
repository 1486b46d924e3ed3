"""Figure 6: a crowd, and issue 13's hostile requests, against the site as bin/serve runs it.

The server is started exactly as `bin/serve` starts it (the script itself, with
TIMELINE_DB, HOST and PORT) on the figure 3 database, and a small asyncio/httpx load
generator on loopback plays, in phases of a few seconds (at most 50 connections, under
60 s in all):

- **readers**: readers of the embed and of the campaign page (a share on social media),
  each waiting 0-100 ms between pages and sending the ETag it last got on every other
  request, as a returning browser or a CDN revalidating does;
- **searches**: the same readers while 5 clients run slow searches back to back (the
  frequent word "minister", long searches at the 200-character limit, on `/search` and
  the `search` canned query);
- **hostile** (issue 13, points 1-2): the same readers while clients send a 27 KB `q`
  to `/timeline/search.json` (refused with 400), long expensive searches at the
  200-character limit, `/timeline/timeline.csv?_stream=on` requests dropped after the
  first bytes, and Datasette's plain table pages.

The searchers and hostile clients run in a process of their own, as they would on other
machines, so the readers' timings are the server's, not the load generator's.

Each round runs the three phases in a rotated order; a figure is the median over the
rounds. Gates: no reader request fails (5xx, refused, timed out); embed p95 under
100 ms while searches run and under 200 ms under the hostile requests; every huge `q`
answered 400; the server idle again within a second of the hostile clients leaving (a
dropped stream must not keep a core busy); every revalidation of unchanged data
answered 304.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from bench.common import PYTHON, ROOT, Figure, Scale, from_runs, peak_rss_mb_of, percentile

CAMPAIGN = "boycott-school-census"
EMBED, CAMPAIGN_PAGE = f"/embed/{CAMPAIGN}", f"/campaign/{CAMPAIGN}"
EMBED_READERS, CAMPAIGN_READERS = 10, 4
THINK_SECONDS = 0.1
SEARCHERS = 5
#: Issue 13's hostile clients, of each kind.
HOSTILE_EACH = 3
MAX_CONNECTIONS = 50
EMBED_TARGET_MS, HOSTILE_TARGET_MS, CAMPAIGN_TARGET_MS = 100, 200, 200
#: After the hostile clients leave, the server must use less than this share of a core.
IDLE_SHARE = 0.2
#: Words the generated texts use most: searches of them rank and snippet the most rows.
COMMON = "the government department minister school data pupil census nationality office"


def long_search() -> str:
    """A search of frequent words at the 200-character limit."""
    words = (COMMON + " ") * 20
    return words[:200].rsplit(" ", 1)[0]


SLOW_SEARCHES = [
    "/search?" + urlencode({"q": "minister"}),
    "/timeline/search.json?" + urlencode({"q": "the government minister"}),
    "/search?" + urlencode({"q": long_search()}),
    "/timeline/search.json?" + urlencode({"q": long_search()}),
    "/search?" + urlencode({"q": "school data OR government OR minister"}),
]
HUGE_Q = "/timeline/search.json?" + urlencode({"q": ("pupil data " * 2500)[:27_000]})
TABLE_PAGES = ["/timeline/timeline", "/timeline/items", "/timeline/contributions"]
STREAM = "/timeline/timeline.csv?_stream=on"
#: bin/serve's server with the guard's page cache off (bench/planted.py).
NO_PAGE_CACHE = [PYTHON, "-m", "bench.planted", "no-page-cache"]


@dataclass
class Tally:
    """What one kind of request got in one phase."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    conditional: int = 0
    not_modified: int = 0

    def record(self, ms: float, status: str) -> None:
        self.latencies.append(ms)
        self.statuses[status] += 1

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if not status.startswith(("2", "3")))


@dataclass
class PhaseResult:
    name: str
    seconds: float
    tallies: dict[str, Tally]
    #: Share of a core the server used in the second after the phase's clients left.
    busy_after: float = 0.0


# --- The server, as bin/serve starts it -----------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def served(db: Path, command: list[str] | None = None) -> Iterator[tuple[str, int]]:
    """`bin/serve` on `db` (or `command`, the same with a planted regression), on a free
    loopback port; yields (base URL, server pid) once it answers."""
    port = free_port()
    env = {**os.environ, "TIMELINE_DB": str(db), "HOST": "127.0.0.1", "PORT": str(port)}
    env["PATH"] = f"{Path(PYTHON).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("TIMELINE_PUBLIC_URL", None)
    with tempfile.TemporaryFile("w+") as log:  # uvicorn's log, read if the server fails
        server = subprocess.Popen(
            command or [str(ROOT / "bin" / "serve")],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if server.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"the server stopped: {log.read()[-2000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/robots.txt", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not answer within 60 s")
                time.sleep(0.1)
            yield base, server.pid
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- The clients --------------------------------------------------------------------------


async def reader(client: httpx.AsyncClient, url: str, tally: Tally, stop: float) -> None:
    """A reader: a page, a pause, the page again with the ETag it got (a 304 expected)."""
    etag = ""
    rng = random.Random()
    turn = 0
    while time.monotonic() < stop:
        headers = {"If-None-Match": etag} if etag and turn % 2 else {}
        start = time.perf_counter()
        try:
            response = await client.get(url, headers=headers)
            status = str(response.status_code)
        except httpx.HTTPError as error:
            status = type(error).__name__
            response = None
        tally.record((time.perf_counter() - start) * 1000, status)
        if headers:
            tally.conditional += 1
            tally.not_modified += status == "304"
        if response is not None and response.status_code == 200:
            etag = response.headers.get("etag", "")
        turn += 1
        await asyncio.sleep(rng.uniform(0, THINK_SECONDS))


async def looping(
    client: httpx.AsyncClient, urls: list[str], tally: Tally, stop: float, offset: int
) -> None:
    """A client asking for `urls` in turn, back to back."""
    turn = offset
    while time.monotonic() < stop:
        url = urls[turn % len(urls)]
        start = time.perf_counter()
        try:
            status = str((await client.get(url)).status_code)
        except httpx.HTTPError as error:
            status = type(error).__name__
        tally.record((time.perf_counter() - start) * 1000, status)
        turn += 1


async def stream_dropper(client: httpx.AsyncClient, tally: Tally, stop: float) -> None:
    """Asks for the whole timeline as a CSV stream and hangs up after the first bytes."""
    while time.monotonic() < stop:
        start = time.perf_counter()
        try:
            async with client.stream("GET", STREAM) as response:
                status = str(response.status_code)
                async for _ in response.aiter_raw():
                    break
        except httpx.HTTPError as error:
            status = type(error).__name__
        tally.record((time.perf_counter() - start) * 1000, status)
        await asyncio.sleep(0.05)


def _client(base: str) -> httpx.AsyncClient:
    """One process's HTTP client: up to MAX_CONNECTIONS kept open to the server."""
    limits = httpx.Limits(
        max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS
    )
    return httpx.AsyncClient(base_url=base, limits=limits, timeout=30)


READER_KEYS = ("embed", "campaign")
OTHER_KEYS = ("search", "huge", "long", "table", "stream")


async def other_clients(
    base: str, name: str, seconds: float, hostile_each: int = HOSTILE_EACH
) -> dict[str, Tally]:
    """The phase's clients that are not readers: slow searchers, or the hostile ones."""
    tallies = {key: Tally() for key in OTHER_KEYS}
    async with _client(base) as client:
        stop = time.monotonic() + seconds
        users: list[Awaitable[None]] = []
        if name == "searches":
            users += [
                looping(client, SLOW_SEARCHES, tallies["search"], stop, n) for n in range(SEARCHERS)
            ]
        if name == "hostile":
            long_urls = [SLOW_SEARCHES[2], SLOW_SEARCHES[3]]
            for n in range(hostile_each):
                users += [
                    looping(client, [HUGE_Q], tallies["huge"], stop, n),
                    looping(client, long_urls, tallies["long"], stop, n),
                    looping(client, TABLE_PAGES, tallies["table"], stop, n),
                    stream_dropper(client, tallies["stream"], stop),
                ]
        assert EMBED_READERS + CAMPAIGN_READERS + len(users) <= MAX_CONNECTIONS
        await asyncio.gather(*users)
    return tallies


async def readers(base: str, seconds: float) -> dict[str, Tally]:
    tallies = {key: Tally() for key in READER_KEYS}
    async with _client(base) as client:
        stop = time.monotonic() + seconds
        await asyncio.gather(
            *(reader(client, EMBED, tallies["embed"], stop) for _ in range(EMBED_READERS)),
            *(
                reader(client, CAMPAIGN_PAGE, tallies["campaign"], stop)
                for _ in range(CAMPAIGN_READERS)
            ),
        )
    return tallies


async def run_phase(
    base: str, pid: int, name: str, seconds: float, hostile_each: int = HOSTILE_EACH
) -> PhaseResult:
    """One phase: the readers here, and the phase's other clients in a process of their
    own, as they would be on other machines. In one event loop, the hostile clients' own
    work (over a thousand 27 KB requests in 15 s) delayed the readers' timers, and the
    figure measured the load generator, not the server."""
    others = None
    if name != "readers":
        others = await asyncio.create_subprocess_exec(
            PYTHON,
            "-m",
            "bench.load",
            base,
            name,
            str(seconds),
            str(hostile_each),
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
        )
        assert others.stdout is not None
        await others.stdout.readline()  # "started": its clients are connecting
    started = time.monotonic()
    tallies: dict[str, Tally] = {key: Tally() for key in OTHER_KEYS}
    tallies.update(await readers(base, seconds))
    if others is not None:
        output, _ = await others.communicate()
        if others.returncode != 0:
            raise RuntimeError(f"the {name} clients failed (exit {others.returncode})")
        for key, counted in json.loads(output).items():
            tallies[key] = Tally(counted["latencies"], Counter(counted["statuses"]))
    elapsed = time.monotonic() - started
    before = cpu_seconds(pid)
    await asyncio.sleep(1.0)
    busy = cpu_seconds(pid) - before
    return PhaseResult(name, elapsed, tallies, busy_after=busy)


PHASES = ["readers", "searches", "hostile"]


async def rounds(
    base: str, pid: int, runs: int, seconds: float, hostile_each: int = HOSTILE_EACH
) -> list[list[PhaseResult]]:
    # A first visit to each page, as figure 3 warms up: the server's first render of a
    # page (templates compiled, caches empty) is not what a crowd waits for, and in a
    # phase of a second it could leave a reader no time to revalidate.
    async with _client(base) as client:
        for url in (EMBED, CAMPAIGN_PAGE):
            (await client.get(url)).raise_for_status()
    results = []
    for run in range(runs):
        order = PHASES[run % len(PHASES) :] + PHASES[: run % len(PHASES)]
        done = {}
        for name in order:
            done[name] = await run_phase(base, pid, name, seconds, hostile_each)
        results.append([done[name] for name in PHASES])
    return results


# --- Figures ------------------------------------------------------------------------------


def _stats(tally: Tally, seconds: float) -> str:
    lat = tally.latencies
    return (
        f"{len(lat) / seconds:.0f} req/s, p50 {percentile(lat, 0.5):.1f} ms,"
        f" p99 {percentile(lat, 0.99):.1f} ms"
    )


def under(target: float, value: float, _ratio: float) -> bool:
    return value < target


def figures_of(results: list[list[PhaseResult]], events: int, variant: str = "") -> list[Figure]:
    """The figures of one server's rounds; `variant` names a server other than bin/serve
    as it is (its page cache off)."""
    readers = [r[0] for r in results]
    searching = [r[1] for r in results]
    hostile = [r[2] for r in results]

    def p95(phases: list[PhaseResult], key: str) -> list[float]:
        return [percentile(p.tallies[key].latencies, 0.95) for p in phases]

    def errors(phases: list[PhaseResult], *keys: str) -> list[str]:
        found: Counter[str] = Counter()
        for phase in phases:
            for key in keys:
                for status, n in phase.tallies[key].statuses.items():
                    if not status.startswith(("2", "3")):
                        found[f"{key} {status}"] += n
        return [f"{n} failed requests ({what})" for what, n in found.items()]

    def described(phases: list[PhaseResult], key: str) -> str:
        mid = sorted(phases, key=lambda p: percentile(p.tallies[key].latencies, 0.95))[
            len(phases) // 2
        ]
        return _stats(mid.tallies[key], mid.seconds)

    figures = []
    for key, url, target in (
        ("embed", EMBED, EMBED_TARGET_MS),
        ("campaign", CAMPAIGN_PAGE, CAMPAIGN_TARGET_MS),
    ):
        alone = p95(readers, key)
        figures.append(
            from_runs(
                f"6{variant} {url} p95, readers only ({events:,} events;"
                f" {described(readers, key)})",
                alone,
                alone,
                unit="ms",
                baseline_label="the same, readers only",
                target=f"no errors, p95 < {target} ms",
                met=functools.partial(under, target),
                ratio_of=None,
                problems=errors(readers, key),
            )
        )
        with_search = p95(searching, key)
        figures.append(
            from_runs(
                f"6{variant} {url} p95 while {SEARCHERS} clients run slow searches"
                f" ({described(searching, key)})",
                with_search,
                alone,
                unit="ms",
                baseline_label="readers only, p95",
                target=f"no errors, p95 < {target} ms",
                met=functools.partial(under, target),
                problems=errors(searching, key),
            )
        )
    under_attack = p95(hostile, "embed")
    problems = errors(hostile, "embed", "campaign")
    huge: Counter[str] = Counter()
    for phase in hostile:
        huge.update(phase.tallies["huge"].statuses)
    if set(huge) - {"400"}:
        problems.append(f"a 27 KB q was answered {dict(huge)}, not always 400")
    busy = [phase.busy_after for phase in hostile]
    if max(busy) > IDLE_SHARE:
        problems.append(
            f"the server was still busy ({max(busy):.0%} of a core) after the hostile clients left"
        )
    figures.append(
        from_runs(
            f"6{variant} {EMBED} p95 under issue 13's hostile requests"
            f" ({described(hostile, 'embed')};"
            f" searches {described(hostile, 'long')}; huge q answered {dict(huge)})",
            under_attack,
            p95(readers, "embed"),
            unit="ms",
            baseline_label="readers only, p95",
            target=f"no errors, p95 < {HOSTILE_TARGET_MS} ms, server idle after",
            met=lambda value, _r: value < HOSTILE_TARGET_MS,
            problems=problems,
        )
    )
    if variant:
        return figures
    conditional = [sum(p.tallies[k].conditional for k in ("embed", "campaign")) for p in readers]
    answered = [sum(p.tallies[k].not_modified for k in ("embed", "campaign")) for p in readers]
    shares = [a / c if c else 0.0 for a, c in zip(answered, conditional, strict=True)]
    figures.append(
        from_runs(
            f"6 revalidations of unchanged pages answered 304 ({sum(answered):,} of"
            f" {sum(conditional):,})",
            [100 * s for s in shares],
            [100.0 for _ in shares],
            unit="%",
            baseline_label="every one",
            target="100%",
            met=lambda value, _r: value == 100,
            ratio_of=None,
        )
    )
    return figures


def measure(
    scale: Scale,
    db: Path,
    *,
    command: list[str] | None = None,
    runs: int | None = None,
    hostile_each: int = HOSTILE_EACH,
) -> tuple[list[Figure], dict[str, Any]]:
    """Figure 6 against `bin/serve` (or `command`) serving `db`; and, unless `command`
    is given, against the same server with its page cache off (the origin's own work
    under the crowd, as when every reader asks for a different page)."""
    figures, rss, all_results = [], 0.0, []
    servers = [(command, "")] if command else [(None, ""), (NO_PAGE_CACHE, " (page cache off)")]
    for server_command, variant in servers:
        with served(db, server_command) as (base, pid):
            results = asyncio.run(
                rounds(base, pid, runs or scale.runs, scale.load_seconds, hostile_each)
            )
            rss = max(rss, peak_rss_mb_of(pid))
        figures += figures_of(results, scale.events, variant)
        all_results.append(results)
    return figures, {"server_rss_mb": rss, "results": all_results}


def _run_other_clients(base: str, name: str, seconds: str, hostile_each: str) -> None:
    """`python -m bench.load BASE PHASE SECONDS HOSTILE_EACH`: run_phase's other clients;
    prints "started", then what each kind of request got, as JSON."""
    print("started", flush=True)
    tallies = asyncio.run(other_clients(base, name, float(seconds), int(hostile_each)))
    counted = {
        k: {"latencies": t.latencies, "statuses": dict(t.statuses)} for k, t in tallies.items()
    }
    print(json.dumps(counted))


if __name__ == "__main__":
    _run_other_clients(*sys.argv[1:])
