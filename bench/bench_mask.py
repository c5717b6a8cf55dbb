"""guard.mask at run time: MaskingFilter's cost per log record, and `guard mask` on a 200 MB log,
each beside the seeds' SecretMaskingFormatter, measured in one run.

    python bench/bench_mask.py                  # 200 MB log, 3 interleaved rounds
    python bench/bench_mask.py --mb 50 --rounds 5
    python bench/bench_mask.py --records 20000  # records per timed batch (default 5,000)

Per record: one logger, one handler writing to os.devnull with `%(message)s`, 120-byte
messages (clean: no detector keyword; secret: a GitHub token among the words). Batches
of each configuration are interleaved (bare handler, MaskingFilter on it, the seed's
formatter instead of the plain one) and each batch's time per record is kept; the
overhead printed is the median batch of a configuration less the median bare batch, and the
best batch less the best bare batch (on a loaded machine the medians carry the scheduler's
noise; the best batches come closest to the cost itself).

Throughput: a generated log (access lines, application lines, JSON lines, tracebacks;
words such as token, password, key and Bearer in ~5 % of lines, as prose; one planted
secret per ~2,000 lines in eleven formats, private key blocks over several lines, all
built at run time from a fixed seed) is copied by `guard mask FILE` (its installed
command, a subprocess on one core) to /dev/null, and by the seed's formatter applied to
each line in this process (reading and writing the same bytes, so it pays no start-up).
MB/s is the log's size over wall time, and over CPU time (user + system of the `guard mask`
process, from getrusage(RUSAGE_CHILDREN); of this process for the seed's formatter): the
CPU figure is what "on one core" means, and the one that holds on a loaded machine, where
wall time is the scheduler's. Medians of interleaved rounds. Then both outputs
are searched (one Aho-Corasick pass) for the planted secrets still there: each tool's
count of masked secrets is printed beside the number planted.

The seed's formatter is read from ../shared/seeds/000_76a1c76d0a05f0eb.txt at run time
(its ```python block that defines it), never copied into the project.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import logging
import os
import random
import re
import resource
import shutil
import statistics
import string
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import ahocorasick_rs

from guard.detectors.validators import base62
from guard.mask import MaskingFilter

ROOT = Path(__file__).resolve().parent.parent
SEED_NAME = 'shared/seeds/000_76a1c76d0a05f0eb.txt'
# ../shared beside the checkout (a worktree under wt/ has it one level further up)
SEEDS = [ROOT.parent / SEED_NAME, ROOT.parent.parent / SEED_NAME]
WORK = Path(__file__).resolve().parent / '.work'
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + '+/'


def load_seed_formatter(path: Path | None = None) -> type[logging.Formatter]:
    """The seeds' SecretMaskingFormatter, executed from its markdown code block."""
    path = path or next((p for p in SEEDS if p.exists()), SEEDS[0])
    text = path.read_text(encoding='utf-8')
    for block in re.findall(r'```python\n(.*?)```', text, re.DOTALL):
        if 'class SecretMaskingFormatter' in block:
            code = block.split('# Usage')[0]  # the class only, not the lines that attach a handler
            namespace: dict[str, object] = {'__name__': 'seed_formatter'}
            exec(compile(code, str(path), 'exec'), namespace)
            formatter = namespace['SecretMaskingFormatter']
            assert isinstance(formatter, type) and issubclass(formatter, logging.Formatter)
            return formatter
    raise SystemExit(f'{path}: no SecretMaskingFormatter code block')


# ---- the generated log ----


