/* auth.c: client side of the auth plugins: native, sha2, RSA, ed25519. */
#include "proto/auth.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#define AUTH_SCRAMBLE_LEN 20 /* the scramble native and sha2 hash */
#define AUTH_ED_NONCE_LEN 32 /* MariaDB ed25519's server nonce */

/* Hash the concatenation of up to three byte strings (NULL ends the list). */
static void
auth_hash(const EVP_MD *md, uint8_t *out, const void *a, size_t alen,
    const void *b, size_t blen, const void *c, size_t clen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int olen;

	/*
	 * Digest contexts only fail to allocate; an all-zero answer then
	 * simply fails authentication.
	 */
	memset(out, 0, (size_t)EVP_MD_get_size(md));
	if (ctx == NULL)
		return;
	if (EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
	    EVP_DigestUpdate(ctx, a, alen) == 1 &&
	    (b == NULL || EVP_DigestUpdate(ctx, b, blen) == 1) &&
	    (c == NULL || EVP_DigestUpdate(ctx, c, clen) == 1))
		EVP_DigestFinal_ex(ctx, out, &olen);
	EVP_MD_CTX_free(ctx);
}

/* The hashed scramble: its first 20 bytes (a trailing NUL is not in it). */
static size_t
auth_scramble_len(size_t scramble_len)
{
	return scramble_len < AUTH_SCRAMBLE_LEN ? scramble_len :
	    AUTH_SCRAMBLE_LEN;
}

/*
 * mysql_native_password: SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))).
 * An empty password is answered with an empty response by the caller.
 */
void
auth_native(uint8_t out[20], const char *password, const uint8_t *scramble,
    size_t scramble_len)
{
	uint8_t h1[20], h2[20], h3[20];

	auth_hash(EVP_sha1(), h1, password, strlen(password), NULL, 0, NULL,
	    0);
	auth_hash(EVP_sha1(), h2, h1, sizeof(h1), NULL, 0, NULL, 0);
	auth_hash(EVP_sha1(), h3, scramble, auth_scramble_len(scramble_len),
	    h2, sizeof(h2), NULL, 0);
	for (int i = 0; i < 20; i++)
		out[i] = h1[i] ^ h3[i];
	OPENSSL_cleanse(h1, sizeof(h1));
	OPENSSL_cleanse(h2, sizeof(h2));
}

/*
 * caching_sha2_password:
 * SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + scramble).
 */
void
auth_sha2(uint8_t out[32], const char *password, const uint8_t *scramble,
    size_t scramble_len)
{
	uint8_t h1[32], h2[32], h3[32];

	auth_hash(EVP_sha256(), h1, password, strlen(password), NULL, 0, NULL,
	    0);
	auth_hash(EVP_sha256(), h2, h1, sizeof(h1), NULL, 0, NULL, 0);
	auth_hash(EVP_sha256(), h3, h2, sizeof(h2), scramble,
	    auth_scramble_len(scramble_len), NULL, 0);
	for (int i = 0; i < 32; i++)
		out[i] = h1[i] ^ h3[i];
	OPENSSL_cleanse(h1, sizeof(h1));
	OPENSSL_cleanse(h2, sizeof(h2));
}

/*
 * Read the server's RSA public key: PEM "BEGIN PUBLIC KEY"
 * (SubjectPublicKeyInfo) or "BEGIN RSA PUBLIC KEY" (PKCS#1).
 */
