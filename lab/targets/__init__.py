"""Where the course runs its pods: one contract (contract.py), two engines (docker/, kubernetes/).

Uses lab.engine and lab.core. choice.py picks the target from LAB_TARGET."""
