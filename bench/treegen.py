"""A deterministic, realistic source tree for the tree-scan benchmark.

The mix follows what a monorepo checkout looks like: source in several
languages, JSON/YAML/TOML config, lockfiles full of base64 integrity hashes,
a few single-line minified bundles, some binary assets, and a handful of
planted secrets. Secrets are built at run time from random bodies, so this file
holds no secret-looking literal.

Generation is seeded (same arguments, same bytes) and cached: the tree is
written once under bench/.work/ and a stamp file beside it records it as
complete, so an interrupted generation is redone rather than reused.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import random
import re
import shutil
import string
import zlib
from pathlib import Path

GEN_VERSION = 3
PARTS = 20  # top-level directories; part00 alone is the detect-secrets sub-tree
ALNUM = string.ascii_letters + string.digits
B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

_PROSE = (
    'user account order item cart price total count index value name path file config client server request '
    'response session cache queue worker task job event handler service model view controller router route '
    'login logout admin role permission group team project repo branch '
    'commit build deploy release version status state error result data payload message buffer stream reader '
    'writer parser lexer node tree graph edge vertex matrix vector point line shape color image icon font style '
    'theme layout width height offset limit page size retry timeout delay interval schedule timer clock date '
    'time zone locale language text label title body header footer menu button input form field option select '
    'list map set dict table row column schema query filter sort order join merge split format encode decode '
    'hash digest signature cert host port url uri domain email phone address city country region metric log'
)
WORDS = _PROSE.split()

EXT_WEIGHTS = (
    ('py', 24),
    ('js', 10),
    ('ts', 7),
    ('go', 8),
    ('java', 7),
    ('rs', 5),
    ('c', 4),
    ('h', 2),
    ('md', 6),
    ('json', 8),
    ('yaml', 5),
    ('toml', 2),
    ('ini', 1),
    ('html', 3),
    ('css', 3),
    ('sh', 2),
    ('txt', 2),
)
BINARY_EXTS = ('png', 'jpg', 'woff2', 'so', 'zip', 'pdf')
LOCKFILES = ('package-lock.json', 'yarn.lock', 'poetry.lock', 'Cargo.lock')


def _templates() -> dict[str, list[str]]:
    py = [
        'import {w}',
        'from {w}.{w} import {W}, {w}_{w}',
        '',
        '',
        'class {W}{W}({W}):',
        '    """{S}."""',
        'def {w}_{w}({w}, {w}={n}):',
        '    {w} = {w}.{w}({w}, {w}={n})',
        '    if not {w}_{w}:',
        '        raise {W}Error(f"{S}: {{{w}}}")',
        '    return {w}[{n}:{n}]',
        '        for {w} in {w}_{w}:',
        '            {w}.append({w}.get("{w}", {n}))',
        '    # {S}.',
        '    self.{w}_{w} = {w}',
        '    {w}_token = request.headers.get("Authorization", "")',
        '    password = os.environ["{U}_PASSWORD"]',
        '    secret_key = settings.{U}_SECRET',
        '    api_key = config.get("api_key")',
        '    url = "https://{w}.example.com/{w}/{w}?{w}={n}"',
        'logger.info("{S} %s", {w}_{w})',
        '    assert {w}.{w} == {n}, "{S}"',
        '@pytest.mark.parametrize("{w}", [{n}, {n}, {n}])',
        '    with open({w}_path, encoding="utf-8") as {w}:',
        '    except {W}Error as e:',
        '        token = self._{w}_token({w})',
        '    key = hashlib.sha256({w}.encode()).hexdigest()',
        '    for key, value in {w}.items():',
        '        {w}[key] = value',
        '    {w}.sort(key=lambda {w}: {w}.{w})',
    ]
    js = [
        'import {{ {W}, {w}{W} }} from "./{w}/{w}";',
        'const {w}{W} = require("{w}-{w}");',
        '',
        'export function {w}{W}({w}, {w}) {{',
        '  const {w} = await fetch(`https://api.{w}.io/v{n}/{w}`);',
        '  if (!{w}.{w}) throw new Error("{S}");',
        '  return {w}.map(({w}) => {w}.{w} * {n});',
        '}}',
        '  // {S}',
        '  this.{w}{W} = {w}{W} || {{}};',
        '  const token = localStorage.getItem("{w}_token");',
        '  headers: {{ Authorization: `Bearer ${{token}}` }},',
        '  password: process.env.{U}_PASSWORD,',
        '  apiKey: process.env.{U}_API_KEY,',
        '    {w}: {n},',
        '    "{w}-{w}": "{S}",',
        '  }});',
        'export default class {W} extends {W}{W} {{',
        '  for (const [key, value] of Object.entries({w})) {{',
        '  async {w}{W}() {{ return this.{w}.{w}({n}); }}',
    ]
    go = [
        'package {w}',
        'import (',
        '\t"{w}/{w}"',
        ')',
        '',
        'func ({w} *{W}) {W}{W}({w} {W}) error {{',
        '\tif err := {w}.{W}({w}); err != nil {{',
        '\t\treturn fmt.Errorf("{S}: %w", err)',
        '\t}}',
        '}}',
        '\t{w} := make(map[string]int, {n})',
        '\tfor _, {w} := range {w}{W} {{',
        '\t// {S}.',
        '\ttoken := os.Getenv("{U}_TOKEN")',
        '\treq.Header.Set("Authorization", "Bearer "+token)',
        'type {W} struct {{',
        '\t{W} string `json:"{w}"`',
        '\tPassword string `json:"password"`',
        '\tresp, err := http.Get("https://{w}.example.com/{w}")',
        '\treturn {w}.{W}, nil',
    ]
    java = [
        'package com.{w}.{w};',
        'import java.util.{W};',
        '',
        'public class {W}{W} implements {W} {{',
        '    private final {W} {w}{W};',
        '    public {W} get{W}() {{ return this.{w}; }}',
        '    @Override',
        '    public void {w}({W} {w}) throws {W}Exception {{',
        '        // {S}',
        '        String password = System.getenv("{U}_PASSWORD");',
        '        if ({w} == null) {{',
        '            throw new IllegalStateException("{S}");',
        '        }}',
        '    }}',
        '}}',
        '        {W}<{W}> {w} = new ArrayList<>({n});',
        '        String token = auth.getToken({w});',
        '        LOG.debug("{S} {{}}", {w});',
    ]
    rs = [
        'use std::{w}::{W};',
        'use crate::{w}::{{{W}, {W}}};',
        '',
        'pub fn {w}_{w}({w}: &{W}) -> Result<{W}> {{',
        '    let {w} = {w}.{w}()?;',
        '    // {S}.',
        '    match {w} {{',
        '        {W}::{W} => {n},',
        '    }}',
        '}}',
        '#[derive(Debug, Clone)]',
        'pub struct {W} {{',
        '    pub {w}: u{n},',
        '    secret: String,',
        '    let token = std::env::var("{U}_TOKEN").unwrap_or_default();',
        'impl {W} for {W} {{',
    ]
    c = [
        '#include <{w}.h>',
        '#include "{w}_{w}.h"',
        '',
        'static int {w}_{w}(struct {w} *{w}, size_t {w})',
        '{{',
        '\tif (!{w}) return -E{U};',
        '\tfor (i = 0; i < {n}; i++)',
        '\t\t{w}[i] = {w}_{w}({w}, i);',
        '}}',
        '/* {S}. */',
        '\tchar *password = getenv("{U}_PASSWORD");',
        '#define {U}_{U} {n}',
        '\tmemcpy({w}->key, {w}, sizeof({w}->key));',
        '\treturn 0;',
    ]
    md = [
        '# {W} {w}',
        '',
        '{S}. {S}.',
        '- {S}',
        '```',
        '{w} {w} --{w} {n}',
        '```',
        '## {W}',
        'See [{w}](https://{w}.example.org/{w}/{w}) for details.',
        'Set `{U}_TOKEN` to your API token.',
        '| {w} | {w} | {n} |',
        '> {S}.',
    ]
    yaml = [
        '{w}:',
        '  {w}: {n}',
        '  {w}_{w}: "{S}"',
        '  - {w}',
        '  url: https://{w}.example.com/{w}',
        '  password: ${{{U}_PASSWORD}}',
        '  token: !env {U}_TOKEN',
        '{w}_{w}: {n}',
        '    image: {w}/{w}:{n}.{n}',
        '    env:',
        '      - name: {U}_SECRET',
        '        valueFrom: {{secretKeyRef: {{name: {w}, key: {w}}}}}',
    ]
    json_ = [
        '  "{w}": {n},',
        '  "{w}_{w}": "{S}",',
        '  "{w}": {{',
        '    "{w}": "https://{w}.example.com/{w}",',
        '    "{w}": [{n}, {n}, {n}],',
        '  }},',
        '    "token_url": "https://auth.{w}.com/oauth/token",',
        '    "{w}Id": "{H}",',
    ]
    toml = ['[{w}]', '{w} = "{S}"', '{w}_{w} = {n}', '[{w}.{w}]', '{w} = ["{w}", "{w}"]', 'password_env = "{U}"']
    ini = ['[{w}]', '{w} = {n}', '{w}_{w} = {S}', '; {S}', 'secret_file = /etc/{w}/{w}.key']
    html = [
        '<div class="{w}-{w}">',
        '  <a href="https://{w}.example.com/{w}">{S}</a>',
        '</div>',
        '<input type="password" name="password" id="{w}">',
        '<script src="/static/{w}.{H}.js"></script>',
        '  <p>{S}.</p>',
    ]
    css = [
        '.{w}-{w} {{',
        '  color: #{h};',
        '  margin: {n}px {n}px;',
        '}}',
        '@media (max-width: {n}px) {{',
        '  background: url("/img/{w}.png");',
        '/* {S} */',
    ]
    sh = [
        '#!/usr/bin/env bash',
        'set -euo pipefail',
        '{w}_{w}() {{',
        '  local {w}="${{1:-{n}}}"',
        '}}',
        'export {U}_TOKEN="${{{U}_TOKEN:?set it}}"',
        'curl -fsSL "https://{w}.example.com/{w}" -o {w}',
        '# {S}',
        'if [ -z "${{{U}:-}}" ]; then',
        'fi',
    ]
    txt = ['{S}.', '{S}, {S}.', '', '{W} {w} {w} {n}.']
    return {
        'py': py,
        'js': js,
        'ts': js,
        'go': go,
        'java': java,
        'rs': rs,
        'c': c,
        'h': c,
        'md': md,
        'yaml': yaml,
        'json': json_,
        'toml': toml,
        'ini': ini,
        'html': html,
        'css': css,
        'sh': sh,
        'txt': txt,
    }


class _Filler:
    """Fills template placeholders with seeded words and numbers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def fill(self, template: str) -> str:
        rng = self.rng
        out = template
        while '{' in out:
            for key, make in (
                ('{w}', lambda: rng.choice(WORDS)),
                ('{W}', lambda: rng.choice(WORDS).title()),
                ('{U}', lambda: rng.choice(WORDS).upper()),
                ('{n}', lambda: str(rng.randint(0, 4096))),
                ('{S}', lambda: ' '.join(rng.choices(WORDS, k=rng.randint(3, 9))).capitalize()),
                ('{H}', lambda: f'{rng.getrandbits(64):016x}'),
                ('{h}', lambda: f'{rng.getrandbits(24):06x}'),
            ):
                if key in out:
                    out = out.replace(key, make(), 1)
                    break
            else:
                break
        return out.replace('{{', '{').replace('}}', '}')


