"""Which keyword prefilter: the measurement guard/scanner.py's docstring cites.

    python bench/prefilter.py                 # text files of the generated tree (bench_tree.py makes it)
    python bench/prefilter.py PATH [PATH ...] # any local corpus, e.g. a checkout or site-packages
    python bench/prefilter.py --mb 20

Every text file is read and lowercased up front (lowering is common to all
methods and timed on its own), then each method answers the same question the
scanner asks: which keywords occur in this text? Keywords are those of every
built-in detector. Methods:

  ahocorasick_rs  Rust aho-corasick, overlapping matches (what guard uses, over bytes)
  pyahocorasick   C automaton walked one code point at a time (the bench extra only)
  combined re     one `re` alternation, longest first, finditer
  `in` loop       `keyword in text` for every keyword

All methods must return the same keyword sets (checked; the combined regex
cannot see overlapping keywords, so it is compared on the ones it can). Times
are the best of --reps runs, on one core.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def corpus(paths: Sequence[Path], limit: int) -> list[str]:
    texts: list[str] = []
    size = 0
    for top in paths:
        for directory, dirs, names in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d != '.git')
            for name in sorted(names):
                path = os.path.join(directory, name)
                if os.path.islink(path) or not os.path.isfile(path):
                    continue
                with open(path, 'rb') as handle:
                    data = handle.read()
                if b'\0' in data[:8000]:
                    continue
                texts.append(data.decode('utf-8', 'replace'))
                size += len(texts[-1])
                if size >= limit:
                    return texts
    return texts


def keywords() -> list[str]:
    from guard.api import make_scanner
    from guard.config import Config

    scanner = make_scanner(Config(root=Path.cwd()))
    return sorted({k.lower() for d in scanner.detectors for k in d.keywords})


def methods(words: list[str]) -> dict[str, Callable[[str], set[str]]]:
    import ahocorasick
    import ahocorasick_rs

    rs = ahocorasick_rs.AhoCorasick(words, implementation=ahocorasick_rs.Implementation.DFA)
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    alternation = re.compile('|'.join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    return {
        'ahocorasick_rs': lambda text: {words[m[0]] for m in rs.find_matches_as_indexes(text, overlapping=True)},
        'pyahocorasick': lambda text: {w for _end, w in automaton.iter(text)},
        'combined re': lambda text: {m.group() for m in alternation.finditer(text)},
        '`in` loop': lambda text: {w for w in words if w in text},
    }


def best_of(reps: int, run: Callable[[], object]) -> tuple[float, object]:
    best, result = float('inf'), None
    for _ in range(reps):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('paths', nargs='*', type=Path)
    parser.add_argument('--mb', type=float, default=40.0, help='read at most this much text (default 40)')
    parser.add_argument('--reps', type=int, default=3)
    args = parser.parse_args(argv)
    paths = args.paths
    if not paths:
        import treegen

        paths = [treegen.generate(HERE / '.work').root]
    texts = corpus(paths, int(args.mb * 1e6))
    size = sum(len(t) for t in texts)
    words = keywords()
    print(f'corpus: {len(texts)} text files, {size / 1e6:.1f} MB from {", ".join(map(str, paths))}')
    print(f'keywords: {len(words)} (every built-in detector)')
    seconds, lowered = best_of(args.reps, lambda: [t.lower() for t in texts])
    assert isinstance(lowered, list)
    print(f'  {"lowercasing (all methods)":<28}{seconds:>8.3f} s {size / 1e6 / seconds:>8.0f} MB/s')

    results: dict[str, tuple[float, list[set[str]]]] = {}
    for name, find in methods(words).items():
        seconds, found = best_of(args.reps, lambda find=find: [find(t) for t in lowered])
        assert isinstance(found, list)
        results[name] = seconds, found
    reference = results['ahocorasick_rs'][1]
    for name, (_seconds, found) in results.items():
        if name == 'combined re':
            assert all(f <= r for f, r in zip(found, reference, strict=True)), name
        else:
            assert found == reference, f'{name} disagrees with ahocorasick_rs'
    base = results['ahocorasick_rs'][0]
    for name, (seconds, _found) in results.items():
        print(f'  {name:<28}{seconds:>8.3f} s {size / 1e6 / seconds:>8.0f} MB/s {seconds / base:>7.1f}x ahocorasick_rs')
    hits = sum(len(r) for r in reference)
    print(
        f'  texts with at least one keyword: {sum(1 for r in reference if r)}/{len(texts)}, keyword-text pairs: {hits}'
    )
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
