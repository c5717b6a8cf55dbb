"""Breadth corpus: every provider family and assignment syntax added for issue 12, found?

    python bench/bench_breadth.py                       # guard as installed beside this interpreter
    python bench/bench_breadth.py --cmd 'guard scan {dir} --format json'
    python bench/bench_breadth.py --cmd 'PYTHONPATH=/old/checkout python -m guard scan {dir} --format json'
    python bench/bench_breadth.py --json out.json --show-misses

Cases are generated at run time (seeded) into a temporary tree, one file per case, and the
scanner runs once over it. Provider families come from bench/breadth_families.json (a
template of each documented format, bench/formats.py): each gets three secret cases (the
form its rule documents, the value quoted in YAML, the value in JSON), a fourth for a
self-identifying format (the value alone, an argument of a call), and one benign case
(the same form holding the template's stand-in, `xxxx…`). Syntax families write one
credential in each new assignment syntax and command-line form, with benign twins that hold
a reference or a stand-in instead. A case counts as found when any finding names its file.
Printed: recall and false alarms per rule file and per syntax family, then the overall figures.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import shlex
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from formats import draw, stand_in, value  # noqa: E402


def provider_cases(rng: random.Random) -> list[tuple[str, str, str, str, bool]]:
    """(family, group, file name, text, is_secret) for each provider family."""
    cases = []
    for rule_id, group, spec, template, kind in json.loads((HERE / 'breadth_families.json').read_text()):
        before = draw(template, rng)
        key = before.strip().rstrip('=:').strip().strip('"') or 'token'
        if not key.replace('_', '').replace('-', '').replace('.', '').isalnum():
            key = 'token'
        secret = value(spec, rng)
        cases.append((rule_id, group, 'settings.env', f'{before}{secret}\n', True))
        cases.append((rule_id, group, 'values.yaml', f'service:\n  {key.lower()}: "{value(spec, rng)}"\n', True))
        cases.append((rule_id, group, 'config.json', json.dumps({key: value(spec, rng)}, indent=2) + '\n', True))
        if kind == 'self-identifying':  # the format alone, under no key that names a secret
            cases.append((rule_id, group, 'client.py', f'client = Client("{value(spec, rng)}")\n', True))
        if not spec.startswith('@'):
            cases.append((rule_id, group, 'example.env', f'{stand_in(template)}{stand_in(spec)}\n', False))
    return cases


def syntax_cases(rng: random.Random) -> list[tuple[str, str, str, str, bool]]:
    """(family, 'syntax', file name, text, is_secret): issue 12's syntaxes, each with a benign twin."""
    v = draw('{an:26}', rng)
    pw = draw('{an:14}', rng) + '#q!'
    basic = base64.b64encode(f'deploy:{v}'.encode()).decode()
    forms = [
        ('makefile ::=', 'Makefile', f'API_TOKEN ::= {v}\n', 'API_TOKEN ::= $(shell cat .token)\n'),
        ('makefile :::=', 'Makefile', f'API_TOKEN :::= {v}\n', 'API_TOKEN :::= $(TOKEN)\n'),
        ('makefile ?=', 'Makefile', f'DB_PASSWORD ?= {v}\n', 'DB_PASSWORD ?= $(DB_PASSWORD_FROM_ENV)\n'),
        ('makefile +=', 'Makefile', f'SECRET_KEY += {v}\n', 'SECRET_KEY += $(EXTRA)\n'),
        ('go var typed', 'main.go', f'var apiKey string = "{v}"\n', 'var apiKey string = os.Getenv("API_KEY")\n'),
        (
            'go const typed',
            'main.go',
            f'const (\n\tapiSecret string = "{v}"\n)\n',
            'const (\n\tapiSecret string = ""\n)\n',
        ),
        ('php .=', 'config.php', f"<?php\n$password .= '{v}';\n", '<?php\n$password .= $suffix;\n'),
        (
            'php define',
            'config.php',
            f"<?php\ndefine('AUTH_KEY', '{v}');\n",
            "<?php\ndefine('AUTH_KEY', getenv('AUTH_KEY'));\n",
        ),
        (
            'php =>',
            'config.php',
            f"<?php\nreturn ['api_key' => '{v}'];\n",
            "<?php\nreturn ['api_key' => env('API_KEY')];\n",
        ),
        (
            'xml text on its own line',
            'app.xml',
            f'<password>\n  {v}\n</password>\n',
            '<password>\n  ${DB_PASSWORD}\n</password>\n',
        ),
        (
            'xml element attributes',
            'app.xml',
            f'<Pass encoding="base64">{v}</Pass>\n',
            '<Pass encoding="base64">CHANGE_ME</Pass>\n',
        ),
        (
            'xml credential attribute',
            'app.xml',
            f'<db host="db.acme.io" password="{v}"/>\n',
            '<db host="db.acme.io" password="${DB_PW}"/>\n',
        ),
        ('key box-key', 'app.ini', f'box-key = {v}\n', 'box-key = <your-box-key>\n'),
        ('key zerobounceKEY', 'app.js', f'const zerobounceKEY = "{v}";\n', 'const zerobounceKEY = process.env.ZB;\n'),
        (
            'key x-api-key:',
            'request.http',
            f'GET https://api.acme.io/v1\nx-api-key: {v}\n',
            'GET https://api.acme.io/v1\nx-api-key: {{apiKey}}\n',
        ),
        ('yaml value on the next line', 'values.yaml', f'api_key:\n  {v}\n', 'api_key:\n  nested: value\n'),
        ('yaml quoted value on the next line', 'values.yaml', f'password:\n    "{v}"\n', 'password:\n    "${PW}"\n'),
        ('curl -u', 'run.sh', f'curl -u admin:{pw} https://api.acme.io\n', 'curl -u admin https://api.acme.io\n'),
        (
            'curl -H Bearer',
            'run.sh',
            f"curl -H 'Authorization: Bearer {v}' https://a.io\n",
            'curl -H "Authorization: Bearer $TOKEN" https://a.io\n',
        ),
        (
            'curl -H Basic',
            'run.sh',
            f'curl -H "Authorization: Basic {basic}" https://a.io\n',
            'curl -H "Authorization: Basic $BASIC" https://a.io\n',
        ),
        (
            'docker login -p',
            'run.sh',
            f'docker login -u ci -p {pw} registry.acme.io\n',
            'docker login -u ci --password-stdin registry.acme.io\n',
        ),
        ('mysql -p', 'run.sh', f'mysql -u root -p{pw} shop\n', 'mysql -u root -p shop\n'),
        ('sshpass -p', 'run.sh', f'sshpass -p {pw} ssh deploy@10.0.0.5\n', 'sshpass -e ssh deploy@10.0.0.5\n'),
        (
            'psexec -p',
            'run.bat',
            f'psexec \\\\web01 -u ACME\\admin -p {pw} cmd\n',
            'psexec \\\\web01 -u ACME\\admin -p %PW% cmd\n',
        ),
        (
            'ConvertTo-SecureString',
            'run.ps1',
            f"$s = ConvertTo-SecureString '{pw}' -AsPlainText -Force\n",
            '$s = ConvertTo-SecureString $env:PW -AsPlainText -Force\n',
        ),
        (
            'git clone https://user:token@',
            'ci.sh',
            f'git clone https://ci:{v}@git.acme.io/app.git\n',
            'git clone https://git.acme.io/app.git\n',
        ),
    ]
    cases = []
    for family, name, secret, benign in forms:
        cases.append((family, 'syntax', name, secret, True))
        cases.append((family, 'syntax', name, benign, False))
    return cases


