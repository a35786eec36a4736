"""kube_errors: what the Kubernetes client raises becomes one line, except an interrupt."""

import pytest
from kubernetes.client.exceptions import ApiException

from lab.core.errors import LabError
from lab.targets.kubernetes.kube_api import kube_errors


def websocket_call_raising(exception: BaseException) -> None:
    """What kubernetes/stream/ws_client.py's websocket_call does with anything its stream raises."""
    try:
        raise exception
    except (Exception, KeyboardInterrupt, SystemExit) as error:
        raise ApiException(status=0, reason=str(error))  # noqa: B904 (as the client raises it)


def test_ctrl_c_during_an_exec_stream_stays_a_keyboard_interrupt():
    with pytest.raises(KeyboardInterrupt), kube_errors("exec in the pod"):
        websocket_call_raising(KeyboardInterrupt())


def test_a_stream_that_fails_is_one_line_with_the_fix():
    with pytest.raises(LabError, match=r"exec in the pod: the cluster does not answer \(Connection refused\)"):
        with kube_errors("exec in the pod"):
            websocket_call_raising(ConnectionRefusedError("Connection refused"))
