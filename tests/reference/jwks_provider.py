#!/usr/bin/python3
"""A small identity provider for the token tests, written with Debian's python3-jwt and
python3-cryptography (an implementation independent of reelstat's):

  jwks_provider.py key DIR KID ALG          make a signing key (ALG: RS256, ES256 or EdDSA)
  jwks_provider.py publish DIR FILE KID...  write FILE (atomically) as a JWK Set of those keys
  jwks_provider.py mint DIR KID SUB TTL [CLAIMS_JSON]
                                            print a token for SUB, expiring TTL seconds from now
  jwks_provider.py serve DIR                serve DIR/www over HTTPS on 127.0.0.1 (a port of its own,
                                            written to DIR/port) with a certificate of its own CA
                                            (DIR/ca.pem), until it is sent SIGTERM
"""
import datetime
import http.server
import ipaddress
import json
import os
import signal
import ssl
import sys
import time

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

MAKERS = {
    "RS256": (lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048), RSAAlgorithm),
    "ES256": (lambda: ec.generate_private_key(ec.SECP256R1()), ECAlgorithm),
    "EdDSA": (lambda: ed25519.Ed25519PrivateKey.generate(), OKPAlgorithm),
}


def key_path(directory, kid):
    return os.path.join(directory, "keys", kid)


def load_key(directory, kid):
    alg = open(key_path(directory, kid) + ".alg").read()
    pem = open(key_path(directory, kid) + ".pem", "rb").read()
    return alg, serialization.load_pem_private_key(pem, password=None)


def make_key(directory, kid, alg):
    os.makedirs(os.path.join(directory, "keys"), exist_ok=True)
    key = MAKERS[alg][0]()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    open(key_path(directory, kid) + ".pem", "wb").write(pem)
    open(key_path(directory, kid) + ".alg", "w").write(alg)


def publish(directory, target, kids):
    keys = []
    for kid in kids:
        alg, key = load_key(directory, kid)
        jwk = json.loads(MAKERS[alg][1].to_jwk(key.public_key()))
        jwk.update(kid=kid, use="sig", alg=alg)
        keys.append(jwk)
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    with open(target + ".tmp", "w") as f:
        f.write(json.dumps({"keys": keys}))
    os.replace(target + ".tmp", target)


def mint(directory, kid, sub, ttl, extra):
    alg, key = load_key(directory, kid)
    now = int(time.time())
    claims = {"sub": sub, "iat": now, "exp": now + int(ttl), **extra}
    print(jwt.encode(claims, key, algorithm=alg, headers={"kid": kid}))


def certificate(directory):
    """A CA and a certificate it signs for 127.0.0.1: the CA goes to DIR/ca.pem for the server."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "reelstat test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True).sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False).sign(ca_key, hashes.SHA256()))
    open(os.path.join(directory, "ca.pem"), "wb").write(ca.public_bytes(serialization.Encoding.PEM))
    with open(os.path.join(directory, "server.pem"), "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))


def serve(directory):
    certificate(directory)
    www = os.path.join(directory, "www")
    os.makedirs(www, exist_ok=True)
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=www, **k)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(directory, "server.pem"))
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(os.path.join(directory, "port.tmp"), "w") as f:
        f.write(str(httpd.server_address[1]))
    os.replace(os.path.join(directory, "port.tmp"), os.path.join(directory, "port"))
    httpd.serve_forever()


def main():
    command, directory = sys.argv[1], sys.argv[2]
    if command == "key":
        make_key(directory, sys.argv[3], sys.argv[4])
    elif command == "publish":
        publish(directory, sys.argv[3], sys.argv[4:])
    elif command == "mint":
        mint(directory, sys.argv[3], sys.argv[4], sys.argv[5], json.loads(sys.argv[6]) if len(sys.argv) > 6 else {})
    elif command == "serve":
        serve(directory)
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
