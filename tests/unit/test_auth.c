/* test_auth.c: auth plugin answers checked by known values, OpenSSL, MariaDB */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "proto/auth.h"
#include "tests/unit/t.h"

/* Scramble of a captured MariaDB 10.11 greeting (test_packet.c). */
static const uint8_t scramble20[21] = {
	0x6b, 0x5d, 0x71, 0x41, 0x2e, 0x62, 0x23, 0x27, 0x39, 0x29,
	0x5f, 0x25, 0x3a, 0x32, 0x2e, 0x2d, 0x35, 0x65, 0x7b, 0x5c,
	0x00, /* the NUL the handshake carries after it */
};

/* Decode hex into out (n bytes). */
static void
unhex(uint8_t *out, const char *hex, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

/* Compare bytes with a hex string, naming the first difference. */
static void
check_hex(const uint8_t *got, const char *want_hex, size_t n)
{
	uint8_t want[64];
	size_t i = 0;

	unhex(want, want_hex, n);
	while (i < n && got[i] == want[i])
		i++;
	T_CHECK(i == n, "first difference at byte %zu", i);
}

/*
 * Expected answers computed with python3 hashlib:
 *   s1 = sha1(pw); s2 = sha1(s1); native = s1 ^ sha1(scramble + s2)
 *   h1 = sha256(pw); h2 = sha256(h1); sha2 = h1 ^ sha256(h2 + scramble)
 * s2 is also what MariaDB's PASSWORD(pw) shows after the '*'.
 */
static const struct {
	const char *pw;
	const char *native, *stage2, *sha2;
} hashes[] = {
	{ "secret", "43f5b8017920afb1a0da7525615f06051d4ecafe",
	    "14E65567ABDB5135D0CFD9A70B3032C179A49EE7",
	    "55a4062940cd7173d3846f8849f3fd9b"
	    "3ec15ce9bc402e44ccf5b47706538cef" },
	{ "correct horse battery staple",
	    "b13f8742dbfd64de8145c9da90710584845724b4",
	    "F4AF2E5D85456A908E0F552F0366375B06267295",
	    "0d8a29541476be2c2b855b5596845d4c"
	    "deda46650f1393dec67944625eb7bda1" },
};

static void
digest(const EVP_MD *md, uint8_t *out, const void *a, size_t alen,
    const void *b, size_t blen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	EVP_DigestInit_ex(ctx, md, NULL);
	EVP_DigestUpdate(ctx, a, alen);
	if (b != NULL)
		EVP_DigestUpdate(ctx, b, blen);
	EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
}

static void
test_hashes(void)
{
	uint8_t r[32], again[32], stage2[20], h[20], s1[20];

	for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++) {
		T_CASE("mysql_native_password known answer");
		auth_native(r, hashes[i].pw, scramble20, 20);
		check_hex(r, hashes[i].native, 20);

		T_CASE("native: a trailing NUL after 20 bytes is ignored");
		auth_native(again, hashes[i].pw, scramble20, 21);
		T_CHECK(memcmp(r, again, 20) == 0, "differs");

		/*
		 * The server's check with the stored PASSWORD() hash: answer
		 * XOR SHA1(scramble + stage2) gives SHA1(pw), whose SHA1 must
		 * be stage2.
		 */
		T_CASE("native answer passes the server's check");
		unhex(stage2, hashes[i].stage2, 20);
		digest(EVP_sha1(), h, scramble20, 20, stage2, 20);
		for (int k = 0; k < 20; k++)
			s1[k] = r[k] ^ h[k];
		digest(EVP_sha1(), h, s1, 20, NULL, 0);
		T_CHECK(memcmp(h, stage2, 20) == 0, "stage 2 mismatch");

		T_CASE("caching_sha2_password known answer");
		auth_sha2(r, hashes[i].pw, scramble20, 20);
		check_hex(r, hashes[i].sha2, 32);
		auth_sha2(again, hashes[i].pw, scramble20, 21);
		T_CHECK(memcmp(r, again, 32) == 0, "trailing NUL changed it");
	}

	T_CASE("different scrambles give different answers");
	auth_native(r, "secret", (const uint8_t *)"01234567890123456789", 20);
	auth_native(again, "secret", (const uint8_t *)"01234567890123456780",
	    20);
	T_CHECK(memcmp(r, again, 20) != 0, "same answer");
}

