"""Where the checkout, the seed articles, the RealTime QA sample in the repository and the shared RealTime QA
data are."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SEED_ARTICLE = next(SEEDS.glob("*.txt"))
_DATA = Path("shared") / "data" / "realtimeqa-2025q1"
# beside the checkout, or further up for a git worktree kept in a subfolder
SHARED_DATA = next((up / _DATA for up in ROOT.parents if (up / _DATA).is_dir()), ROOT.parent / _DATA)
# seven articles and 22 questions of realtimeqa-2025q1 (one question a week, more of the week of 21 March)
SAMPLE_DATA = ROOT / "tests" / "fixtures" / "realtimeqa-sample"
