#!/usr/bin/python3
"""Tokens minted by an independent implementation (Debian's python3-jwt and python3-cryptography)
for tests/jwt_test.cpp.

  jwt_tokens.py DIR NOW

Writes DIR/jwks.json (an RSA, an EC P-256 and an Ed25519 public key, kids "rsa-1", "ec-1", "ed-1",
and an encryption key to be skipped), DIR/hs256.secret, and prints a JSON object of tokens, each
named for what it is, all issued by "https://id.example" for the audience "reelstat" at Unix time NOW.
"""
import base64
import hashlib
import hmac
import json
import sys

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main():
    out, now = sys.argv[1], int(sys.argv[2])
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ed_key = ed25519.Ed25519PrivateKey.generate()
    other_rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks = {"keys": []}
    for kid, alg, key in (("rsa-1", RSAAlgorithm, rsa_key), ("ec-1", ECAlgorithm, ec_key), ("ed-1", OKPAlgorithm, ed_key)):
        jwk = json.loads(alg.to_jwk(key.public_key()))
        jwk.update(kid=kid, use="sig")
        jwks["keys"].append(jwk)
    encryption = json.loads(RSAAlgorithm.to_jwk(other_rsa.public_key()))
    encryption.update(kid="enc-1", use="enc")
    jwks["keys"].append(encryption)
    open(f"{out}/jwks.json", "w").write(json.dumps(jwks))
    secret = b"s" * 16 + hashlib.sha256(b"reelstat test secret").digest()[:24]
    open(f"{out}/hs256.secret", "wb").write(secret)

    claims = {"sub": "app-1", "iss": "https://id.example", "aud": "reelstat", "iat": now, "exp": now + 600}
    sign = lambda c, key, alg, kid: jwt.encode(c, key, algorithm=alg, headers={"kid": kid} if kid else None)
    tokens = {
        "rs256": sign(claims, rsa_key, "RS256", "rsa-1"),
        "es256": sign(claims, ec_key, "ES256", "ec-1"),
        "eddsa": sign(claims, ed_key, "EdDSA", "ed-1"),
        "hs256": sign(claims, secret, "HS256", None),
        "expired": sign({**claims, "iat": now - 7200, "exp": now - 3600}, rsa_key, "RS256", "rsa-1"),
        "expired_within_leeway": sign({**claims, "exp": now - 10}, rsa_key, "RS256", "rsa-1"),
        "not_yet_valid": sign({**claims, "nbf": now + 3600}, rsa_key, "RS256", "rsa-1"),
        "no_exp": sign({k: v for k, v in claims.items() if k != "exp"}, rsa_key, "RS256", "rsa-1"),
        "wrong_issuer": sign({**claims, "iss": "https://evil.example"}, rsa_key, "RS256", "rsa-1"),
        "wrong_audience": sign({**claims, "aud": "someone-else"}, rsa_key, "RS256", "rsa-1"),
        "audience_list": sign({**claims, "aud": ["other", "reelstat"]}, ec_key, "ES256", "ec-1"),
        "unknown_kid": sign(claims, rsa_key, "RS256", "rsa-2"),
        "other_key": sign(claims, other_rsa, "RS256", "rsa-1"),
        "no_sub": sign({k: v for k, v in claims.items() if k != "sub"}, ed_key, "EdDSA", "ed-1"),
    }
    # A signature changed in its last byte.
    head, body, sig = tokens["rs256"].split(".")
    raw = bytearray(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
    raw[-1] ^= 1
    tokens["bad_signature"] = f"{head}.{body}.{b64(bytes(raw))}"
    # alg "none", unsigned (RFC 7519 section 6): PyJWT writes it when asked.
    tokens["alg_none"] = jwt.encode(claims, None, algorithm="none")
    # HS256 "signed" with the RSA public key's PEM as the secret: the classic key confusion.
    pem = rsa_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    confused_head = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}).encode())
    confused_body = b64(json.dumps(claims).encode())
    mac = hmac.new(pem, f"{confused_head}.{confused_body}".encode(), hashlib.sha256).digest()
    tokens["hs256_with_rsa_public_key"] = f"{confused_head}.{confused_body}.{b64(mac)}"
    tokens["nine_kib"] = sign({**claims, "pad": "x" * 9 * 1024}, rsa_key, "RS256", "rsa-1")
    tokens["payload_not_json"] = f"{head}.{b64(b'not json at all')}.{sig}"
    tokens["header_not_base64url"] = f"{head}*!.{body}.{sig}"
    tokens["es256_short_x"] = sign(claims, write_odd_keys(out), "ES256", "ec-short")
    print(json.dumps(tokens))


def write_odd_keys(out):
    """DIR/jwks_odd.json: keys a provider may publish beside good ones. "ec-short" as PyJWT 2.6 writes
    a P-256 key whose x is under 2^248 (31 bytes, its leading zero dropped); "ec-long", a 33-byte x;
    "ec-384", a P-384 key; "rsa-1024", too short. Returns ec-short's private key."""
    while True:  # one key in 256 has x under 2^248
        short = ec.generate_private_key(ec.SECP256R1())
        if short.public_key().public_numbers().x < 2 ** 248:
            break
    keys = []
    jwk = json.loads(ECAlgorithm.to_jwk(short.public_key()))
    assert len(base64.urlsafe_b64decode(jwk["x"] + "==")) == 31, "PyJWT pads the coordinate now"
    keys.append({**jwk, "kid": "ec-short"})
    long_x = json.loads(ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP256R1()).public_key()))
    padded = base64.urlsafe_b64decode(long_x["x"] + "==").rjust(32, b"\0")
    keys.append({**long_x, "x": b64(b"\0" + padded), "kid": "ec-long"})
    keys.append({**json.loads(ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP384R1()).public_key())), "kid": "ec-384"})
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    keys.append({**json.loads(RSAAlgorithm.to_jwk(small.public_key())), "kid": "rsa-1024"})
    open(f"{out}/jwks_odd.json", "w").write(json.dumps({"keys": keys}))
    return short


if __name__ == "__main__":
    main()
