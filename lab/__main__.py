"""`python -m lab doctor | build | reset`: the lab from a terminal."""
import argparse
import sys

from .errors import LabError


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("doctor", help="check what the lab needs, with a fix for each problem")
    commands.add_parser("build", help="build the lab's images")
    reset = commands.add_parser("reset", help="remove what the lab labelled (and nothing else)")
    reset.add_argument("--keep-images", action="store_true", help="keep the built images")
    args = parser.parse_args(argv)
    try:
        if args.command == "doctor":
            from .doctor import report
            return 0 if all(f.ok or not f.required for f in report()) else 1
        if args.command == "build":
            from .images import build_image
            build_image()
        if args.command == "reset":
            from .cleanup import reset as reset_lab
            reset_lab(images=not args.keep_images)
        return 0
    except LabError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
