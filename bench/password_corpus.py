"""Write the password-policy labelled set (tests/password_cases.py) as a corpus for score.py.

    python bench/password_corpus.py /tmp/pw-corpus.jsonl
    python ../shared/bench/score.py --corpus /tmp/pw-corpus.jsonl --cmd '.venv/bin/guard scan {dir} --format json'

Values are drawn at run time from tests/secrets.py's seeded generator, so the file is the same on
every run and guard's tree holds none of it. Topics are the bullets of issue 13.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.password_cases import cases


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path('password-corpus.jsonl')
    with out.open('w', encoding='utf-8') as f:
        for case in cases():
            row = {
                'id': case.id,
                'topic': case.topic,
                'kind': case.filename,
                'label': 'secret' if case.secret else 'benign',
                'filename': case.filename,
                'text': case.text,
            }
            f.write(json.dumps(row, ensure_ascii=False) + '\n')
    print(f'{out}: {len(cases())} cases')
    return 0


if __name__ == '__main__':
    raise SystemExit(main(sys.argv))