static EVP_PKEY *
auth_rsa_key(const char *pem, size_t pem_len, struct proto_err *err)
{
	OSSL_DECODER_CTX *dctx;
	EVP_PKEY *pkey = NULL;
	const unsigned char *data = (const unsigned char *)pem;
	size_t len = pem_len;

	while (len > 0 && data[len - 1] == '\0')
		len--; /* servers may count the C string's NUL */
	dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", NULL, "RSA",
	    OSSL_KEYMGMT_SELECT_PUBLIC_KEY, NULL, NULL);
	if (dctx == NULL) {
		proto_fail(err, PROTO_NOMEM, 0, "cannot set up a PEM decoder");
		return NULL;
	}
	if (len == 0 || OSSL_DECODER_from_data(dctx, &data, &len) != 1 ||
	    pkey == NULL) {
		OSSL_DECODER_CTX_free(dctx);
		EVP_PKEY_free(pkey);
		proto_fail(err, PROTO_MALFORMED, 0,
		    "server RSA public key (%zu bytes) is not a PEM RSA "
		    "public key", pem_len);
		return NULL;
	}
	OSSL_DECODER_CTX_free(dctx);
	return pkey;
}

bool
auth_rsa_encrypt(uint8_t **out, size_t *out_len, const char *password,
    const uint8_t *scramble, size_t scramble_len, const char *pem,
    size_t pem_len, struct proto_err *err)
{
	EVP_PKEY *pkey;
	EVP_PKEY_CTX *ctx = NULL;
	uint8_t *plain = NULL, *cipher = NULL;
	size_t plen = strlen(password) + 1, clen = 0, kbytes;
	bool ok = false;

	*out = NULL;
	*out_len = 0;
	if (scramble_len == 0)
		return proto_fail(err, PROTO_MALFORMED, 0,
		    "empty scramble for RSA password exchange");
	pkey = auth_rsa_key(pem, pem_len, err);
	if (pkey == NULL)
		return false;
	/* OAEP with SHA-1 carries at most k - 2*20 - 2 bytes. */
	kbytes = (size_t)EVP_PKEY_get_size(pkey);
	if (kbytes < 42 || plen > kbytes - 42) {
		proto_fail(err, PROTO_UNSUPPORTED, 0,
		    "password too long for the server's %zu-bit RSA key",
		    kbytes * 8);
		goto done;
	}
	plain = malloc(plen);
	if (plain == NULL) {
		proto_fail(err, PROTO_NOMEM, 0, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < plen; i++)
		plain[i] = (uint8_t)password[i] ^ scramble[i % scramble_len];
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	if (ctx == NULL || EVP_PKEY_encrypt_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) != 1 ||
	    EVP_PKEY_encrypt(ctx, NULL, &clen, plain, plen) != 1) {
		proto_fail(err, PROTO_UNSUPPORTED, 0,
		    "cannot set up RSA-OAEP encryption");
		goto done;
	}
	cipher = malloc(clen);
	if (cipher == NULL) {
		proto_fail(err, PROTO_NOMEM, 0, "out of memory");
		goto done;
	}
	if (EVP_PKEY_encrypt(ctx, cipher, &clen, plain, plen) != 1) {
		proto_fail(err, PROTO_UNSUPPORTED, 0,
		    "RSA-OAEP encryption failed");
		goto done;
	}
	*out = cipher;
	*out_len = clen;
	cipher = NULL;
	ok = true;
done:
	if (plain != NULL) {
		OPENSSL_cleanse(plain, plen);
		free(plain);
	}
	free(cipher);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return ok;
}

/*
 * ---- Ed25519 arithmetic for MariaDB's client_ed25519.
 *
 * OpenSSL signs only with a 32-byte seed, and MariaDB derives the secret
 * scalar from SHA512 of the whole password instead, so the curve is done
 * here. Field elements mod p = 2^255 - 19 are 16 limbs of 16 bits, kept
 * normalised (every limb < 2^16, value < 2^256) after each operation;
 * 2^256 = 38 (mod p) folds the top. Speed is irrelevant (one signature per
 * login); secret-dependent branches and table lookups are avoided.
 */
struct auth_fe {
	uint64_t v[16];
};

/* A point in extended coordinates: x = X/Z, y = Y/Z, x*y = T/Z. */
struct auth_pt {
	struct auth_fe x, y, z, t;
};

/* p = 2^255 - 19 as limbs. */
static const uint16_t auth_p[16] = {
	0xffed, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff,
	0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0x7fff,
};

