"""Train the classifier's text model from labeled JSONL files and write it as JSON (``complaintdesk train-model``).

Training uses scikit-learn (the ``train`` extra; the service itself only reads the JSON): per head
(kind, category) the chi-squared test keeps the ``--features`` most telling character n-grams,
then a multinomial logistic regression is fitted on their sublinear TF-IDF weights. Both heads
read the text the rules read (message_text: cleaned subject and new body text, normalized), so
the model and the rules judge the same words. The file records which files it was trained on
(name, SHA-256, lines), so an evaluation can say whether a set was seen in training.
"""

from __future__ import annotations

import argparse
import hashlib
from functools import partial
from pathlib import Path

import orjson

from .evaluate import read_messages
from .quoting import message_text
from .textmodel import FORMAT, TextModel, ngrams

HEADS = ("kind", "category")


def _sklearn():
    """Import the parts of scikit-learn training needs, or stop with the command that installs them."""
    try:
        from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
        from sklearn.feature_selection import SelectKBest, chi2
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise SystemExit("training needs scikit-learn: pip install 'complaintdesk[train]'") from None
    return CountVectorizer, TfidfVectorizer, SelectKBest, chi2, LogisticRegression


def train(messages: list[dict], version: str, features: int = 1000, c: float = 30.0, low: int = 2, high: int = 4) -> dict:
    """Fit both heads on labeled messages and return the model as JSON-ready data."""
    CountVectorizer, TfidfVectorizer, SelectKBest, chi2, LogisticRegression = _sklearn()
    texts = [message_text(m.get("subject") or "", m.get("body") or "")[0] for m in messages]
    analyzer = partial(ngrams, low=low, high=high)
    counts = CountVectorizer(analyzer=analyzer, min_df=2)
    matrix = counts.fit_transform(texts)
    names = counts.get_feature_names_out()
    chosen = {}
    for head in HEADS:
        labels = [m[head] for m in messages]
        keep = SelectKBest(chi2, k=min(features, matrix.shape[1])).fit(matrix, labels).get_support()
        chosen[head] = sorted(str(name) for name, kept in zip(names, keep) if kept)
    vocabulary = sorted(set(chosen["kind"]) | set(chosen["category"]))
    index = {gram: i for i, gram in enumerate(vocabulary)}
    idf = [0.0] * len(vocabulary)
    heads = {}
    for head in HEADS:
        tfidf = TfidfVectorizer(analyzer=analyzer, vocabulary=chosen[head], sublinear_tf=True)
        fit = LogisticRegression(C=c, max_iter=5000).fit(tfidf.fit_transform(texts), [m[head] for m in messages])
        for gram, value in zip(chosen[head], tfidf.idf_):
            idf[index[gram]] = round(float(value), 6)
        heads[head] = {
            "classes": [str(name) for name in fit.classes_],
            "features": [index[gram] for gram in chosen[head]],
            "coef": [[round(float(v), 6) for v in row] for row in fit.coef_.T],
            "intercept": [round(float(v), 6) for v in fit.intercept_],
        }
    return {"format": FORMAT, "version": version, "ngram": [low, high], "features": features, "c": c,
            "vocabulary": vocabulary, "idf": idf, "heads": heads}


def fingerprint(path: str) -> dict:
    """Name, SHA-256 and line count of a training file."""
    data = Path(path).read_bytes()
    return {"file": Path(path).name, "sha256": hashlib.sha256(data).hexdigest(), "lines": data.count(b"\n")}


def train_main(argv: list[str]) -> int:
    """complaintdesk train-model FILE.jsonl... --out MODEL.json --version V [--features N] [--c C]"""
    parser = argparse.ArgumentParser(prog="complaintdesk train-model")
    parser.add_argument("files", nargs="+", help="labeled JSONL files (kind and category on every line)")
    parser.add_argument("--out", required=True, help="model file to write (JSON)")
    parser.add_argument("--version", required=True, help="model version, reported in every label's reasons")
    parser.add_argument("--features", type=int, default=1000, help="n-grams kept per head (default 1000)")
    parser.add_argument("--c", type=float, default=30.0, help="inverse regularization strength (default 30)")
    args = parser.parse_args(argv)
    messages = [m for path in args.files for m in read_messages(path)]
    for number, message in enumerate(messages, 1):
        missing = [head for head in HEADS if not isinstance(message.get(head), str)]
        if missing:
            raise SystemExit(f"message {number} ({message.get('id')}): no {' or '.join(missing)} label")
    data = train(messages, args.version, args.features, args.c)
    data["trained_on"] = [fingerprint(path) for path in args.files]
    TextModel(data, args.out)  # The file must load before it is written.
    Path(args.out).write_bytes(orjson.dumps(data) + b"\n")
    print(f"{args.out}: {args.version}, {len(messages)} messages, {len(data['vocabulary'])} n-grams")
    return 0
