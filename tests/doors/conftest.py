from doorkit import sshd

__all__ = ["sshd"]