# Share of lines naming a credential or holding a URL. Measured on real trees (this venv's
# site-packages, the stdlib): ~400 key/secret/token/password assignment candidates and
# ~30-270 '://' per MB; uniform templates would give 10x that and flatter the generic detectors.
SENSITIVE = re.compile(r'(?i)pass|secret|token|key|auth')
LINE_SHARES = {'sensitive': 0.025, 'url': 0.01}


def _pools(rng: random.Random, per_language: int = 4000) -> dict[str, list[str]]:
    filler = _Filler(rng)
    pools = {}
    for ext, templates in _templates().items():
        kinds = ['sensitive' if SENSITIVE.search(t) else 'url' if '://' in t else 'plain' for t in templates]
        counts = {k: max(kinds.count(k), 1) for k in ('sensitive', 'url', 'plain')}
        plain_share = 1 - sum(LINE_SHARES.values())
        weights = [LINE_SHARES.get(k, plain_share) / counts[k] for k in kinds]
        pools[ext] = [filler.fill(t) for t in rng.choices(templates, weights, k=per_language)]
    return pools


def _text(rng: random.Random, pool: list[str], size: int) -> str:
    lines = rng.choices(pool, k=max(1, size // 32))
    return '\n'.join(lines) + '\n'


def _lockfile(rng: random.Random, name: str, size: int) -> str:
    out: list[str] = []
    total = 0
    while total < size:
        pkg = f'{rng.choice(WORDS)}-{rng.choice(WORDS)}'
        ver = f'{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}'
        integrity = base64.b64encode(rng.randbytes(64)).decode()
        if name == 'package-lock.json':
            entry = (
                f'    "node_modules/{pkg}": {{\n      "version": "{ver}",\n'
                f'      "resolved": "https://registry.npmjs.org/{pkg}/-/{pkg}-{ver}.tgz",\n'
                f'      "integrity": "sha512-{integrity}",\n      "dev": true\n    }},\n'
            )
        elif name == 'yarn.lock':
            entry = (
                f'"{pkg}@^{ver}":\n  version "{ver}"\n  resolved "https://registry.yarnpkg.com/{pkg}/-/'
                f'{pkg}-{ver}.tgz#{rng.getrandbits(160):040x}"\n  integrity sha512-{integrity}\n\n'
            )
        else:
            entry = (
                f'[[package]]\nname = "{pkg}"\nversion = "{ver}"\nsource = "registry+https://github.com/'
                f'rust-lang/crates.io-index"\nchecksum = "{rng.getrandbits(256):064x}"\n\n'
            )
        out.append(entry)
        total += len(entry)
    return ''.join(out)


def _bundle(rng: random.Random, size: int) -> str:
    """One line of minified JavaScript, with short identifiers, strings and an inlined data URI."""
    pieces = [
        'function(e,t,n){',
        'var r=n(',
        ');',
        'return ',
        '}',
        ',',
        'e.exports=',
        '"use strict";',
        'Object.defineProperty(t,"__esModule",{value:!0});',
        'if(',
        '){',
        '}else{',
        '.push(',
        '===',
        'void 0',
        '!0',
        '!1',
        'null',
        'this.',
        '.prototype.',
        'new Error("',
        '")',
        '[',
        ']',
    ]
    chunks: list[str] = []
    total = 0
    while total < size:
        if rng.random() < 0.002:
            image = base64.b64encode(rng.randbytes(rng.randint(200, 3000))).decode()
            chunk = f'url(data:image/png;base64,{image})'
        else:
            chunk = ''.join(rng.choices(pieces, k=20)) + rng.choice(string.ascii_letters) + str(rng.randint(0, 999))
        chunks.append(chunk)
        total += len(chunk)
    return ''.join(chunks) + '\n'


def _b62(number: int, width: int) -> str:
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(B62[rest])
    return ''.join(reversed(digits)).rjust(width, '0')


def planted_secrets(rng: random.Random) -> list[tuple[str, str]]:
    """(file name, line) pairs: one realistic secret per line, bodies random, checksums valid."""

    def body(n: int, alphabet: str = ALNUM) -> str:
        return ''.join(rng.choices(alphabet, k=n))

    def github(prefix: str) -> str:
        b = body(30)
        return f'{prefix}_{b}{_b62(zlib.crc32(b.encode()), 6)}'

    aws_id = 'AK' + 'IA' + body(16, string.ascii_uppercase + '234567')
    pem_head, pem_tail = '-----BEGIN ' + 'RSA PRIVATE KEY-----', '-----END ' + 'RSA PRIVATE KEY-----'
    pem_body = '\n'.join(base64.b64encode(rng.randbytes(48)).decode() for _ in range(12))
    pw = body(20)
    return [
        ('deploy.env', f'GITHUB_TOKEN={github("gh" + "p")}'),
        ('ci_settings.py', f'GH_TOKEN = "{github("gh" + "s")}"'),
        ('aws.ini', f'aws_access_key_id = {aws_id}\naws_secret_access_key = {body(40, ALNUM + "/+")}'),
        (
            'notify.js',
            'const slackToken = "xox' + f'b-{rng.randint(10**11, 10**12 - 1)}-'
            f'{rng.randint(10**11, 10**12 - 1)}-{body(24)}";',
        ),
        ('billing.rb', 'STRIPE_KEY = "sk' + f'_live_{body(24)}"'),
        ('id_rsa', f'{pem_head}\n{pem_body}\n{pem_tail}'),
        ('database.yaml', 'url: postgres' + f'ql://app:{pw}@db.internal:5432/app'),
        ('openai.py', 'client = OpenAI(api_key="sk-' + f'proj-{body(48)}")'),
    ]


@dataclasses.dataclass(frozen=True)
class TreeInfo:
    root: Path
    files: int
    bytes: int
    secrets: int

    def part(self, index: int) -> Path:
        return self.root / f'part{index:02d}'


def generate(work: Path, files: int = 20_000, megabytes: int = 200, seed: int = 1) -> TreeInfo:
    """The tree for these parameters, generated on first use and reused afterwards."""
    name = f'tree-n{files}-m{megabytes}-s{seed}-v{GEN_VERSION}'
    root = work / name
    stamp = work / f'{name}.done'
    if stamp.is_file() and root.is_dir():
        info = json.loads(stamp.read_text())
        return TreeInfo(root, info['files'], info['bytes'], info['secrets'])
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(seed)
    pools = _pools(rng)
    exts = [e for e, _ in EXT_WEIGHTS]
    weights = [w for _, w in EXT_WEIGHTS]
    target = megabytes * 1_000_000

    # Fixed heavy hitters first, then text files share what is left.
    specials: list[tuple[str, bytes]] = []
    for i in range(max(1, files // 2500)):
        specials.append((f'static/dist/bundle.{i}.min.js', _bundle(rng, rng.randint(1_500_000, 4_000_000)).encode()))
    for i in range(max(1, files // 500)):
        lock = LOCKFILES[i % len(LOCKFILES)]
        specials.append((f'svc{i}/{lock}', _lockfile(rng, lock, rng.randint(100_000, 800_000)).encode()))
    for i in range(files * 6 // 100):
        ext = BINARY_EXTS[i % len(BINARY_EXTS)]
        data = b'\x89PNG\r\n\x1a\n\0\0\0\rIHDR' + rng.randbytes(int(rng.lognormvariate(9.0, 1.0)) % 400_000)
        specials.append((f'assets/{rng.choice(WORDS)}_{i}.{ext}', data))
    secrets = planted_secrets(rng)
    special_bytes = sum(len(d) for _, d in specials)
    n_text = files - len(specials) - len(secrets)
    raw = [rng.lognormvariate(8.3, 1.0) for _ in range(n_text)]
    scale = max(target - special_bytes, n_text * 200) / sum(raw)

    entries: list[tuple[str, bytes]] = []
    for i, r in enumerate(raw):
        ext = rng.choices(exts, weights)[0]
        size = min(int(r * scale), 600_000)
        text = _text(rng, pools[ext], size)
        entries.append((f'{rng.choice(WORDS)}/{rng.choice(WORDS)}_{i}.{ext}', text.encode()))
    entries += specials
    rng.shuffle(entries)
    # Every planted secret goes into part00, so the detect-secrets sub-tree holds them all too.
    for name_, line in secrets:
        filler = _text(rng, pools['txt'], 2000).splitlines()
        filler.insert(len(filler) // 2, line)
        entries.insert(rng.randrange(len(entries) // PARTS), (f'config/{name_}', ('\n'.join(filler) + '\n').encode()))

    total = 0
    made: set[Path] = set()
    for index, (relative, data) in enumerate(entries):
        path = root / f'part{index * PARTS // len(entries):02d}' / relative
        if path.parent not in made:
            os.makedirs(path.parent, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(data)
        total += len(data)
    stamp.write_text(json.dumps({'files': len(entries), 'bytes': total, 'secrets': len(secrets)}))
    return TreeInfo(root, len(entries), total, len(secrets))
