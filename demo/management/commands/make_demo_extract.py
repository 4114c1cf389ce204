import time
from pathlib import Path

from django.core.management.base import BaseCommand

from demo.register.extract import SCALES, write_demo_extract


class Command(BaseCommand):
    help = (
        "Writes a synthetic register extract (the four files of docs/formats.md) with made-up "
        "people and organisations, for trying and measuring the import."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("out", type=Path, help="folder to write the four files into")
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            default="national",
            help="national: the whole country; county: Vestland only; tiny: a few hundred rows",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="the same seed gives the same files"
        )

    def handle(self, *args, out: Path, scale: str, seed: int, **options) -> None:
        started = time.perf_counter()
        paths = write_demo_extract(out, scale=scale, seed=seed)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Wrote a {scale} extract (seed {seed}) to {out} in {elapsed:.1f} s:")
        for path in paths:
            with path.open("rb") as handle:
                rows = sum(1 for _line in handle) - 1  # no value holds a line break
            size = path.stat().st_size / 1_000_000
            self.stdout.write(f"  {path.name:<24} {rows:>7,} rows {size:6.1f} MB")