/* The server's PEM public key in the SubjectPublicKeyInfo or PKCS#1 form. */
static char *
rsa_pem(EVP_PKEY *pkey, bool pkcs1, size_t *len)
{
	OSSL_ENCODER_CTX *ectx;
	unsigned char *data = NULL;
	size_t n = 0;
	char *s;

	ectx = OSSL_ENCODER_CTX_new_for_pkey(pkey,
	    OSSL_KEYMGMT_SELECT_PUBLIC_KEY, "PEM",
	    pkcs1 ? "type-specific" : "SubjectPublicKeyInfo", NULL);
	if (ectx == NULL || OSSL_ENCODER_to_data(ectx, &data, &n) != 1) {
		OSSL_ENCODER_CTX_free(ectx);
		return NULL;
	}
	OSSL_ENCODER_CTX_free(ectx);
	s = malloc(n + 1);
	memcpy(s, data, n);
	s[n] = '\0';
	OPENSSL_free(data);
	*len = n;
	return s;
}

/* Decrypt with the private key (OAEP) into out; the plaintext length or -1. */
static long
rsa_decrypt(EVP_PKEY *pkey, const uint8_t *in, size_t n, uint8_t *out,
    size_t cap)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	size_t olen = cap;
	long r = -1;

	if (ctx != NULL && EVP_PKEY_decrypt_init(ctx) == 1 &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
	    EVP_PKEY_decrypt(ctx, out, &olen, in, n) == 1)
		r = (long)olen;
	EVP_PKEY_CTX_free(ctx);
	return r;
}

static void
test_rsa(void)
{
	static const char *passwords[] = { "secret", "", "a much longer "
		"password with spaces, punctuation; and more than twenty "
		"bytes", "p\xc3\xa4sswort" };
	struct proto_err err;
	EVP_PKEY *pkey;
	uint8_t *enc, plain[512];
	size_t enc_len, pem_len[2];
	char *pem[2], longpw[300];
	long n;
	bool ok;

	pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	T_CHECK(pkey != NULL, "RSA key generation failed");
	if (pkey == NULL)
		return;
	pem[0] = rsa_pem(pkey, false, &pem_len[0]);
	pem[1] = rsa_pem(pkey, true, &pem_len[1]);
	T_CHECK(pem[0] && strstr(pem[0], "BEGIN PUBLIC KEY"), "SPKI PEM");
	T_CHECK(pem[1] && strstr(pem[1], "BEGIN RSA PUBLIC KEY"), "PKCS#1 PEM");
	if (!pem[0] || !pem[1])
		return;

	for (int form = 0; form < 2; form++) {
		for (size_t i = 0; i < sizeof(passwords) / sizeof(passwords[0]);
		    i++) {
			const char *pw = passwords[i];
			size_t plen = strlen(pw) + 1;

			T_CASE(form ? "RSA round trip, BEGIN RSA PUBLIC KEY" :
			    "RSA round trip, BEGIN PUBLIC KEY");
			memset(&err, 0, sizeof(err));
			ok = auth_rsa_encrypt(&enc, &enc_len, pw, scramble20,
			    20, pem[form], pem_len[form], &err);
			T_CHECK(ok && enc_len == 256, "%s (len %zu)", err.msg,
			    enc_len);
			if (!ok)
				continue;
			n = rsa_decrypt(pkey, enc, enc_len, plain,
			    sizeof(plain));
			T_CHECK(n == (long)plen,
			    "decrypted %ld bytes, want %zu", n, plen);
			for (size_t k = 0; n == (long)plen && k < plen; k++)
				T_CHECK((plain[k] ^ scramble20[k % 20]) ==
				    (uint8_t)pw[k], "byte %zu", k);
			free(enc);
		}
	}

	T_CASE("RSA: the C string's NUL counted in the PEM length");
	memset(&err, 0, sizeof(err));
	ok = auth_rsa_encrypt(&enc, &enc_len, "x", scramble20, 20, pem[0],
	    pem_len[0] + 1, &err);
	T_CHECK(ok, "%s", err.msg);
	if (ok)
		free(enc);

	T_CASE("RSA: the longest password OAEP carries");
	memset(longpw, 'w', sizeof(longpw));
	longpw[213] = '\0'; /* 213 + NUL = 256 - 42 */
	memset(&err, 0, sizeof(err));
	ok = auth_rsa_encrypt(&enc, &enc_len, longpw, scramble20, 20, pem[0],
	    pem_len[0], &err);
	T_CHECK(ok, "%s", err.msg);
	if (ok) {
		n = rsa_decrypt(pkey, enc, enc_len, plain, sizeof(plain));
		T_CHECK(n == 214 && (plain[200] ^ scramble20[0]) == 'w',
		    "decrypted %ld", n);
		free(enc);
	}

	T_CASE("RSA: one byte more is refused, without naming the password");
	longpw[213] = 'w';
	longpw[214] = '\0';
	memset(&err, 0, sizeof(err));
	ok = auth_rsa_encrypt(&enc, &enc_len, longpw, scramble20, 20, pem[0],
	    pem_len[0], &err);
	T_CHECK(!ok && err.code == PROTO_UNSUPPORTED && enc == NULL &&
	    strstr(err.msg, "www") == NULL, "code %d %s", err.code, err.msg);

	T_CASE("RSA: not a PEM key");
	memset(&err, 0, sizeof(err));
	ok = auth_rsa_encrypt(&enc, &enc_len, "x", scramble20, 20,
	    "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", 56,
	    &err);
	T_CHECK(!ok && err.code == PROTO_MALFORMED, "code %d", err.code);
	memset(&err, 0, sizeof(err));
	ok = auth_rsa_encrypt(&enc, &enc_len, "x", scramble20, 20, "", 0,
	    &err);
	T_CHECK(!ok && err.code == PROTO_MALFORMED, "empty: code %d",
	    err.code);

	T_CASE("RSA: empty scramble");
	memset(&err, 0, sizeof(err));
	ok = auth_rsa_encrypt(&enc, &enc_len, "x", scramble20, 0, pem[0],
	    pem_len[0], &err);
	T_CHECK(!ok && err.code == PROTO_MALFORMED, "code %d", err.code);

	free(pem[0]);
	free(pem[1]);
	EVP_PKEY_free(pkey);
}

