from browserkit import browser
from doorkit import sshd

__all__ = ["browser", "sshd"]
