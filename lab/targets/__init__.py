"""Where lessons 3 to 6 run their pods: one contract (contract.py), kept by the Kubernetes target (kubernetes/).

Uses lab.engine and lab.core. choice.py picks the target from LAB_TARGET."""
