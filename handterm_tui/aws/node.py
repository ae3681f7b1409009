"""Quiet jsii's Node-version notice (the Python CDK runs on Node through jsii)."""

from __future__ import annotations

import os
import subprocess


def silence_node_notice() -> None:
    """jsii prints a boxed notice when the machine's Node is past end-of-life, deprecated or
    untested; it says nothing about our stack, so quiet exactly those three for this Node's
    major version. "Known broken" releases stay loud. Must run before aws_cdk is imported."""
    try:
        version = subprocess.run(
            ["node", "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return
    major = version.lstrip("v").split(".")[0]
    if major.isdigit():
        os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", major)
        os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
        os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
