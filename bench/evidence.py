"""Train the models initlint judges, and show how its verdicts compare with what training does.

Why this exists: every initlint rule rests on a claim about training (zero kernels never break
symmetry, Glorot under ReLU shrinks the signal, a fixed-scale init is wrong for most widths).
This script checks those claims on real training runs instead of asserting them.  It repeats
the classic MNIST initialization experiment on scikit-learn's bundled digits data (1797 8x8
images, nothing downloaded): an MLP of 128-unit Dense layers, 3 or 12 of them, with a softmax
head, built with eight kernel initializers under ReLU, tanh and SELU, a few seeds each.

For every configuration the model is written as a Keras source file, the way a user writes
it; initlint (``--select ALL``) lints that file, and the same file is executed under Keras 3 on
the torch backend to build the model that is trained.  A second part trains plain PyTorch
MLPs to measure the numbers quoted in the KIN201/KIN202 rule docs.

    pip install -e '.[bench]'
    KERAS_BACKEND=torch python bench/evidence.py --out bench/results/

Writes ``OUT/results.json`` (every run), ``OUT/results.md`` (the tables), ``OUT/evidence.png``
(test accuracy per init and activation, depth 3 against depth 12) and ``OUT/models/*.py`` (the
linted sources).  Exit status: 0 when everything ran, 1 when initlint failed on the sources,
2 when a dependency is missing or the arguments are wrong.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import runpy
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# Kernel initializers as a user spells them in Keras; None leaves the framework default.
INITS: dict[str, str | None] = {
    "zeros": '"zeros"',
    "ones": '"ones"',
    "RandomNormal(1.0)": "keras.initializers.RandomNormal(stddev=1.0)",
    "RandomUniform(0,1)": "keras.initializers.RandomUniform(minval=0.0, maxval=1.0)",
    "default": None,
    "glorot_uniform": '"glorot_uniform"',
    "he_normal": '"he_normal"',
    "lecun_normal": '"lecun_normal"',
}
ACTIVATIONS = ("relu", "tanh", "selu")
DEPTHS = (3, 12)
WIDTH = 128
INPUTS = 64  # 8x8 pixels
CLASSES = 10
CHANCE = 1 / CLASSES

# The training budget of a Keras tutorial: Adam at its default rate, fit()'s default batch.
LEARNING_RATE = 1e-3
BATCH_SIZE = 32
EPOCHS = 20
SEEDS = (0, 1, 2)
TEST_FRACTION = 0.2
SPLIT_SEED = 0
# Plain SGD with momentum, beside Adam in the PyTorch measurements and for the Keras grid with
# --optimizer sgd: Adam rescales tiny gradients, so whether a badly scaled init "trains" depends
# on the optimizer.
SGD_LEARNING_RATE = 0.01
SGD_MOMENTUM = 0.9
LINE_LENGTH = 100  # the repository's ruff setting; the generated sources stay within it


class BenchError(Exception):
    """A failure that stops the run: printed as one clear message, exit status 2."""


class LintError(Exception):
    """initlint failed on the generated sources: exit status 1."""


@dataclass(frozen=True)
class Digits:
    """The standardized digits data, split once (stratified) for every run."""

    x_train: Any
    y_train: Any
    x_test: Any
    y_test: Any


@dataclass
class Config:
    """One model of the grid, its initlint verdict and its training runs."""

    init: str
    activation: str
    depth: int
    source: str
    path: str = ""
    codes: dict[str, int] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    accuracies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def stem(self) -> str:
        name = "".join(c if c.isalnum() else "_" for c in self.init.lower()).strip("_")
        return f"{name}_{self.activation}_d{self.depth}"


@dataclass
class TorchResult:
    """A PyTorch measurement behind a number in the rule docs."""

    label: str
    init: str
    depth: int
    width: int
    optimizer: str
    var_fan_in_vs_he: float
    losses: list[float] = field(default_factory=list)
    accuracies: list[float] = field(default_factory=list)
    seconds: float = 0.0


# ---------------------------------------------------------------------------------------------
# Data


def load_data() -> Digits:
    """Digits, split 80/20 with stratification and standardized on the training part."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=TEST_FRACTION, stratify=y, random_state=SPLIT_SEED
    )
    scaler = StandardScaler().fit(x_train)  # constant pixels keep scale 1, so no division by 0
    return Digits(
        scaler.transform(x_train).astype("float32"),
        y_train.astype("int64"),
        scaler.transform(x_test).astype("float32"),
        y_test.astype("int64"),
    )


