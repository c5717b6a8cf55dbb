"""`--settings module:Class`: where the app lives, and the class judged in a child process
that sees only the values under test (guard/checks/settings_probe.py runs there).

In-process, pydantic-settings would read the shell's environment and the class's own
`env_file`, so a key the env file lacks could pass on one machine and fail on the next; and a
module that builds `settings = Settings()` on import would fail the import itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from guard.brief import clip
from guard.checks.workspace import Workspace
from guard.errors import InputError, UsageError
from guard.models import Finding, Severity

PROBE_TIMEOUT = 120  # seconds: an import that hangs (a network call at import time) fails clearly
# Kept for the child on Windows, where Python needs them to start; nothing of the shell else.
_PLATFORM_ENV = ('SYSTEMROOT', 'SYSTEMDRIVE', 'WINDIR')


def split_ref(ref: str) -> tuple[str, str]:
    module, _, attribute = ref.partition(':')
    if not module or not attribute:
        raise UsageError(f'--settings {ref!r}: expected module:Class, e.g. app.config:Settings')
    return module, attribute


def app_directory(ws: Workspace, ref: str) -> Path:
    """The directory to import `ref` from: --settings-dir or env.settings_dir; else the current
    directory when the module is there; else the one directory of the repository holding it
    (`apps/backend` for `app.config` in apps/backend/app/config.py), as uvicorn is run there."""
    configured = ws.options.settings_dir or (ws.config.root / ws.env.settings_dir if ws.env.settings_dir else None)
    if configured is not None:
        configured = ws.cwd / configured  # the child runs there: a relative path would not hold
        if not configured.is_dir():
            raise UsageError(f'settings directory {configured} not found: pass an existing --settings-dir')
        return configured
    module, _ = split_ref(ref)
    relative = module.replace('.', '/')
    wanted = (f'{relative}.py', f'{relative}/__init__.py')
    if any((ws.cwd / w).is_file() for w in wanted):
        return ws.cwd
    found = sorted({p[: -len(w)].rstrip('/') or '.' for p in ws.files for w in wanted if _ends(p, w)})
    if not found:
        return ws.cwd  # the import error names the module
    shallowest = [d for d in found if d.count('/') == min(x.count('/') for x in found)]
    if len(shallowest) > 1:
        raise UsageError(
            f'--settings {ref}: {module} is in {", ".join(shallowest)}: say which with --settings-dir '
            'or env.settings_dir'
        )
    return ws.root / shallowest[0]


def _ends(path: str, tail: str) -> bool:
    return path == tail or path.endswith('/' + tail)


def probe(ref: str, app_dir: Path, values: Mapping[str, str], mode: str) -> dict[str, Any]:
    """Run settings_probe in a child with a clean environment; its JSON answer."""
    split_ref(ref)
    import secrets

    nonce = secrets.token_hex(8)  # marks the answer: the project's code can write to stdout too
    request = json.dumps(
        {'ref': ref, 'app_dir': os.fspath(app_dir), 'values': dict(values), 'mode': mode, 'nonce': nonce}
    )
    env = {k: os.environ[k] for k in _PLATFORM_ENV if k in os.environ}
    try:
        proc = subprocess.run(
            [sys.executable, '-I', '-m', 'guard.checks.settings_probe'],
            input=request.encode('utf-8', 'surrogateescape'),
            capture_output=True,
            env=env,
            cwd=app_dir,
            timeout=PROBE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InputError(f'cannot import {ref!r}: the import took over {PROBE_TIMEOUT} s') from None
    try:
        marked = [line for line in proc.stdout.splitlines() if line.startswith(nonce.encode())]
        answer: dict[str, Any] = json.loads(marked[-1][len(nonce) :] if marked else b'')
    except ValueError:
        # the project's code ended the process (sys.exit, os._exit, a crash): its output may
        # hold values, so only the exit code is shown
        raise InputError(
            f'cannot import {ref!r}: the import ended the process (exit {proc.returncode}); '
            f'run `python -c "import {split_ref(ref)[0]}"` in {app_dir} to see why'
        ) from None
    if 'problem' in answer:
        raise InputError(
            f'cannot import {ref!r}: {answer["problem"]} (guard imports it from {app_dir}: '
            'pass --settings-dir or set env.settings_dir to the directory holding the package)'
        )
    if answer.get('not_settings'):
        raise UsageError(f'{ref!r} is not a pydantic-settings BaseSettings class')
    return answer


def resolve_names(
    env_names: Mapping[str, list[str]], present: Iterable[str], case_sensitive: bool
) -> dict[str, list[str]]:
    """Each error location's env names, spelled as the sources spell them (`app_port` for
    APP_PORT when matching is case-insensitive), the declared spelling when none is present."""
    fold = (lambda k: k) if case_sensitive else str.upper
    spelled = {fold(k): k for k in present}
    return {key: [spelled.get(fold(n), n) for n in names] for key, names in env_names.items()}


def declared_path(ws: Workspace, described: Mapping[str, Any]) -> tuple[str, int | None]:
    source = described.get('file')
    if not source:
        return str(described.get('name', 'settings')), None
    return ws.relative(Path(source)), described.get('line')


def crash_finding(ws: Workspace, described: Mapping[str, Any], crash: Mapping[str, Any], looked: str) -> Finding:
    """A class whose own code raised (a validator's KeyError) on the values under test: the
    app would not start with them. At the raising line when it is in the repository; its
    text was masked in the child and goes through the scanner's redaction here."""
    from guard.redact import redact_secrets

    path, line = declared_path(ws, described)
    where = ''
    if crash.get('file'):
        raised_at = ws.relative(Path(str(crash['file'])))
        where = f' in {crash.get("function") or "?"} ({raised_at}:{crash.get("line")})'
        if not Path(raised_at).is_absolute():
            path, line = raised_at, crash.get('line')
    text = clip(redact_secrets(str(crash.get('text') or '')), 120)
    return Finding(
        rule_id='env-schema-error',
        severity=Severity.HIGH,
        path=path,
        line=line,
        message=f'{described.get("name", "the settings class")} raised {clip(str(crash.get("type")), 60)}{where} '
        f'when built from {looked}{": " + text if text else ""}; the app would not start with these values',
    )


def source_notes(overridden: Iterable[str]) -> list[str]:
    """What the receipt says about classes that choose their own sources."""
    names = ', '.join(map(str, overridden))
    if not names:
        return []
    return [
        f'env-schema: {names} chooses its own sources (settings_customise_sources): only its init '
        'arguments and the values under test count, not its files, secrets directories or vaults'
    ]
