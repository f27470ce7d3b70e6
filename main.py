"""Start CoachDesk: ``python main.py [--db PATH] [--demo]``."""

from __future__ import annotations

import argparse
import sys


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="coachdesk", description="Start CoachDesk.")
    parser.add_argument("--db", metavar="PATH", help="the practice file to open "
                        "(default: $COACHDESK_DB or the data folder)")
    parser.add_argument("--demo", action="store_true",
                        help="fill an empty practice with demo data before opening it")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from ui.app import run

    return run(db=args.db, demo_data=args.demo)


if __name__ == "__main__":
    sys.exit(main())