# ---------------------------------------------------------------------------------------------
# Keras sources


def dense_line(units: int, activation: str, init: str | None) -> list[str]:
    """One ``layers.Dense(...)`` entry of the Sequential list, wrapped as ruff format would."""
    args = [str(units), f'activation="{activation}"']
    if init is not None:
        args.append(f"kernel_initializer={init}")
    indent = " " * 12
    flat = f"{indent}layers.Dense({', '.join(args)}),"
    if len(flat) <= LINE_LENGTH:
        return [flat]
    return [f"{indent}layers.Dense(", *(f"{indent}    {a}," for a in args), f"{indent}),"]


def model_source(init: str, activation: str, depth: int) -> str:
    """The Keras source of one configuration: every Dense, the head included, gets the init.

    Layers are written out one per line, as a short script would, so that what initlint reads
    does not depend on how it follows loops or comprehensions.
    """
    spelled = INITS[init]
    lines = [
        f'"""Digits MLP: {depth} x Dense({WIDTH}, {activation}), kernel init {init}.',
        "",
        "Generated by bench/evidence.py; linted by initlint and trained as written.",
        '"""',
        "",
        "import keras",
        "from keras import layers",
        "",
        "",
        "def build_model() -> keras.Model:",
        "    return keras.Sequential(",
        "        [",
        f"            keras.Input(shape=({INPUTS},)),",
    ]
    for _ in range(depth):
        lines += dense_line(WIDTH, activation, spelled)
    lines += dense_line(CLASSES, "softmax", spelled)
    lines += ["        ]", "    )", ""]
    return "\n".join(lines)


def build_grid(
    inits: Sequence[str], activations: Sequence[str], depths: Sequence[int]
) -> list[Config]:
    return [
        Config(init, activation, depth, model_source(init, activation, depth))
        for depth in depths
        for activation in activations
        for init in inits
    ]


