"""The host's AMI architecture follows AWS's instance naming ("g" after the generation means
Graviton), checked over every instance type botocore's EC2 model knows."""

from __future__ import annotations

from s0c.compiler.host import is_arm
from s0c.spec.aws_values import instance_types

# Families AWS documents as Graviton (arm64), including the ones a hand list had missed.
GRAVITON = {"a1", "t4g", "m6g", "m7g", "m8g", "c6g", "c6gn", "c7gn", "c8gd", "r7gd", "x2gd",
            "im4gn", "is4gen", "hpc7g", "g5g", "i4g", "i8ge", "x8g", "m8gd", "r8gn"}
X86 = {"t3", "t3a", "m5", "m5dn", "m7i", "m7i-flex", "c7a", "r7iz", "x2iedn", "g4dn", "g6e",
       "p4d", "inf2", "trn1", "hpc7a", "u7i-12tb", "mac2", "z1d", "gr6", "dl1"}


def test_graviton_and_x86_families():
    assert all(is_arm(f"{family}.large") for family in GRAVITON)
    assert not any(is_arm(f"{family}.large") for family in X86)


def test_every_known_type_is_classified_by_its_family():
    families = {t.split(".")[0] for t in instance_types()}
    arm = {f for f in families if is_arm(f + ".large")}
    assert GRAVITON & families <= arm and not (X86 & arm)
    # Every arm family has a "g" among the attribute letters after its generation digit.
    assert len(arm) >= 40, sorted(arm)
