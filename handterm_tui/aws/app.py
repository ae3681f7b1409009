"""The CDK app: build the Lambda bundle, synthesize the stack, run the CDK CLI to deploy.

`handterm aws synth` writes the template (Node needed: the Python CDK runs on jsii, no AWS
access); `handterm aws deploy` runs `npx aws-cdk deploy` with the user's own AWS credentials and
writes cdk-outputs.json for `handterm profile import`. The CDK CLI itself runs this module
(`python -m handterm_tui.aws.app`) as its app command.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import handterm_tui

from .node import silence_node_notice

# What the Lambda needs beyond its runtime (which has boto3): arm64 wheels for Python 3.12.
LAMBDA_REQUIREMENTS = ("mangum>=0.19,<0.23", "starlette>=0.40", "joserfc>=1.0")
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "ui", "tests")


def bundle(target: Path, with_dependencies: bool = True) -> Path:
    """The Lambda's code folder: handterm_tui (without the TUI) and, unless told not to, the
    Lambda's dependencies as manylinux arm64 wheels for Python 3.12."""
    if target.exists():
        shutil.rmtree(target)
    source = Path(handterm_tui.__file__).resolve().parent
    shutil.copytree(source, target / "handterm_tui", ignore=_SKIP)
    if with_dependencies:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--target",
                str(target),
                "--platform",
                "manylinux2014_aarch64",
                "--implementation",
                "cp",
                "--python-version",
                "3.12",
                "--only-binary=:all:",
                *LAMBDA_REQUIREMENTS,
            ],
            check=True,
        )
    return target


def build(context: dict[str, Any], code_dir: Path, outdir: Path | None = None) -> Any:
    """The CDK App with the stack; context keys are the stack's settings."""
    silence_node_notice()
    import aws_cdk as cdk

    from .stack import HandTermStack, StackSettings

    app = cdk.App(context=context, outdir=str(outdir) if outdir else None)
    settings = StackSettings.from_context(app.node.try_get_context)
    HandTermStack(app, settings, code_dir)
    return app


def _truthy(value: object) -> bool:
    return str(value).lower() not in ("0", "false", "no", "off")


def synth_main(out: Path, context: dict[str, str]) -> int:
    from .stack import SettingError

    started = time.perf_counter()
    code_dir = out.parent / ".handterm-lambda"
    try:
        bundle(code_dir, _truthy(context.get("bundle_deps", "true")))
        assembly = build(context, code_dir, out).synth()
    except SettingError as exc:
        print(f"handterm aws synth: {exc}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError:
        print(
            "handterm aws synth: could not download the Lambda's dependencies (pip); "
            "-c bundle_deps=false writes the template without them",
            file=sys.stderr,
        )
        return 1
    stack = assembly.stacks[0]
    print(
        f"wrote {Path(out) / stack.template_file} "
        f"({time.perf_counter() - started:.1f} s); deploy with: handterm aws deploy"
    )
    return 0


def deploy_main(
    out: Path, context: dict[str, str], outputs_file: Path, aws_profile: str | None
) -> int:
    """Run the CDK CLI (`npx aws-cdk deploy`) with this module as its app."""
    if shutil.which("npx") is None:
        print(
            "handterm aws deploy: needs Node.js (npx) for the CDK CLI: install Node 22 or "
            "newer, then run this again",
            file=sys.stderr,
        )
        return 2
    argv = ["npx", "--yes", "aws-cdk@2", "deploy", "--app", f"{sys.executable} -m {__name__}"]
    argv += ["--output", str(out), "--outputs-file", str(outputs_file), "--require-approval"]
    argv += ["broadening"]
    for key, value in context.items():
        argv += ["-c", f"{key}={value}"]
    if aws_profile:
        argv += ["--profile", aws_profile]
    silence_node_notice()
    print("running: " + " ".join(argv), file=sys.stderr)
    done = subprocess.run(argv, check=False)
    if done.returncode == 0:
        print(f"outputs in {outputs_file}; next: handterm profile import {outputs_file}")
    return done.returncode


def _cdk_cli_app() -> int:
    """Entry point when the CDK CLI runs us: context and outdir come from its environment."""
    import json

    context = json.loads(os.environ.get("CDK_CONTEXT_JSON", "{}"))
    outdir = Path(os.environ.get("CDK_OUTDIR", "cdk.out"))
    code_dir = outdir.parent / ".handterm-lambda"
    bundle(code_dir, _truthy(context.get("bundle_deps", "true")))
    build(context, code_dir).synth()
    return 0


if __name__ == "__main__":
    sys.exit(_cdk_cli_app())
