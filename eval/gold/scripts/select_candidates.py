"""Choose the real sentences to be hand-labelled for eval/gold (run once; kept for the record).

Sampling, not labelling: passages are chosen for having actors in them and, to keep rare
frames represented, a bonus for words that often go with dependency or caution. The labels
themselves are made afterwards by annotators reading each sentence against CODEBOOK.md.

    python eval/gold/scripts/select_candidates.py ../shared eval/gold/work
"""

from __future__ import annotations

import gzip
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from framing.text.segment import split_sentences  # noqa: E402

ACTORS = re.compile(
    r"\b(China|Chinese|Beijing|Russia|Russian|Moscow|Kremlin|United States|U\.S\.|US|America|"
    r"Washington|European Union|EU|Brussels|NATO|United Nations|UN|Security Council|Ukraine|"
    r"Ukrainian|Kyiv|Kiev|India|Iran|Israel|Palestin\w+|Syria|Iraq|Afghanistan|Pakistan|Japan|"
    r"Korea|Germany|France|Britain|United Kingdom|Turkey|Georgia|Belarus|Kazakhstan|Africa\w*|"
    r"Cuba|Venezuela|Egypt|Saudi|Putin|Xi|Trump|Biden|Obama|Medvedev|Zelensky\w*|IMF|World Bank|"
    r"developed countries|developing countries|donor\w*|partners?)\b"
)
FOREIGN_ACTORS = re.compile(
    r"\b(China|Chinese|Beijing|Russia|Russian|Moscow|Kremlin|European Union|EU|Brussels|NATO|"
    r"United Nations|UN|Ukrain\w*|Iran\w*|Israel\w*|Syria\w*|Iraq\w*|Afghan\w*|Pakistan\w*|"
    r"Japan\w*|Korea\w*|German\w*|France|French|Britain|British|Turk\w*|Mexic\w*|Canad\w*|"
    r"Cuba\w*|Venezuela\w*|Saudi|Putin|Xi|Kim Jong Un|Netanyahu|Macron|Merkel|allies|foreign)\b"
)
DEPENDENCY_HINTS = re.compile(
    r"\b(depend\w*|relian\w*|rel(y|ies|ied) on|aid|assistance|debt\w*|loans?|imports?|"
    r"vulnerab\w*|lifeline|leverage|donors?|landlocked|access to markets)\b",
    re.I,
)
CAUTION_HINTS = re.compile(
    r"\b(caution\w*|warn\w*|risk\w*|careful\w*|restraint|danger\w*|concern\w*)\b", re.I
)
PASSAGE = 6


def passages(doc_text: str, rng: random.Random, n: int):
    sents = [s.text for s in split_sentences(doc_text) if 25 <= len(s.text) <= 600]
    if len(sents) < PASSAGE:
        return []
    scored = []
    for i in range(0, len(sents) - PASSAGE + 1, PASSAGE):
        window = sents[i : i + PASSAGE]
        actors = sum(len(ACTORS.findall(s)) for s in window)
        dependency = sum(len(DEPENDENCY_HINTS.findall(s)) for s in window)
        caution = sum(len(CAUTION_HINTS.findall(s)) for s in window)
        scored.append((actors + 4 * dependency + caution + rng.random(), i))
    scored.sort(reverse=True)
    return [sents[i : i + PASSAGE] for _, i in sorted(scored[:n], key=lambda x: x[1])]


def corpus(path: Path, n_docs: int, per_doc: int, rng: random.Random, min_year=None):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    if min_year:
        docs = [d for d in docs if d.get("year", 9999) >= min_year]
    docs = [d for d in docs if len(ACTORS.findall(d["text"])) >= 15]
    rng.shuffle(docs)
    out = []
    for doc in docs[:n_docs]:
        for k, passage in enumerate(passages(doc["text"], rng, per_doc)):
            for j, text in enumerate(passage):
                out.append({"doc_id": doc["id"], "source": doc["source"], "text": text,
                            "passage": k, "position": j})
    return out


def newsmtsc(path: Path, n: int, rng: random.Random):
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    rows = [r for r in rows if FOREIGN_ACTORS.search(r["sentence_normalized"])]
    rng.shuffle(rows)
    out = []
    for r in rows[:n]:
        targets = [{"mention": t["mention"], "start": t["from"], "end": t["to"],
                    "sentiment": {2.0: "negative", 4.0: "neutral", 6.0: "positive"}[t["polarity"]]}
                   for t in r["targets"]]
        out.append({"doc_id": "newsmtsc-" + "_".join(r["primary_gid"].split("_")[:3]),
                    "source": "NewsMTSC", "text": r["sentence_normalized"],
                    "newsmtsc_gid": r["primary_gid"], "newsmtsc_targets": targets})
    return out


def main(shared: Path, out_dir: Path) -> None:
    rng = random.Random(20261201)
    rows = []
    seed = (shared / "seeds/xi-putin-fine-line.txt").read_text(encoding="utf-8")
    for s in split_sentences(seed):
        rows.append({"doc_id": "seed-xi-putin-fine-line", "source": "seed article", "text": s.text,
                     "split": "test"})
    corpora = corpus(shared / "corpora/un-general-debate.jsonl.gz", 80, 2, rng, min_year=1995)
    corpora += corpus(shared / "corpora/kremlin-news.jsonl.gz", 110, 1, rng)
    news = newsmtsc(shared / "labelled/newsmtsc/train.jsonl", 330, rng)
    # Split by document: no document in two splits. NewsMTSC sentences go to train and dev
    # only (its own test split is kept for evaluation elsewhere).
    split_of = {}
    for part, test_share, dev_share in ((corpora, 0.32, 0.14), (news, 0.0, 0.25)):
        docs = sorted({r["doc_id"] for r in part})
        rng.shuffle(docs)
        n = len(docs)
        for i, d in enumerate(docs):
            split_of[d] = "test" if i < test_share * n else "dev" if i < (test_share + dev_share) * n else "train"
    rows += corpora + news
    seen = set()
    for i, r in enumerate(rows):
        r.setdefault("split", split_of.get(r["doc_id"]))
        key = r["text"].strip()
        r["duplicate"] = key in seen
        seen.add(key)
        r["id"] = f"g{i:05d}"
    rows = [r for r in rows if not r.pop("duplicate")]
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "candidates.jsonl").open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(len(rows), "candidates")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
