"""What a user copies to run newsbot on several machines: the systemd unit in the README is deploy/newsbot@.service,
and systemd reads it without complaint (but for the executable, which a test machine has elsewhere)."""
from __future__ import annotations

import re
import shutil
import subprocess

from tests.support.paths import ROOT


def test_the_readme_unit_is_the_shipped_one_and_systemd_reads_it(tmp_path):
    shipped = (ROOT / "deploy" / "newsbot@.service").read_text(encoding="utf-8")
    [block] = re.findall(r"```ini\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)
    assert [line for line in shipped.splitlines() if not line.startswith("#")] == block.splitlines()
    analyze = shutil.which("systemd-analyze")
    if analyze is None:  # not every machine has systemd's tools; the comparison above still holds
        return
    unit = tmp_path / "newsbot@.service"
    unit.write_text(shipped, encoding="utf-8")
    checked = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True)
    complaints = [line for line in (checked.stdout + checked.stderr).splitlines()
                  if line.strip() and "is not executable" not in line]
    assert complaints == []