/* Carry every limb into the next, three passes: enough to normalise. */
static void
auth_fe_carry(struct auth_fe *o)
{
	for (int pass = 0; pass < 3; pass++) {
		for (int i = 0; i < 16; i++) {
			uint64_t c = o->v[i] >> 16;
			o->v[i] &= 0xffff;
			if (i < 15)
				o->v[i + 1] += c;
			else
				o->v[0] += 38 * c;
		}
	}
}

static void
auth_fe_small(struct auth_fe *o, uint32_t n)
{
	memset(o, 0, sizeof(*o));
	o->v[0] = n & 0xffff;
	o->v[1] = n >> 16;
}

static void
auth_fe_add(struct auth_fe *o, const struct auth_fe *a, const struct auth_fe *b)
{
	for (int i = 0; i < 16; i++)
		o->v[i] = a->v[i] + b->v[i];
	auth_fe_carry(o);
}

/* a - b computed as a + 4p - b, so that no limb goes negative. */
static void
auth_fe_sub(struct auth_fe *o, const struct auth_fe *a, const struct auth_fe *b)
{
	for (int i = 0; i < 16; i++)
		o->v[i] = a->v[i] + 4 * (uint64_t)auth_p[i] - b->v[i];
	auth_fe_carry(o);
}

static void
auth_fe_mul(struct auth_fe *o, const struct auth_fe *a, const struct auth_fe *b)
{
	uint64_t t[31] = { 0 };

	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 16; j++)
			t[i + j] += a->v[i] * b->v[j];
	for (int i = 0; i < 15; i++)
		t[i] += 38 * t[i + 16];
	memcpy(o->v, t, sizeof(o->v));
	auth_fe_carry(o);
}

/* a^e for a public exponent e (32 bytes, little-endian, bit 255 clear). */
static void
auth_fe_pow(struct auth_fe *o, const struct auth_fe *a, const uint8_t e[32])
{
	struct auth_fe r, base = *a;

	auth_fe_small(&r, 1);
	for (int i = 254; i >= 0; i--) {
		auth_fe_mul(&r, &r, &r);
		if ((e[i / 8] >> (i % 8)) & 1)
			auth_fe_mul(&r, &r, &base);
	}
	*o = r;
}

/* 1/a = a^(p-2). */
static void
auth_fe_inv(struct auth_fe *o, const struct auth_fe *a)
{
	uint8_t e[32];

	memset(e, 0xff, sizeof(e));
	e[0] = 0xeb; /* p - 2 = 2^255 - 21 */
	e[31] = 0x7f;
	auth_fe_pow(o, a, e);
}

/* Swap a and b when bit is 1, without branching on it. */
static void
auth_fe_cswap(struct auth_fe *a, struct auth_fe *b, uint64_t bit)
{
	uint64_t mask = (uint64_t)0 - bit;

	for (int i = 0; i < 16; i++) {
		uint64_t t = mask & (a->v[i] ^ b->v[i]);
		a->v[i] ^= t;
		b->v[i] ^= t;
	}
}

/* The canonical 32-byte little-endian encoding (value reduced below p). */
static void
auth_fe_bytes(uint8_t out[32], const struct auth_fe *a)
{
	struct auth_fe t = *a, m;

	/* t < 2^256 = 2p + 38: at most two subtractions of p. */
	for (int k = 0; k < 2; k++) {
		int64_t borrow = 0;
		for (int i = 0; i < 16; i++) {
			int64_t d = (int64_t)t.v[i] - auth_p[i] - borrow;
			borrow = (int64_t)((uint64_t)d >> 63);
			m.v[i] = (uint64_t)d & 0xffff;
		}
		/* keep m when there was no final borrow (t >= p) */
		auth_fe_cswap(&t, &m, (uint64_t)(1 - borrow));
	}
	for (int i = 0; i < 16; i++) {
		out[2 * i] = (uint8_t)t.v[i];
		out[2 * i + 1] = (uint8_t)(t.v[i] >> 8);
	}
}

