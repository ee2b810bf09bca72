"""Shows how to use keras_recsys from another project after `pip install`.

What another project does:

    pip install "keras_recsys-0.1.0-py3-none-any.whl[tensorflow,data]"  # or [jax] / [torch]

and then imports only the public API (`keras_recsys.models`, `.metrics`,
`.losses`, `.data`, `.evaluation`). To show that this works from an
installed copy and not from this checkout, the script

1. builds the wheel of this repository (`pip wheel --no-deps`),
2. installs it into a temporary folder (`pip install --no-deps --target`),
3. writes `recommend.py`, a small "other project", into another temporary
   folder and runs it there with only the installed copy on the path (the
   checkout is not importable from there): it trains NCF on synthetic data,
   checks it with keras_recsys metrics, saves it to `.keras`, loads it in
   safe mode in the same process and prints a user's top-10 items.

Keras, the backends, pandas and scipy come from the current environment.

Run: python examples/use_after_pip_install.py [--quick]
"""

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import textwrap

ROOT = pathlib.Path(__file__).resolve().parents[1]

OTHER_PROJECT = '''
"""recommend.py: another project that uses an installed keras_recsys."""
import sys

import keras
import numpy as np

import keras_recsys

EPOCHS = int(sys.argv[1])
print("keras_recsys", keras_recsys.__version__, "from", keras_recsys.__file__)
print("Keras", keras.__version__, "backend", keras.backend.backend())

df = keras_recsys.data.make_synthetic(num_users=300, num_items=200, seed=0)
train, test = keras_recsys.data.random_split(df, ratios=(0.8, 0.2), seed=0)
num_users, num_items = 300, 200

# NCF trained on positives and 4 sampled negatives each.
users = train["user_id"].to_numpy()
items = train["item_id"].to_numpy()
negatives = keras_recsys.data.sample_negatives(
    users, train, num_items=num_items, num_negatives=4, seed=0
)
x = {
    "user_id": np.concatenate([users, np.repeat(users, 4)]).astype("int32"),
    "item_id": np.concatenate([items, negatives.reshape(-1)]).astype("int32"),
}
y = np.concatenate([np.ones(len(users)), np.zeros(negatives.size)]).astype("float32")
model = keras_recsys.models.build_ncf(num_users, num_items, embedding_dim=16,
                                      hidden_units=(32, 16))
model.compile(optimizer=keras.optimizers.Adam(2e-3),
              loss=keras.losses.BinaryCrossentropy(from_logits=True))
model.fit(x, y, batch_size=1024, epochs=EPOCHS, verbose=0, shuffle=True)

# Scores of every (user, item) pair, for the ranking metrics.
grid_users = np.repeat(np.arange(num_users), num_items).astype("int32")
grid_items = np.tile(np.arange(num_items), num_users).astype("int32")
scores = model.predict({"user_id": grid_users, "item_id": grid_items},
                       batch_size=8192, verbose=0).reshape(num_users, num_items)
seen = keras_recsys.data.interaction_matrix(train, num_users, num_items).toarray()
held = keras_recsys.data.interaction_matrix(test, num_users, num_items).toarray()
y_true = np.where(seen > 0, -1.0, np.minimum(held, 1.0))  # -1: excluded
ndcg = keras_recsys.metrics.NDCGAtK(k=10)
ndcg.update_state(y_true, scores)
print(f"NCF ndcg@10 on held-out items: {float(ndcg.result()):.4f}")

model.save("ncf.keras")
loaded = keras.saving.load_model("ncf.keras", safe_mode=True)
user = 7
user_scores = loaded.predict(
    {"user_id": np.full(num_items, user, "int32"),
     "item_id": np.arange(num_items, dtype="int32")}, verbose=0).reshape(-1)
user_scores[seen[user] > 0] = -np.inf
print(f"top-10 items for user {user}:", np.argsort(-user_scores)[:10].tolist())
'''


def run(command, **kwargs):
    print("$", " ".join(str(c) for c in command), flush=True)
    subprocess.run(command, check=True, **kwargs)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 training epoch")
    args = parser.parse_args(argv)
    epochs = 1 if args.quick else 10
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        wheels, site, project = tmp / "wheels", tmp / "site", tmp / "other_project"
        project.mkdir()
        pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
        run(
            [
                *pip,
                "wheel",
                "-q",
                "--no-deps",
                "--no-build-isolation",
                "-w",
                wheels,
                ROOT,
            ]
        )
        wheel = next(wheels.glob("keras_recsys-*.whl"))
        run([*pip, "install", "-q", "--no-deps", "--target", site, wheel])
        (project / "recommend.py").write_text(textwrap.dedent(OTHER_PROJECT))
        env = dict(os.environ, PYTHONPATH=str(site))
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        # `-P`-like isolation: run from the other project's folder, so the
        # checkout is not on the path; the installed copy must be used.
        check = subprocess.run(
            [
                sys.executable,
                "-c",
                "import keras_recsys, sys; print(keras_recsys.__file__)",
            ],
            cwd=project,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        location = pathlib.Path(check.stdout.strip()).resolve()
        if site.resolve() not in location.parents:
            raise SystemExit(
                f"keras_recsys was imported from {location}, not from the "
                f"installed copy in {site}"
            )
        run([sys.executable, "recommend.py", str(epochs)], cwd=project, env=env)
    print("the installed package worked from another project")
    return 0


if __name__ == "__main__":
    sys.exit(main())
