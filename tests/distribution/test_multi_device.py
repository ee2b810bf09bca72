"""Training under keras.distribution (JAX) and tf.distribute equals one device.

Each engine runs in a subprocess (`_workloads.py`), because virtual devices
must be configured before the backend initialises: JAX gets 4 host devices
(`--xla_force_host_platform_device_count=4`), TensorFlow 2 logical CPUs.
The subprocess trains SASRec, two-tower and Mult-VAE at the same global
batch and seed on one device and under each strategy; these tests compare.

Tolerances: on JAX the strategies compile one program over the global
batch and agree with one device to float32 round-off (rtol 1e-4 on losses,
1e-3 on NDCG@10). Under MirroredStrategy SASRec and the cross-replica
two-tower agree as closely; Mult-VAE samples its latent code with noise
that each replica draws for its own half of the batch, so its runs differ
by that noise: rtol 3% on the loss and 0.02 on NDCG@10.

PyTorch: Keras 3.15 has no `keras.distribution` backend for PyTorch (its
`keras.distribution.list_devices()` fails there), so nothing here runs on it.
"""

import json
import os
import pathlib
import socket
import subprocess
import sys
import tempfile

import numpy as np
import pytest

pytestmark = pytest.mark.multi_device

SCRIPT = pathlib.Path(__file__).with_name("_workloads.py")
MODELS = ("sasrec", "two_tower", "mult_vae")


def free_port():
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        return sock.getsockname()[1]


def start(engine, env=None):
    # Output to a file, not a pipe: a full pipe would stall a process while
    # another one is being read.
    log = tempfile.TemporaryFile("w+")
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), engine],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, **(env or {})),
    )
    return proc, log


def result_of(started):
    proc, log = started
    proc.wait(timeout=900)
    log.seek(0)
    out = log.read()
    log.close()
    lines = [x for x in out.splitlines() if x.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, out[-5000:]
    return json.loads(lines[-1][len("RESULT ") :])


@pytest.fixture(scope="module")
def results():
    """Runs the engines side by side (the pass then takes the longest one)."""
    cluster = {"worker": [f"localhost:{free_port()}" for _ in range(2)]}
    procs = {"jax": start("jax"), "tensorflow": start("tensorflow")}
    for index in range(2):
        config = {"cluster": cluster, "task": {"type": "worker", "index": index}}
        procs[f"worker{index}"] = start(
            "multi_worker", {"TF_CONFIG": json.dumps(config)}
        )
    return {name: result_of(proc) for name, proc in procs.items()}


@pytest.fixture(scope="module")
def jax_results(results):
    return results["jax"]


@pytest.fixture(scope="module")
def tf_results(results):
    return results["tensorflow"]


@pytest.fixture(scope="module")
def worker_results(results):
    return [results["worker0"], results["worker1"]]


def assert_same_training(run, single, loss_rtol, ndcg_atol):
    np.testing.assert_allclose(
        run["epoch_losses"], single["epoch_losses"], rtol=loss_rtol
    )
    np.testing.assert_allclose(run["loss"], single["loss"], rtol=loss_rtol)
    assert abs(run["ndcg"] - single["ndcg"]) <= ndcg_atol, (run["ndcg"], single["ndcg"])


@pytest.mark.parametrize("setting", ["data_parallel", "model_parallel"])
@pytest.mark.parametrize("model", MODELS)
def test_jax_strategies_match_one_device(jax_results, setting, model):
    single = jax_results["single"][model]
    # The models learnt something: the check is not between two untrained runs.
    assert single["epoch_losses"][-1] < 0.9 * single["epoch_losses"][0]
    assert_same_training(jax_results[setting][model], single, 1e-4, 1e-3)


def test_jax_model_parallel_shards_tables_by_rows(jax_results):
    # 2 x 2 ("data", "model") mesh: each device holds half the rows (the
    # "model" axis has 2 devices), replicated over the "data" axis.
    rows = jax_results["model_parallel"]["sasrec"]["table_rows_per_device"]
    assert rows == {"item_embedding/embeddings": [32, 32, 32, 32]}
    rows = jax_results["model_parallel"]["two_tower"]["table_rows_per_device"]
    assert rows == {
        "user_tower/user_id_embedding/embeddings": [256] * 4,
        "item_tower/item_id_embedding/embeddings": [64] * 4,
    }
    rows = jax_results["data_parallel"]["sasrec"]["table_rows_per_device"]
    assert rows == {"item_embedding/embeddings": [64] * 4}


def test_jax_checkpoint_moves_between_sharded_and_single(jax_results):
    result = jax_results["checkpoint"]
    assert result["sharded_rows"] == [32] * 4
    assert result["loaded_single_rows"] == [64]
    assert result["loaded_back_rows"] == [32] * 4
    assert result["single_vs_sharded"] < 1e-5
    assert result["back_vs_sharded"] < 1e-5


@pytest.mark.parametrize("setting", ["data_parallel", "model_parallel"])
def test_jax_sharded_retrieval_and_metric_match_one_device(jax_results, setting):
    single = jax_results["retrieval"]["single"]
    run = jax_results["retrieval"][setting]
    expected = {"data_parallel": [1024] * 4, "model_parallel": [512] * 4}[setting]
    assert run["candidate_rows_per_device"] == expected
    np.testing.assert_array_equal(run["top_ids"], single["top_ids"])
    np.testing.assert_allclose(run["top_scores"], single["top_scores"], rtol=1e-5)
    np.testing.assert_allclose(
        run["streaming_ndcg"], single["streaming_ndcg"], rtol=1e-6
    )


@pytest.mark.parametrize(
    "setting, model",
    [("mirrored", "sasrec"), ("mirrored_cross_replica", "two_tower")],
)
def test_tf_mirrored_matches_one_device(tf_results, setting, model):
    single = tf_results["single"][model]
    assert single["epoch_losses"][-1] < 0.9 * single["epoch_losses"][0]
    assert_same_training(tf_results[setting][model], single, 1e-4, 1e-3)


def test_tf_mirrored_mult_vae_matches_within_sampling_noise(tf_results):
    single = tf_results["single"]["mult_vae"]
    assert_same_training(tf_results["mirrored"]["mult_vae"], single, 0.03, 0.02)


def test_tf_mirrored_in_batch_negatives_are_per_replica(tf_results):
    # Without cross_replica each of the 2 replicas scores its 16 queries
    # against its own 16 candidates: fewer negatives, a visibly lower loss
    # than one device's 32 x 32 softmax (which cross_replica reproduces).
    plain = tf_results["mirrored"]["two_tower"]["epoch_losses"][0]
    single = tf_results["single"]["two_tower"]["epoch_losses"][0]
    assert plain < 0.9 * single


@pytest.mark.parametrize(
    "setting, model",
    [
        ("multi_worker", "sasrec"),
        ("multi_worker", "mult_vae"),
        ("multi_worker_cross_replica", "two_tower"),
    ],
)
def test_tf_two_local_workers_match_one_process(
    tf_results, worker_results, setting, model
):
    single = tf_results["single"][model]
    for worker in worker_results:
        assert worker["num_workers"] == 2
        # Mult-VAE: each worker draws its own latent noise, as each replica
        # of MirroredStrategy does.
        loss_rtol, ndcg_atol = (0.03, 0.02) if model == "mult_vae" else (1e-4, 1e-3)
        assert_same_training(worker[setting][model], single, loss_rtol, ndcg_atol)
    # Both workers hold the same model.
    first, second = worker_results
    assert first[setting][model]["ndcg"] == second[setting][model]["ndcg"]