/*
 * Public keys MariaDB 10.11.19 stored for CREATE USER ... IDENTIFIED VIA
 * ed25519 USING PASSWORD('...') (mysql.global_priv authentication_string).
 */
static const struct {
	const char *pw;
	const char *b64;
} ed_keys[] = {
	{ "secret", "ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJY" },
	{ "x", "Gv2JI8Env2fd5YGonZ082tX3UAW+yJYldOlj4R1bfK4" },
	{ "correct horse battery staple",
	    "1+uYqLS7J/yXURCXR5LjPl0TZDP5bkgVXq1Kq9aCeL4" },
	{ "p\xc3\xa4ssw\xc3\xb6rd", /* UTF-8 */
	    "3AcJUN7vR2AnAzs/McwNtGs2GDbHzL5YqZoIOPw62V0" },
	{ NULL, /* 200 x 'p' */
	    "UXh6MX5FALEvfCaWQrhi60qVj/IgsANabvj9sWu0Nsg" },
};

/*
 * A login MariaDB 10.11.19 accepted: user IDENTIFIED VIA ed25519 USING
 * PASSWORD('secret'), this nonce from its AuthSwitchRequest, and this
 * signature sent back (also reproduced by an affine-coordinate Python
 * implementation of the same derivation).
 */
static const uint8_t ed_nonce[32] = {
	0x8a, 0xf5, 0x65, 0x1b, 0x2b, 0x7f, 0x48, 0x1e, 0xc7, 0xe6, 0x60,
	0x6d, 0x89, 0xda, 0xea, 0xa9, 0x0f, 0x9f, 0x88, 0xf7, 0x92, 0x8b,
	0x70, 0x1a, 0xdf, 0x4a, 0x0d, 0x23, 0x7a, 0x85, 0xc4, 0x27,
};
static const char ed_sig_secret[] =
    "c03f140cf19551553d81f56e5512947138dd8379b0925b7cfa9aa279fb72b931"
    "dd71712ad31f99a4cb8890f522f944078f3545aa5cbf374f7d7c142262152702";

