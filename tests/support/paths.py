"""Where the checkout, the seed articles and the shared RealTime QA data are."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SEED_ARTICLE = next(SEEDS.glob("*.txt"))
_DATA = Path("shared") / "data" / "realtimeqa-2025q1"
# beside the checkout (/work/shared for /work/main), or further up for a git worktree (/work/wt/<name>)
SHARED_DATA = next((up / _DATA for up in ROOT.parents if (up / _DATA).is_dir()), ROOT.parent / _DATA)
