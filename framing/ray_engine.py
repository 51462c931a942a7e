"""``framing score --engine ray``: a corpus scored on Ray Data, on this machine or a cluster.

The only module of framing that imports Ray (lazily: ``pip install -e ".[ray]"``). The corpus
is planned into shards (:mod:`framing.sharding`); a Ray Dataset of the shards still to do
goes through ``map_batches`` to a pool of actors that each load the model once and score a
shard at a time with the single-machine path; the driver writes each finished shard to its
part file as it arrives and joins the parts into ``--out`` at the end. A worker that dies
mid-shard is restarted by Ray Data and the shard scored again from its start (actor pools
retry by default); its part is written only from a whole result, so nothing is lost or doubled.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from framing.errors import FramingError
from framing.sharding import SHARD_DOCUMENTS, PartStore, Shard, merge_runs, plan_shards, score_shard
from framing.streaming import ScoreRun

INSTALL_HINT = 'pip install -e ".[ray]"'


@dataclass
class RayOptions:
    address: str | None = None  # None: start a local Ray instance; "auto" or ray://host:port: join a cluster
    workers: int = 0  # model-holding actors; 0: as many as the cluster's CPUs allow
    threads: int = 1  # CPUs (torch threads) per worker
    progress: bool = True  # Ray Data's progress bars on stderr


@dataclass
class ScoringOptions:
    """What decides the records: part files made with other options are not resumed."""

    model: str | None = None
    actors: str | None = None
    precision: str = "fp32"
    text_field: str = "text"
    id_field: str = "id"


def score_on_ray(paths: list[str], out: Path, scoring: ScoringOptions, ray_options: RayOptions,
                 skip_bad: bool = False, resume: bool = False, shard_documents: int = SHARD_DOCUMENTS) -> ScoreRun:
    """Score ``paths`` into the JSONL file ``out``; the run's figures cover the whole call, Ray's start included.

    ``out`` is written (whole) only when every shard is scored; until then finished shards
    wait in :class:`PartStore`'s folder for ``resume``.
    """
    ray = import_ray()
    started = time.perf_counter()
    shards, unreadable = plan_shards(paths, shard_documents)
    store = PartStore(out)
    finished = store.open({"shards": [s.to_json() for s in shards], "scoring": vars(scoring)}, resume)
    runs = dict(finished)
    todo = [s for s in shards if s.number not in finished]
    if todo:
        runs.update(_score_shards(ray, todo, scoring, ray_options, skip_bad, store))
    run = merge_runs([runs[n] for n in sorted(runs)])
    run.bad[:0] = unreadable
    run.skipped_resumed = sum(r.documents for r in finished.values())
    run.documents -= run.skipped_resumed
    run.sentences -= sum(r.sentences for r in finished.values())
    if run.stopped_on is None and len(runs) == len(shards):
        store.join(len(shards))
    run.seconds = time.perf_counter() - started
    return run


def import_ray():
    try:
        import ray
        import ray.data  # noqa: F401  (the data extra: pyarrow, pandas)
    except ImportError as e:
        raise FramingError(f"--engine ray: expected Ray Data to be installed, found none ({e.name} is missing); "
                           f"install it with {INSTALL_HINT}") from None
    return ray


def _score_shards(ray, todo: list[Shard], scoring: ScoringOptions, options: RayOptions, skip_bad: bool,
                  store: PartStore) -> dict[int, ScoreRun]:
    """Score the shards on Ray, saving each finished one; stops early at a shard stopped by a bad line."""
    started_here = not ray.is_initialized()
    if started_here:
        _start_ray(ray, options)
    runs: dict[int, ScoreRun] = {}
    try:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = options.progress
        workers = options.workers or max(1, int(ray.cluster_resources().get("CPU", 1)) // options.threads)
        dataset = ray.data.from_items([{"shard": s.to_json()} for s in todo], override_num_blocks=len(todo))
        scored = dataset.map_batches(
            ShardScorer, batch_size=1, batch_format="numpy", num_cpus=options.threads,
            compute=ray.data.ActorPoolStrategy(size=min(workers, len(todo))),
            fn_constructor_kwargs={"scoring": scoring, "threads": options.threads, "skip_bad": skip_bad})
        for row in scored.iter_rows():
            run = ScoreRun(**json.loads(row["run"]))
            runs[row["number"]] = run
            if run.stopped_on is not None:
                break  # as the single-machine path stops; finished shards stay for --resume
            store.save(row["number"], row["text"], run, str(row["identity"]))
    finally:
        if started_here:
            ray.shutdown()
    return runs


def _start_ray(ray, options: RayOptions) -> None:
    """A local Ray (as many CPUs as the workers need, else the machine's), or the cluster at ``options.address``."""
    local_cpus = options.workers * options.threads if options.address is None and options.workers else None
    try:
        ray.init(address=options.address, num_cpus=local_cpus, include_dashboard=False,
                 logging_level=logging.WARNING, configure_logging=True)
    except (ConnectionError, RuntimeError, ValueError) as e:
        where = f"a Ray cluster at {options.address}" if options.address else "a local Ray instance"
        raise FramingError(f"--engine ray: expected {where}, found none ({str(e).splitlines()[0]}); start one "
                           "with `ray start --head`, or check --address") from None


class ShardScorer:
    """A Ray Data actor: loads the model once, then scores shards (one a batch)."""

    def __init__(self, scoring: ScoringOptions, threads: int, skip_bad: bool):
        from framing.inference import FramingAnalyzer

        from framing.outputs import run_identity

        self.analyzer = FramingAnalyzer.load(scoring.model, actors=scoring.actors, precision=scoring.precision,
                                             threads=threads)
        self.scoring, self.skip_bad = scoring, skip_bad
        # What scored the shards (hashes the registry file): once per actor, not once per shard.
        self.identity = json.dumps(run_identity(self.analyzer), indent=2) + "\n"

    def __call__(self, batch: dict) -> dict:
        import numpy

        results = {"number": [], "text": [], "run": [], "identity": []}
        for spec in batch["shard"]:
            shard = Shard.from_json(str(spec))
            text, run = score_shard(self.analyzer, shard, self.scoring.text_field, self.scoring.id_field,
                                    self.skip_bad)
            results["number"].append(shard.number)
            results["text"].append(text)
            results["run"].append(json.dumps(dataclasses.asdict(run)))
            results["identity"].append(self.identity)
        return {name: numpy.array(values) for name, values in results.items()}