static bool
auth_fe_equal(const struct auth_fe *a, const struct auth_fe *b)
{
	uint8_t x[32], y[32];

	auth_fe_bytes(x, a);
	auth_fe_bytes(y, b);
	return memcmp(x, y, 32) == 0;
}

/* The curve's constants, derived rather than transcribed. */
struct auth_ed {
	struct auth_fe d2;    /* 2d, d = -121665/121666 */
	struct auth_pt base;  /* B: y = 4/5, x even */
};

/*
 * Compute 2d and the base point. x comes from x^2 = (y^2 - 1)/(d y^2 + 1):
 * with w = that ratio, x = w^((p+3)/8), times sqrt(-1) = 2^((p-1)/4) when
 * x^2 = -w; the even root is B's.
 */
static void
auth_ed_init(struct auth_ed *ed)
{
	struct auth_fe one, zero, d, y, y2, u, v, w, x, x2, i, two, xb;
	uint8_t e[32], xbytes[32];

	auth_fe_small(&one, 1);
	auth_fe_small(&zero, 0);
	auth_fe_small(&d, 121666);
	auth_fe_inv(&d, &d);
	auth_fe_small(&u, 121665);
	auth_fe_mul(&d, &d, &u);
	auth_fe_sub(&d, &zero, &d);
	auth_fe_add(&ed->d2, &d, &d);

	auth_fe_small(&y, 5);
	auth_fe_inv(&y, &y);
	auth_fe_small(&u, 4);
	auth_fe_mul(&y, &y, &u);

	auth_fe_mul(&y2, &y, &y);
	auth_fe_sub(&u, &y2, &one);
	auth_fe_mul(&v, &d, &y2);
	auth_fe_add(&v, &v, &one);
	auth_fe_inv(&v, &v);
	auth_fe_mul(&w, &u, &v);

	memset(e, 0xff, sizeof(e));
	e[0] = 0xfe; /* (p + 3) / 8 = 2^252 - 2 */
	e[31] = 0x0f;
	auth_fe_pow(&x, &w, e);
	auth_fe_mul(&x2, &x, &x);
	if (!auth_fe_equal(&x2, &w)) {
		memset(e, 0xff, sizeof(e));
		e[0] = 0xfb; /* (p - 1) / 4 = 2^253 - 5 */
		e[31] = 0x1f;
		auth_fe_small(&two, 2);
		auth_fe_pow(&i, &two, e);
		auth_fe_mul(&x, &x, &i);
	}
	auth_fe_bytes(xbytes, &x);
	if (xbytes[0] & 1) {
		auth_fe_sub(&xb, &zero, &x);
		x = xb;
	}
	ed->base.x = x;
	ed->base.y = y;
	ed->base.z = one;
	auth_fe_mul(&ed->base.t, &x, &y);
}

/*
 * r = p + q, the unified formula for a = -1 (Hisil-Wong-Carter-Dawson
 * "add-2008-hwcd-3"); complete on Ed25519, so it also doubles.
 */
static void
auth_pt_add(const struct auth_ed *ed, struct auth_pt *r,
    const struct auth_pt *p, const struct auth_pt *q)
{
	struct auth_fe a, b, c, d, e, f, g, h, t;

	auth_fe_sub(&a, &p->y, &p->x);
	auth_fe_sub(&t, &q->y, &q->x);
	auth_fe_mul(&a, &a, &t);
	auth_fe_add(&b, &p->y, &p->x);
	auth_fe_add(&t, &q->y, &q->x);
	auth_fe_mul(&b, &b, &t);
	auth_fe_mul(&c, &p->t, &q->t);
	auth_fe_mul(&c, &c, &ed->d2);
	auth_fe_mul(&d, &p->z, &q->z);
	auth_fe_add(&d, &d, &d);
	auth_fe_sub(&e, &b, &a);
	auth_fe_sub(&f, &d, &c);
	auth_fe_add(&g, &d, &c);
	auth_fe_add(&h, &b, &a);
	auth_fe_mul(&r->x, &e, &f);
	auth_fe_mul(&r->y, &g, &h);
	auth_fe_mul(&r->t, &e, &h);
	auth_fe_mul(&r->z, &f, &g);
}