def write_sources(configs: list[Config], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for config in configs:
        path = folder / f"{config.stem}.py"
        path.write_text(config.source, encoding="utf-8")
        config.path = str(path.resolve())


# ---------------------------------------------------------------------------------------------
# initlint


def lint(configs: list[Config]) -> None:
    """Run initlint once over every generated source (named explicitly, so no exclude or
    .gitignore can skip one) and attach the codes it reports to each configuration."""
    command = [
        sys.executable,
        "-m",
        "initlint",
        *(c.path for c in configs),
        "--select",
        "ALL",
        "--output-format",
        "json",
        "--exit-zero",
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip()
        raise LintError(f"initlint exited with status {completed.returncode}: {detail}")
    try:
        findings = json.loads(completed.stdout)
    except json.JSONDecodeError as error:
        raise LintError(f"initlint gave no JSON: {error}") from error
    by_path = {c.path: c for c in configs}
    for item in findings:
        config = by_path.get(item["filename"])
        if config is None:
            raise LintError(f"initlint reported an unexpected file: {item['filename']}")
        config.findings.append(
            {
                "code": item["code"],
                "row": item["location"]["row"],
                "message": item["message"],
            }
        )
        config.codes[item["code"]] = config.codes.get(item["code"], 0) + 1


def initlint_version() -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "initlint", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.stdout.strip() or "unknown"


# ---------------------------------------------------------------------------------------------
# Training


def train_keras(
    config: Config, data: Digits, seed: int, epochs: int, optimizer: str
) -> tuple[float, float]:
    """Build the model by running its source file, train it, and return (final training loss,
    test accuracy).  The loss is the mean over the last epoch's batches, as Keras reports it."""
    import keras

    keras.utils.set_random_seed(seed)
    model = runpy.run_path(config.path)["build_model"]()
    if optimizer == "adam":
        opt = keras.optimizers.Adam(learning_rate=LEARNING_RATE)
    else:
        opt = keras.optimizers.SGD(learning_rate=SGD_LEARNING_RATE, momentum=SGD_MOMENTUM)
    model.compile(
        optimizer=opt,
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(
        data.x_train, data.y_train, batch_size=BATCH_SIZE, epochs=epochs, shuffle=True, verbose=0
    )
    _, accuracy = model.evaluate(data.x_test, data.y_test, batch_size=256, verbose=0)
    return float(history.history["loss"][-1]), float(accuracy)


def torch_mlp(init: str, depth: int, width: int, seed: int) -> Any:
    """A ReLU MLP in plain PyTorch: ``nn.Linear`` layers, their own defaults or the given init.

    ``u005`` is Keras' ``RandomUniform`` default U(-0.05, 0.05), ``he`` is
    ``kaiming_normal_(nonlinearity="relu")``; both zero the biases as Keras does.  ``default``
    keeps ``nn.Linear``'s kaiming_uniform_(a=sqrt(5)) weights and uniform biases.
    """
    import torch
    from torch import nn

    torch.manual_seed(seed)
    modules: list[Any] = []
    fan_in = INPUTS
    for _ in range(depth):
        modules += [nn.Linear(fan_in, width), nn.ReLU()]
        fan_in = width
    modules.append(nn.Linear(fan_in, CLASSES))
    net = nn.Sequential(*modules)
    for module in net:
        if not isinstance(module, nn.Linear) or init == "default":
            continue
        if init == "u005":
            nn.init.uniform_(module.weight, -0.05, 0.05)
        elif init == "he":
            nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
        else:
            raise ValueError(init)
        nn.init.zeros_(module.bias)
    return net


def train_torch(
    init: str, depth: int, width: int, optimizer: str, seed: int, data: Digits, epochs: int
) -> tuple[float, float]:
    """Train :func:`torch_mlp` on the same split and budget as the Keras runs."""
    import torch
    from torch import nn

    net = torch_mlp(init, depth, width, seed)
    if optimizer == "adam":
        # torch's Adam eps is 1e-8 where Keras' is 1e-7; the rate is the same.
        opt: Any = torch.optim.Adam(net.parameters(), lr=LEARNING_RATE)
    else:
        opt = torch.optim.SGD(net.parameters(), lr=SGD_LEARNING_RATE, momentum=SGD_MOMENTUM)
    x_train, y_train = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
    x_test, y_test = torch.from_numpy(data.x_test), torch.from_numpy(data.y_test)
    generator = torch.Generator().manual_seed(seed)
    loss_fn = nn.CrossEntropyLoss()
    n = len(x_train)
    epoch_loss = math.nan
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        total = 0.0
        for start in range(0, n, BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            loss = loss_fn(net(x_train[batch]), y_train[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(batch)
        epoch_loss = total / n
    with torch.no_grad():
        accuracy = float((net(x_test).argmax(dim=1) == y_test).float().mean())
    return epoch_loss, accuracy


def he_ratio(init: str, fan_in: int) -> float:
    """Var(w)·fan_in of ``init`` divided by He's 2 (below 1: smaller than ReLU needs)."""
    variance = {"u005": 0.05**2 / 3, "he": 2 / fan_in, "default": 1 / (3 * fan_in)}[init]
    return variance * fan_in / 2


def torch_evidence(data: Digits, seeds: Sequence[int], epochs: int) -> list[TorchResult]:
    """The measurements quoted by the KIN201/KIN202 docs, with He as the reference each time.

    (a) U(±0.05) at depth 12, width 128; (b) U(±0.05) at depth 3 with 784-wide hidden layers,
    the fan-in of MNIST's first layer (digits has 64 inputs, so only the first layer is
    narrower); (c) ``nn.Linear`` defaults at depth 12, width 128.
    """
    plan = [
        ("a", "u005", 12, 128, ("adam", "sgd")),
        ("a", "he", 12, 128, ("adam", "sgd")),
        ("b", "u005", 3, 784, ("adam", "sgd")),
        ("b", "he", 3, 784, ("adam",)),
        ("c", "default", 12, 128, ("adam", "sgd")),
    ]
    results: list[TorchResult] = []
    for label, init, depth, width, optimizers in plan:
        for optimizer in optimizers:
            result = TorchResult(label, init, depth, width, optimizer, he_ratio(init, width))
            started = time.perf_counter()
            for seed in seeds:
                loss, accuracy = train_torch(init, depth, width, optimizer, seed, data, epochs)
                result.losses.append(loss)
                result.accuracies.append(accuracy)
            result.seconds = time.perf_counter() - started
            progress(
                f"torch ({label}) {init} depth {depth} width {width} {optimizer}: "
                f"accuracy {spread(result.accuracies, 3)} ({result.seconds:.0f} s)"
            )
            results.append(result)
    return results


# ---------------------------------------------------------------------------------------------
# Reporting


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def spread(values: Sequence[float], digits: int) -> str:
    """``mean ± sample standard deviation`` over seeds; ``nan`` when a run diverged."""
    if not values:
        return "-"
    if any(math.isnan(v) or math.isinf(v) for v in values):
        finite = sum(1 for v in values if math.isfinite(v))
        return f"nan ({len(values) - finite}/{len(values)} runs)"
    mean = statistics.fmean(values)
    if len(values) < 2:
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {statistics.stdev(values):.{digits}f}"


def codes_cell(codes: dict[str, int]) -> str:
    return ", ".join(f"{code} ({n})" if n > 1 else code for code, n in sorted(codes.items())) or "—"


def grid_table(configs: list[Config]) -> str:
    rows = [
        "| init | activation | depth | initlint (`--select ALL`) | final loss | test accuracy |",
        "| --- | --- | ---: | --- | ---: | ---: |",
    ]
    for c in configs:
        rows.append(
            f"| {c.init} | {c.activation} | {c.depth} | {codes_cell(c.codes)} "
            f"| {spread(c.losses, 3)} | {spread(c.accuracies, 3)} |"
        )
    return "\n".join(rows)


def depth_table(configs: list[Config]) -> str:
    """The grid with one row per init and activation and the depths side by side (test
    accuracy, then final loss), for the README.  A code reported at some depths only is
    followed by those depths."""
    depths = sorted({c.depth for c in configs})
    lookup = {(c.init, c.activation, c.depth): c for c in configs}
    pairs = list(dict.fromkeys((c.init, c.activation) for c in configs))
    header = ["init", "activation", "initlint"]
    header += [f"accuracy, depth {d}" for d in depths] + [f"loss, depth {d}" for d in depths]
    rows = ["| " + " | ".join(header) + " |", "| --- | --- | --- |" + " ---: |" * 2 * len(depths)]
    for init, activation in pairs:
        found = [lookup.get((init, activation, d)) for d in depths]
        present = [c for c in found if c is not None]
        codes = []
        for code in sorted({code for c in present for code in c.codes}):
            at = [c.depth for c in present if code in c.codes]
            only = "" if len(at) == len(present) else f" (depth {', '.join(map(str, at))})"
            codes.append(code + only)
        cells = [init, activation, ", ".join(codes) or "—"]
        cells += [spread(c.accuracies, 3) if c else "-" for c in found]
        cells += [spread(c.losses, 3) if c else "-" for c in found]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def torch_table(results: list[TorchResult]) -> str:
    names = {
        "u005": "U(±0.05)",
        "he": "He normal",
        "default": "`nn.Linear` default",
    }
    rows = [
        "| claim | init | depth | hidden width | Var(w)·fan_in / He | optimizer "
        "| final loss | test accuracy |",
        "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for r in results:
        rows.append(
            f"| ({r.label}) | {names[r.init]} | {r.depth} | {r.width} "
            f"| 1/{1 / r.var_fan_in_vs_he:.1f} | {r.optimizer} "
            f"| {spread(r.losses, 3)} | {spread(r.accuracies, 3)} |"
        )
    return "\n".join(rows)


def finite_or_none(value: float) -> float | None:
    """JSON has no NaN: a diverged run is stored as null."""
    return value if math.isfinite(value) else None


def write_json(
    out: Path,
    configs: list[Config],
    evidence: list[TorchResult],
    meta: dict[str, Any],
) -> None:
    def config_data(c: Config) -> dict[str, Any]:
        data = asdict(c)
        data["path"] = os.path.relpath(c.path, out)
        data["losses"] = [finite_or_none(v) for v in c.losses]
        data["accuracies"] = [finite_or_none(v) for v in c.accuracies]
        data["seconds"] = round(c.seconds, 2)
        del data["source"]  # the file itself is in OUT/models
        return data

    def evidence_data(r: TorchResult) -> dict[str, Any]:
        data = asdict(r)
        data["losses"] = [finite_or_none(v) for v in r.losses]
        data["seconds"] = round(r.seconds, 2)
        return data

    payload = {
        "meta": meta,
        "grid": [config_data(c) for c in configs],
        "torch_evidence": [evidence_data(r) for r in evidence],
    }
    (out / "results.json").write_text(
        json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def optimizer_name(optimizer: str) -> str:
    if optimizer == "adam":
        return f"Adam {LEARNING_RATE:g}"
    return f"SGD {SGD_LEARNING_RATE:g} (momentum {SGD_MOMENTUM:g})"


def plot(configs: list[Config], out: Path, optimizer: str) -> Path:
    """Test accuracy per init, one panel per activation, depth 3 and 12 side by side; hatched
    bars are configurations initlint reports, error bars the standard deviation over seeds."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    activations = list(dict.fromkeys(c.activation for c in configs))
    inits = list(dict.fromkeys(c.init for c in configs))
    depths = sorted({c.depth for c in configs})
    lookup = {(c.init, c.activation, c.depth): c for c in configs}
    fig, axes = plt.subplots(
        1, len(activations), figsize=(5.2 * len(activations), 4.6), sharey=True, squeeze=False
    )
    bar = 0.8 / len(depths)
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red"]
    for ax, activation in zip(axes[0], activations, strict=True):
        for k, depth in enumerate(depths):
            for i, init in enumerate(inits):
                config = lookup.get((init, activation, depth))
                if config is None or not config.accuracies:
                    continue
                mean = statistics.fmean(config.accuracies)
                std = statistics.stdev(config.accuracies) if len(config.accuracies) > 1 else 0
                ax.bar(
                    i + (k - (len(depths) - 1) / 2) * bar,
                    mean,
                    bar,
                    yerr=std,
                    color=colors[k % len(colors)],
                    hatch="///" if config.codes else None,
                    edgecolor="black",
                    linewidth=0.5,
                    capsize=2,
                )
        ax.axhline(CHANCE, color="grey", linestyle="--", linewidth=1)
        ax.set_title(activation)
        ax.set_xticks(range(len(inits)))
        ax.set_xticklabels(inits, rotation=40, ha="right", fontsize=8)
        ax.set_ylim(0, 1.02)
    axes[0][0].set_ylabel("test accuracy on digits (mean ± std over seeds)")
    handles = [
        Patch(facecolor=colors[k % len(colors)], edgecolor="black", label=f"depth {depth}")
        for k, depth in enumerate(depths)
    ]
    handles.append(
        Patch(facecolor="white", edgecolor="black", hatch="///", label="initlint reports it")
    )
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=9)
    fig.suptitle(
        f"Digits MLP, width {WIDTH}, {optimizer_name(optimizer)}, batch {BATCH_SIZE} "
        "(dashed: chance)"
    )
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    path = out / "evidence.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# ---------------------------------------------------------------------------------------------
# Command line


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Train digits MLPs with good and bad initializations and compare the "
        "results with what initlint reports.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("bench/results"),
        help="output folder (default: %(default)s)",
    )
    parser.add_argument(
        "--seeds",
        type=int,
        default=len(SEEDS),
        help="seeds per configuration, 0..N-1 (default: %(default)s)",
    )
    parser.add_argument(
        "--epochs", type=int, default=EPOCHS, help="training epochs (default: %(default)s)"
    )
    parser.add_argument(
        "--inits",
        nargs="+",
        choices=list(INITS),
        default=list(INITS),
        metavar="INIT",
        help=f"initializers to train (default: all of {', '.join(INITS)})",
    )
    parser.add_argument(
        "--activations",
        nargs="+",
        choices=ACTIVATIONS,
        default=list(ACTIVATIONS),
        metavar="ACT",
        help=f"activations (default: {' '.join(ACTIVATIONS)})",
    )
    parser.add_argument(
        "--depths",
        nargs="+",
        type=int,
        default=list(DEPTHS),
        metavar="N",
        help=f"numbers of hidden layers (default: {' '.join(map(str, DEPTHS))})",
    )
    parser.add_argument(
        "--optimizer",
        choices=("adam", "sgd"),
        default="adam",
        help=f"optimizer of the Keras grid (default: %(default)s; sgd is "
        f"SGD(learning_rate={SGD_LEARNING_RATE}, momentum={SGD_MOMENTUM}))",
    )
    parser.add_argument(
        "--skip-torch", action="store_true", help="skip the plain PyTorch measurements"
    )
    parser.add_argument(
        "--lint-only", action="store_true", help="write and lint the sources, train nothing"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch CPU threads (default: %(default)s; these matrices are too small to gain "
        "from more, and extra threads contend badly on a busy machine)",
    )
    args = parser.parse_args(argv)
    if args.seeds < 1 or args.epochs < 1 or args.threads < 1:
        parser.error("--seeds, --epochs and --threads must be at least 1")
    if any(d < 1 for d in args.depths):
        parser.error("--depths must be at least 1")
    return args


def check_environment() -> dict[str, str]:
    """Fail with one line when a dependency of the benchmark is missing or Keras would not use
    torch; return the versions to record."""
    backend = os.environ.setdefault("KERAS_BACKEND", "torch")
    if backend != "torch":
        raise BenchError(f"KERAS_BACKEND is {backend!r}; this benchmark runs Keras on torch")
    versions = {"python": platform.python_version(), "platform": platform.platform()}
    for module in ("torch", "keras", "sklearn", "matplotlib"):
        try:
            versions[module] = __import__(module).__version__
        except ImportError as error:
            raise BenchError(
                f"cannot import {module} ({error}); install the benchmark extra: "
                "pip install -e '.[bench]'"
            ) from error
    versions["initlint"] = initlint_version()
    return versions


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    try:
        versions = check_environment()
    except BenchError as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 2
    import torch

    torch.set_num_threads(args.threads)
    seeds = list(range(args.seeds))
    out: Path = args.out.resolve()
    configs = build_grid(args.inits, args.activations, args.depths)
    write_sources(configs, out / "models")
    try:
        _, lint_seconds = timed(lambda: lint(configs))
    except LintError as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 1
    progress(f"linted {len(configs)} sources in {lint_seconds:.1f} s")

    data = load_data()
    evidence: list[TorchResult] = []
    if not args.lint_only:
        for n, config in enumerate(configs, 1):
            t0 = time.perf_counter()
            for seed in seeds:
                loss, accuracy = train_keras(config, data, seed, args.epochs, args.optimizer)
                config.losses.append(loss)
                config.accuracies.append(accuracy)
            config.seconds = time.perf_counter() - t0
            progress(
                f"[{n}/{len(configs)}] {config.init} {config.activation} depth {config.depth}: "
                f"{codes_cell(config.codes)}; accuracy {spread(config.accuracies, 3)} "
                f"({config.seconds:.0f} s)"
            )
        if not args.skip_torch:
            evidence = torch_evidence(data, seeds, args.epochs)

    total = time.perf_counter() - started
    meta = {
        "versions": versions,
        "data": {
            "dataset": "sklearn.datasets.load_digits",
            "train": len(data.y_train),
            "test": len(data.y_test),
            "split": f"stratified, test_size={TEST_FRACTION}, random_state={SPLIT_SEED}",
            "preprocessing": "StandardScaler fitted on the training split",
        },
        "training": {
            "keras": optimizer_name(args.optimizer),
            "batch_size": BATCH_SIZE,
            "torch_sgd": f"SGD(lr={SGD_LEARNING_RATE}, momentum={SGD_MOMENTUM})",
            "epochs": args.epochs,
            "seeds": seeds,
            "width": WIDTH,
            "threads": args.threads,
        },
        "seconds": {"lint": round(lint_seconds, 2), "total": round(total, 1)},
    }
    out.mkdir(parents=True, exist_ok=True)
    write_json(out, configs, evidence, meta)
    sections = [
        f"Digits, {WIDTH}-unit MLP, {optimizer_name(args.optimizer)}, batch {BATCH_SIZE}, "
        f"{args.epochs} epochs, seeds {seeds} (mean ± std over seeds); "
        f"{versions['initlint']}, keras {versions['keras']}, torch {versions['torch']}; "
        f"total {total / 60:.1f} min.",
        "",
        grid_table(configs),
    ]
    if len({c.depth for c in configs}) > 1:
        sections += ["", "By depth (accuracy and loss, mean ± std over seeds):", ""]
        sections.append(depth_table(configs))
    if evidence:
        heading = "Plain PyTorch MLPs, ReLU, same data and budget:"
        sections += ["", heading, "", torch_table(evidence)]
    report = "\n".join(sections) + "\n"
    (out / "results.md").write_text(report, encoding="utf-8")
    print(report)
    if configs and configs[0].accuracies:
        progress(f"plot: {plot(configs, out, args.optimizer)}")
    progress(f"results: {out / 'results.json'}, {out / 'results.md'}; total {total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
