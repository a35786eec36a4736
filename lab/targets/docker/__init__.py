"""The docker target: the k8s/ manifests run as plain containers (translate.py says how)."""
