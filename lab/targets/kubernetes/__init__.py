"""The Kubernetes target (target.py) and the clusters it runs on: kind, the stand-in, a shared one."""
