"""How long after redis stalls a liveness probe gets it restarted: the one formula both
probe exercises (lessons 4 and 6) judge a probe's timing by."""


def seconds_to_restart_a_stall(period: int, timeout: int, threshold: int) -> int:
    """About how long, at most, from a stall to the kubelet's restart: up to one period until
    the first run, then ``threshold`` failing runs. The kubelet runs one probe at a time
    (pkg/kubelet/prober/worker.go: the next run waits for the ticker and for the run before),
    so failing runs start max(period, timeout) apart, and the last one fails after its timeout.
    With the timeout under the period: period x threshold + timeout; with a timeout longer
    than the period, each failing run takes the whole timeout."""
    return period + (threshold - 1) * max(period, timeout) + timeout
