"""python -m lab: the lab from a terminal, for learners and for people who run workshops.

  doctor              what the lab needs, with a fix for each problem (non-zero exit on a problem)
  cluster             create or reuse the kind cluster and load the lab's images onto it (lesson 0's slow part)
  up / down           deploy DockerCoins on the target (build, load, apply, wait) / remove it
  reset               remove every container, network, volume (and image) the lab labelled, and in a
                      room (LAB_KUBE_CONTEXT) this participant's objects on the cluster
  bundle / load       every image and pinned Python package in one folder, for a room without internet
  push REGISTRY       the lab's images to a registry, for a shared cluster (LAB_REGISTRY)
  progress            which exercises this participant has passed
  room create|status|doctor|delete
                      a workshop room on one cluster: a namespace, namespace-only credentials and a
                      quota per participant; their progress; teardown (for instructors)

--participant NAME (or LAB_PREFIX) keeps each person's containers, networks and namespace apart.
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from lab.core import config
from lab.core.errors import LabError


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m lab", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participant", help="a prefix of your own (lowercase, digits, '-'): sets LAB_PREFIX")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("doctor", help="check what the lab needs")
    commands.add_parser("build", help="build the lab's images")
    commands.add_parser("cluster", help="create or reuse the Kubernetes cluster and load the images (lesson 0)")
    commands.add_parser("up", help="deploy DockerCoins on the target")
    commands.add_parser("down", help="remove what `up` deployed")
    reset = commands.add_parser("reset", help="remove what the lab labelled (and nothing else)")
    reset.add_argument("--keep-images", action="store_true", help="keep the built images")
    bundle = commands.add_parser("bundle", help="every image and Python package the course needs, in one folder")
    bundle.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("bundle"),
        help="the folder (default: bundle/, where ./course lab looks for wheels)",
    )
    load = commands.add_parser("load", help="load the images of a folder made by `bundle`")
    load.add_argument("archive", type=Path, help="the bundle folder, or its images.tar")
    push = commands.add_parser("push", help="push the lab's images to a registry")
    push.add_argument("registry", help="e.g. registry.example.com/course")
    commands.add_parser("progress", help="which exercises you have passed")
    _add_room_commands(commands)
    return parser.parse_args(argv)


def _add_room_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    room = commands.add_parser("room", help="a workshop room on one cluster (for instructors)")
    # Options before the action: python -m lab room --room R --context C create --participants 2
    # Required, not defaulted: two instructors who both kept a default would share one room's
    # namespaces on a shared cluster (create refuses a namespace of another room).
    room.add_argument(
        "--room",
        required=True,
        metavar="NAME",
        help="the room's name, yours on this cluster: e.g. --room ws-ada (1-20 of a-z, 0-9, '-')",
    )
    room.add_argument(
        "--context",
        help="the instructor's kubeconfig context (default: LAB_KUBE_CONTEXT, "
        "else this machine's kind cluster or stand-in)",
    )
    room.add_argument("--kubeconfig", help="the kubeconfig file that has the context (default: KUBECONFIG)")
    actions = room.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="a namespace, credentials and a quota per participant")
    who = create.add_mutually_exclusive_group(required=True)
    who.add_argument("--participants", type=int, help="how many: named p1, p2, ...")
    who.add_argument("--names", help="their names, comma-separated: ada,bob")
    create.add_argument(
        "--accept-risk",
        action="store_true",
        help="hand out the kubeconfigs even where a participant could leave their namespace (the table says so)",
    )
    create.add_argument(
        "--registry",
        default=config.current().registry,
        help="where the nodes pull the images from (default: LAB_REGISTRY; none: loaded on the nodes)",
    )
    status = actions.add_parser("status", help="each participant's checks passed per lesson")
    status.add_argument(
        "--watch", type=float, default=0, metavar="SECONDS", help="refresh every 5 s for this long (default: once)"
    )
    doctor = actions.add_parser(
        "doctor", help="runtime, PID limit and images on each node, and what the lessons will show there"
    )
    doctor.add_argument(
        "--registry",
        default=config.current().registry,
        help="where participants' nodes pull the images (default: LAB_REGISTRY, else loaded on the nodes)",
    )
    delete = actions.add_parser("delete", help="remove the room (or --names some of it), and nothing else")
    delete.add_argument("--names", help="only these participants, comma-separated")


def run_room(args: argparse.Namespace) -> int:
    from lab.workshop.room import Room
    from lab.workshop.room_objects import participant_names

    room = Room(args.room, args.context, args.kubeconfig)
    if args.action == "create":
        print(
            room.create(
                participant_names(args.participants or 0, args.names), args.registry, accept_risk=args.accept_risk
            )
        )
    elif args.action == "status":
        if args.watch > 0:
            room.watch_status(args.watch)
        else:
            print(room.status())
    elif args.action == "doctor":
        from lab.core import settings
        from lab.targets.kubernetes.clusters import registry_image
        from lab.workshop.room_doctor import report

        images = [
            registry_image(spec.tag, args.registry) if args.registry else spec.tag for spec in settings.ALL_IMAGES
        ]
        return 0 if report(room, images) else 1
    elif args.action == "delete":
        room.delete(None if args.names is None else participant_names(names=args.names))
    return 0


def run(args: argparse.Namespace) -> int:
    if args.command == "room":
        return run_room(args)
    if args.command == "doctor":
        from lab.cli.doctor import report

        return 0 if all(f.ok or not f.required for f in report()) else 1
    if args.command == "build":
        from lab.core import settings
        from lab.engine.images import build_image

        for spec in settings.ALL_IMAGES:
            build_image(spec)
    elif args.command == "cluster":
        from lab.course.cluster_images import images_where_pods_start
        from lab.engine.images import build_course_images
        from lab.targets.choice import target

        where, images = target(), build_course_images(quiet=False)
        where.prepare(images)
        images_where_pods_start(where, images)
    elif args.command == "up":
        from lab.course.dockercoins import ensure_running
        from lab.targets.choice import target

        ensure_running(target())
        print("webui: in a terminal, kubectl port-forward svc/webui 8080:80, then open http://127.0.0.1:8080")
    elif args.command == "down":
        from lab.targets.choice import target

        target().delete()
    elif args.command == "reset":
        from lab.engine.cleanup import reset as reset_lab

        if config.current().kube_context:  # in a room: this participant's objects on the cluster first
            from lab.targets.choice import target

            target().delete()
        reset_lab(images=not args.keep_images)
    elif args.command == "bundle":
        from lab.workshop.bundle import bundle as make_bundle

        make_bundle(args.output)
    elif args.command == "load":
        from lab.workshop.bundle import load as load_bundle

        load_bundle(args.archive)
    elif args.command == "push":
        from lab.workshop.bundle import push as push_images

        push_images(args.registry)
    elif args.command == "progress":
        from lab.course.exercises import summary

        print(summary())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    if args.participant:
        config.use(config.with_participant(args.participant))  # this call only; the environment stays
    try:
        return run(args)
    except LabError as error:  # a check that failed (CheckFailed) is one line with its fix, too
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "interrupted: run the same command again to finish, or 'python -m lab reset' to clean up", file=sys.stderr
        )
        return 130
    finally:
        config.use(None)


if __name__ == "__main__":
    sys.exit(main())
