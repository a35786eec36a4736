import pytest

from lab.engine.processes import Process, ProcessTable, parse_snapshot, parse_stat

REDIS_STAT = "1 (redis-server) S 0 1 1 0 -1 4194560 2092 194 0 0 1 2 0 0 20 0 5 0 19752"


def test_parse_stat_reads_pid_comm_state_ppid():
    assert parse_stat(REDIS_STAT) == Process(pid=1, ppid=0, state="S", comm="redis-server")


@pytest.mark.parametrize("comm", ["my prog", "a) b (c", "(x)", ") Z 99 (", "tricky) R 5"])
def test_parse_stat_splits_at_the_last_parenthesis(comm):
    process = parse_stat(f"42 ({comm}) Z 7 1 1 0 -1")
    assert (process.pid, process.comm, process.state, process.ppid) == (42, comm, "Z", 7)


def test_parse_stat_rejects_garbage_with_a_clear_message():
    with pytest.raises(ValueError, match="not a /proc/<pid>/stat line"):
        parse_stat("no such thing")


SNAPSHOT = (
    "/proc/self/stat:27 (grep) R 0 27 27 0 -1\n"
    "/proc/1/stat:1 (tini) S 0 1 1 0 -1\n"
    "/proc/7/stat:7 (redis-server) S 1 7 7 0 -1\n"
    "/proc/19/stat:19 (sleep) Z 1 13 13 0 -1\n"
    "/proc/27/stat:27 (grep) R 0 27 27 0 -1\n"
    "/proc/1/cmdline:tini\0--\0docker-entrypoint.sh\0redis-server\0\n"
    "/proc/7/cmdline:redis-server *:6379\0\0\0\0\n"
    "/proc/27/cmdline:grep\0-a\0\n"
)


def test_parse_snapshot_leaves_out_the_snapshot_process_itself():
    processes = parse_snapshot(SNAPSHOT)
    assert [p.pid for p in processes] == [1, 7, 19]


def test_parse_snapshot_joins_command_lines_and_zombies_have_none():
    by_pid = {p.pid: p for p in parse_snapshot(SNAPSHOT)}
    assert by_pid[1].command == "tini -- docker-entrypoint.sh redis-server"
    assert by_pid[7].command == "redis-server *:6379"
    assert by_pid[19].command == "[sleep]" and by_pid[19].is_zombie


def test_process_table_counts_zombies_and_draws_a_tree():
    table = ProcessTable("lab-redis", parse_snapshot(SNAPSHOT))
    assert [p.pid for p in table.zombies] == [19]
    assert table.pid1().comm == "tini"
    assert table.tree().splitlines() == [
        "1 tini -- docker-entrypoint.sh redis-server",
        "    7 redis-server *:6379",
        "    19 [sleep]  (zombie)",
    ]
    assert "3 processes, 1 zombies" in str(table)
    assert "<- zombie" in str(table)


def test_html_view_escapes_commands():
    table = ProcessTable("c", [Process(1, 0, "S", "sh", "sh -c '<b>'")])
    assert "&lt;b&gt;" in table._repr_html_()
