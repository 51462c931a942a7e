"""Choose one round of silver sentences and cut them into annotation batches.

Selection only chooses what annotators read; it never sets a label. It runs
framing.data.select over the UN General Debate and Kremlin corpora (../shared) and
NewsMTSC train, with a committed model (rounds 1-3: the default model; from round 4 the
accurate model, which recognises caution and dependency better):

* ``rare`` (half): likely instances of the frames the model predicts least (caution and
  dependency), many of them near misses (hard negatives) once read;
* ``uncertainty`` (three tenths): sentences near a frame threshold or with a split
  sentiment;
* ``random`` (a fifth): running text as it is, so the no-frame share stays honest.

Left out: every document and sentence of eval/gold/gold.jsonl (all splits), the NewsMTSC
dev sentences (and NewsMTSC articles that have a gold dev or test sentence), and every
sentence chosen in an earlier round. Each batch carries a blind second copy of ~10% of
the next batch's sentences, for agreement.

    python eval/silver/scripts/select_silver.py ROUND N_BATCHES [--per-batch 200]
        [--model default|accurate] [--pool-per-pick 20] [--mix rare=0.5,uncertainty=0.3,random=0.2]

Rounds 1-3: the defaults with the default model. Round 4: ``--model accurate
--pool-per-pick 10 --mix rare=0.6,uncertainty=0.2,random=0.2``. Round 5 (rare kept finding
too few caution and dependency sentences): ``--model accurate --pool-per-pick 10 --mix
likely:caution=0.3,likely:dependency=0.3,rare=0.1,uncertainty=0.1,random=0.2``; rounds 6
and 7 the same. Rounds 8-11 (codebook 1.2): ``--model accurate --pool-per-pick 10 --mix
likely:caution=0.35,likely:dependency=0.35,rare=0.05,uncertainty=0.05,random=0.2``.
Round 12 (dependency still short): ``12 8 --per-batch 150 --model accurate
--pool-per-pick 10 --mix likely:dependency=0.6,likely:caution=0.1,uncertainty=0.1,random=0.2``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from framing.data.gold import read_examples  # noqa: E402
from framing.data.select import dedup_key, select_mix  # noqa: E402
from framing.inference import FramingAnalyzer  # noqa: E402
from framing.text.reader import iter_documents  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpora"
WORK = ROOT / "eval" / "silver" / "work"
SOURCE_SHARE = {"un": 0.4, "kremlin": 0.3, "newsmtsc": 0.3}
STRATEGY_SHARE = {"rare": 0.5, "uncertainty": 0.3, "random": 0.2}
SECOND_SHARE = 0.1
POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
SOURCE_NAME = {"un": "UN General Debate Corpus", "kremlin": "en.kremlin.ru", "newsmtsc": "NewsMTSC"}


def excluded() -> tuple[set[str], set[str]]:
    gold = read_examples([ROOT / "eval/gold/gold.jsonl", ROOT / "eval/newsmtsc/dev-rw.jsonl",
                          ROOT / "eval/newsmtsc/dev-mt.jsonl"])
    texts = {dedup_key(ex.text) for ex in gold}
    docs = {ex.doc_id for ex in gold if ex.doc_id}
    for earlier in WORK.glob("candidates_r*.jsonl"):
        texts |= {dedup_key(json.loads(line)["text"]) for line in earlier.open(encoding="utf-8")}
    return texts, docs


def newsmtsc_corpus(held_docs: set[str], folder: Path) -> tuple[Path, dict]:
    """NewsMTSC train as a corpus of one-sentence documents (articles with a held-out
    sentence left out), and each sentence's human-labelled targets."""
    targets, path = {}, folder / "newsmtsc.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for line in (ROOT / "eval/newsmtsc/train.jsonl").open(encoding="utf-8"):
            row = json.loads(line)
            gid = row["primary_gid"]
            if "newsmtsc-" + "_".join(gid.split("_")[:3]) in held_docs:
                continue
            text = row["sentence_normalized"]
            targets[gid] = (text, [{"mention": text[t["from"]:t["to"]], "start": t["from"], "end": t["to"],
                                    "sentiment": POLARITY[t["polarity"]]} for t in row.get("targets") or []])
            out.write(json.dumps({"id": gid, "text": text}, ensure_ascii=False) + "\n")
    return path, targets