/* Verify an Ed25519 signature of msg under public key a with OpenSSL. */
static bool
ed_verify(const uint8_t a[32], const uint8_t sig[64], const uint8_t *msg,
    size_t n)
{
	EVP_PKEY *pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, a,
	    32);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = pk != NULL && ctx != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pk) == 1 &&
	    EVP_DigestVerify(ctx, sig, 64, msg, n) == 1;

	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return ok;
}

static void
test_ed25519(void)
{
	static const char *passwords[] = { "secret", "", "x",
		"correct horse battery staple", "p\xc3\xa4ssw\xc3\xb6rd",
		"0123456789012345678901234567890123456789012345678901234567890"
		"123456789" };
	struct proto_err err;
	uint8_t a[32], sig[64], sig2[64], msg[32];
	unsigned char b64[48];
	char pw200[201];
	bool ok;

	memset(pw200, 'p', 200);
	pw200[200] = '\0';
	for (size_t i = 0; i < sizeof(ed_keys) / sizeof(ed_keys[0]); i++) {
		const char *pw = ed_keys[i].pw ? ed_keys[i].pw : pw200;

		T_CASE("ed25519 public key equals MariaDB's");
		auth_ed25519_pubkey(a, pw);
		EVP_EncodeBlock(b64, a, 32);
		b64[43] = '\0'; /* MariaDB drops the '=' */
		T_CHECK(strcmp((char *)b64, ed_keys[i].b64) == 0,
		    "password %zu: got %s, want %s", i, b64, ed_keys[i].b64);
	}

	T_CASE("ed25519 signature MariaDB accepted");
	memset(&err, 0, sizeof(err));
	ok = auth_ed25519(sig, "secret", ed_nonce, 32, &err);
	T_CHECK(ok, "%s", err.msg);
	check_hex(sig, ed_sig_secret, 64);

	for (size_t i = 0; i < sizeof(passwords) / sizeof(passwords[0]); i++) {
		for (int s = 0; s < 3; s++) {
			T_CASE("ed25519 signature verifies with OpenSSL");
			for (int k = 0; k < 32; k++)
				msg[k] = (uint8_t)(s * 77 + k * (2 * s + 1) +
				    (s == 2 ? 0xff : 0));
			if (s == 0)
				memcpy(msg, ed_nonce, 32);
			memset(&err, 0, sizeof(err));
			ok = auth_ed25519(sig, passwords[i], msg, 32, &err);
			T_CHECK(ok, "%s", err.msg);
			auth_ed25519_pubkey(a, passwords[i]);
			T_CHECK(ed_verify(a, sig, msg, 32),
			    "password %zu scramble %d: signature rejected", i,
			    s);

			if (s == 0) {
				T_CASE("ed25519 signing is deterministic");
				ok = auth_ed25519(sig2, passwords[i], msg, 32,
				    &err);
				T_CHECK(ok && memcmp(sig, sig2, 64) == 0,
				    "differs");
			}

			T_CASE("ed25519 signature fails for another message");
			msg[s * 5] ^= 0x01;
			T_CHECK(!ed_verify(a, sig, msg, 32), "accepted");
		}
	}

	T_CASE("ed25519 signature does not verify under another key");
	ok = auth_ed25519(sig, "secret", ed_nonce, 32, &err);
	auth_ed25519_pubkey(a, "secreT");
	T_CHECK(ok && !ed_verify(a, sig, ed_nonce, 32), "accepted");

	T_CASE("ed25519 scramble must be 32 bytes");
	memset(&err, 0, sizeof(err));
	ok = auth_ed25519(sig, "secret", ed_nonce, 20, &err);
	T_CHECK(!ok && err.code == PROTO_MALFORMED, "code %d", err.code);
	memset(&err, 0, sizeof(err));
	ok = auth_ed25519(sig, "secret", ed_nonce, 33, &err);
	T_CHECK(!ok && err.code == PROTO_MALFORMED, "code %d", err.code);
}

int
main(void)
{
	test_hashes();
	test_rsa();
	test_ed25519();
	return t_done();
}
