/* auth.h: client-side authentication plugin computations (no I/O). */
#ifndef PROTO_AUTH_H
#define PROTO_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/cursor.h"

/* mysql_native_password: SHA1(pw) XOR SHA1(scramble20 + SHA1(SHA1(pw))). */
void auth_native(uint8_t out[20], const char *password, const uint8_t *scramble,
    size_t scramble_len);

/* caching_sha2_password fast path: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + scramble). */
void auth_sha2(uint8_t out[32], const char *password, const uint8_t *scramble,
    size_t scramble_len);

/*
 * Full authentication without TLS (caching_sha2_password and
 * sha256_password): (password + NUL) XOR scramble (repeated), encrypted
 * with the server's RSA public key (PEM) with OAEP padding. *out is
 * malloc'ed, *out_len its length.
 */
PROTO_WUR bool auth_rsa_encrypt(uint8_t **out, size_t *out_len,
    const char *password, const uint8_t *scramble, size_t scramble_len,
    const char *pem, size_t pem_len, struct proto_err *err);

/*
 * MariaDB client_ed25519: an Ed25519 signature of the 32-byte scramble with
 * the key whose secret scalar comes from SHA512(password).
 */
PROTO_WUR bool auth_ed25519(uint8_t out[64], const char *password,
    const uint8_t *scramble, size_t scramble_len, struct proto_err *err);

/*
 * The client_ed25519 public key A for a password: what MariaDB stores
 * (base64, without padding) for IDENTIFIED VIA ed25519 USING PASSWORD().
 */
void auth_ed25519_pubkey(uint8_t out[32], const char *password);

#endif
