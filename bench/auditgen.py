"""A generated project history for audits: commits by several authors over four years on
branches and tags, with planted secrets (some still at HEAD, some only on another branch,
some removed long ago, one in a commit message), env files committed and removed, and
findings allowed inline. Secret-shaped values are built here at run time from a seeded
random generator: nothing real, and nothing this repository's own scan would find.

    python bench/auditgen.py DIR [--commits 5000]     # writes DIR/audit-<commits>
    python bench/auditgen.py DIR --no-bulk            # only the story's 20 findings: DIR/story-<commits>

Used by bench_html.py (the HTML report's size and time) and for the README screenshot.
"""

from __future__ import annotations

import argparse
import os
import random
import string
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

ALNUM = string.ascii_letters + string.digits
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
B64 = ALNUM + '+/'
AUTHORS = (
    'Ada Moreau <ada.moreau@acme.test>',
    'Bilal Okafor <bilal@acme.test>',
    'Chen Wei <chen.wei@acme.test>',
    'Dana Kowalski <dana.k@users.noreply.acme.test>',
    'Emeka Obi <emeka@acme.test>',
    'Freya Lind <freya.lind@contractor.test>',
)
START = 1_640_995_200  # 2022-01-01
SPAN = 4 * 365 * 86400
GIT_ENV = {'GIT_CONFIG_NOSYSTEM': '1', 'GIT_COMMITTER_NAME': 'Bench', 'GIT_COMMITTER_EMAIL': 'bench@acme.test'}


def git(*args: str, cwd: Path, stdin: bytes | None = None) -> str:
    proc = subprocess.run(['git', *args], cwd=cwd, input=stdin, capture_output=True, env={**os.environ, **GIT_ENV})
    if proc.returncode:
        sys.exit(f'git {args[0]} failed: {proc.stderr.decode()}')
    return proc.stdout.decode()


