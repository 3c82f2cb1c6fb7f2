"""Where the checkout, the seed articles and the shared RealTime QA data are."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SEED_ARTICLE = next(SEEDS.glob("*.txt"))
SHARED_DATA = ROOT.parent / "shared" / "data" / "realtimeqa-2025q1"