class Secrets:
    """Secrets in the formats applications log, each unique, from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def body(self, n: int, alphabet: str = ALNUM) -> str:
        return ''.join(self.rng.choice(alphabet) for _ in range(n))

    def github(self) -> str:
        body = self.body(30)
        return f'ghp_{body}{base62(zlib.crc32(body.encode()), 6)}'

    def jwt(self) -> str:
        def part(data: dict[str, str]) -> str:
            return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b'=').decode()

        sig = self.body(43, ALNUM + '-_')
        return f'{part({"alg": "HS256", "typ": "JWT"})}.{part({"sub": self.body(10)})}.{sig}'

    def planted(self) -> tuple[str, list[str]]:
        """One log line (or block) and the secrets in it."""
        kind = self.rng.randrange(11)
        ts = '2026-12-02T05:50:01Z'
        if kind == 0:
            s = self.github()
            return f'{ts} INFO sync: cloning with {s} for repo acme/orders', [s]
        if kind == 1:
            s = self.body(14) + '#' + self.body(3)
            return f'{ts} INFO db: connecting to postgresql+asyncpg://orders:{s}@ep-x-1.aws.neon.tech/orders', [s]
        if kind == 2:
            s = self.body(10)
            return f'{ts} INFO db: dev database postgresql://app:{s}@localhost:5432/app ready', [s]
        if kind == 3:
            s = self.body(40)
            return f'{ts} WARNING http: upstream call sent Bearer {s} and got 401', [s]
        if kind == 4:
            s = self.jwt()
            return f'{ts} DEBUG http: GET /api/orders headers={{"authorization": "Bearer {s}"}}', [s]
        if kind == 5:
            s = self.jwt()
            return f'{ts} INFO auth: session restored from cookie {s}', [s]
        if kind == 6:
            s = 'AKIA' + self.body(16, string.ascii_uppercase + '234567')
            return f'{ts} INFO boto: using key {s} in eu-west-1', [s]
        if kind == 7:
            d = string.digits
            s = f'xoxb-{self.body(12, d)}-{self.body(12, d)}-{self.body(24)}'
            return f'{ts} INFO notify: slack notifier ready ({s})', [s]
        if kind == 8:
            s = 'sk_' + 'live_' + self.body(24)
            return f'{ts} INFO billing: client configured key={s}', [s]
        if kind == 9:
            s = self.body(14) + '!' + self.body(3)
            return f'{ts} ERROR import: user import failed password={s} for row 7', [s]
        body = [self.body(64, B64) for _ in range(8)]
        header, footer = '-----BEGIN RSA ' + 'PRIVATE KEY-----', '-----END RSA ' + 'PRIVATE KEY-----'
        return '\n'.join([f'{ts} DEBUG tls: loaded key', header, *body, footer]), body


def clean_line(rng: random.Random, n: int) -> str:
    ip = f'10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}'
    ts = f'2026-12-02T05:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.randrange(1000):03d}Z'
    pick = rng.random()
    if pick < 0.35:
        path = rng.choice(['/api/v1/orders', '/api/v1/users', '/health', '/static/app.js', '/api/v1/cart'])
        return (
            f'{ip} - - [{ts}] "GET {path}/{n % 9973}?page={n % 7} HTTP/1.1" {rng.choice([200, 200, 304, 404])} '
            f'{rng.randrange(100, 90000)} "-" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"'
        )
    if pick < 0.55:
        return f'INFO:     {ip}:{rng.randrange(1024, 65535)} - "POST /api/v1/checkout HTTP/1.1" 201 Created'
    if pick < 0.75:
        return f'{ts} INFO app.orders: order {n} shipped to warehouse {n % 17} in {rng.randrange(900)} ms'
    if pick < 0.90:
        data = {'ts': ts, 'level': 'info', 'msg': 'request done', 'path': f'/api/v1/items/{n}', 'status': 200}
        return json.dumps({**data, 'duration_ms': round(rng.random() * 80, 2), 'request_id': f'{n:012x}'})
    if pick < 0.95:
        return f'{ts} WARNING db: slow query ({rng.randrange(900)} ms): SELECT id, total FROM orders WHERE id = {n}'
    # ~5 %: the words a masker keys on, in prose and harmless values
    return rng.choice(
        [
            f'{ts} DEBUG auth: token refresh scheduled for user {n} in 300 s',
            f'{ts} INFO auth: password policy v2 applied to {n % 50} accounts',
            f'{ts} WARNING auth: Bearer authentication required for /admin/{n % 9}',
            f'{ts} INFO keys: api_key rotation due in {n % 30} days, secret store reachable',
            f'{ts} INFO db: connecting to postgresql://orders@db.internal:5432/orders (peer auth)',
            'Traceback (most recent call last):\n  File "/app/orders.py", line 41, in ship\n'
            '    raise TimeoutError("carrier api")\nTimeoutError: carrier api',
        ]
    )


def generate(path: Path, megabytes: int, seed: int = 17) -> list[list[str]]:
    """Write the log (reused when it exists) and return its planted secrets, per plant (a private
    key's body lines are one plant)."""
    rng = random.Random(seed)
    secrets = Secrets(random.Random(seed + 1))
    planted: list[list[str]] = []
    index = path.with_suffix('.secrets.json')
    if path.exists() and index.exists():
        return [list(p) for p in json.loads(index.read_text())]
    path.parent.mkdir(parents=True, exist_ok=True)
    target = megabytes * 1_000_000
    size = n = 0
    with open(path, 'w', encoding='utf-8', newline='\n') as out:
        while size < target:
            lines = []
            for _ in range(2000):
                lines.append(clean_line(rng, n))
                n += 1
            line, found = secrets.planted()
            lines.insert(rng.randrange(len(lines)), line)
            planted.append(found)
            chunk = '\n'.join(lines) + '\n'
            out.write(chunk)
            size += len(chunk.encode())
    index.write_text(json.dumps(planted))
    return planted


def surviving(path: Path, planted: list[list[str]]) -> int:
    """How many plants have a secret that occurs in the file at `path`."""
    secrets = [s for plant in planted for s in plant]
    owner = [i for i, plant in enumerate(planted) for _ in plant]
    automaton = ahocorasick_rs.BytesAhoCorasick([s.encode() for s in secrets])
    found: set[int] = set()
    with open(path, 'rb') as fh:
        tail = b''
        while chunk := fh.read(1 << 22):
            data = tail + chunk
            found.update(i for i, _, _ in automaton.find_matches_as_indexes(data, overlapping=True))
            tail = data[-2048:]
    return len({owner[i] for i in found})


# ---- the runs ----


def guard_command() -> list[str]:
    beside = Path(sys.executable).parent / 'guard'
    found = str(beside) if beside.exists() else shutil.which('guard')
    return [found] if found else [sys.executable, '-m', 'guard']


def run_guard_mask(log: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of `guard mask LOG > OUT`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with open(out, 'wb') as fh:
        subprocess.run([*guard_command(), 'mask', '-q', str(log)], stdout=fh, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def run_seed(log: Path, out: Path, formatter: logging.Formatter) -> tuple[float, float]:
    """The seed's formatter over every line, as a `guard mask` built on it would run."""
    started, cpu = time.perf_counter(), time.process_time()
    record = logging.LogRecord('app', logging.INFO, __file__, 0, '', None, None)
    with (
        open(log, encoding='utf-8', errors='surrogateescape', newline='') as src,
        open(out, 'w', encoding='utf-8', errors='surrogateescape', newline='') as dst,
    ):
        for line in src:
            record.msg = line
            dst.write(formatter.format(record))
    return time.perf_counter() - started, time.process_time() - cpu


def per_record(records: int, rounds: int, seed_formatter: type[logging.Formatter]) -> None:
    secret = Secrets(random.Random(5)).github()
    messages = {  # 120 bytes each
        'clean': 'order 48213 shipped to warehouse 7 in 312 ms, 3 items, carrier ups, customer 99812, status ok, '
        'retry 0, region eu-west-1',
        'secret': f'order 48213 synced with {secret} in 312 ms, 3 items, carrier ups, status ok, retry 0, eu',
    }
    devnull = open(os.devnull, 'w')  # noqa: SIM115 - held for the whole measurement
    configs: dict[str, Callable[[], logging.Handler]] = {
        'bare': lambda: _handler(devnull, logging.Formatter('%(message)s')),
        'MaskingFilter': lambda: _handler(devnull, logging.Formatter('%(message)s'), MaskingFilter()),
        'seed formatter': lambda: _handler(devnull, seed_formatter('%(message)s')),
    }
    MaskingFilter().masker.mask('warm up: compile the rules')
    for kind, message in messages.items():
        assert len(message.encode()) == 120, len(message.encode())
        times: dict[str, list[float]] = {name: [] for name in configs}
        for _ in range(rounds * 10):
            for name, make in configs.items():
                times[name].append(_batch(make(), message, records))
        bare, bare_best = statistics.median(times['bare']), min(times['bare'])
        print(
            f'  {kind} record ({len(message.encode())} bytes), bare handler {bare * 1e6:.2f} µs/record '
            f'(best batch {bare_best * 1e6:.2f}):'
        )
        for name in ('MaskingFilter', 'seed formatter'):
            median, best = statistics.median(times[name]), min(times[name])
            print(
                f'    {name:15s} {median * 1e6:7.2f} µs/record, overhead {(median - bare) * 1e6:6.2f} µs median, '
                f'{(best - bare_best) * 1e6:6.2f} µs best batches, {median / bare:4.2f}x the bare handler'
            )


def _handler(
    stream: io.TextIOBase, formatter: logging.Formatter, filt: logging.Filter | None = None
) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    if filt is not None:
        handler.addFilter(filt)
    return handler


def _batch(handler: logging.Handler, message: str, records: int) -> float:
    logger = logging.Logger('bench')
    logger.addHandler(handler)
    started = time.perf_counter()
    for _ in range(records):
        logger.info(message)
    return (time.perf_counter() - started) / records


def uptime() -> str:
    try:
        return subprocess.run(['uptime'], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return f'load average {os.getloadavg()}'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--mb', type=int, default=200, help='size of the generated log')
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--records', type=int, default=5000, help='records per timed batch')
    parser.add_argument('--skip-records', action='store_true')
    parser.add_argument('--seed', type=Path, help=f'the seeds file (default: ../{SEED_NAME})')
    args = parser.parse_args(argv)
    seed_formatter = load_seed_formatter(args.seed)
    print(uptime())
    if not args.skip_records:
        print('per record (medians of interleaved batches):')
        per_record(args.records, args.rounds, seed_formatter)
        print(uptime())
    log = WORK / f'mask-{args.mb}mb.log'
    started = time.perf_counter()
    planted = generate(log, args.mb)
    size = log.stat().st_size
    print(f'log: {log} {size / 1e6:.1f} MB, {len(planted)} planted secrets ({time.perf_counter() - started:.1f} s)')
    outputs = {'guard mask': log.with_suffix('.guard.out'), 'seed formatter': log.with_suffix('.seed.out')}
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in outputs}
    formatter = seed_formatter('%(message)s')
    for _ in range(args.rounds):
        runs['guard mask'].append(run_guard_mask(log, outputs['guard mask']))
        runs['seed formatter'].append(run_seed(log, outputs['seed formatter'], formatter))
    print(uptime())
    for name, out in outputs.items():
        wall = statistics.median(w for w, _ in runs[name])
        cpu = statistics.median(c for _, c in runs[name])
        masked = len(planted) - surviving(out, planted)
        print(
            f'  {name:15s} wall {wall:6.2f} s median ({", ".join(f"{w:.2f}" for w, _ in runs[name])}) '
            f'{size / 1e6 / wall:6.1f} MB/s; CPU {cpu:6.2f} s ({", ".join(f"{c:.2f}" for _, c in runs[name])}) '
            f'{size / 1e6 / cpu:6.1f} MB/s; '
            f'masked {masked} of {len(planted)} planted secrets'
        )
    paired = statistics.median(g[0] / s[0] for g, s in zip(runs['guard mask'], runs['seed formatter'], strict=True))
    cpu_ratio = statistics.median(c for _, c in runs['guard mask']) / statistics.median(
        c for _, c in runs['seed formatter']
    )
    print(f'  guard mask / seed formatter: wall {paired:.2f} (paired median), CPU {cpu_ratio:.2f}')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