def flagged_paths(stdout: str) -> set[str]:
    data = json.loads(stdout)
    findings = data['findings'] if isinstance(data, dict) else data
    return {str(f.get('path') or f.get('file') or '') for f in findings}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    default_guard = Path(sys.executable).with_name('guard')
    parser.add_argument('--cmd', default=f'{shlex.quote(str(default_guard))} scan {{dir}} --format json')
    parser.add_argument('--seed', type=int, default=12)
    parser.add_argument('--json', help='write the per-family figures here')
    parser.add_argument('--show-misses', action='store_true')
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cases = provider_cases(rng) + syntax_cases(rng)
    with tempfile.TemporaryDirectory(prefix='guard-breadth-') as tmp:
        root = Path(tmp)
        ids = []
        for i, (_family, _group, name, text, _secret) in enumerate(cases):
            case_dir = f'c{i:05d}'
            (root / case_dir).mkdir()
            (root / case_dir / name).write_text(text, encoding='utf-8')
            ids.append(case_dir)
        proc = subprocess.run(args.cmd.format(dir=shlex.quote(tmp)), shell=True, capture_output=True, text=True)
        if proc.returncode not in (0, 1):
            print(proc.stderr, file=sys.stderr)
            return 2
        paths = flagged_paths(proc.stdout)
    flagged = [any(f'/{case_dir}/' in p or p.startswith(f'{case_dir}/') for p in paths) for case_dir in ids]
    per_family: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # found, secrets, alarms, benign
    per_group: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    misses = []
    for (family, group, name, text, secret), hit in zip(cases, flagged, strict=True):
        for table in (per_family[f'{group}\t{family}'], per_group[group]):
            if secret:
                table[0] += hit
                table[1] += 1
            else:
                table[2] += hit
                table[3] += 1
        if secret != hit:
            misses.append(('missed' if secret else 'false alarm', family, name, text.strip()[:100]))
    print(f'scanner: {args.cmd}\ncases: {len(cases)} ({sum(c[4] for c in cases)} secret)\n')
    print(f'{"group":24} {"families":>8} {"families found":>15} {"recall":>14} {"false alarms":>14}')
    families_by_group: dict[str, list[str]] = defaultdict(list)
    for key in per_family:
        families_by_group[key.split('\t')[0]].append(key)
    total = [0, 0, 0, 0]
    for group in sorted(per_group):
        found, secrets, alarms, benign = per_group[group]
        keys = families_by_group[group]
        whole = sum(1 for k in keys if per_family[k][0] == per_family[k][1])
        print(
            f'{group:24} {len(keys):8d} {whole:9d}/{len(keys):<5d} {found:6d}/{secrets:<4d} {found / secrets:5.3f}'
            f' {alarms:5d}/{benign:<4d}'
        )
        total = [a + b for a, b in zip(total, per_group[group], strict=True)]
    print(
        f'{"overall":24} {len(per_family):8d} {"":15} {total[0]:6d}/{total[1]:<4d} {total[0] / total[1]:5.3f}'
        f' {total[2]:5d}/{total[3]:<4d}'
    )
    print('\nsyntax families:')
    for key in families_by_group.get('syntax', []):
        found, secrets, alarms, benign = per_family[key]
        print(f'  {key.split(chr(9))[1]:36} found {found}/{secrets}   false alarms {alarms}/{benign}')
    if args.show_misses or len(misses) <= 40:
        print(f'\nmisses and false alarms ({len(misses)}):')
        for miss in misses:
            print('  ', *miss)
    if args.json:
        Path(args.json).write_text(json.dumps({k: v for k, v in per_family.items()}, indent=1))
    return 0


if __name__ == '__main__':
    sys.exit(main())
