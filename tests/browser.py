"""Headless chromium for the HTML report's tests: the DOM after scripts ran, the requests
a page made, and screenshots. Without chromium the tests skip and say why; CI sets
GUARD_REQUIRE_BROWSER=1 (.ci/run) so there a missing browser fails them instead."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

NAMES = ('chromium', 'chromium-browser', 'google-chrome', 'chrome')
FLAGS = (
    '--headless',
    '--no-sandbox',  # CI runs as root, where chromium refuses its sandbox
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--hide-scrollbars',
)


def chromium() -> str:
    """The browser's path, or skip (fail when GUARD_REQUIRE_BROWSER=1) naming the fix."""
    found = next((path for name in NAMES if (path := shutil.which(name))), None)
    if found is None:
        reason = 'chromium is not installed (apt-get install chromium): browser tests of the HTML report not run'
        if os.environ.get('GUARD_REQUIRE_BROWSER') == '1':
            pytest.fail(f'GUARD_REQUIRE_BROWSER=1 but {reason}')
        pytest.skip(reason)
    return found


def _run(page: Path, work: Path, *args: str, fragment: str = '') -> subprocess.CompletedProcess[bytes]:
    work.mkdir(parents=True, exist_ok=True)
    url = page.resolve().as_uri() + (f'#{fragment}' if fragment else '')
    return subprocess.run(
        [chromium(), *FLAGS, f'--user-data-dir={work / "profile"}', *args, url],
        capture_output=True,
        timeout=120,
        check=True,
    )


def dump_dom(page: Path, work: Path, fragment: str = '') -> tuple[str, list[str]]:
    """The DOM after the page's scripts ran (opened at `#fragment`), and the URLs the page
    itself requested (chromium's own background requests, made whatever the page, left out)."""
    log = work / 'net.json'
    proc = _run(page, work, f'--log-net-log={log}', '--net-log-capture-mode=Default', '--dump-dom', fragment=fragment)
    return proc.stdout.decode('utf-8'), page_requests(log)


def page_requests(log: Path) -> list[str]:
    data = json.loads(log.read_text())
    names = {value: key for key, value in data['constants']['logEventTypes'].items()}
    urls = []
    for event in data['events']:
        params = event.get('params') or {}
        if names.get(event['type']) == 'URL_REQUEST_START_JOB' and 'file://' in params.get('network_isolation_key', ''):
            urls.append(params['url'])
    return urls


def screenshot(page: Path, work: Path, size: tuple[int, int] = (1280, 1600)) -> Path:
    out = work / 'screenshot.png'
    _run(page, work, f'--window-size={size[0]},{size[1]}', f'--screenshot={out}')
    return out


def png_colours(path: Path) -> tuple[int, int, dict[bytes, int]]:
    """(width, height, pixel count by colour) of an 8-bit RGB or RGBA PNG, stdlib only
    (scanline filters undone), so a test can tell a rendered page from a blank one."""
    data = path.read_bytes()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, chunks, header = 8, [], b''
    while pos < len(data):
        (length,) = struct.unpack('>I', data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b'IHDR':
            header = body
        elif kind == b'IDAT':
            chunks.append(body)
        pos += 12 + length
    width, height, depth, colour_type = struct.unpack('>IIBB', header[:10])
    assert depth == 8 and colour_type in (2, 6), f'unexpected PNG format {depth}/{colour_type}'
    bpp = 3 if colour_type == 2 else 4
    raw, stride = zlib.decompress(b''.join(chunks)), width * bpp
    previous, counts = bytearray(stride), {}
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = previous[x]
            c = previous[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp):
            colour = bytes(line[x : x + 3])
            counts[colour] = counts.get(colour, 0) + 1
        previous = line
    return width, height, counts
