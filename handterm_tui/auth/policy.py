"""The HandTerm pool's password policy, checked before a password is sent.

Both deployed pools require 8+ characters with an uppercase letter, a lowercase letter, a digit
and a symbol (handterm-api.md §6). Checking locally saves a round trip and says everything
that is missing at once; the server still has the last word (its message is shown as is).
"""

from __future__ import annotations

MIN_LENGTH = 8
# What Cognito counts as a symbol (space included).
SYMBOLS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")


def policy_problems(password: str) -> list[str]:
    """What the password lacks, in Cognito's words; empty when it passes."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"at least {MIN_LENGTH} characters")
    if not any(c.isupper() for c in password):
        problems.append("an uppercase letter")
    if not any(c.islower() for c in password):
        problems.append("a lowercase letter")
    if not any(c.isdigit() for c in password):
        problems.append("a digit")
    if not any(c in SYMBOLS for c in password):
        problems.append("a symbol such as ! or #")
    return problems


def policy_message(password: str) -> str | None:
    problems = policy_problems(password)
    if not problems:
        return None
    return "The password needs " + ", ".join(problems) + "."
