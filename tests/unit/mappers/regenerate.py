"""Rewrite the golden files and the unsigned examples from ``samples.py``.

Run by hand after an intended contract change, then review the diff:
``.venv/bin/python tests/unit/mappers/regenerate.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
GOLDEN = HERE / "golden"
EXAMPLES = ROOT / "docs" / "examples" / "unsigned"


def main() -> None:
    """Write one golden file and one example per document kind."""
    sys.path[:0] = [str(ROOT), str(HERE.parent)]
    from mappers.samples import SAMPLES

    from adapter.mappers import write_document

    GOLDEN.mkdir(exist_ok=True)
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    for kind, build in SAMPLES.items():
        data = write_document(build())
        for folder in (GOLDEN, EXAMPLES):
            (folder / f"{kind.value}.xml").write_bytes(data)
        print(f"{kind.value}: {len(data)} bytes")


if __name__ == "__main__":
    main()