def main(round_no: int, n_batches: int, per_batch: int = 200, model: str = "default",
         pool_per_pick: int = 20, strategy_share: dict[str, float] | None = None) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    total = n_batches * per_batch
    strategy_share = strategy_share or STRATEGY_SHARE
    analyzer = FramingAnalyzer.load(model)
    texts, docs = excluded()
    picks = []
    with tempfile.TemporaryDirectory() as tmp:
        news_path, news_targets = newsmtsc_corpus(docs, Path(tmp))
        sources = {"un": SHARED / "un-general-debate.jsonl.gz", "kremlin": SHARED / "kremlin-news.jsonl.gz",
                   "newsmtsc": news_path}
        for k, (name, path) in enumerate(sources.items()):
            n = round(total * SOURCE_SHARE[name])
            mix = {s: max(1, round(n * share)) for s, share in strategy_share.items()}
            chosen, stats = select_mix(iter_documents([str(path)]), mix, analyzer, seed=1000 * round_no + k,
                                       exclude_texts=texts, exclude_docs=docs, pool_size=n * pool_per_pick)
            print(f"{name}: {len(chosen)} picked from {stats.candidates} candidates "
                  f"({stats.documents} documents, {stats.in_gold} gold sentences left out)")
            for c in chosen:
                record = {"id": f"s{round_no:02d}-{len(picks):05d}", "doc_id": c.doc_id, "source": SOURCE_NAME[name],
                          "context": c.context, "text": c.text, "selected_by": c.strategy,
                          "selection_score": round(c.score, 4)}
                if name == "newsmtsc" and news_targets.get(c.doc_id, ("",))[0] == c.text:
                    record["given_targets"] = news_targets[c.doc_id][1]
                picks.append(record)
                texts.add(dedup_key(c.text))
    random.Random(round_no).shuffle(picks)
    candidates = WORK / f"candidates_r{round_no:02d}.jsonl"
    candidates.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in picks), encoding="utf-8")
    batches = [picks[b::n_batches] for b in range(n_batches)]
    rng = random.Random(100 + round_no)
    for b, batch in enumerate(batches):
        following = batches[(b + 1) % n_batches]
        second = rng.sample(following, round(SECOND_SHARE * len(following)))
        rows = [_batch_row(r) for r in batch] + [dict(_batch_row(r), second=True) for r in second]
        out = WORK / f"batch_r{round_no:02d}_{b + 1:02d}.jsonl"
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(out.relative_to(ROOT), len(batch), "primary +", len(second), "second")


def _batch_row(r: dict) -> dict:
    """What an annotator sees: no selection scores, no model output."""
    row = {"id": r["id"], "doc_id": r["doc_id"], "source": r["source"], "context": r["context"], "text": r["text"]}
    if r.get("given_targets"):
        row["given_targets"] = r["given_targets"]
    return row


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("round", type=int)
    parser.add_argument("n_batches", type=int)
    parser.add_argument("--per-batch", type=int, default=200)
    parser.add_argument("--model", default="default")
    parser.add_argument("--pool-per-pick", type=int, default=20,
                        help="candidates scored per sentence picked (the selection library's default)")
    parser.add_argument("--mix", default=",".join(f"{k}={v}" for k, v in STRATEGY_SHARE.items()),
                        help="strategy=share pairs, comma-separated (framing data select's strategies)")
    args = parser.parse_args()
    mix = {name: float(share) for name, share in (pair.rsplit("=", 1) for pair in args.mix.split(","))}
    main(args.round, args.n_batches, args.per_batch, args.model, args.pool_per_pick, mix)
