"""The registry and readings domain stays plain Python (no SQLAlchemy, lxml, Flask, zeep)."""

from __future__ import annotations

import subprocess
import sys


def test_domain_modules_import_no_infrastructure() -> None:
    code = (
        "import sys; import adapter.domain.readings, adapter.domain.registry; "
        "bad = [m for m in ('sqlalchemy', 'lxml', 'flask', 'zeep', 'xmlsec') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