static void
auth_pt_cswap(struct auth_pt *a, struct auth_pt *b, uint64_t bit)
{
	auth_fe_cswap(&a->x, &b->x, bit);
	auth_fe_cswap(&a->y, &b->y, bit);
	auth_fe_cswap(&a->z, &b->z, bit);
	auth_fe_cswap(&a->t, &b->t, bit);
}

/*
 * out = k*B for a 256-bit little-endian scalar: a ladder that does the
 * same additions whatever the bits (r1 - r0 = B throughout).
 */
static void
auth_pt_mul_base(const struct auth_ed *ed, struct auth_pt *out,
    const uint8_t k[32])
{
	struct auth_pt r0, r1 = ed->base;

	memset(&r0, 0, sizeof(r0));
	r0.y.v[0] = 1;
	r0.z.v[0] = 1;
	for (int i = 255; i >= 0; i--) {
		uint64_t bit = (k[i / 8] >> (i % 8)) & 1;
		auth_pt_cswap(&r0, &r1, bit);
		auth_pt_add(ed, &r1, &r0, &r1);
		auth_pt_add(ed, &r0, &r0, &r0);
		auth_pt_cswap(&r0, &r1, bit);
	}
	*out = r0;
	OPENSSL_cleanse(&r0, sizeof(r0));
	OPENSSL_cleanse(&r1, sizeof(r1));
}

/* Point encoding: y little-endian, the parity of x in the top bit. */
static void
auth_pt_bytes(uint8_t out[32], const struct auth_pt *p)
{
	struct auth_fe zi, x, y;
	uint8_t xb[32];

	auth_fe_inv(&zi, &p->z);
	auth_fe_mul(&x, &p->x, &zi);
	auth_fe_mul(&y, &p->y, &zi);
	auth_fe_bytes(out, &y);
	auth_fe_bytes(xb, &x);
	out[31] |= (uint8_t)((xb[0] & 1) << 7);
}

/*
 * Scalars mod the group order
 * L = 2^252 + 27742317777372353535851937790883648493
 * use BIGNUM (little-endian byte strings in and out).
 */
struct auth_sc {
	BN_CTX *ctx;
	BIGNUM *l, *r, *k, *a, *s;
};

static void
auth_sc_free(struct auth_sc *sc)
{
	BN_clear_free(sc->r);
	BN_clear_free(sc->k);
	BN_clear_free(sc->a);
	BN_clear_free(sc->s);
	BN_free(sc->l);
	BN_CTX_free(sc->ctx);
}

static bool
auth_sc_init(struct auth_sc *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->ctx = BN_CTX_secure_new();
	sc->r = BN_secure_new();
	sc->k = BN_secure_new();
	sc->a = BN_secure_new();
	sc->s = BN_secure_new();
	if (sc->ctx == NULL || sc->r == NULL || sc->k == NULL ||
	    sc->a == NULL || sc->s == NULL ||
	    BN_hex2bn(&sc->l, "1000000000000000000000000000000014def9dea2f79c"
	    "d65812631a5cf5d3ed") == 0)
		return false;
	BN_set_flags(sc->r, BN_FLG_CONSTTIME);
	BN_set_flags(sc->a, BN_FLG_CONSTTIME);
	BN_set_flags(sc->s, BN_FLG_CONSTTIME);
	return true;
}

/* x = (little-endian bytes) mod L, and the 32-byte encoding of it. */
static bool
auth_sc_reduce(struct auth_sc *sc, BIGNUM *x, const uint8_t *in, size_t n,
    uint8_t out[32])
{
	return BN_lebin2bn(in, (int)n, x) != NULL &&
	    BN_nnmod(x, x, sc->l, sc->ctx) == 1 &&
	    BN_bn2lebinpad(x, out, 32) == 32;
}

