"""``pertouch prepare-data`` and ``pertouch train``.

    pertouch prepare-data DATA PREPARED [--config prepare.toml] [workers=8 segmenter=sam3 ...]
    pertouch train --config train.toml [data=PREPARED base_model=SD21 max_steps=20000 ...]
    accelerate launch -m pertouch.cli.training train --config train.toml   # several GPUs

Settings come from the config dataclasses' defaults, then the ``--config`` file (TOML or JSON),
then ``key=value`` overrides, each checked against its type. The command registers both with
:func:`add_training_parsers`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def add_training_parsers(subparsers: Any) -> None:
    """Add ``prepare-data`` and ``train`` to an argparse ``subparsers`` object."""
    from pertouch.training.config import PrepareConfig, TrainConfig

    prepare = subparsers.add_parser(
        "prepare-data",
        help="turn before/after photo pairs into parameter maps for training",
        description="DATA holds input/ and one folder per expert with the same file names.",
        epilog=_settings(PrepareConfig),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    prepare.add_argument("data", type=Path, help="folder with input/ and the expert folders")
    prepare.add_argument("output", type=Path, help="where the prepared data goes")
    prepare.add_argument("--config", type=Path, help="settings file (.toml or .json)")
    prepare.add_argument("--scale", type=Path, help="use this level scale instead of fitting one")
    prepare.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help="settings to override")
    prepare.set_defaults(func=run_prepare)

    train = subparsers.add_parser(
        "train",
        help="train the diffusion backbone's ControlNet and head on prepared data",
        epilog=_settings(TrainConfig),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument("--config", type=Path, help="settings file (.toml or .json)")
    train.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help="settings to override")
    train.set_defaults(func=run_train)


def run_prepare(args: argparse.Namespace) -> int:
    from pertouch.training.config import PrepareConfig, load_config
    from pertouch.training.prepare import prepare, read_scale

    config = load_config(
        PrepareConfig, args.config, [f"data={args.data}", f"output={args.output}", *args.overrides]
    )
    if config.segmenter == "sam3" and not config.sam3_checkpoint:
        from pertouch.services import Settings

        default = Settings.from_env().sam3_checkpoint.expanduser()
        config = dataclasses.replace(config, sam3_checkpoint=str(default))
    scale = read_scale(args.scale, config.metrics) if args.scale else None
    manifest = prepare(config, scale=scale)
    count = len(manifest["names"]) * len(manifest["experts"])
    print(f"prepared {count} maps ({len(manifest['experts'])} experts) in {config.output}")
    return 0


def run_train(args: argparse.Namespace) -> int:
    from pertouch.training.config import TrainConfig, load_config
    from pertouch.training.train import Event, train

    config = load_config(TrainConfig, args.config, args.overrides)

    def report(event: Event) -> None:
        if event.kind == "step" and (event.step % config.log_every == 0 or event.step == 1):
            print(f"step {event.step}: loss {event.values['loss']:.4f}", flush=True)
        elif event.kind in ("checkpoint", "validation", "end"):
            print(f"{event.kind} at step {event.step}: {event.values['path']}", flush=True)

    result = train(config, callbacks=[report])
    print(json.dumps({"steps": result.step, "output": str(result.output_dir)}))
    return 0


def _settings(cls: Any) -> str:
    fields = dataclasses.fields(cls)
    rows = [f"  {f.name} = {f.default!r}" for f in fields]
    return "settings (KEY=VALUE) and their defaults:\n" + "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry point, for ``accelerate launch -m pertouch.cli.training``."""
    from pertouch.cli.common import run

    parser = argparse.ArgumentParser(prog="pertouch")
    add_training_parsers(parser.add_subparsers(dest="command", required=True))
    return run(parser, argv)


if __name__ == "__main__":
    raise SystemExit(main())
