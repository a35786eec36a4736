"""scripts/lib/debian-archive.sh: the stand-in scripts take the Debian archive from the
machine's own apt sources (no mirror is written into the repository). Run with real bash
against sources files laid out under a temporary root."""

import subprocess

import pytest

from lab.core import settings

LIB = settings.REPO_ROOT / "scripts" / "lib" / "debian-archive.sh"

DEB822 = """Types: deb
# http://snapshot.example/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
"""


def archive_under(root) -> str:
    result = subprocess.run(["bash", "-c", f'. "{LIB}"; debian_archive "{root}"'], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def write(root, name: str, text: str) -> None:
    path = root / "etc" / "apt" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_deb822_sources_give_the_main_archive_and_its_key(tmp_path):
    write(tmp_path, "sources.list.d/debian.sources", DEB822)
    assert archive_under(tmp_path) == "http://mirror.example/debian /usr/share/keyrings/debian-archive-keyring.gpg"


def test_a_disabled_stanza_and_the_security_archive_are_not_taken(tmp_path):
    write(
        tmp_path,
        "sources.list.d/debian.sources",
        "Enabled: no\n" + DEB822.split("\n\n")[0] + "\n\n" + DEB822.split("\n\n")[1],
    )
    assert archive_under(tmp_path) == ""


@pytest.mark.parametrize(
    "line, expected",
    [
        ("deb http://mirror.example/debian bookworm main", "http://mirror.example/debian"),
        (
            "deb [arch=amd64 signed-by=/etc/key.gpg] http://mirror.example/debian/ bookworm main",
            "http://mirror.example/debian/ /etc/key.gpg",
        ),
        ("deb http://security.example/debian-security bookworm-security main", ""),
        ("deb http://archive.ubuntu.example/ubuntu noble main", ""),
    ],
)
def test_one_line_sources(tmp_path, line, expected):
    write(tmp_path, "sources.list", f"# a comment\n{line}\n")
    assert archive_under(tmp_path) == expected