/* az = SHA512(password) clamped, and the encoding of A = az[0..32] * B. */
static void
auth_ed_key(const struct auth_ed *ed, const char *password, uint8_t az[64],
    uint8_t a_enc[32])
{
	struct auth_pt pt;

	auth_hash(EVP_sha512(), az, password, strlen(password), NULL, 0,
	    NULL, 0);
	az[0] &= 248;
	az[31] &= 63;
	az[31] |= 64;
	auth_pt_mul_base(ed, &pt, az);
	auth_pt_bytes(a_enc, &pt);
	OPENSSL_cleanse(&pt, sizeof(pt));
}

void
auth_ed25519_pubkey(uint8_t out[32], const char *password)
{
	struct auth_ed ed;
	uint8_t az[64];

	auth_ed_init(&ed);
	auth_ed_key(&ed, password, az, out);
	OPENSSL_cleanse(az, sizeof(az));
}

/*
 * MariaDB client_ed25519 (plugin/auth_ed25519/ref10/sign.c, keypair.c):
 *   az = SHA512(password), clamped: az[0] &= 248, az[31] &= 63, |= 64
 *   A  = a*B with a = az[0..32] (the public key MariaDB stores, base64)
 *   r  = SHA512(az[32..64] || M) mod L,  R = r*B
 *   k  = SHA512(R || A || M) mod L
 *   S  = r + k*a mod L;  the signature is R || S
 * which is an ordinary Ed25519 signature under the public key A.
 */
bool
auth_ed25519(uint8_t out[64], const char *password, const uint8_t *scramble,
    size_t scramble_len, struct proto_err *err)
{
	struct auth_ed ed;
	struct auth_sc sc;
	struct auth_pt pt;
	uint8_t az[64], h[64], rb[32], a_enc[32];
	bool ok = false;

	if (scramble_len != AUTH_ED_NONCE_LEN)
		return proto_fail(err, PROTO_MALFORMED, 0,
		    "ed25519 scramble of %zu bytes, want %d", scramble_len,
		    AUTH_ED_NONCE_LEN);
	if (!auth_sc_init(&sc)) {
		auth_sc_free(&sc);
		return proto_fail(err, PROTO_NOMEM, 0, "out of memory");
	}
	auth_ed_init(&ed);
	auth_ed_key(&ed, password, az, a_enc);

	auth_hash(EVP_sha512(), h, az + 32, 32, scramble, scramble_len, NULL,
	    0);
	if (!auth_sc_reduce(&sc, sc.r, h, sizeof(h), rb))
		goto fail;
	auth_pt_mul_base(&ed, &pt, rb);
	auth_pt_bytes(out, &pt);

	auth_hash(EVP_sha512(), h, out, 32, a_enc, 32, scramble, scramble_len);
	if (!auth_sc_reduce(&sc, sc.k, h, sizeof(h), h) ||
	    BN_lebin2bn(az, 32, sc.a) == NULL ||
	    BN_mod_mul(sc.s, sc.k, sc.a, sc.l, sc.ctx) != 1 ||
	    BN_mod_add(sc.s, sc.s, sc.r, sc.l, sc.ctx) != 1 ||
	    BN_bn2lebinpad(sc.s, out + 32, 32) != 32)
		goto fail;
	ok = true;
fail:
	if (!ok) {
		memset(out, 0, 64);
		proto_fail(err, PROTO_NOMEM, 0,
		    "ed25519 scalar arithmetic failed");
	}
	OPENSSL_cleanse(az, sizeof(az));
	OPENSSL_cleanse(h, sizeof(h));
	OPENSSL_cleanse(rb, sizeof(rb));
	OPENSSL_cleanse(&pt, sizeof(pt));
	auth_sc_free(&sc);
	return ok;
}
