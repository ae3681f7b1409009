"""Server half of Cognito's SRP-6a (USER_SRP_AUTH / PASSWORD_VERIFIER).

Stock moto hands out random SALT/SRP_B values and accepts any password claim. This module does
the real exchange the way Cognito (and pycognito's client half) do it: RFC 5054's 3072-bit group,
g = 2, k = H(N | g), x = H(salt | H(poolShortId | userIdForSrp ":" password)), an HKDF of the
shared secret, and an HMAC over pool, user, secret block and timestamp.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

# RFC 5054, 3072-bit group (the one Cognito and the AWS SDKs use).
N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(N_HEX, 16)
G = 2
_INFO = b"Caldera Derived Key\x01"


def _pad_hex(value: int | str) -> str:
    """Hex with a leading zero byte when the top bit is set (Java BigInteger style)."""
    text = f"{value:x}" if isinstance(value, int) else value
    if len(text) % 2:
        return "0" + text
    if text[0] in "89abcdefABCDEF":
        return "00" + text
    return text


def _hex_hash(hex_text: str) -> str:
    return hashlib.sha256(bytes.fromhex(hex_text)).hexdigest().rjust(64, "0")


K = int(_hex_hash("00" + N_HEX + "0" + f"{G:x}"), 16)


def _x(pool_short: str, user_id: str, password: str, salt_hex: str) -> int:
    inner = hashlib.sha256(f"{pool_short}{user_id}:{password}".encode()).hexdigest().rjust(64, "0")
    return int(_hex_hash(_pad_hex(salt_hex) + inner), 16)


@dataclass
class SrpChallenge:
    """What the server keeps between InitiateAuth and RespondToAuthChallenge."""

    username: str
    pool_short: str
    salt_hex: str
    big_a: int
    big_b: int
    small_b: int
    verifier: int
    secret_block: str

    def params(self) -> dict[str, str]:
        return {
            "SALT": self.salt_hex,
            "SRP_B": f"{self.big_b:x}",
            "SECRET_BLOCK": self.secret_block,
            "USER_ID_FOR_SRP": self.username,
            "USERNAME": self.username,
        }


def start(pool_id: str, username: str, password: str, srp_a_hex: str) -> SrpChallenge | None:
    """Compute B for a client's A; None when A is invalid (A mod N == 0)."""
    big_a = int(srp_a_hex, 16)
    if big_a % N == 0:
        return None
    pool_short = pool_id.split("_", 1)[1]
    salt_hex = secrets.token_hex(16)
    verifier = pow(G, _x(pool_short, username, password, salt_hex), N)
    small_b = secrets.randbits(256) % N
    big_b = (K * verifier + pow(G, small_b, N)) % N
    block = base64.standard_b64encode(secrets.token_bytes(48)).decode()
    return SrpChallenge(username, pool_short, salt_hex, big_a, big_b, small_b, verifier, block)


def verify(ch: SrpChallenge, timestamp: str, signature_b64: str) -> bool:
    """Check the client's PASSWORD_CLAIM_SIGNATURE; only the right password produces it."""
    u = int(_hex_hash(_pad_hex(ch.big_a) + _pad_hex(ch.big_b)), 16)
    if u == 0:
        return False
    secret = pow(ch.big_a * pow(ch.verifier, u, N), ch.small_b, N)
    prk = hmac.new(bytes.fromhex(_pad_hex(f"{u:x}")), bytes.fromhex(_pad_hex(secret)), "sha256")
    key = hmac.new(prk.digest(), _INFO, hashlib.sha256).digest()[:16]
    msg = (
        ch.pool_short.encode()
        + ch.username.encode()
        + base64.standard_b64decode(ch.secret_block)
        + timestamp.encode()
    )
    expected = base64.standard_b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, signature_b64)
