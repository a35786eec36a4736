"""The stand-in's admission webhook (scripts/standin-webhook.py) refuses a Service with
externalIPs and admits any other, answering the AdmissionReview it was sent. The API
server's call of it is tested on the stand-in itself (tests/kubernetes/test_room.py)."""

import importlib.util

from lab.core import settings

SPEC = importlib.util.spec_from_file_location("standin_webhook", settings.REPO_ROOT / "scripts" / "standin-webhook.py")
webhook = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(webhook)


def test_a_service_with_external_ips_is_refused_with_a_reason():
    answer = webhook.review({"uid": "u1", "object": {"spec": {"externalIPs": ["203.0.113.10"], "ports": []}}})
    assert answer["kind"] == "AdmissionReview" and answer["response"]["uid"] == "u1"
    assert answer["response"]["allowed"] is False and "CVE-2020-8554" in answer["response"]["status"]["message"]


def test_any_other_service_is_admitted():
    for spec in ({"ports": [{"port": 6379}]}, {"externalIPs": []}, {}):
        assert webhook.review({"uid": "u2", "object": {"spec": spec}})["response"] == {"uid": "u2", "allowed": True}