class Secrets:
    """Provider-shaped values from a seeded generator (formats as the providers document them)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _body(self, n: int, alphabet: str = ALNUM) -> str:
        return ''.join(self.rng.choice(alphabet) for _ in range(n))

    def github(self) -> str:
        body = self._body(30)
        n, tail = zlib.crc32(body.encode()), ''
        for _ in range(6):
            n, r = divmod(n, 62)
            tail = BASE62[r] + tail
        return f'ghp_{body}{tail}'

    def aws_id(self) -> str:
        return 'AKIA' + self._body(16, string.ascii_uppercase + '234567')

    def aws_secret(self) -> str:
        return 'Zq' + self._body(38, B64)

    def stripe(self) -> str:
        return 'sk_' + 'live_' + self._body(32)

    def slack(self) -> str:
        return f'xoxb-{self._body(11, string.digits)}-{self._body(12, string.digits)}-{self._body(24)}'

    def openai(self) -> str:
        return 'sk-' + 'proj-' + self._body(56, ALNUM + '_-')

    def sendgrid(self) -> str:
        return f'SG.{self._body(22, ALNUM + "_-")}.{self._body(43, ALNUM + "_-")}'

    def npm(self) -> str:
        return 'npm_' + self._body(36)

    def password(self) -> str:
        return self._body(20)

    def rsa_key(self) -> str:
        lines = [self._body(64, B64) for _ in range(12)]
        return '-----BEGIN RSA ' + 'PRIVATE KEY-----\n' + '\n'.join(lines) + '\n-----END RSA PRIVATE KEY-----\n'


def plan(n: int, secrets: Secrets, bulk: bool = True) -> dict[int, list[tuple[str, str, str | None]]]:
    """Commit index -> changes (branch, path, text; None removes the file). Fractions of the
    history, so any --commits gives the same story."""

    def at(fraction: float) -> int:
        return max(2, int(n * fraction))

    stripe_env = secrets.stripe()
    events: dict[int, list[tuple[str, str, str | None]]] = {}

    def add(fraction: float, path: str, text: str | None, branch: str = 'main') -> None:
        events.setdefault(at(fraction), []).append((branch, path, text))

    aws = f'AWS_ACCESS_KEY_ID = "{secrets.aws_id()}"\naws_secret_access_key = "{secrets.aws_secret()}"\n'
    add(0.05, '.env', f'DATABASE_URL=postgres://app:{secrets.password()}@db.internal:5432/app\nDEBUG=1\n')
    add(0.08, '.env', None)
    add(0.10, 'config/aws.py', f'"""AWS settings."""\nREGION = "eu-west-1"\n{aws}')
    add(0.15, 'tests/fixtures.py', f'REVOKED = "{secrets.stripe()}"  # guard:allow revoked in 2023, test fixture\n')
    add(0.16, 'tests/fixtures_gh.py', f'TOKEN = "{secrets.github()}"  # guard:allow\n')
    add(0.20, 'scripts/release.sh', f'#!/bin/sh\nexport GITHUB_TOKEN={secrets.github()}\ngh release create "$1"\n')
    add(0.25, 'scripts/release.sh', '#!/bin/sh\ngh release create "$1"\n')
    add(0.30, 'billing/settings.py', f'STRIPE_KEY = "{secrets.stripe()}"\nCURRENCY = "eur"\n')
    add(0.35, '.npmrc', f'//registry.npmjs.org/:_authToken={secrets.npm()}\n', 'release')
    add(0.40, 'deploy/id_rsa', secrets.rsa_key())
    add(0.41, 'deploy/id_rsa', None)
    add(0.45, 'billing/settings.py', 'import os\nSTRIPE_KEY = os.environ["STRIPE_KEY"]\nCURRENCY = "eur"\n')
    add(0.50, 'deploy/.env.production', f'STRIPE_KEY={stripe_env}\nLOG_LEVEL=info\n')
    add(0.50, 'mail/config.yaml', f'sendgrid:\n  api_key: "{secrets.sendgrid()}"\n  sender: noreply@acme.test\n')
    add(0.60, 'ops/notify.py', f'SLACK_BOT_TOKEN = "{secrets.slack()}"\n', 'dev')
    add(
        0.65,
        'app/db.py',
        f'URL = "postgresql://orders:{secrets.password()}@orders.c9xk2q.eu-west-1.rds.amazonaws.com/orders"\n',
    )
    add(0.70, 'mail/config.yaml', 'sendgrid:\n  api_key: "${SENDGRID_API_KEY}"\n  sender: noreply@acme.test\n')
    add(0.75, 'config/prod.env', 'LOG_LEVEL=warning\nWORKERS=8\n')
    add(0.80, 'ml/client.py', f'OPENAI_API_KEY = "{secrets.openai()}"\n')
    add(0.90, 'config/prod.env', None)
    if bulk:
        scatter(n, secrets, add)
    return events


REASONS = ('test fixture', 'revoked in 2023', 'sandbox account, no data', '')


def scatter(n: int, secrets: Secrets, add: Callable[..., None]) -> None:
    """The bulk of an old repository's findings: one secret every 20 commits in one of 40
    services' config files, half removed later, one in ten allowed inline, a tenth on
    another branch; an env file every 250 commits, half removed, half holding a key."""
    rng = secrets.rng
    makers: list[Callable[[], str]] = [secrets.github, secrets.stripe, secrets.slack, secrets.openai, secrets.npm]
    names = ('GITHUB_TOKEN', 'STRIPE_KEY', 'SLACK_TOKEN', 'OPENAI_API_KEY', 'NPM_TOKEN')
    for k in range(n // 20):
        start = (k * 20 + 7) / n
        kind = k % len(makers)
        path = f'services/svc{k % 40:02d}/settings_{k}.py'
        line = f'{names[kind]} = "{makers[kind]()}"'
        if k % 10 == 3:
            reason = REASONS[k // 10 % len(REASONS)]
            line += f'  # guard:allow {reason}'.rstrip()
        branch = 'main' if k % 10 else rng.choice(('dev', 'release'))
        add(start, path, f'import os\n{line}\n', branch)
        if k % 2 and branch == 'main':
            add(
                min(0.99, start + rng.uniform(0.01, 0.2)),
                path,
                f'import os\n{names[kind]} = os.environ["{names[kind]}"]\n',
            )
    for k in range(n // 250):
        start = (k * 250 + 101) / n
        path = f'services/svc{k:02d}/.env' if k % 3 else f'services/svc{k:02d}/.env.staging'
        body = 'LOG_LEVEL=info\nWORKERS=4\n' + (f'STRIPE_KEY={secrets.stripe()}\n' if k % 2 else '')
        add(start, path, body)
        if k % 2 == 0:
            add(min(0.99, start + 0.03), path, None)


def generate(root: Path, commits: int, seed: int = 18, bulk: bool = True) -> Path:
    rng = random.Random(seed)
    secrets = Secrets(rng)
    repo = root / f'audit-{commits}' if bulk else root / f'story-{commits}'
    if (repo / '.git').is_dir():
        return repo
    git('init', '-q', '-b', 'main', str(repo), cwd=root)
    events = plan(commits, secrets, bulk)
    message_leak = max(3, int(commits * 0.55))
    files: dict[str, list[str]] = {}
    marks: dict[str, int] = {}
    out: list[str] = []
    step = SPAN // commits
    for i in range(1, commits + 1):
        planted = events.get(i, [])
        branch = (
            planted[0][0] if planted else 'main' if i < 40 or rng.random() < 0.7 else rng.choice(('dev', 'release'))
        )
        author = rng.choice(AUTHORS)
        when = START + i * step + rng.randrange(step // 2)
        message = f'{rng.choice(("fix", "feat", "chore", "refactor"))}: change {i}\n'
        if planted:
            message = f'update {", ".join(p for _, p, _ in planted)}\n'
        if i == message_leak:
            message = f'ci: try the deploy token\n\nGITHUB_TOKEN={secrets.github()}\n'
        out.append(
            f'commit refs/heads/{branch}\nmark :{i}\nauthor {author} {when} +0000\n'
            f'committer {author} {when} +0000\ndata {len(message.encode())}\n{message}'
        )
        parent = marks.get(branch) or marks.get('main')
        if parent:
            out.append(f'from :{parent}\n')
        marks[branch] = i
        for _, path, text in planted:
            out.append(_change(path, text))
        for _ in range(0 if planted else rng.choice((1, 1, 2))):
            name = f'src/pkg{rng.randrange(15)}/mod{rng.randrange(20)}.py'
            lines = files.setdefault(name, [f'"""Module {name}."""\n'])
            for _ in range(rng.randrange(1, 6)):
                lines.insert(
                    rng.randrange(len(lines) + 1), f'value_{rng.randrange(10**6)} = compute({rng.randrange(999)})\n'
                )
            del lines[: max(0, len(lines) - 80)]
            out.append(_change(name, ''.join(lines)))
        if i % 400 == 0 and branch == 'main':
            out.append(f'reset refs/tags/v1.{i // 400}\nfrom :{i}\n')
    git('fast-import', '--quiet', cwd=repo, stdin=''.join(out).encode())
    git('checkout', '-q', '-f', 'main', cwd=repo)
    return repo


def _change(path: str, text: str | None) -> str:
    if text is None:
        return f'D {path}\n'
    data = text.encode()
    return f'M 100644 inline {path}\ndata {len(data)}\n{text}\n'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('root', type=Path)
    parser.add_argument('--commits', type=int, default=5000)
    parser.add_argument('--no-bulk', action='store_true', help='Leave out the 1-in-20-commits secrets.')
    args = parser.parse_args(argv)
    args.root.mkdir(parents=True, exist_ok=True)
    print(generate(args.root.resolve(), args.commits, bulk=not args.no_bulk))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
